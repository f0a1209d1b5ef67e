// Reading rule sources from disk or text: Codex `.rules` files (a file or a directory of them)
// and Claude Code settings files. Every failure names the file and what to fix.
import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { loadBashParser } from './bash/parser.js'
import { analyseScript } from './bash/script.js'
import { describeError, PolicyError } from './errors.js'
import {
  mergePermissionSettings,
  type PermissionSettings,
  parsePermissionSettings,
} from './rules/claude-settings.js'
import { type ExecPolicy, mergeExecPolicies, parseExecPolicy } from './rules/exec-policy.js'

/** Parses the text of one `.rules` file. String examples are split into words by the bash parser. */
export async function parseRules(text: string, source = '<rules>'): Promise<ExecPolicy> {
  const parser = await loadBashParser()
  return parseExecPolicy(text, source, (example) => {
    const analysis = analyseScript(parser, example)
    const [only, ...others] = analysis.commands
    if (
      analysis.error !== undefined ||
      !only ||
      others.length > 0 ||
      !only.literal ||
      analysis.complexity.length > 0
    )
      throw new Error('a string example must be one plain command (words and quotes only)')
    return only.argv
  })
}

/** Loads `.rules` files; a directory contributes every `*.rules` file in it, in name order. */
export async function loadRulesFiles(paths: readonly string[]): Promise<ExecPolicy> {
  const files: string[] = []
  for (const path of paths) {
    const info = await stat(path).catch((error: unknown) => {
      throw new PolicyError('rules_syntax', `cannot read rules file ${path}: ${describeError(error)}`)
    })
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((n) => n.endsWith('.rules')).sort()
      files.push(...names.map((n) => join(path, n)))
    } else files.push(path)
  }
  const policies: ExecPolicy[] = []
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw new PolicyError('rules_syntax', `cannot read rules file ${file}: ${describeError(error)}`)
    })
    policies.push(await parseRules(text, file))
  }
  return mergeExecPolicies(policies)
}

/**
 * Loads Claude Code settings files (user, project, local ...) and merges their permission rules.
 * `/path` rules are relative to the project: the parent of a `.claude` folder, else the file's folder.
 */
export async function loadSettingsFiles(paths: readonly string[]): Promise<PermissionSettings> {
  const all: PermissionSettings[] = []
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch((error: unknown) => {
      throw new PolicyError('settings_invalid', `cannot read settings file ${path}: ${describeError(error)}`)
    })
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      throw new PolicyError('settings_invalid', `${path} is not valid JSON: ${describeError(error)}`)
    }
    const dir = dirname(resolve(path))
    all.push(
      parsePermissionSettings(json, {
        source: path,
        settingsDir: basename(dir) === '.claude' ? dirname(dir) : dir,
      }),
    )
  }
  return mergePermissionSettings(all)
}
