// Codex's `apply_patch` tool. Function-calling APIs get it as a JSON function (`{ input }`);
// models trained on freeform tools (GPT-5 family on the Responses API) get it as a custom tool
// whose raw text a Lark grammar of the patch envelope constrains. Both reach the same handler.
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

/**
 * The patch format as a Lark grammar, for freeform tool calls: the envelope, the three kinds of
 * file operation, and an update's hunks of context, removed and added lines. Line contents are
 * free text; the parser still checks what the grammar cannot (e.g. that context matches the file).
 */
export const APPLY_PATCH_LARK_GRAMMAR = String.raw`start: begin_patch operation+ end_patch
begin_patch: "*** Begin Patch" LF
end_patch: "*** End Patch" LF?

operation: add_file | delete_file | update_file
add_file: "*** Add File: " path LF added_line+
delete_file: "*** Delete File: " path LF
update_file: "*** Update File: " path LF move_to? first_hunk hunk*
move_to: "*** Move to: " path LF

first_hunk: hunk_header? hunk_line+ end_of_file?
hunk: hunk_header hunk_line+ end_of_file?
hunk_header: "@@" LF | "@@ " TEXT LF
hunk_line: context_line | removed_line | added_line
context_line: " " TEXT? LF | LF
removed_line: "-" TEXT? LF
added_line: "+" TEXT? LF
end_of_file: "*** End of File" LF

path: TEXT
TEXT: /[^\r\n]+/
LF: /\r?\n/
`

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
  freeform: { argument: 'input', grammar: { syntax: 'lark', definition: APPLY_PATCH_LARK_GRAMMAR } },
  readOnly: false,
  emitsOwnEvents: true,
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
