// Workspace trust: whether a folder's own settings may run code or widen permissions. Trust is
// recorded per folder in the user's config, in Codex's format
//
//   [projects."/home/me/src/app"]
//   trust_level = "trusted"        # or "untrusted"
//
// and a folder inside a recorded one takes the nearest record. In a folder that is not trusted
// the project's `.agent/config.toml` keeps only what cannot run anything or widen what the agent
// may do (model choice, instructions, narrower sandbox/approval, cached but not live web search:
// see `restrictUntrustedProject`); the plugin loader drops the
// project's hooks, MCP servers and allow rules (see `projectTrust` in @agent/plugins). The
// user's own config, `--config FILE` and `-c` overrides are always trusted.
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve, sep } from 'node:path'
import { findRepoRoot } from '@agent/core'
import type { SkippedProjectSetting } from '@agent/plugins'
import type { ApprovalPolicy, SandboxMode } from '@agent/protocol'
import { parse, stringify } from 'smol-toml'
import { headerPath } from './edit.js'
import { ConfigError } from './errors.js'
import type { ConfigTable } from './overrides.js'
import { webSearchMode } from './schema.js'

export type TrustLevel = 'trusted' | 'untrusted'

export interface WorkspaceTrust {
  /** Whether the folder's own settings that run code or widen permissions apply. */
  trusted: boolean
  /** The folder `agent trust` records for this one: its repository root, else the folder itself. */
  folder: string
  /** The recorded decision that applies (the nearest recorded folder at or above), if any. */
  decision?: { path: string; level: TrustLevel }
}

/** The part of the user's config trust is read from (`[projects."<path>"]` tables). */
export interface TrustRecords {
  projects?: Record<string, { trust_level?: TrustLevel | undefined }> | undefined
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}

function isInside(dir: string, folder: string): boolean {
  return dir === folder || dir.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`)
}

/**
 * Whether `cwd` is trusted by the user's config (`userConfig` is the parsed
 * `$AGENT_HOME/config.toml`, never a project's). The nearest recorded folder at or above `cwd`
 * decides; nothing recorded means untrusted. This is the one function every front end (the CLI,
 * ACP, the SDK) asks; none of them may treat a folder as trusted otherwise.
 */
export function resolveWorkspaceTrust(cwd: string, userConfig: TrustRecords): WorkspaceTrust {
  const dir = realOrResolved(cwd)
  const folder = findRepoRoot(dir) ?? dir
  let decision: WorkspaceTrust['decision']
  for (const [path, entry] of Object.entries(userConfig.projects ?? {})) {
    const level = entry?.trust_level
    if (level !== 'trusted' && level !== 'untrusted') continue
    const recorded = resolve(path)
    const matches = [recorded, realOrResolved(recorded)].some((candidate) => isInside(dir, candidate))
    if (!matches) continue
    // The most specific record wins: a folder marked untrusted inside a trusted one stays untrusted.
    if (!decision || recorded.length > decision.path.length) decision = { path: recorded, level }
  }
  return { trusted: decision?.level === 'trusted', folder, ...(decision ? { decision } : {}) }
}

const SANDBOX_ORDER: SandboxMode[] = ['read-only', 'workspace-write', 'danger-full-access']
// From the policy that asks most to the one that never asks (Codex's order).
const APPROVAL_ORDER: ApprovalPolicy[] = ['untrusted', 'on-failure', 'on-request', 'never']
/**
 * Without a value of the user's, a project's setting is compared with the narrowest built-in
 * default of any command (`agent exec` runs read-only; the interactive `agent` asks on-request).
 */
const NARROWEST_DEFAULT = { sandbox_mode: 'read-only', approval_policy: 'on-request' } as const

/** Keys of a project config that can run code, reach credentials or widen permissions. */
const NEVER_FROM_UNTRUSTED: Record<string, string> = {
  mcp_servers: 'starts MCP servers',
  plugin_dirs: 'loads plugins (hooks, MCP servers)',
  model_providers: 'can send your API keys to another server',
  shell_environment_policy: 'sets the environment of commands and of your hooks',
  rules: 'can allow commands',
  permission_settings: 'can allow commands',
}

/**
 * The part of an untrusted project's config that may apply, and what was left out (one phrase
 * each). `user` is the user's own config, the baseline a sandbox or approval setting may narrow
 * but never widen.
 */
export function restrictUntrustedProject(
  table: ConfigTable,
  user: ConfigTable,
  file: string,
): { table: ConfigTable; skipped: string[] } {
  const kept: ConfigTable = {}
  const skipped: string[] = []
  const where = (key: string) => `${key} (${file})`
  const ownProviders = (table.model_providers ?? {}) as Record<string, unknown>
  const userProviders = (user.model_providers ?? {}) as Record<string, unknown>
  for (const [key, value] of Object.entries(table)) {
    if (
      key === 'model_provider' &&
      typeof value === 'string' &&
      value in ownProviders &&
      !(value in userProviders)
    ) {
      // The provider it picks is one of those left out: the user's own choice stays.
      skipped.push(where(`model_provider = "${value}"`))
    } else if (key in NEVER_FROM_UNTRUSTED) {
      const names = key === 'mcp_servers' || key === 'model_providers' ? Object.keys(value as object) : []
      skipped.push(where(names.length > 0 ? `${key} ${names.join(', ')}` : key))
    } else if (key === 'sandbox_mode' || key === 'approval_policy') {
      const order: string[] = key === 'sandbox_mode' ? SANDBOX_ORDER : APPROVAL_ORDER
      const baseline = (user[key] as string | undefined) ?? NARROWEST_DEFAULT[key]
      if (order.indexOf(value as string) <= order.indexOf(baseline)) kept[key] = value
      else skipped.push(where(`${key} = "${String(value)}"`))
    } else if (key === 'web_search' || key === 'tools' || key === 'features') {
      // Live web search lets the model have the provider fetch any URL it names, a way out
      // for what it read without asking anyone: an untrusted project may turn on cached search
      // (the provider's index) but live only where the user's own config already has it.
      const userLive = webSearchMode(user as Parameters<typeof webSearchMode>[0]) === 'live'
      const live =
        key === 'web_search'
          ? value === 'live'
          : key === 'tools'
            ? (value as ConfigTable | undefined)?.web_search === true
            : (value as ConfigTable | undefined)?.web_search_request === true
      if (live && !userLive) {
        skipped.push(
          where(
            key === 'web_search'
              ? 'web_search = "live"'
              : `${key}.web_search${key === 'features' ? '_request' : ''}`,
          ),
        )
        if (key === 'features') {
          const { web_search_request: _live, ...rest } = value as ConfigTable
          kept[key] = rest
        }
      } else kept[key] = value
    } else if (key === 'sandbox_workspace_write') {
      // Extra writable roots, network access and allowed domains widen the sandbox; excluding /tmp narrows it.
      const { writable_roots, network_access, allowed_domains, ...rest } = value as Record<string, unknown>
      const narrowed: ConfigTable = { ...rest }
      if (network_access === false) narrowed.network_access = false
      if (Array.isArray(writable_roots) && writable_roots.length > 0)
        skipped.push(where('sandbox_workspace_write.writable_roots'))
      if (network_access === true) skipped.push(where('sandbox_workspace_write.network_access'))
      if (Array.isArray(allowed_domains) && allowed_domains.length > 0)
        skipped.push(where('sandbox_workspace_write.allowed_domains'))
      if (rest.exclude_tmp === false) delete narrowed.exclude_tmp
      kept[key] = narrowed
    } else {
      kept[key] = value
    }
  }
  return { table: kept, skipped }
}

/** A project's config cannot record trust: that is the user's decision, in the user's file. */
export function rejectTrustRecords(table: ConfigTable, file: string): void {
  if (table.projects !== undefined) {
    throw new ConfigError(
      `${file}: projects: trust is recorded only in your own config ($AGENT_HOME/config.toml, with \`agent trust DIR\`); remove this table`,
      file,
      'projects',
    )
  }
}

