// Commands, subagents and skills: markdown files with YAML frontmatter, read and validated one
// file at a time. A file that fails is reported (file, line, reason) and yields nothing.
import { readFile } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import type { DiagnosticSink } from './diagnostics.js'
import { lineOfPath, parseFrontmatter, validateWith } from './located.js'
import { type ComponentOrigin, qualifiedName, substitutePluginRoot } from './origin.js'
import { AgentFrontmatterSchema, CommandFrontmatterSchema, SkillFrontmatterSchema } from './schemas.js'
import { loadTextParsers } from './text-parsers.js'

/** A slash command: `/name args` expands `body` (see `expandSlashCommand`). */
export interface SlashCommand {
  /** What the user types after `/`: `name`, or `plugin:name` for a plugin's command. */
  name: string
  description: string
  argumentHint?: string
  /** Tools the command may use without asking, in Claude Code's rule syntax (`Bash(git add:*)`). */
  allowedTools?: string[]
  model?: string
  /** The command may not be run by the model through a tool, only typed by the user. */
  disableModelInvocation?: boolean
  /** The markdown body, with `${CLAUDE_PLUGIN_ROOT}` already substituted. */
  body: string
  origin: ComponentOrigin
}

/** A subagent the model may delegate to with the `Task` tool. */
export interface AgentDefinition {
  /** The `subagent_type` the model passes: `name`, or `plugin:name`. */
  name: string
  description: string
  /** Tool allowlist; absent means every tool of the parent. */
  tools?: string[]
  /** `inherit`, an alias (`sonnet`, `opus`, `haiku`) or a model id; absent means inherit. */
  model?: string
  maxTurns?: number
  /** The body: the subagent's system prompt. */
  systemPrompt: string
  origin: ComponentOrigin
}

/** A skill: only `name` and `description` sit in the model's context until it is invoked. */
export interface Skill {
  /** `name`, or `plugin:name`. */
  name: string
  description: string
  allowedTools?: string[]
  model?: string
  /** Directory of SKILL.md, where its bundled scripts and references live. */
  directory: string
  /** The body of SKILL.md (frontmatter removed), loaded into context on invocation. */
  body: string
  origin: ComponentOrigin
}

async function readMarkdown(file: string, origin: ComponentOrigin, sink: DiagnosticSink) {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    sink.error(file, `cannot read: ${(error as Error).message}`, { plugin: origin.plugin })
    return undefined
  }
  await loadTextParsers()
  const parsed = parseFrontmatter(text)
  if (!parsed.ok) {
    sink.error(file, parsed.reason, { line: parsed.line, plugin: origin.plugin })
    return undefined
  }
  if (parsed.value.lenient) sink.warning(file, parsed.value.lenient, { line: 2, plugin: origin.plugin })
  return parsed.value
}

/** Reads a command file; its name is the file name (subdirectories only group files). */
export async function loadCommandFile(
  file: string,
  origin: ComponentOrigin,
  sink: DiagnosticSink,
): Promise<SlashCommand | undefined> {
  const md = await readMarkdown(file, origin, sink)
  if (!md) return undefined
  const checked = validateWith(CommandFrontmatterSchema, md.data, md.yamlText, {
    lineOffset: md.yamlLineOffset,
  })
  if (!checked.ok) {
    sink.error(file, `frontmatter ${checked.reason}`, { line: checked.line, plugin: origin.plugin })
    return undefined
  }
  const fm = checked.value
  const body = substitutePluginRoot(md.body, origin.pluginRoot)
  return {
    name: qualifiedName(basename(file, '.md'), origin.plugin),
    description: fm.description ?? firstLine(body),
    ...(fm['argument-hint'] !== undefined ? { argumentHint: fm['argument-hint'] } : {}),
    ...(fm['allowed-tools'] !== undefined ? { allowedTools: fm['allowed-tools'] } : {}),
    ...(fm.model !== undefined ? { model: fm.model } : {}),
    ...(fm['disable-model-invocation'] !== undefined
      ? { disableModelInvocation: fm['disable-model-invocation'] }
      : {}),
    body,
    origin: { ...origin, file },
  }
}

