import { describe, expect, it } from 'vitest'
import { MAX_TOOL_NAME_LENGTH, qualifiedToolName, ToolNamer } from './tool-names.js'

describe('ToolNamer', () => {
  it('builds mcp__<server>__<tool> with unsafe characters replaced', () => {
    expect(qualifiedToolName('github', 'create_issue')).toBe('mcp__github__create_issue')
    expect(qualifiedToolName('my-server', 'do.thing/now')).toBe('mcp__my_server__do_thing_now')
  })
  it('shortens long names to 64 characters with a stable hash', () => {
    const long = qualifiedToolName('server', 'x'.repeat(100))
    expect(long).toHaveLength(MAX_TOOL_NAME_LENGTH)
    expect(long).toMatch(/^mcp__server__x+_[0-9a-f]{8}$/)
    expect(qualifiedToolName('server', 'x'.repeat(100))).toBe(long)
  })
  it('adds a hash suffix when two tools sanitize to the same name', () => {
    const namer = new ToolNamer()
    const a = namer.assign('s', 'a.b')
    const b = namer.assign('s', 'a-b')
    expect(a).toBe('mcp__s__a_b')
    expect(b).toMatch(/^mcp__s__a_b_[0-9a-f]{8}$/)
    namer.reserve('mcp__s__c')
    expect(namer.assign('s', 'c')).not.toBe('mcp__s__c')
  })
})
