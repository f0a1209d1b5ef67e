// Codex's `apply_patch` tool as a JSON function (`{ input }`), the form function-calling APIs
// accept. (Codex's freeform grammar form needs custom tools, which the protocol's ToolSpec does
// not carry; see README.)
import { z } from 'zod'
import { PatchParseError, parsePatch } from '../apply-patch/parser.js'
import { runPatchForModel } from '../shared/patch-flow.js'
import { defineTool } from '../shared/tool-kit.js'

export const ApplyPatchArgs = z.object({ input: z.string() })
export type ApplyPatchArgs = z.infer<typeof ApplyPatchArgs>

export const APPLY_PATCH_JSON_SCHEMA = {
  type: 'object',
  properties: {
    input: { type: 'string', description: 'The entire contents of the apply_patch command' },
  },
  required: ['input'],
  additionalProperties: false,
}

export const APPLY_PATCH_DESCRIPTION = `Use the \`apply_patch\` tool to edit files.
The patch is a small file-oriented diff language wrapped in an envelope:

*** Begin Patch
[ one or more file operations ]
*** End Patch

Each operation starts with a header naming the action:
*** Add File: <path>     create a file; every following line starts with + (the contents)
*** Delete File: <path>  delete a file; nothing follows
*** Update File: <path>  change a file in place, optionally followed by *** Move to: <new path>

An update holds one or more hunks, each introduced by @@ (optionally followed by a line such as a
class or function signature that comes before the change). Inside a hunk, lines start with
' ' (context), '-' (removed) or '+' (added). Show about 3 lines of context around each change; use
@@ lines to point at the right class or function when context alone is ambiguous. End a hunk with
*** End of File when its lines are the last lines of the file.

Example:
*** Begin Patch
*** Add File: hello.txt
+Hello world
*** Update File: src/app.py
*** Move to: src/main.py
@@ def greet():
-print("Hi")
+print("Hello, world!")
*** Delete File: obsolete.txt
*** End Patch

Paths are relative to the working directory, never absolute.`

export const applyPatchTool = defineTool<ApplyPatchArgs>({
  name: 'apply_patch',
  description: APPLY_PATCH_DESCRIPTION,
  parameters: ApplyPatchArgs,
  jsonSchema: APPLY_PATCH_JSON_SCHEMA,
  readOnly: false,
  describeForApproval: (args) => ['apply_patch', args.input],
  async handle(args, context) {
    let parsed: ReturnType<typeof parsePatch>
    try {
      parsed = parsePatch(args.input)
    } catch (error) {
      if (!(error instanceof PatchParseError)) throw error
      return { output: `apply_patch verification failed: ${error.message}`, isError: true }
    }
    return runPatchForModel(parsed, context.cwd, context)
  },
})
