// Claude Code's `Grep`, run with ripgrep. The system `rg` is used (or the path given in the
// toolset options): `@vscode/ripgrep` downloads its binary from GitHub at install time, which a
// registry-only install cannot do, so it is not a dependency.
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { z } from 'zod'
import { HelperError, runHelper } from '../process/run-helper.js'
import { defineTool } from '../shared/tool-kit.js'
import { isReadDenied, READ_DENIED_MESSAGE } from './file-state.js'

export const GrepArgs = z.object({
  pattern: z.string().min(1, 'pattern must not be empty'),
  path: z.string().optional(),
  glob: z.string().optional(),
  output_mode: z.enum(['content', 'files_with_matches', 'count']).optional(),
  '-B': z.number().int().nonnegative().optional(),
  '-A': z.number().int().nonnegative().optional(),
  '-C': z.number().int().nonnegative().optional(),
  '-n': z.boolean().optional(),
  '-i': z.boolean().optional(),
  type: z.string().optional(),
  head_limit: z.number().int().nonnegative().optional(),
  offset: z.number().int().nonnegative().optional(),
  multiline: z.boolean().optional(),
})
export type GrepArgs = z.infer<typeof GrepArgs>

export const GREP_JSON_SCHEMA = {
  type: 'object',
  properties: {
    pattern: { type: 'string', description: 'The regular expression pattern to search for in file contents' },
    path: {
      type: 'string',
      description: 'File or directory to search in (rg PATH). Defaults to current working directory.',
    },
    glob: {
      type: 'string',
      description: 'Glob pattern to filter files (e.g. "*.js", "*.{ts,tsx}") - maps to rg --glob',
    },
    output_mode: {
      type: 'string',
      enum: ['content', 'files_with_matches', 'count'],
      description:
        'Output mode: "content" shows matching lines, "files_with_matches" shows file paths (default), "count" shows match counts.',
    },
    '-B': {
      type: 'number',
      description: 'Number of lines to show before each match (rg -B). Content mode only.',
    },
    '-A': {
      type: 'number',
      description: 'Number of lines to show after each match (rg -A). Content mode only.',
    },
    '-C': {
      type: 'number',
      description: 'Number of lines to show before and after each match (rg -C). Content mode only.',
    },
    '-n': {
      type: 'boolean',
      description: 'Show line numbers in output (rg -n). Content mode only; defaults to true.',
    },
    '-i': { type: 'boolean', description: 'Case insensitive search (rg -i)' },
    type: {
      type: 'string',
      description:
        'File type to search (rg --type), e.g. js, py, rust. More efficient than glob for standard types.',
    },
    head_limit: {
      type: 'number',
      description: 'Limit output to the first N lines/entries after offset. Defaults to no limit.',
    },
    offset: { type: 'number', description: 'Skip the first N lines/entries before applying head_limit.' },
    multiline: {
      type: 'boolean',
      description:
        'Enable multiline mode where . matches newlines and patterns can span lines (rg -U --multiline-dotall).',
    },
  },
  required: ['pattern'],
  additionalProperties: false,
}

const MAX_COLUMNS = 500

export interface GrepToolOptions {
  /** The ripgrep binary (default `rg` on PATH). */
  ripgrepPath?: string
}

function window<T>(items: T[], offset = 0, limit = 0): T[] {
  const skipped = items.slice(offset)
  return limit > 0 ? skipped.slice(0, limit) : skipped
}

