// MCP `CallToolResult` content → the model's content parts. Text and images map directly;
// everything a model cannot take (audio, binary resources) becomes a short text note so the
// model knows something was returned.
import type { ContentPart } from '@agent/protocol'

interface McpContentBlock {
  type: string
  [key: string]: unknown
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined)

/** Approximate decoded size of base64 data, for notes about omitted binary content. */
const base64Bytes = (data: string) => Math.floor((data.length * 3) / 4)

function resourceToParts(resource: Record<string, unknown>): ContentPart[] {
  const uri = str(resource.uri) ?? '(no uri)'
  const mime = str(resource.mimeType)
  const text = str(resource.text)
  if (text !== undefined) return [{ type: 'input_text', text }]
  const blob = str(resource.blob)
  if (blob !== undefined && mime?.startsWith('image/')) {
    return [{ type: 'input_image', image_url: `data:${mime};base64,${blob}` }]
  }
  const size = blob === undefined ? '' : `, ${base64Bytes(blob)} bytes`
  return [{ type: 'input_text', text: `[binary resource ${uri} (${mime ?? 'unknown type'}${size}) omitted]` }]
}

/** Maps one MCP content block; unknown block types are described, never dropped silently. */
export function contentBlockToParts(block: McpContentBlock): ContentPart[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'input_text', text: str(block.text) ?? '' }]
    case 'image': {
      const mime = str(block.mimeType) ?? 'image/png'
      return [{ type: 'input_image', image_url: `data:${mime};base64,${str(block.data) ?? ''}` }]
    }
    case 'audio': {
      const data = str(block.data) ?? ''
      return [
        {
          type: 'input_text',
          text: `[audio (${str(block.mimeType) ?? 'unknown type'}, ${base64Bytes(data)} bytes) omitted: the model cannot take audio]`,
        },
      ]
    }
    case 'resource':
      return resourceToParts((block.resource ?? {}) as Record<string, unknown>)
    case 'resource_link': {
      const name = str(block.name) ?? str(block.uri) ?? 'resource'
      const desc = str(block.description)
      return [
        {
          type: 'input_text',
          text: `[resource link: ${name} <${str(block.uri) ?? ''}>${desc ? ` — ${desc}` : ''}]`,
        },
      ]
    }
    default:
      return [{ type: 'input_text', text: `[unsupported content type "${block.type}" omitted]` }]
  }
}

/**
 * Content of a tool result for the model. When the server returned only structured content, it
 * is given as JSON text, so the model sees it either way.
 */
export function toolResultToParts(result: { content?: unknown; structuredContent?: unknown }): ContentPart[] {
  const blocks = Array.isArray(result.content) ? (result.content as McpContentBlock[]) : []
  const parts = blocks.flatMap(contentBlockToParts)
  if (parts.length === 0 && result.structuredContent !== undefined) {
    parts.push({ type: 'input_text', text: JSON.stringify(result.structuredContent) })
  }
  return parts
}

/** An error result for the model. */
export function errorParts(message: string): ContentPart[] {
  return [{ type: 'input_text', text: message }]
}
