// Zod schemas of the files Claude Code plugins and settings are made of. Unknown fields are
// kept (Claude Code keeps adding some); what we read is checked for type.
import { z } from 'zod'

// Every schema is built at its first use (z.lazy): a session whose folders hold no plugin, settings
// or hooks file never pays for building them.

const stringOrList = z.lazy(() => z.union([z.string(), z.array(z.string())]))

/** `matcher` + handlers, as in `{"hooks": {"PreToolUse": [{matcher, hooks: [...]}]}}`. */
export const HookHandlerSchema = z.lazy(() =>
  z.looseObject({
    type: z.string({ error: 'type is required ("command")' }),
    command: z.string().optional(),
    /** Seconds. */
    timeout: z.number().positive({ error: 'timeout is in seconds and must be > 0' }).optional(),
  }),
)
export const HookMatcherGroupSchema = z.lazy(() =>
  z.looseObject({
    matcher: z.string().optional(),
    hooks: z.array(HookHandlerSchema, { error: 'hooks must be an array of {type, command} objects' }),
  }),
)
export const HooksConfigSchema = z.lazy(() =>
  z.record(
    z.string(),
    z.array(HookMatcherGroupSchema, { error: 'each event must map to an array of {matcher, hooks}' }),
  ),
)
export type HooksConfigJson = z.infer<typeof HooksConfigSchema>

/** A plugin's `hooks/hooks.json` (or a file named by `hooks` in plugin.json). */
export const HooksFileSchema = z.lazy(() =>
  z.looseObject({
    description: z.string().optional(),
    hooks: HooksConfigSchema,
  }),
)

/** `.claude/settings.json` and friends: only the parts this package reads are typed. */
export const SettingsSchema = z.lazy(() =>
  z.looseObject({
    hooks: HooksConfigSchema.optional(),
    /** Kept raw for `@agent/policy`, which owns the rule syntax. */
    permissions: z.record(z.string(), z.unknown()).optional(),
    disableAllHooks: z.boolean().optional(),
    /** `{"name@marketplace": true}`: Claude Code's switch for installed plugins. */
    enabledPlugins: z
      .record(z.string(), z.unknown(), {
        error: 'enabledPlugins must be an object {"plugin@marketplace": true}',
      })
      .optional(),
    /** `{"name": {"source": {"source": "directory", "path": "..."}}}`. */
    extraKnownMarketplaces: z
      .record(
        z.string(),
        z.looseObject({
          source: z.looseObject({
            source: z.string({ error: 'source.source is required ("directory", "github"...)' }),
          }),
        }),
      )
      .optional(),
  }),
)

/** `.mcp.json`: kept raw per server for `@agent/mcp`, which owns the server config syntax. */
export const McpFileSchema = z.lazy(() =>
  z.looseObject({
    mcpServers: z.record(z.string(), z.record(z.string(), z.unknown())),
  }),
)

export const PluginNameSchema = z.lazy(() =>
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    error: 'name must be kebab-case letters, digits, ".", "_" or "-" (no spaces or colons)',
  }),
)

/** `.claude-plugin/plugin.json`: only `name` is required. */
export const PluginManifestSchema = z.lazy(() =>
  z.looseObject({
    name: PluginNameSchema,
    version: z.string().optional(),
    description: z.string().optional(),
    commands: stringOrList.optional(),
    agents: stringOrList.optional(),
    skills: stringOrList.optional(),
    /** Path(s) to hooks files, or inline: `{hooks: {...}}` or the event map itself. */
    hooks: z.union([stringOrList, z.record(z.string(), z.unknown())]).optional(),
    /** Path(s) to `.mcp.json`-style files, or inline: `{mcpServers: {...}}` or the server map. */
    mcpServers: z.union([stringOrList, z.record(z.string(), z.unknown())]).optional(),
  }),
)
export type PluginManifest = z.infer<typeof PluginManifestSchema>

/** `argument-hint: [file] [mode]` parses as a YAML list; it is meant as text. */
const argumentHint = z.lazy(() =>
  z
    .union([z.string(), z.number(), z.array(z.unknown())])
    .transform((v) => (Array.isArray(v) ? v.map((part) => `[${String(part)}]`).join(' ') : String(v))),
)

/** `Read, Grep` or a YAML list, as Claude Code accepts both. */
const toolList = z.lazy(() =>
  z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : splitToolList(v))),
)

