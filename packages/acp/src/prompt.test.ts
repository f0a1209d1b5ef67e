import { describe, expect, it } from 'vitest'
import { promptText, promptToInput, uriToPath } from './prompt.js'

describe('prompt content', () => {
  it('turns links into mentions, embedded text into context, images into data URLs', () => {
    const input = promptToInput([
      { type: 'text', text: 'look at ' },
      { type: 'resource_link', name: 'a', uri: 'file:///r/a%20b.ts' },
      { type: 'resource', resource: { uri: 'file:///r/c.ts', text: 'const c = 1' } },
      { type: 'image', mimeType: 'image/png', data: 'AAAA' },
      { type: 'resource', resource: { uri: 'file:///r/p.png', blob: 'BBBB', mimeType: 'image/png' } },
    ])
    expect(input).toEqual([
      {
        type: 'text',
        text: 'look at @/r/a b.ts@/r/c.ts\n\n<context ref="/r/c.ts">\nconst c = 1\n</context>',
      },
      { type: 'image', image_url: 'data:image/png;base64,AAAA' },
      { type: 'image', image_url: 'data:image/png;base64,BBBB' },
    ])
  })

  it('keeps non-file URIs and reads the text for slash commands', () => {
    expect(uriToPath('https://example.com/x')).toBe('https://example.com/x')
    expect(
      promptText([
        { type: 'text', text: '/compact' },
        { type: 'image', mimeType: 'image/png', data: '' },
      ]),
    ).toBe('/compact')
  })
})
