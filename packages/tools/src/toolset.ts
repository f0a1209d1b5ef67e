// Choosing a toolset: models do best with the tools they were trained on, so Anthropic models get
// Claude Code's tools and everyone else Codex's, unless the configuration says otherwise.
import type { ToolDefinition } from '@agent/core'
import { type ClaudeToolsetOptions, claudeToolset } from './claude/index.js'
import { type CodexToolsetOptions, codexToolset } from './codex/index.js'
import { type TextFileSystem, withFileSystem } from './shared/file-system.js'

export type ToolsetName = 'codex' | 'claude'

export const TOOLSET_NAMES: readonly ToolsetName[] = ['codex', 'claude']

/** The toolset a provider's models are trained on: `claude` for Anthropic, else `codex`. */
export function toolsetForProvider(provider: string): ToolsetName {
  return /anthropic|claude/i.test(provider) ? 'claude' : 'codex'
}

export class ToolsetError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ToolsetError'
  }
}

/** Parses a configured toolset name, with an error that says what is accepted. */
export function parseToolsetName(value: string): ToolsetName {
  if ((TOOLSET_NAMES as readonly string[]).includes(value)) return value as ToolsetName
  throw new ToolsetError(
    `toolset must be one of ${TOOLSET_NAMES.map((n) => `"${n}"`).join(', ')}, got "${value}"`,
  )
}

/** The tools of a named toolset. */
export function createToolset(
  name: ToolsetName,
  options: {
    codex?: CodexToolsetOptions
    claude?: ClaudeToolsetOptions
    /** Where Read, Edit, Write and apply_patch read and write text (default: the disk). */
    fileSystem?: TextFileSystem
  } = {},
): ToolDefinition[] {
  const tools = name === 'claude' ? claudeToolset(options.claude) : codexToolset(options.codex)
  return options.fileSystem ? withFileSystem(tools, options.fileSystem) : tools
}