/** Splits `Bash(git add:*), Read` on commas outside parentheses. */
export function splitToolList(text: string): string[] {
  const out: string[] = []
  let depth = 0
  let current = ''
  for (const ch of text) {
    if (ch === '(') depth++
    if (ch === ')') depth = Math.max(0, depth - 1)
    if ((ch === ',' || ch === ' ') && depth === 0) {
      if (current.trim()) out.push(current.trim())
      current = ''
      continue
    }
    current += ch
  }
  if (current.trim()) out.push(current.trim())
  return out
}

const optionalText = z.lazy(() =>
  z
    .union([z.string(), z.number(), z.boolean()])
    .transform((v) => String(v))
    .optional(),
)

export const CommandFrontmatterSchema = z.lazy(() =>
  z.looseObject({
    description: optionalText,
    'argument-hint': argumentHint.optional(),
    'allowed-tools': toolList.optional(),
    model: z.string().optional(),
    'disable-model-invocation': z.boolean().optional(),
  }),
)

export const AgentFrontmatterSchema = z.lazy(() =>
  z.looseObject({
    name: z
      .string({ error: 'name is required (the subagent type the model asks for)' })
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { error: 'name must be letters, digits, "_" or "-"' }),
    description: z
      .string({ error: 'description is required (it tells the model when to delegate)' })
      .min(1, { error: 'description must not be empty' }),
    tools: toolList.optional(),
    model: z.string().optional(),
    maxTurns: z.number().int().positive({ error: 'maxTurns must be a positive integer' }).optional(),
  }),
)

export const SkillFrontmatterSchema = z.lazy(() =>
  z.looseObject({
    /** Checked in markdown-components.ts: a name Claude Code's validator refuses still loads. */
    name: optionalText,
    description: z
      .string({ error: 'description is required (it tells the model when to use the skill)' })
      .min(1, { error: 'description must not be empty' })
      .max(1024, { error: 'description must be at most 1024 characters' }),
    'allowed-tools': toolList.optional(),
    model: z.string().optional(),
  }),
)

/** A plugin's `source` in a marketplace: a path, or `{source: "github" | "url" | "directory" | ..., ...}`. */
const PluginSourceSchema = z.lazy(() =>
  z.union([
    z.string(),
    z.looseObject({
      source: z.string(),
      repo: z.string().optional(),
      url: z.string().optional(),
      path: z.string().optional(),
      package: z.string().optional(),
    }),
  ]),
)

/** One entry of `marketplace.json`'s `plugins`: any plugin.json field, plus `source` and `strict`. */
export const MarketplaceEntrySchema = z.lazy(() =>
  z.looseObject({
    ...PluginManifestSchema.unwrap().shape,
    source: PluginSourceSchema,
    /** `false`: the entry is the whole manifest (no plugin.json needed). */
    strict: z.boolean().optional(),
  }),
)
export type MarketplaceEntry = z.infer<typeof MarketplaceEntrySchema>

/** `.claude-plugin/marketplace.json`. */
export const MarketplaceFileSchema = z.lazy(() =>
  z.looseObject({
    name: z.string({ error: 'name is required (the marketplace name after "@" in plugin ids)' }),
    metadata: z.looseObject({ pluginRoot: z.string().optional() }).optional(),
    plugins: z.array(MarketplaceEntrySchema, { error: 'plugins must be an array of {name, source}' }),
  }),
)

const InstallSchema = z.lazy(() =>
  z.looseObject({
    installPath: z.string(),
    scope: z.string().optional(),
    projectPath: z.string().optional(),
    version: z.string().optional(),
  }),
)

/** `~/.claude/plugins/installed_plugins.json` (version 1: one install per id; version 2: a list). */
export const InstalledPluginsSchema = z.lazy(() =>
  z.looseObject({
    version: z.number().optional(),
    plugins: z.record(z.string(), z.union([InstallSchema, z.array(InstallSchema)])),
  }),
)

/** `~/.claude/plugins/known_marketplaces.json`: name → where Claude Code keeps its copy. */
export const KnownMarketplacesSchema = z.lazy(() =>
  z.record(
    z.string(),
    z.looseObject({ installLocation: z.string().optional(), source: z.unknown().optional() }),
  ),
)