/**
 * The one line that tells the user what an untrusted folder's settings did not do, and how to
 * trust it. Undefined when nothing was left out.
 */
export function formatTrustNotice(trust: WorkspaceTrust, skipped: readonly string[]): string | undefined {
  if (trust.trusted || skipped.length === 0) return undefined
  const state = trust.decision ? 'marked untrusted' : 'not trusted'
  return `${trust.folder} is ${state}: skipped ${skipped.join('; ')}. To apply them: agent trust ${quoteArg(trust.folder)}`
}

/** The plugin loader's report of what it left out, as phrases for `formatTrustNotice`. */
export function describeSkipped(items: readonly SkippedProjectSetting[], base: string): string[] {
  return items.map((item) => {
    const where = shortPath(item.file, base)
    if (item.kind === 'hooks') return `hooks ${item.names.join(', ')} (${where})`
    if (item.kind === 'mcp_servers') return `MCP servers ${item.names.join(', ')} (${where})`
    const rules = item.names.length === 1 ? 'rule' : 'rules'
    return `${item.names.length} permissions.allow ${rules} (${where})`
  })
}

/** `path` relative to `base` when it is inside it (shorter messages), else as it is. */
export function shortPath(path: string, base: string): string {
  const rel = relative(base, path)
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : path
}

function quoteArg(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`
}

/**
 * Records `level` for `folder` in the user's config file, editing only its
 * `[projects."<folder>"]` table (comments and everything else stay byte for byte). Returns the
 * level recorded before, if any.
 */
export function recordTrust(file: string, folder: string, level: TrustLevel): TrustLevel | undefined {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const table = parseConfig(text, file, 'fix it before editing')
  const projects = (table.projects ?? {}) as Record<string, { trust_level?: TrustLevel }>
  const previous = projects[folder]?.trust_level
  const lines = text.split('\n')
  const header = lines.findIndex((line) => {
    const path = headerPath(line)
    return path?.length === 2 && path[0] === 'projects' && path[1] === folder
  })
  let next: string
  const entry = `trust_level = "${level}"`
  if (header !== -1) {
    let end = header + 1
    while (end < lines.length && headerPath(lines[end] as string) === undefined) end++
    const at = lines.slice(header + 1, end).findIndex((line) => /^\s*trust_level\s*=/.test(line))
    if (at === -1) lines.splice(header + 1, 0, entry)
    else lines[header + 1 + at] = entry
    next = lines.join('\n')
  } else if (folder in projects) {
    throw new ConfigError(
      `${file}: projects."${folder}" is written inline (not as a [projects."${folder}"] table); edit it by hand`,
      file,
    )
  } else {
    const section = stringify({ projects: { [folder]: { trust_level: level } } })
      // smol-toml writes the parent `[projects]` header first; the dotted one implies it.
      .replace(/^\[projects\]\n/m, '')
      .trim()
    const separator = text === '' ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n'
    next = `${text}${separator}${section}\n`
  }
  const check = parseConfig(next, file, 'edit it by hand') as TrustRecords
  if (check.projects?.[folder]?.trust_level !== level)
    throw new ConfigError(`${file}: could not record projects."${folder}"; edit it by hand`, file)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, next)
  return previous
}

function parseConfig(text: string, file: string, advice: string): ConfigTable {
  try {
    return parse(text) as ConfigTable
  } catch (error) {
    throw new ConfigError(
      `${file}: invalid TOML: ${(error as Error).message.split('\n')[0]}; ${advice}`,
      file,
    )
  }
}
