// Finds, parses, merges and validates the configuration: `$AGENT_HOME/config.toml` (default
// `~/.agent`), then the project's `.agent/config.toml` (nearest ancestor of the cwd, up to the
// repository root), then `-c` overrides. Every problem names the file, the key path and what
// was expected.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { parse, TomlError } from 'smol-toml'
import type { z } from 'zod'
import { ConfigError } from './errors.js'
import { type ConfigTable, mergeTables, parseOverride, setPath } from './overrides.js'
import { AgentConfig } from './schema.js'

export interface LoadedConfig {
  config: AgentConfig
  /** The files that were read, in merge order. */
  files: string[]
  agentHome: string
  /** Directory of the project's `.agent/` folder, when one was found. */
  projectAgentDir?: string
}

export function resolveAgentHome(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.AGENT_HOME?.trim()
  return fromEnv ? resolve(fromEnv) : join(env.HOME?.trim() || homedir(), '.agent')
}

/** The nearest `.agent/` directory from `cwd` upwards, stopping at a git root or the home dir. */
export function findProjectAgentDir(cwd: string, agentHome: string): string | undefined {
  let dir = resolve(cwd)
  for (;;) {
    const candidate = join(dir, '.agent')
    if (candidate !== agentHome && existsSync(candidate) && statSync(candidate).isDirectory())
      return candidate
    if (existsSync(join(dir, '.git'))) return undefined
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

function readToml(file: string): ConfigTable {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigError(`${file}: cannot read: ${(error as Error).message}`, file)
  }
  try {
    return parse(text) as ConfigTable
  } catch (error) {
    if (error instanceof TomlError) {
      const first = error.message.split('\n')[0]
      throw new ConfigError(`${file}:${error.line}:${error.column}: invalid TOML: ${first}`, file)
    }
    throw new ConfigError(`${file}: invalid TOML: ${(error as Error).message}`, file)
  }
}

/** One line per problem: `key.path: what was expected`. */
function describe(issues: readonly z.core.$ZodIssue[]): { keyPath: string; text: string } {
  const lines = issues.map((issue) => {
    const path = issue.path.map(String)
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => [...path, k].join('.'))
      return { keyPath: keys[0] ?? '', text: `${keys.join(', ')}: unknown key (check the spelling)` }
    }
    const keyPath = path.join('.') || '(top level)'
    return { keyPath, text: `${keyPath}: ${issue.message}` }
  })
  return { keyPath: lines[0]?.keyPath ?? '', text: lines.map((l) => l.text).join('; ') }
}

function validate(table: ConfigTable, source: string, file?: string): AgentConfig {
  const result = AgentConfig.safeParse(table)
  if (result.success) return result.data
  const { keyPath, text } = describe(result.error.issues)
  throw new ConfigError(`${source}: ${text}`, file, keyPath)
}

export function loadConfig(options: {
  cwd: string
  env: NodeJS.ProcessEnv
  overrides?: string[]
  /** Extra config file (`--config FILE`), merged after the project file. */
  extraFile?: string
  /** Overrides as a table (the SDK's `config` object), merged after the files, before `overrides`. */
  table?: ConfigTable
  /** false: read no config.toml at all (only `table` and `overrides` count). Default true. */
  readFiles?: boolean
}): LoadedConfig {
  const agentHome = resolveAgentHome(options.env)
  const files: string[] = []
  let merged: ConfigTable = {}

  const userFile = join(agentHome, 'config.toml')
  const projectAgentDir = findProjectAgentDir(options.cwd, agentHome)
  const projectFile = projectAgentDir ? join(projectAgentDir, 'config.toml') : undefined
  const candidates = [userFile, projectFile, options.extraFile && resolve(options.cwd, options.extraFile)]
  for (const file of candidates) {
    if (!file || options.readFiles === false) continue
    if (!existsSync(file)) {
      if (file === options.extraFile) throw new ConfigError(`${file}: no such config file`, file)
      continue
    }
    const table = readToml(file)
    validate(table, file, file) // each file on its own first, so the error names the right file
    merged = mergeTables(merged, table)
    files.push(file)
  }

  if (options.table) merged = mergeTables(merged, options.table)
  for (const spec of options.overrides ?? []) {
    const { path, value } = parseOverride(spec)
    merged = setPath(merged, path, value)
  }
  const config = validate(
    merged,
    options.overrides?.length || options.table ? 'config (with -c overrides)' : 'config',
  )
  return { config, files, agentHome, ...(projectAgentDir ? { projectAgentDir } : {}) }
}
