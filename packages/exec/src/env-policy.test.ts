import { describe, expect, it } from 'vitest'
import { buildChildEnv, EnvPolicyError, NON_INTERACTIVE_ENV, ShellEnvironmentPolicy } from './env-policy.js'

const base = {
  PATH: '/usr/bin',
  HOME: '/home/u',
  USER: 'u',
  OPENAI_API_KEY: 'sk-1',
  GITHUB_TOKEN: 'gh',
  aws_secret_access_key: 'aws',
  DB_PASSWORD: 'pw',
  EDITOR: 'vim',
  PAGER: 'less',
  LANG: 'C.UTF-8',
}

describe('buildChildEnv', () => {
  it('inherits everything but secret-looking names by default, and adds non-interactive defaults', () => {
    expect(buildChildEnv({}, base)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/u',
      USER: 'u',
      EDITOR: 'vim',
      LANG: 'C.UTF-8',
      ...NON_INTERACTIVE_ENV,
    })
  })

  it('passes secrets only when the user opts in', () => {
    const env = buildChildEnv({ ignore_default_excludes: true }, base)
    expect(env).toMatchObject({
      OPENAI_API_KEY: 'sk-1',
      GITHUB_TOKEN: 'gh',
      aws_secret_access_key: 'aws',
      DB_PASSWORD: 'pw',
    })
  })

  it('inherits only the core variables with inherit = core, and nothing with none', () => {
    expect(buildChildEnv({ inherit: 'core' }, base, { nonInteractive: false })).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/u',
      USER: 'u',
    })
    expect(buildChildEnv({ inherit: 'none', set: { A: '1' } }, base, { nonInteractive: false })).toEqual({
      A: '1',
    })
  })

  it('applies exclude globs case-insensitively, then set, then include_only', () => {
    const env = buildChildEnv(
      {
        exclude: ['ed*', 'LA?G'],
        set: { EXTRA: 'yes', PATH: '/opt/bin' },
        include_only: ['PATH', 'E*', 'h{O,X}ME'],
      },
      base,
      { nonInteractive: false },
    )
    expect(env).toEqual({ PATH: '/opt/bin', EXTRA: 'yes', HOME: '/home/u' })
  })

  it('lets set override the non-interactive defaults, which include_only cannot strip', () => {
    const env = buildChildEnv({ set: { PAGER: 'more' }, include_only: ['PATH'] }, base)
    expect(env).toEqual({ PATH: '/usr/bin', GIT_PAGER: 'cat', GH_PAGER: 'cat', NO_COLOR: '1' })
    expect(buildChildEnv({ set: { PAGER: 'more' } }, base).PAGER).toBe('more')
  })

  it('rejects a bad policy naming the key and the allowed values', () => {
    expect(() => buildChildEnv({ inherit: 'some' as 'all' }, base)).toThrow(EnvPolicyError)
    expect(() => buildChildEnv({ inherit: 'some' as 'all' }, base)).toThrow(
      /shell_environment_policy\.inherit/,
    )
    expect(() => buildChildEnv({ exlude: ['X'] } as never, base)).toThrow(/exlude/)
  })

  it('uses process.env by default', () => {
    expect(buildChildEnv().PATH).toBe(process.env.PATH)
  })
})

describe('ShellEnvironmentPolicy schema', () => {
  it('fills defaults for a config loader', () => {
    expect(ShellEnvironmentPolicy.parse({})).toEqual({
      inherit: 'all',
      ignore_default_excludes: false,
      exclude: [],
      include_only: [],
      set: {},
    })
  })
})
