// Claude Code's permission settings: `permissions.allow|ask|deny` lists of rules such as
// `Bash(npm run test:*)`, `Read(./secrets/**)`, `WebFetch(domain:example.com)`, `mcp__github__*`.
import { PolicyError } from '../errors.js'
import type { PolicyVerdict } from '../types.js'

export type PermissionList = 'allow' | 'ask' | 'deny'

export interface PermissionRule {
  /** The entry as written. */
  text: string
  tool: string
  /** What is inside the parentheses, if anything. */
  specifier?: string
  list: PermissionList
  /** Settings file (or label) it came from. */
  source: string
}

export interface PermissionSettings {
  rules: PermissionRule[]
  /** Directory of the settings file: `/path` rules are relative to it. */
  settingsDir?: string
  /** Entries that parse but that this checker cannot apply, with why. Nothing is dropped silently. */
  warnings: string[]
}

export const LIST_DECISION: Record<PermissionList, PolicyVerdict> = {
  allow: 'allow',
  ask: 'prompt',
  deny: 'forbidden',
}

const LISTS: PermissionList[] = ['deny', 'ask', 'allow']

/** Tools whose rules this checker knows how to apply to a specifier. */
const SPECIFIER_TOOLS = new Set([
  'Bash',
  'Read',
  'Edit',
  'Write',
  'MultiEdit',
  'NotebookEdit',
  'Grep',
  'Glob',
  'LS',
  'NotebookRead',
  'WebFetch',
  'Task',
  'Agent',
])

/**
 * Reads the `permissions` of a Claude Code settings object (the parsed JSON of settings.json).
 * Throws a PolicyError (`settings_invalid`) that names the entry and how to fix it.
 */
export function parsePermissionSettings(
  settings: unknown,
  options: { source: string; settingsDir?: string },
): PermissionSettings {
  const { source } = options
  const out: PermissionSettings = { rules: [], warnings: [] }
  if (options.settingsDir !== undefined) out.settingsDir = options.settingsDir
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings))
    throw new PolicyError(
      'settings_invalid',
      `${source}: settings must be a JSON object with a "permissions" key`,
    )
  const permissions = (settings as { permissions?: unknown }).permissions
  if (permissions === undefined) return out
  if (typeof permissions !== 'object' || permissions === null || Array.isArray(permissions))
    throw new PolicyError(
      'settings_invalid',
      `${source}: "permissions" must be an object with allow/ask/deny lists`,
    )
  for (const list of LISTS) {
    const entries = (permissions as Record<string, unknown>)[list]
    if (entries === undefined) continue
    if (!Array.isArray(entries) || entries.some((e) => typeof e !== 'string'))
      throw new PolicyError(
        'settings_invalid',
        `${source}: permissions.${list} must be a list of strings like "Bash(npm test)"`,
      )
    entries.forEach((entry: string, index) => {
      const rule = parsePermissionRule(entry, list, source, `permissions.${list}[${index}]`)
      if (rule.specifier !== undefined && !SPECIFIER_TOOLS.has(rule.tool) && !rule.tool.startsWith('mcp__'))
        out.warnings.push(
          `${source}: permissions.${list}[${index}] "${entry}": specifiers of ${rule.tool} are not understood here; the rule never matches`,
        )
      out.rules.push(rule)
    })
  }
  return out
}

/** Concatenates several settings files' rules (user, project, local ...). */
export function mergePermissionSettings(all: PermissionSettings[]): PermissionSettings {
  const merged: PermissionSettings = {
    rules: all.flatMap((s) => s.rules),
    warnings: all.flatMap((s) => s.warnings),
  }
  const dir = all.findLast((s) => s.settingsDir !== undefined)?.settingsDir
  if (dir !== undefined) merged.settingsDir = dir
  return merged
}

/** Parses one entry: `Tool` or `Tool(specifier)`. */
export function parsePermissionRule(
  text: string,
  list: PermissionList,
  source: string,
  where = 'rule',
): PermissionRule {
  const trimmed = text.trim()
  const open = trimmed.indexOf('(')
  const fail = (why: string): never => {
    throw new PolicyError('settings_invalid', `${source}: ${where} ${JSON.stringify(text)}: ${why}`)
  }
  const tool = open === -1 ? trimmed : trimmed.slice(0, open)
  if (!/^[A-Za-z][A-Za-z0-9_*-]*$/.test(tool))
    fail('expected a tool name like Bash, Read, Edit or mcp__server__tool')
  const rule: PermissionRule = { text, tool, list, source }
  if (open !== -1) {
    if (!trimmed.endsWith(')')) fail("missing the closing ')'")
    rule.specifier = trimmed.slice(open + 1, -1)
  }
  return rule
}

/**
 * Whether a Bash rule's specifier matches one command's text. `prefix:*` is the legacy prefix
 * form (word boundary after the prefix); `*` is a wildcard matching any characters, and a single
 * trailing ` *` may match nothing (`ls *` matches `ls`).
 */
export function bashSpecifierMatches(specifier: string | undefined, command: string): boolean {
  if (specifier === undefined || specifier === '' || specifier === '*') return true
  if (specifier.endsWith(':*')) {
    const prefix = specifier.slice(0, -2)
    if (!prefix.includes('*')) return command === prefix || command.startsWith(`${prefix} `)
  }
  if (!specifier.includes('*')) return command === specifier
  const parts = specifier.split('*')
  if (parts.length === 2 && specifier.endsWith(' *') && command === specifier.slice(0, -2)) return true
  return globParts(parts, command)
}

/** `*` matches any run of characters; `parts` is the specifier split on `*`. */
function globParts(parts: string[], text: string): boolean {
  const first = parts[0] as string
  const last = parts[parts.length - 1] as string
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last))
    return false
  let at = first.length
  const end = text.length - last.length
  for (let i = 1; i < parts.length - 1; i++) {
    const found = text.indexOf(parts[i] as string, at)
    if (found === -1 || found + (parts[i] as string).length > end) return false
    at = found + (parts[i] as string).length
  }
  return at <= end
}
