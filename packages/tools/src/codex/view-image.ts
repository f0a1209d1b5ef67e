// Codex's `view_image`: attach a local image file to the conversation, for models that accept
// images. The file type is decided by its first bytes, not its name.
import { readFile, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { z } from 'zod'
import { defineTool, errorMessage } from '../shared/tool-kit.js'

/** Images larger than this are refused rather than sent (providers cap request sizes). */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024

/** The MIME type of an image from its magic bytes, or undefined when it is not one we send. */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes.subarray(0, 16))
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png'
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  if (b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a') {
    return 'image/gif'
  }
  if (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') {
    return 'image/webp'
  }
  return undefined
}

export const ViewImageArgs = z.object({ path: z.string().min(1, 'path must name an image file') })
export type ViewImageArgs = z.infer<typeof ViewImageArgs>

export const VIEW_IMAGE_JSON_SCHEMA = {
  type: 'object',
  properties: { path: { type: 'string', description: 'Local filesystem path to an image file' } },
  required: ['path'],
  additionalProperties: false,
}

export const viewImageTool = defineTool<ViewImageArgs>({
  name: 'view_image',
  description: 'Attach a local image (by filesystem path) to the conversation context for this turn.',
  parameters: ViewImageArgs,
  jsonSchema: VIEW_IMAGE_JSON_SCHEMA,
  readOnly: true,
  async handle(args, context) {
    const path = resolve(context.cwd, args.path)
    let bytes: Buffer
    try {
      const info = await stat(path)
      if (!info.isFile())
        return { output: `unable to locate image at \`${path}\`: not a file`, isError: true }
      if (info.size > MAX_IMAGE_BYTES) {
        return {
          output: `image at \`${path}\` is ${info.size} bytes; the limit is ${MAX_IMAGE_BYTES} bytes`,
          isError: true,
        }
      }
      bytes = await readFile(path)
    } catch (error) {
      return { output: `unable to locate image at \`${path}\`: ${errorMessage(error)}`, isError: true }
    }
    const mime = sniffImageType(bytes)
    if (!mime) {
      return {
        output: `\`${path}\` is not a PNG, JPEG, GIF or WebP image`,
        isError: true,
      }
    }
    return {
      output: [
        { type: 'input_text', text: `attached local image path: ${path}` },
        { type: 'input_image', image_url: `data:${mime};base64,${bytes.toString('base64')}` },
      ],
    }
  },
})
