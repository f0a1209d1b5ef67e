// The schema of config.toml (user `$AGENT_HOME/config.toml`, project `.agent/config.toml`, and
// `-c` overrides, merged). Sections owned by a leaf package reuse that package's schema.

import { ShellEnvironmentPolicy } from '@agent/exec'
import { McpServerConfig } from '@agent/mcp/config'
import { ModelProviderConfig } from '@agent/models'
import { ApprovalPolicy, ReasoningEffort, SandboxMode } from '@agent/protocol'
import { z } from 'zod'

export const Toolset = z.enum(['codex', 'claude'])
export type Toolset = z.infer<typeof Toolset>

export const AgentConfig = z
  .object({
    /** Model name sent to the provider (`gpt-5-codex`, `claude-sonnet-4-5`, `qwen3-coder`...). */
    model: z.string().min(1).optional(),
    /** Provider id: a built-in (`openai`, `openai-chat`, `anthropic`, `ollama`, `lmstudio`) or a key of `model_providers`. */
    model_provider: z.string().min(1).optional(),
    model_providers: z.record(z.string(), ModelProviderConfig).default({}),
    model_reasoning_effort: ReasoningEffort.optional(),
    /** Moves the built-in OpenAI providers' endpoint, like OPENAI_BASE_URL (the Codex key of that name). */
    openai_base_url: z.url().optional(),
    /**
     * Provider-hosted web search (Codex's key): `cached` searches the provider's index only,
     * `live` may fetch pages live; default `disabled`. See `webSearchMode` for the older forms.
     */
    web_search: z.enum(['disabled', 'cached', 'live']).optional(),
    /** Codex's older switch: `tools.web_search = true` is `web_search = "live"`. */
    tools: z.object({ web_search: z.boolean().optional() }).strict().optional(),
    /** Codex's older feature flags for web search (`web_search_request`: live, `web_search_cached`: cached). */
    features: z
      .object({ web_search_request: z.boolean().optional(), web_search_cached: z.boolean().optional() })
      .strict()
      .optional(),
    /** Context window of the model in tokens; enables automatic compaction. */
    model_context_window: z.number().int().positive().optional(),
    /** Compact when the history passes this fraction of the context window (default 0.9). */
    model_auto_compact_ratio: z.number().gt(0).lte(1).optional(),
    approval_policy: ApprovalPolicy.optional(),
    sandbox_mode: SandboxMode.optional(),
    sandbox_workspace_write: z
      .object({
        writable_roots: z.array(z.string()).default([]),
        network_access: z.boolean().default(false),
        /**
         * Hosts WebFetch / web_fetch reach without asking, and sandboxed commands reach through
         * @agent/sandbox's HTTP(S) proxy, while network_access is off: "example.com",
         * "*.example.com" (its subdomains) or an IP address.
         */
        allowed_domains: z
          .array(
            z
              .string()
              .regex(
                /^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$|^\[?[0-9A-Fa-f:.]+\]?$/,
                'use a host name ("example.com"), "*.example.com" for its subdomains, or an IP address',
              ),
          )
          .default([]),
        exclude_tmp: z.boolean().optional(),
      })
      .strict()
      .optional(),
    shell_environment_policy: ShellEnvironmentPolicy.optional(),
    mcp_servers: z.record(z.string(), McpServerConfig).default({}),
    /** Which built-in tools the model gets; by default the set its provider's models are trained on. */
    toolset: Toolset.optional(),
    /** Extra command-rule files (Codex `.rules` format); `rules/*.rules` beside each config.toml load too. */
    rules: z.array(z.string()).default([]),
    /** Claude Code settings files whose `permissions` apply (`.claude/settings.json` loads by default). */
    permission_settings: z.array(z.string()).default([]),
    /** Replaces the built-in base instructions. */
    instructions: z.string().optional(),
    /** Extra instructions appended after the project docs. */
    developer_instructions: z.string().optional(),
    /** Maximum bytes of AGENTS.md / CLAUDE.md read into the context. */
    project_doc_max_bytes: z.number().int().nonnegative().optional(),
    /** Plugin directories loaded for every run (like `--plugin-dir`). */
    plugin_dirs: z.array(z.string()).default([]),
    /** Workspace trust, per folder (Codex's format; see trust.ts). Only read from the user's config. */
    projects: z
      .record(z.string(), z.object({ trust_level: z.enum(['trusted', 'untrusted']).optional() }).strict())
      .default({}),
  })
  .strict()
export type AgentConfig = z.infer<typeof AgentConfig>

export type WebSearchSetting = 'disabled' | 'cached' | 'live'

/**
 * The web search the config asks for: `web_search` when set, else Codex's older forms
 * (`tools.web_search = true` or `features.web_search_request = true`: live;
 * `features.web_search_cached = true`: cached), else disabled.
 */
export function webSearchMode(
  config: Pick<AgentConfig, 'web_search' | 'tools' | 'features'>,
): WebSearchSetting {
  if (config.web_search) return config.web_search
  if (config.tools?.web_search || config.features?.web_search_request) return 'live'
  if (config.features?.web_search_cached) return 'cached'
  return 'disabled'
}