/** Builds the Grep tool around a ripgrep binary. */
export function createGrepTool(options: GrepToolOptions = {}) {
  const rg = options.ripgrepPath ?? 'rg'
  return defineTool<GrepArgs>({
    name: 'Grep',
    description: `A search tool built on ripgrep.
- Full regex syntax (ripgrep's, not grep's: escape literal braces, e.g. \`interface\\{\\}\`).
- Filter files with glob ("*.js", "**/*.tsx") or type ("js", "py", "rust").
- output_mode: "files_with_matches" (default) lists files, "content" shows matching lines, "count" shows counts.
- Patterns match within one line unless multiline is true.`,
    parameters: GrepArgs,
    jsonSchema: GREP_JSON_SCHEMA,
    readOnly: true,
    async handle(args, context) {
      const target = args.path ? resolve(context.cwd, args.path) : context.cwd
      if (isReadDenied(context, target)) return { output: READ_DENIED_MESSAGE, isError: true }
      try {
        await stat(target)
      } catch {
        return { output: `Path does not exist: ${target}`, isError: true }
      }
      const mode = args.output_mode ?? 'files_with_matches'
      const argv = [rg, '--hidden', '--glob', '!.git', '--max-columns', String(MAX_COLUMNS), '--no-config']
      if (args.multiline) argv.push('-U', '--multiline-dotall')
      if (args['-i']) argv.push('-i')
      if (args.type) argv.push('--type', args.type)
      if (args.glob) {
        // Claude Code splits on whitespace and commas outside braces, so "*.ts *.tsx" works too.
        for (const pattern of args.glob.split(/[\s,]+(?![^{]*\})/).filter(Boolean))
          argv.push('--glob', pattern)
      }
      if (mode === 'files_with_matches') argv.push('--files-with-matches')
      else if (mode === 'count') argv.push('--count-matches', '--with-filename')
      else {
        argv.push('--no-heading', '--with-filename', '--color', 'never')
        if (args['-n'] !== false) argv.push('-n')
        if (args['-C'] !== undefined) argv.push('-C', String(args['-C']))
        else {
          if (args['-B'] !== undefined) argv.push('-B', String(args['-B']))
          if (args['-A'] !== undefined) argv.push('-A', String(args['-A']))
        }
      }
      argv.push('--regexp', args.pattern, '--', target)
      let result: Awaited<ReturnType<typeof runHelper>>
      try {
        result = await runHelper(argv, {
          cwd: context.cwd,
          signal: context.signal,
          maxBytes: 32 * 1024 * 1024,
        })
      } catch (error) {
        if (error instanceof HelperError && error.kind === 'not_found') {
          return {
            output: `Grep needs ripgrep, but "${rg}" was not found. Install it (apt-get install ripgrep, brew install ripgrep) or set the ripgrep path in the toolset options.`,
            isError: true,
          }
        }
        throw error
      }
      if (result.code === 2 || (result.code !== 0 && result.code !== 1)) {
        return {
          output: `ripgrep failed: ${result.stderr.trim() || `exit code ${result.code}`}`,
          isError: true,
        }
      }
      // Matches in files the sandbox policy hides are dropped (every output line starts with the path).
      const denied = (line: string) => {
        const policy = context.sandboxPolicy
        if (policy.type === 'danger-full-access' || !policy.deny_read?.length) return false
        return isReadDenied(context, line.split(/[:-]\d+[:-]|:/)[0] as string)
      }
      const lines = result.stdout
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '' && !denied(l))
      if (mode === 'files_with_matches') {
        if (lines.length === 0) return { output: 'No files found' }
        const withTimes = await Promise.all(
          lines.map(async (file) => ({
            file,
            mtime: (await stat(file).catch(() => undefined))?.mtimeMs ?? 0,
          })),
        )
        withTimes.sort((a, b) => b.mtime - a.mtime || (a.file < b.file ? -1 : 1))
        const shown = window(
          withTimes.map((f) => f.file),
          args.offset,
          args.head_limit,
        )
        return { output: `Found ${shown.length} file${shown.length === 1 ? '' : 's'}\n${shown.join('\n')}` }
      }
      if (mode === 'count') {
        if (lines.length === 0) return { output: 'No matches found' }
        const shown = window(lines, args.offset, args.head_limit)
        let total = 0
        for (const line of shown) total += Number(line.slice(line.lastIndexOf(':') + 1)) || 0
        return {
          output: `${shown.join('\n')}\n\nFound ${total} total occurrence${total === 1 ? '' : 's'} across ${shown.length} file${shown.length === 1 ? '' : 's'}.`,
        }
      }
      if (lines.length === 0) return { output: 'No matches found' }
      return { output: window(lines, args.offset, args.head_limit).join('\n') }
    },
  })
}
