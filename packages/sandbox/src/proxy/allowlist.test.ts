import { describe, expect, it } from 'vitest'
import { compileAllowlist } from './allowlist.js'

describe('compileAllowlist', () => {
  it('matches exact hosts and *.domain subdomains, case-insensitively', () => {
    const list = compileAllowlist(['registry.npmjs.org', '*.GitHub.com', '127.0.0.1', '::1'])
    expect(list.allows('registry.npmjs.org')).toBe(true)
    expect(list.allows('REGISTRY.npmjs.org.')).toBe(true)
    expect(list.allows('evil-registry.npmjs.org')).toBe(false)
    expect(list.allows('npmjs.org')).toBe(false)
    expect(list.allows('api.github.com')).toBe(true)
    expect(list.allows('a.b.github.com')).toBe(true)
    expect(list.allows('github.com')).toBe(false)
    expect(list.allows('notgithub.com')).toBe(false)
    expect(list.allows('127.0.0.1')).toBe(true)
    expect(list.allows('[::1]')).toBe(true)
    expect(list.allows('localhost')).toBe(false)
  })

  it('allows nothing when empty', () => {
    expect(compileAllowlist([]).allows('example.com')).toBe(false)
  })

  it('rejects entries that are not host names, saying what is accepted', () => {
    for (const bad of ['https://example.com', 'exa mple.com', '*', '*.1.2.3.4', 'example.com/path', '']) {
      expect(() => compileAllowlist([bad]), bad).toThrow(/invalid allowed domain .*use a host name/)
    }
  })
})
