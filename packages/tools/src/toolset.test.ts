import { describe, expect, it } from 'vitest'
import { createToolset, parseToolsetName, toolsetForProvider } from './toolset.js'

describe('toolset selection', () => {
  it('matches the provider’s training', () => {
    expect(toolsetForProvider('anthropic')).toBe('claude')
    expect(toolsetForProvider('openai')).toBe('codex')
    expect(toolsetForProvider('ollama')).toBe('codex')
  })

  it('parses configured names with a clear error', () => {
    expect(parseToolsetName('claude')).toBe('claude')
    expect(() => parseToolsetName('gemini')).toThrow('toolset must be one of "codex", "claude", got "gemini"')
  })

  it('builds the named toolset with its options', () => {
    expect(createToolset('claude').map((t) => t.name)).toContain('Edit')
    expect(createToolset('codex', { codex: { viewImage: false } }).map((t) => t.name)).not.toContain(
      'view_image',
    )
  })
})
