import { describe, expect, it } from 'vitest'
import { ConfigError, UsageError } from '../config/errors.js'
import { AgentConfig } from '../config/schema.js'
import { describeError, exitCodeFor } from '../errors.js'
import { SandboxUnavailableError, sandboxPolicyFor } from './compose.js'

describe('sandboxPolicyFor', () => {
  it('applies sandbox_workspace_write, with roots resolved against the cwd', () => {
    const config = AgentConfig.parse({
      sandbox_workspace_write: {
        writable_roots: ['../shared', '/data'],
        network_access: true,
        exclude_tmp: true,
      },
    })
    expect(sandboxPolicyFor('workspace-write', config, '/w/repo')).toEqual({
      type: 'workspace-write',
      writable_roots: ['/w/shared', '/data'],
      network_access: true,
      exclude_tmp: true,
    })
    expect(sandboxPolicyFor('read-only', config, '/w')).toEqual({ type: 'read-only' })
    expect(sandboxPolicyFor('danger-full-access', config, '/w')).toEqual({ type: 'danger-full-access' })
  })
})

describe('exit codes', () => {
  it('maps configuration and usage to 2, everything else to 1', () => {
    expect(exitCodeFor(new ConfigError('x'))).toBe(2)
    expect(exitCodeFor(new UsageError('x'))).toBe(2)
    expect(exitCodeFor(new SandboxUnavailableError('no bwrap'))).toBe(1)
    expect(exitCodeFor(new Error('x'))).toBe(1)
    expect(describeError('plain')).toBe('plain')
  })
})
