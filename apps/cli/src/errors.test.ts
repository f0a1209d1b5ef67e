import { ConfigError, SandboxUnavailableError, UsageError } from '@agent/sdk'
import { describe, expect, it } from 'vitest'
import { describeError, exitCodeFor } from './errors.js'

describe('exit codes', () => {
  it('maps configuration and usage to 2, everything else to 1', () => {
    expect(exitCodeFor(new ConfigError('x'))).toBe(2)
    expect(exitCodeFor(new UsageError('x'))).toBe(2)
    expect(exitCodeFor(new SandboxUnavailableError('no bwrap'))).toBe(1)
    expect(exitCodeFor(new Error('x'))).toBe(1)
    expect(describeError('plain')).toBe('plain')
  })
})
