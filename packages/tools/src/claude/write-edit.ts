// Claude Code's `Write` and `Edit`. Both refuse to change an existing file the model has not
// read (or that changed since), and both go through the same approval and patch events as
// apply_patch, so hooks, approvals and the UI see every file change the same way.
import { stat } from 'node:fs/promises'
import type { ToolContext, ToolOutput } from '@agent/core'
import { z } from 'zod'
import type { PlannedChange } from '../apply-patch/apply.js'
import { fileSystemOf } from '../shared/file-system.js'
import { approveAndWrite } from '../shared/patch-flow.js'
import { defineTool, errorMessage } from '../shared/tool-kit.js'
import { absolutePathError, recordRead, snippetAround, staleReadError } from './file-state.js'

async function existingFile(path: string): Promise<'file' | 'directory' | 'missing'> {
  try {
    const info = await stat(path)
    return info.isDirectory() ? 'directory' : 'file'
  } catch {
    return 'missing'
  }
}

async function writeChange(change: PlannedChange, context: ToolContext): Promise<string | undefined> {
  const result = await approveAndWrite([change], context)
  if (result.rejected !== undefined) return result.rejected
  if (!result.success) return result.stderr.trim()
  // The model knows what it just wrote: it may edit again without re-reading.
  await recordRead(context, change.absolutePath)
  return undefined
}

export const WriteArgs = z.object({ file_path: z.string(), content: z.string() })
export type WriteArgs = z.infer<typeof WriteArgs>

export const WRITE_JSON_SCHEMA = {
  type: 'object',
  properties: {
    file_path: {
      type: 'string',
      description: 'The absolute path to the file to write (must be absolute, not relative)',
    },
    content: { type: 'string', description: 'The content to write to the file' },
  },
  required: ['file_path', 'content'],
  additionalProperties: false,
}

export const writeTool = defineTool<WriteArgs>({
  name: 'Write',
  description: `Writes a file to the local filesystem, replacing it if it exists.
- file_path must be an absolute path.
- An existing file must have been read with Read first; prefer Edit for changing existing files.`,
  parameters: WriteArgs,
  jsonSchema: WRITE_JSON_SCHEMA,
  readOnly: false,
  emitsOwnEvents: true,
  async handle(args, context): Promise<ToolOutput> {
    const pathError = absolutePathError(args.file_path)
    if (pathError) return { output: pathError, isError: true }
    const path = args.file_path
    const kind = await existingFile(path)
    if (kind === 'directory') return { output: `${path} is a directory.`, isError: true }
    if (kind === 'missing') {
      const refused = await writeChange(
        { type: 'add', path, absolutePath: path, content: args.content },
        context,
      )
      if (refused) return { output: refused, isError: true }
      return { output: `File created successfully at: ${path}` }
    }
    const stale = await staleReadError(context, path)
    if (stale) return { output: stale, isError: true }
    const oldContent = await fileSystemOf(context).readTextFile(path)
    const refused = await writeChange(
      { type: 'update', path, absolutePath: path, oldContent, newContent: args.content },
      context,
    )
    if (refused) return { output: refused, isError: true }
    return {
      output: `The file ${path} has been updated. Here's the result of running \`cat -n\` on a snippet of the edited file:\n${snippetAround(oldContent, args.content)}`,
    }
  },
})

export const EditArgs = z.object({
  file_path: z.string(),
  old_string: z.string(),
  new_string: z.string(),
  replace_all: z.boolean().default(false),
})
export type EditArgs = z.infer<typeof EditArgs>

export const EDIT_JSON_SCHEMA = {
  type: 'object',
  properties: {
    file_path: { type: 'string', description: 'The absolute path to the file to modify' },
    old_string: { type: 'string', description: 'The text to replace' },
    new_string: {
      type: 'string',
      description: 'The text to replace it with (must be different from old_string)',
    },
    replace_all: {
      type: 'boolean',
      default: false,
      description: 'Replace all occurences of old_string (default false)',
    },
  },
  required: ['file_path', 'old_string', 'new_string'],
  additionalProperties: false,
}

