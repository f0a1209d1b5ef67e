// Skills the way Claude Code does them: only name + description sit in the model's context
// (within a budget), and the `Skill` tool loads a skill's full SKILL.md when the model asks,
// telling it the skill's directory so it can run bundled scripts and read bundled files.
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { parseFrontmatter } from './located.js'
import type { Skill } from './markdown-components.js'
import { resolveByName } from './names.js'
import { substitutePluginRoot } from './origin.js'
import { substituteArguments } from './slash-commands.js'
import { loadTextParsers } from './text-parsers.js'
import type { PluginToolDefinition } from './tool-contract.js'

/** About 1 % of a context window, in characters (4 characters a token). */
export function skillBudgetChars(contextWindowTokens: number): number {
  return Math.max(1_000, Math.floor(contextWindowTokens * 0.01 * 4))
}

/**
 * The list of skills for the model's context: `- name: description` lines under a short
 * preface, within `budgetChars`. Long descriptions are shortened first; if that is not enough,
 * the last skills are left out and the text says how many.
 */
export function skillsContextText(skills: readonly Skill[], options: { budgetChars: number }): string {
  if (skills.length === 0) return ''
  const preface =
    'Skills are instructions and bundled files for particular tasks. When a task matches a ' +
    "skill's description, call the Skill tool with its name before doing the task.\n\nAvailable skills:\n"
  const budget = Math.max(0, options.budgetChars - preface.length)
  const full = skills.map((s) => `- ${s.name}: ${oneLine(s.description)}`)
  if (total(full) <= budget) return preface + full.join('\n')
  // Give every skill an equal share, but never shorten a description below 60 characters.
  const share = Math.max(60, Math.floor(budget / skills.length) - 1)
  const short = skills.map((s) => clip(`- ${s.name}: ${oneLine(s.description)}`, share))
  const kept: string[] = []
  let used = 0
  for (const [index, line] of short.entries()) {
    const left = skills.length - index - 1
    const note = left > 0 ? `\n(${left} more skills not listed)`.length : 0
    if (used + line.length + 1 + note > budget) break
    kept.push(line)
    used += line.length + 1
  }
  const omitted = skills.length - kept.length
  return preface + kept.join('\n') + (omitted > 0 ? `\n(${omitted} more skills not listed)` : '')
}

const SkillArgs = z.object({
  skill: z.string().min(1).describe('The skill name, e.g. "pdf" or "my-plugin:pdf"'),
  args: z.string().optional().describe('Optional arguments for the skill'),
})
export type SkillArgs = z.infer<typeof SkillArgs>

/**
 * The `Skill` tool. Reads SKILL.md again on each call, so an edited skill is current, and
 * returns its body preceded by the skill's directory (bundled paths in it are relative to it).
 */
export function createSkillTool(skills: readonly Skill[]): PluginToolDefinition<SkillArgs> {
  return {
    name: 'Skill',
    description:
      'Load a skill: its full instructions, and the directory holding its scripts and reference ' +
      'files. Use it when a task matches one of the available skills listed in your context. ' +
      `Skills: ${skills.map((s) => s.name).join(', ') || '(none)'}.`,
    parameters: SkillArgs,
    readOnly: true,
    async handle(args) {
      const found = resolveByName(skills, args.skill)
      if (!found.ok) return { output: `${found.error} Available skills: ${names(skills)}.`, isError: true }
      const skill = found.value
      let body: string
      try {
        const text = await readFile(skill.origin.file, 'utf8')
        await loadTextParsers()
        const parsed = parseFrontmatter(text)
        body = parsed.ok ? substitutePluginRoot(parsed.value.body, skill.origin.pluginRoot) : skill.body
      } catch (error) {
        return {
          output: `Skill "${skill.name}" could not be read from ${skill.origin.file}: ${(error as Error).message}`,
          isError: true,
        }
      }
      if (args.args !== undefined) body = substituteArguments(body, args.args).text
      return {
        output: `Base directory for this skill: ${skill.directory}\n\n${body.trim()}\n`,
      }
    },
  }
}

function names(skills: readonly Skill[]): string {
  return skills.map((s) => s.name).join(', ') || '(none)'
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

function total(lines: string[]): number {
  return lines.reduce((n, l) => n + l.length + 1, 0)
}