export async function loadAgentFile(
  file: string,
  origin: ComponentOrigin,
  sink: DiagnosticSink,
): Promise<AgentDefinition | undefined> {
  const md = await readMarkdown(file, origin, sink)
  if (!md) return undefined
  const checked = validateWith(AgentFrontmatterSchema, md.data, md.yamlText, {
    lineOffset: md.yamlLineOffset,
  })
  if (!checked.ok) {
    sink.error(file, `frontmatter ${checked.reason}`, { line: checked.line ?? 1, plugin: origin.plugin })
    return undefined
  }
  const fm = checked.value
  return {
    name: qualifiedName(fm.name, origin.plugin),
    description: fm.description,
    ...(fm.tools !== undefined ? { tools: fm.tools } : {}),
    ...(fm.model !== undefined ? { model: fm.model } : {}),
    ...(fm.maxTurns !== undefined ? { maxTurns: fm.maxTurns } : {}),
    systemPrompt: substitutePluginRoot(md.body, origin.pluginRoot).trim(),
    origin: { ...origin, file },
  }
}

/** Reads `<dir>/SKILL.md`; the directory name must match the skill's `name`, as Claude Code asks. */
export async function loadSkillFile(
  file: string,
  origin: ComponentOrigin,
  sink: DiagnosticSink,
): Promise<Skill | undefined> {
  const md = await readMarkdown(file, origin, sink)
  if (!md) return undefined
  const checked = validateWith(SkillFrontmatterSchema, md.data, md.yamlText, {
    lineOffset: md.yamlLineOffset,
  })
  if (!checked.ok) {
    sink.error(file, `frontmatter ${checked.reason}`, { line: checked.line ?? 1, plugin: origin.plugin })
    return undefined
  }
  const fm = checked.value
  const directory = dirname(file)
  const nameLine = lineOfPath(md.yamlText, ['name'], md.yamlLineOffset)
  const name = skillName(fm.name, basename(directory), file, origin, sink, nameLine)
  return {
    name: qualifiedName(name, origin.plugin),
    description: fm.description,
    ...(fm['allowed-tools'] !== undefined ? { allowedTools: fm['allowed-tools'] } : {}),
    ...(fm.model !== undefined ? { model: fm.model } : {}),
    directory,
    body: substitutePluginRoot(md.body, origin.pluginRoot),
    origin: { ...origin, file },
  }
}

function firstLine(body: string): string {
  const line = body.split('\n').find((l) => l.trim() !== '') ?? ''
  const text = line.replace(/^#+\s*/, '').trim()
  return text.length > 100 ? `${text.slice(0, 97)}...` : text
}

const SKILL_NAME = /^[a-z0-9][a-z0-9-]*$/

/**
 * The name a skill is invoked by. Claude Code's validator wants `name` lowercase with hyphens,
 * at most 64 characters, but at run time it loads any skill, by its directory: published skills
 * say `name: Hook Development` in `skills/hook-development/`. So do we, with a warning.
 */
function skillName(
  declared: string | undefined,
  dirName: string,
  file: string,
  origin: ComponentOrigin,
  sink: DiagnosticSink,
  line: number | undefined,
): string {
  const plugin = { plugin: origin.plugin, ...(line !== undefined ? { line } : {}) }
  const fallback = SKILL_NAME.test(dirName) ? dirName : slug(dirName)
  if (declared === undefined || declared.trim() === '') return fallback
  if (declared.length <= 64 && SKILL_NAME.test(declared)) {
    if (declared !== dirName) {
      sink.warning(
        file,
        `skill name "${declared}" differs from its directory "${dirName}"; using "${declared}"`,
        plugin,
      )
    }
    return declared
  }
  const name = fallback
  sink.warning(
    file,
    `skill name "${declared}" is not lowercase letters, digits and hyphens (at most 64); Claude Code's validator warns about it too. Loaded as "${name}" (from its directory)`,
    plugin,
  )
  return name
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'skill'
  )
}
