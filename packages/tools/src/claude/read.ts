// Claude Code's `Read`: a file's lines numbered like `cat -n`, a window of them with
// offset/limit, images as image content. Reading records the file for the read-before-edit rule.
import { open, readFile, stat } from 'node:fs/promises'
import { z } from 'zod'
import { sniffImageType } from '../codex/view-image.js'
import { isBinary } from '../diff/unified.js'
import { diskFileSystem, fileSystemOf } from '../shared/file-system.js'
import { defineTool, errorMessage } from '../shared/tool-kit.js'
import {
  absolutePathError,
  contentLines,
  isReadDenied,
  numberLines,
  READ_DENIED_MESSAGE,
  recordRead,
} from './file-state.js'

export const DEFAULT_READ_LIMIT = 2000
export const MAX_LINE_LENGTH = 2000
/** Whole-file reads above this size must use offset/limit. */
export const MAX_WHOLE_FILE_BYTES = 256 * 1024
const MAX_IMAGE_BYTES = 20 * 1024 * 1024

export const ReadArgs = z.object({
  file_path: z.string(),
  offset: z.number().int().nonnegative().optional(),
  limit: z.number().int().positive().optional(),
})
export type ReadArgs = z.infer<typeof ReadArgs>

export const READ_JSON_SCHEMA = {
  type: 'object',
  properties: {
    file_path: { type: 'string', description: 'The absolute path to the file to read' },
    offset: {
      type: 'number',
      description:
        'The line number to start reading from. Only provide if the file is too large to read at once',
    },
    limit: {
      type: 'number',
      description: 'The number of lines to read. Only provide if the file is too large to read at once.',
    },
  },
  required: ['file_path'],
  additionalProperties: false,
}

export const readTool = defineTool<ReadArgs>({
  name: 'Read',
  description: `Reads a file from the local filesystem.
- file_path must be an absolute path.
- By default up to ${DEFAULT_READ_LIMIT} lines are read from the start; use offset and limit for long files.
- Lines longer than ${MAX_LINE_LENGTH} characters are cut.
- Output is numbered like \`cat -n\`, starting at 1.
- Images (PNG, JPEG, GIF, WebP) are returned as images.
- A file must be read before it can be edited or overwritten.`,
  parameters: ReadArgs,
  jsonSchema: READ_JSON_SCHEMA,
  readOnly: true,
  async handle(args, context) {
    const pathError = absolutePathError(args.file_path)
    if (pathError) return { output: pathError, isError: true }
    const path = args.file_path
    if (isReadDenied(context, path)) return { output: READ_DENIED_MESSAGE, isError: true }
    let info: Awaited<ReturnType<typeof stat>>
    try {
      info = await stat(path)
    } catch {
      return { output: 'File does not exist.', isError: true }
    }
    if (info.isDirectory()) {
      return {
        output: `${path} is a directory, not a file. Use Glob or Bash \`ls\` to list it.`,
        isError: true,
      }
    }
    const head = Buffer.alloc(16)
    const handle = await open(path, 'r')
    try {
      await handle.read(head, 0, 16, 0)
    } finally {
      await handle.close()
    }
    const mime = sniffImageType(head)
    if (mime) {
      if (info.size > MAX_IMAGE_BYTES) {
        return {
          output: `Image is ${info.size} bytes; the limit is ${MAX_IMAGE_BYTES} bytes.`,
          isError: true,
        }
      }
      const bytes = await readFile(path)
      await recordRead(context, path)
      return {
        output: [{ type: 'input_image', image_url: `data:${mime};base64,${bytes.toString('base64')}` }],
      }
    }
    const windowed = args.offset !== undefined || args.limit !== undefined
    if (!windowed && info.size > MAX_WHOLE_FILE_BYTES) {
      return {
        output: `File content (${Math.round(info.size / 1024)}KB) exceeds maximum allowed size (${MAX_WHOLE_FILE_BYTES / 1024}KB). Please use offset and limit parameters to read specific portions of the file, or use the Grep tool to search for specific content.`,
        isError: true,
      }
    }
    let bytes: Buffer
    try {
      bytes = await readFile(path)
    } catch (error) {
      return { output: `Cannot read ${path}: ${errorMessage(error)}`, isError: true }
    }
    if (isBinary(bytes)) {
      return {
        output: `This tool cannot read binary files: ${path} looks binary. Use Bash with a suitable tool (xxd, file) to inspect it.`,
        isError: true,
      }
    }
    // The text itself from the session's file system (an editor's buffer, unsaved edits included).
    const fs = fileSystemOf(context)
    let text = bytes.toString('utf8')
    if (fs !== diskFileSystem) {
      try {
        text = await fs.readTextFile(path)
      } catch (error) {
        return { output: `Cannot read ${path}: ${errorMessage(error)}`, isError: true }
      }
    }
    await recordRead(context, path)
    const lines = contentLines(text)
    if (lines.length === 0) {
      return {
        output: '<system-reminder>Warning: the file exists but the contents are empty.</system-reminder>',
      }
    }
    // Offsets are 1-based line numbers; 0 is taken as the start, as Claude Code does.
    const start = Math.max(0, (args.offset ?? 1) - 1)
    if (start >= lines.length) {
      return {
        output: `<system-reminder>Warning: the file exists but is shorter than the provided offset (${args.offset}). The file has ${lines.length} lines.</system-reminder>`,
      }
    }
    const window = lines
      .slice(start, start + (args.limit ?? DEFAULT_READ_LIMIT))
      .map((line) =>
        line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)}… [line truncated]` : line,
      )
    return { output: numberLines(window, start + 1) }
  },
})
