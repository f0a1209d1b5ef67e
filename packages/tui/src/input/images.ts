// Images in the composer: a pasted path to an image file (as terminals paste a dragged file:
// quoted, backslash-escaped or a file:// URL) becomes an `[image: name]` chip, and `@path`
// mentions of image files go to the model as `local_image` inputs next to the text.
import { statSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, extname, isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type EditorState, insert } from './editor.js'

/** The image types core sends to the model (as `input_image`). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp'])

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path).toLowerCase())
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path
}

/**
 * The absolute path of an existing image file when `pasted` is one path and nothing else
 * (`/a/My\ Pic.png`, `'/a/My Pic.png'`, `file:///a/pic.png`, `~/pic.png`, `shots/pic.png`), else undefined.
 */
export function pastedImagePath(pasted: string, cwd: string): string | undefined {
  let text = pasted.trim()
  if (text === '' || text.includes('\n')) return undefined
  const quoted = /^'([^']+)'$|^"([^"]+)"$/.exec(text)
  if (quoted) text = quoted[1] ?? quoted[2] ?? ''
  else if (text.startsWith('file://')) {
    try {
      text = fileURLToPath(text)
    } catch {
      return undefined
    }
  } else {
    if (/(^|[^\\])\s/.test(text)) return undefined
    text = text.replace(/\\(.)/g, '$1')
  }
  const path = resolve(cwd, expandHome(text))
  return isImagePath(path) && isFile(path) ? path : undefined
}

/** How an attached image is written in the submitted text: an `@` mention, quoted when needed. */
export function imageMention(path: string): string {
  return /[\s"]/.test(path) ? `@"${path}"` : `@${path}`
}

/** Inserts an `[image: name]` chip for `path`; the chip is deleted as a whole and sent as its mention. */
export function attachImage(state: EditorState, path: string): EditorState {
  const name = basename(path)
  const same = state.pastes.filter((p) => p.placeholder.startsWith(`[image: ${name}`)).length
  const placeholder = same === 0 ? `[image: ${name}]` : `[image: ${name} #${same + 1}]`
  const next = insert(state, placeholder)
  return { ...next, pastes: [...state.pastes, { placeholder, text: imageMention(path) }] }
}

export interface MentionedImages {
  /** Absolute paths of the image files mentioned, each once, in order. */
  images: string[]
  /** Image mentions that name no file, as written. */
  missing: string[]
}

/** The image files that `@path` / `@"path with spaces"` mentions in `text` name (relative to `cwd`). */
export function mentionedImages(text: string, cwd: string): MentionedImages {
  const images: string[] = []
  const missing: string[] = []
  for (const match of text.matchAll(/(^|\s)@(?:"([^"\n]+)"|([^\s"@]+))/g)) {
    const written = match[2] ?? match[3] ?? ''
    if (!isImagePath(written)) continue
    const path = isAbsolute(written) ? written : resolve(cwd, expandHome(written))
    if (!isFile(path)) missing.push(written)
    else if (!images.includes(path)) images.push(path)
  }
  return { images, missing }
}
