// Applies Claude Code permission rules to tools other than Bash: file rules (`Read(./secrets/**)`,
// `Edit(/src/**)`) with gitignore-style paths, `WebFetch(domain:...)`, MCP tool names, subagents.
import { homedir } from 'node:os'
import { isAbsolute, resolve } from 'node:path'
import picomatch from 'picomatch'
import type { MatchedRule, PolicyVerdict } from '../types.js'
import { LIST_DECISION, type PermissionRule, type PermissionSettings } from './claude-settings.js'

export interface ToolPermissionContext {
  /** Directory relative paths (`./x`, `x`) resolve against; defaults to process.cwd(). */
  cwd?: string
  /** Home directory for `~/` rules; defaults to os.homedir(). */
  home?: string
}

export interface ToolPermissionResult {
  /** `unmatched` when no rule names this call: the caller applies its own default. */
  decision: PolicyVerdict | 'unmatched'
  reason: string
  matchedRules: MatchedRule[]
}

/** Tools that read files: `Read(...)` rules apply to all of them (best effort, as in Claude Code). */
export const READ_TOOLS = new Set(['Read', 'Grep', 'Glob', 'LS', 'NotebookRead'])
/** Tools that change files: `Edit(...)` rules apply to all of them. */
export const EDIT_TOOLS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit'])

const ORDER = ['deny', 'ask', 'allow'] as const

/**
 * Decides a tool call by the permission rules: deny first, then ask, then allow, the first match
 * wins. Bash calls are matched by `CommandPolicy.evaluateTool`, which parses the command.
 */
export function matchToolRules(
  toolName: string,
  toolInput: Record<string, unknown>,
  settings: PermissionSettings,
  ctx: ToolPermissionContext = {},
): ToolPermissionResult {
  for (const list of ORDER) {
    const hits = settings.rules.filter(
      (r) => r.list === list && ruleMatchesTool(r, toolName, toolInput, settings, ctx),
    )
    if (hits.length === 0) continue
    const decision = LIST_DECISION[list]
    const matchedRules = hits.map((r) => ({
      source: `${r.source} (permissions.${r.list})`,
      rule: r.text,
      decision,
    }))
    const verb = decision === 'allow' ? 'allowed' : decision === 'prompt' ? 'needs approval' : 'is denied'
    return {
      decision,
      reason: `${toolName} ${verb} by rule ${hits.map((r) => `\`${r.text}\` (${r.source})`).join(', ')}`,
      matchedRules,
    }
  }
  return { decision: 'unmatched', reason: `no permission rule names ${toolName}`, matchedRules: [] }
}

function ruleMatchesTool(
  rule: PermissionRule,
  toolName: string,
  input: Record<string, unknown>,
  settings: PermissionSettings,
  ctx: ToolPermissionContext,
): boolean {
  if (!toolNameMatches(rule.tool, toolName)) return false
  const spec = rule.specifier
  if (spec === undefined || spec === '' || spec === '*' || spec === '**') return true
  if (READ_TOOLS.has(toolName) || EDIT_TOOLS.has(toolName)) {
    const target = toolPath(input)
    return (
      target !== undefined &&
      pathRuleMatches(spec, target, {
        ...ctx,
        ...(settings.settingsDir ? { settingsDir: settings.settingsDir } : {}),
      })
    )
  }
  if (toolName === 'WebFetch') return domainMatches(spec, input.url)
  if (toolName === 'Task' || toolName === 'Agent')
    return typeof input.subagent_type === 'string' && input.subagent_type === spec
  return false
}

/** `Read` covers every read tool and `Edit` every edit tool; `mcp__s` and `mcp__s__*` cover server s. */
function toolNameMatches(ruleTool: string, toolName: string): boolean {
  if (ruleTool === toolName) return true
  if (ruleTool === 'Read') return READ_TOOLS.has(toolName)
  if (ruleTool === 'Edit') return EDIT_TOOLS.has(toolName)
  if (ruleTool === 'Task' || ruleTool === 'Agent') return toolName === 'Task' || toolName === 'Agent'
  if (ruleTool.startsWith('mcp__')) {
    const server = ruleTool.endsWith('__*') ? ruleTool.slice(0, -3) : ruleTool
    if (!server.slice(5).includes('__')) return toolName.startsWith(`${server}__`)
  }
  if (ruleTool.includes('*')) return picomatch.isMatch(toolName, ruleTool)
  return false
}

function toolPath(input: Record<string, unknown>): string | undefined {
  for (const key of ['file_path', 'notebook_path', 'path']) {
    const value = input[key]
    if (typeof value === 'string' && value !== '') return value
  }
  return undefined
}

/**
 * gitignore-style path rules as Claude Code reads them: `//abs` from the filesystem root, `~/x`
 * from home, `/x` from the settings file's directory, `./x` or `x` from the working directory; a
 * pattern without a slash matches at any depth, and a directory pattern covers what is inside.
 */
export function pathRuleMatches(
  specifier: string,
  targetPath: string,
  ctx: ToolPermissionContext & { settingsDir?: string },
): boolean {
  const cwd = ctx.cwd ?? process.cwd()
  const home = ctx.home ?? homedir()
  const target = isAbsolute(targetPath) ? resolve(targetPath) : resolve(cwd, targetPath)
  let base: string
  let rest: string
  if (specifier.startsWith('//')) [base, rest] = ['/', specifier.slice(2)]
  else if (specifier.startsWith('~/')) [base, rest] = [home, specifier.slice(2)]
  else if (specifier.startsWith('/')) [base, rest] = [ctx.settingsDir ?? cwd, specifier.slice(1)]
  else [base, rest] = [cwd, specifier.startsWith('./') ? specifier.slice(2) : specifier]
  const directoryOnly = rest.endsWith('/')
  if (directoryOnly) rest = rest.slice(0, -1)
  const anchored =
    rest.includes('/') ||
    specifier.startsWith('./') ||
    specifier.startsWith('/') ||
    specifier.startsWith('~/')
  const root = base.endsWith('/') ? base : `${base}/`
  const pattern = anchored ? `${root}${rest}` : `${root}**/${rest}`
  const options = { dot: true }
  if (!directoryOnly && picomatch.isMatch(target, pattern, options)) return true
  return picomatch.isMatch(target, `${pattern}/**`, options)
}

function domainMatches(spec: string, url: unknown): boolean {
  if (!spec.startsWith('domain:') || typeof url !== 'string') return false
  let host: string
  try {
    host = new URL(url).hostname.toLowerCase()
  } catch {
    return false
  }
  const want = spec.slice('domain:'.length).toLowerCase()
  if (want.startsWith('*.')) return host.endsWith(want.slice(1))
  return host === want
}
