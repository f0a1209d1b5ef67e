import { describe, expect, it } from 'vitest'
import { rejectNonLoopback } from './host-check.js'

describe('rejectNonLoopback', () => {
  it('accepts loopback hosts and origins, with or without a port', () => {
    for (const host of ['localhost', 'localhost:8080', '127.0.0.1:3000', '[::1]:9', 'LOCALHOST']) {
      expect(rejectNonLoopback({ host })).toBeUndefined()
    }
    expect(rejectNonLoopback({ host: '127.0.0.1:1', origin: 'http://localhost:5173' })).toBeUndefined()
    expect(rejectNonLoopback({ host: '127.0.0.1:1', origin: 'null' })).toBeUndefined()
  })
  it('refuses other hosts and origins, naming the header', () => {
    expect(rejectNonLoopback({ host: 'evil.example.com' })).toBe(
      'Host header "evil.example.com" is not a loopback host',
    )
    expect(rejectNonLoopback({})).toContain('Host header ""')
    expect(rejectNonLoopback({ host: 'localhost.evil.com:80' })).toBeDefined()
    expect(rejectNonLoopback({ host: 'localhost', origin: 'http://evil.example.com' })).toBe(
      'Origin "http://evil.example.com" is not a loopback origin',
    )
    expect(rejectNonLoopback({ host: 'localhost', origin: 'garbage' })).toContain('is not a URL')
  })
})
