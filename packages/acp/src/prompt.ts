// ACP prompt content → the agent's user input: text as is, files the user attached (links and
// embedded resources) as references the model can read, images as data URLs.
import { fileURLToPath } from 'node:url'
import type { UserInput } from '@agent/protocol'
import type { ContentBlock } from '@agentclientprotocol/sdk'

/** A `file://` URI as a path; any other URI as is. */
export function uriToPath(uri: string): string {
  if (!uri.startsWith('file://')) return uri
  try {
    return fileURLToPath(uri)
  } catch {
    return uri
  }
}

/** The user's input for one prompt, and its text (for slash commands). */
export function promptToInput(blocks: ContentBlock[]): UserInput[] {
  const items: UserInput[] = []
  const context: string[] = []
  let text = ''
  const addText = (part: string) => {
    text += part
  }
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        addText(block.text)
        break
      case 'resource_link':
        // A mention: the model gets the path and reads the file with its tools if it needs it.
        addText(`@${uriToPath(block.uri)}`)
        break
      case 'resource': {
        const resource = block.resource
        const path = uriToPath(resource.uri)
        if ('text' in resource) {
          addText(`@${path}`)
          context.push(`<context ref="${path}">\n${resource.text}\n</context>`)
        } else if (resource.mimeType?.startsWith('image/')) {
          items.push({ type: 'image', image_url: `data:${resource.mimeType};base64,${resource.blob}` })
        } else {
          addText(`@${path}`)
          context.push(
            `<context ref="${path}">(binary content, ${resource.mimeType ?? 'unknown type'})</context>`,
          )
        }
        break
      }
      case 'image':
        items.push({
          type: 'image',
          image_url: block.data ? `data:${block.mimeType};base64,${block.data}` : (block.uri ?? ''),
        })
        break
      case 'audio':
        // Not advertised in promptCapabilities; a client that sends it anyway gets a note.
        context.push('(an audio clip was attached; this agent cannot listen to audio)')
        break
    }
  }
  const full = context.length > 0 ? `${text}\n\n${context.join('\n\n')}` : text
  return [{ type: 'text', text: full }, ...items.filter((item) => item.type !== 'image' || item.image_url)]
}

/** The prompt's text alone, to recognise a leading `/command`. */
export function promptText(blocks: ContentBlock[]): string {
  return blocks.map((block) => (block.type === 'text' ? block.text : '')).join('')
}
