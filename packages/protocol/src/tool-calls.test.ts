import { describe, expect, it } from 'vitest'
import { toolCallLabel, toolCallSubject } from './tool-calls.js'

describe('toolCallLabel', () => {
  it('names the call by its most telling argument', () => {
    expect(toolCallLabel('Read', { file_path: '/src/a.ts', offset: 3 })).toBe('Read(/src/a.ts)')
    expect(toolCallLabel('Grep', { path: 'src', pattern: 'TODO' })).toBe('Grep(TODO)')
    expect(toolCallLabel('WebFetch', { url: 'https://example.com', prompt: 'sum up' })).toBe(
      'WebFetch(https://example.com)',
    )
    expect(toolCallLabel('exec_command', { cmd: 'ls -la\necho second' })).toBe('exec_command(ls -la)')
    expect(toolCallLabel('shell', { command: ['ls', '-l'] })).toBe('shell(ls -l)')
  })

  it('falls back to the name, and cuts long subjects', () => {
    expect(toolCallLabel('Task', {})).toBe('Task')
    expect(toolCallLabel('odd', [1, 2])).toBe('odd')
    expect(toolCallLabel('odd', { path: '   ' })).toBe('odd')
    expect(toolCallSubject({ path: 'x'.repeat(200) }, 10)).toBe(`${'x'.repeat(9)}…`)
    expect(toolCallSubject('*** Begin Patch\n...')).toBe('*** Begin Patch')
  })
})
