// Claude Code's `Glob`: files matching a glob pattern, most recently modified first. Matching is
// tinyglobby's (picomatch semantics, the same family Claude Code's patterns are written for).
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { z } from 'zod'
import { defineTool, errorMessage } from '../shared/tool-kit.js'
import { isReadDenied, READ_DENIED_MESSAGE } from './file-state.js'

export const MAX_GLOB_RESULTS = 100

export const GlobArgs = z.object({
  pattern: z.string().min(1, 'pattern must not be empty'),
  path: z.string().optional(),
})
export type GlobArgs = z.infer<typeof GlobArgs>

export const GLOB_JSON_SCHEMA = {
  type: 'object',
  properties: {
    pattern: { type: 'string', description: 'The glob pattern to match files against' },
    path: {
      type: 'string',
      description:
        'The directory to search in. If not specified, the current working directory will be used. Omit this field to use the default directory; do not enter "undefined" or "null".',
    },
  },
  required: ['pattern'],
  additionalProperties: false,
}

export const globTool = defineTool<GlobArgs>({
  name: 'Glob',
  description: `Fast file pattern matching for any codebase size.
- Supports patterns like "**/*.js" or "src/**/*.ts".
- Returns absolute paths of matching files, most recently modified first (at most ${MAX_GLOB_RESULTS}).`,
  parameters: GlobArgs,
  jsonSchema: GLOB_JSON_SCHEMA,
  readOnly: true,
  async handle(args, context) {
    const root = args.path ? resolve(context.cwd, args.path) : context.cwd
    if (isReadDenied(context, root)) return { output: READ_DENIED_MESSAGE, isError: true }
    try {
      const info = await stat(root)
      if (!info.isDirectory()) return { output: `Path is not a directory: ${root}`, isError: true }
    } catch {
      return { output: `Directory does not exist: ${root}`, isError: true }
    }
    let files: string[]
    try {
      // Loaded at the first Glob call: most sessions never make one, and start-up should not pay.
      const { glob } = await import('tinyglobby')
      files = await glob(args.pattern, {
        cwd: root,
        absolute: true,
        onlyFiles: true,
        dot: true,
        ignore: ['**/.git/**'],
        followSymbolicLinks: false,
      })
    } catch (error) {
      return {
        output: `Invalid glob pattern ${JSON.stringify(args.pattern)}: ${errorMessage(error)}`,
        isError: true,
      }
    }
    files = files.filter((file) => !isReadDenied(context, file))
    if (files.length === 0) return { output: 'No files found' }
    const withTimes = await Promise.all(
      files.map(async (file) => ({ file, mtime: (await stat(file).catch(() => undefined))?.mtimeMs ?? 0 })),
    )
    withTimes.sort((a, b) => b.mtime - a.mtime || (a.file < b.file ? -1 : 1))
    const shown = withTimes.slice(0, MAX_GLOB_RESULTS).map((f) => f.file)
    let output = shown.join('\n')
    if (withTimes.length > MAX_GLOB_RESULTS) {
      output += '\n(Results are truncated. Consider using a more specific path or pattern.)'
    }
    return { output }
  },
})
