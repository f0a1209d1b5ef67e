import { describe, expect, it } from 'vitest'
import { contentBlockToParts, toolResultToParts } from './content.js'

describe('toolResultToParts', () => {
  it('maps text and images, and describes what a model cannot take', () => {
    expect(
      toolResultToParts({
        content: [
          { type: 'text', text: 'hello' },
          { type: 'image', data: 'AAAA', mimeType: 'image/jpeg' },
          { type: 'audio', data: 'AAAAAAAA', mimeType: 'audio/wav' },
          { type: 'resource_link', uri: 'file:///a.txt', name: 'a.txt', description: 'a file' },
          { type: 'resource', resource: { uri: 'file:///b', text: 'inline' } },
          { type: 'resource', resource: { uri: 'file:///c.png', mimeType: 'image/png', blob: 'BBBB' } },
          {
            type: 'resource',
            resource: { uri: 'file:///d.bin', mimeType: 'application/zip', blob: 'AAAAAAAA' },
          },
          { type: 'hologram' },
        ],
      }),
    ).toEqual([
      { type: 'input_text', text: 'hello' },
      { type: 'input_image', image_url: 'data:image/jpeg;base64,AAAA' },
      { type: 'input_text', text: '[audio (audio/wav, 6 bytes) omitted: the model cannot take audio]' },
      { type: 'input_text', text: '[resource link: a.txt <file:///a.txt> — a file]' },
      { type: 'input_text', text: 'inline' },
      { type: 'input_image', image_url: 'data:image/png;base64,BBBB' },
      { type: 'input_text', text: '[binary resource file:///d.bin (application/zip, 6 bytes) omitted]' },
      { type: 'input_text', text: '[unsupported content type "hologram" omitted]' },
    ])
  })
  it('gives structured-only results as JSON text', () => {
    expect(toolResultToParts({ content: [], structuredContent: { a: 1 } })).toEqual([
      { type: 'input_text', text: '{"a":1}' },
    ])
    expect(contentBlockToParts({ type: 'text', text: 'x' })).toEqual([{ type: 'input_text', text: 'x' }])
  })
})