// Typographic quotes read as ASCII, one UTF-16 unit for one, so indexes stay aligned.
const QUOTES: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201C': '"', '\u201D': '"' }
const normaliseQuotes = (text: string) => text.replace(/[\u2018\u2019\u201C\u201D]/g, (c) => QUOTES[c] ?? c)

/**
 * The text in `content` that `oldString` was meant to match: itself when present, else the span
 * that matches once curly quotes are read as straight ones (models often type straight quotes
 * for a file's curly ones, or the reverse).
 */
function actualOldString(content: string, oldString: string): string {
  if (content.includes(oldString)) return oldString
  const at = normaliseQuotes(content).indexOf(normaliseQuotes(oldString))
  return at === -1 ? oldString : content.slice(at, at + oldString.length)
}

function countOccurrences(haystack: string, needle: string): number {
  let count = 0
  let at = haystack.indexOf(needle)
  while (at !== -1) {
    count++
    at = haystack.indexOf(needle, at + needle.length)
  }
  return count
}

export const editTool = defineTool<EditArgs>({
  name: 'Edit',
  description: `Performs an exact string replacement in a file.
- The file must have been read with Read in this session first.
- old_string must match the file exactly (indentation included; leave out Read's line-number prefix).
- The edit fails when old_string is not in the file, or appears more than once and replace_all is not set: give more surrounding context to make it unique, or set replace_all to change every occurrence.`,
  parameters: EditArgs,
  jsonSchema: EDIT_JSON_SCHEMA,
  readOnly: false,
  emitsOwnEvents: true,
  async handle(args, context): Promise<ToolOutput> {
    const pathError = absolutePathError(args.file_path)
    if (pathError) return { output: pathError, isError: true }
    const path = args.file_path
    if (args.old_string === args.new_string) {
      return { output: 'No changes to make: old_string and new_string are exactly the same.', isError: true }
    }
    const kind = await existingFile(path)
    if (kind === 'directory') return { output: `${path} is a directory.`, isError: true }
    if (kind === 'missing') {
      // An empty old_string creates the file, as in Claude Code.
      if (args.old_string !== '') return { output: 'File does not exist.', isError: true }
      const refused = await writeChange(
        { type: 'add', path, absolutePath: path, content: args.new_string },
        context,
      )
      if (refused) return { output: refused, isError: true }
      return { output: `File created successfully at: ${path}` }
    }
    const stale = await staleReadError(context, path)
    if (stale) return { output: stale, isError: true }
    let oldContent: string
    try {
      oldContent = await fileSystemOf(context).readTextFile(path)
    } catch (error) {
      return { output: `Cannot read ${path}: ${errorMessage(error)}`, isError: true }
    }
    if (args.old_string === '') {
      if (oldContent.trim() !== '')
        return { output: 'Cannot create new file - file already exists.', isError: true }
    }
    const oldString = args.old_string === '' ? '' : actualOldString(oldContent, args.old_string)
    const matches = oldString === '' ? 1 : countOccurrences(oldContent, oldString)
    if (matches === 0) {
      return { output: `String to replace not found in file.\nString: ${args.old_string}`, isError: true }
    }
    if (matches > 1 && !args.replace_all) {
      return {
        output: `Found ${matches} matches of the string to replace, but replace_all is false. To replace all occurrences, set replace_all to true. To replace only one occurrence, please provide more context to uniquely identify the instance.\nString: ${args.old_string}`,
        isError: true,
      }
    }
    const newContent =
      oldString === ''
        ? args.new_string
        : args.replace_all
          ? oldContent.split(oldString).join(args.new_string)
          : oldContent.replace(oldString, () => args.new_string)
    const refused = await writeChange(
      { type: 'update', path, absolutePath: path, oldContent, newContent },
      context,
    )
    if (refused) return { output: refused, isError: true }
    if (args.replace_all && matches > 1) {
      return {
        output: `The file ${path} has been updated. All ${matches} occurrences of the string were replaced.`,
      }
    }
    return {
      output: `The file ${path} has been updated. Here's the result of running \`cat -n\` on a snippet of the edited file:\n${snippetAround(oldContent, newContent)}`,
    }
  },
})
