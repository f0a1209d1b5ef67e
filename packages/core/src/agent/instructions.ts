// What the model is told besides the conversation: project instructions (AGENTS.md from the
// repository root down to the cwd, and CLAUDE.md where present) and the environment context.
import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { ApprovalPolicy, SandboxPolicy } from '@agent/protocol'

export interface ProjectDocOptions {
  /** Set to false to read no project instruction files. */
  enabled?: boolean
  /** File names read in each directory, in order (default `AGENTS.md`, then `CLAUDE.md`). */
  fileNames?: string[]
  /** Total bytes of project instructions included (default 32 KiB, like Codex); the rest is cut. */
  maxBytes?: number
}

export const DEFAULT_PROJECT_DOC_NAMES = ['AGENTS.md', 'CLAUDE.md']
export const DEFAULT_PROJECT_DOC_MAX_BYTES = 32 * 1024

/** The nearest ancestor of `cwd` (itself included) holding `.git`, or undefined outside a repository. */
export function findRepoRoot(cwd: string): string | undefined {
  let dir = resolve(cwd)
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

export interface ProjectDoc {
  path: string
  text: string
}

/** Reads the instruction files from the repository root down to `cwd` (just `cwd` outside a repository). */
export async function readProjectDocs(cwd: string, options: ProjectDocOptions = {}): Promise<ProjectDoc[]> {
  if (options.enabled === false) return []
  const names = options.fileNames ?? DEFAULT_PROJECT_DOC_NAMES
  let budget = options.maxBytes ?? DEFAULT_PROJECT_DOC_MAX_BYTES
  const start = resolve(cwd)
  const root = findRepoRoot(start) ?? start
  const dirs: string[] = []
  for (let dir = start; ; dir = dirname(dir)) {
    dirs.unshift(dir)
    if (dir === root || dirname(dir) === dir) break
  }
  const docs: ProjectDoc[] = []
  for (const dir of dirs) {
    for (const name of names) {
      if (budget <= 0) return docs
      const path = join(dir, name)
      try {
        if (!statSync(path).isFile()) continue
      } catch {
        continue
      }
      const raw = await readFile(path)
      const text = raw.subarray(0, budget).toString('utf8').trim()
      budget -= raw.length
      if (text) docs.push({ path, text })
    }
  }
  return docs
}

export function renderProjectDocs(docs: readonly ProjectDoc[]): string {
  return docs
    .map((d) => `# Instructions from ${d.path}\n\n<INSTRUCTIONS>\n${d.text}\n</INSTRUCTIONS>`)
    .join('\n\n')
}

export interface EnvironmentContext {
  cwd: string
  approvalPolicy: ApprovalPolicy
  sandboxPolicy: SandboxPolicy
  shell?: string
}

export function renderEnvironmentContext(ctx: EnvironmentContext): string {
  const lines = [
    '<environment_context>',
    `  <cwd>${ctx.cwd}</cwd>`,
    `  <approval_policy>${ctx.approvalPolicy}</approval_policy>`,
    `  <sandbox_mode>${ctx.sandboxPolicy.type}</sandbox_mode>`,
  ]
  if (ctx.sandboxPolicy.type === 'workspace-write') {
    lines.push(
      `  <network_access>${ctx.sandboxPolicy.network_access ? 'enabled' : 'restricted'}</network_access>`,
    )
    if (ctx.sandboxPolicy.writable_roots.length > 0) {
      lines.push('  <writable_roots>')
      for (const root of ctx.sandboxPolicy.writable_roots) lines.push(`    <root>${root}</root>`)
      lines.push('  </writable_roots>')
    }
  } else if (ctx.sandboxPolicy.type === 'read-only') {
    lines.push('  <network_access>restricted</network_access>')
  } else {
    lines.push('  <network_access>enabled</network_access>')
  }
  if (ctx.shell) lines.push(`  <shell>${ctx.shell}</shell>`)
  lines.push('</environment_context>')
  return lines.join('\n')
}

export const DEFAULT_BASE_INSTRUCTIONS = [
  'You are a coding agent running in a terminal on the user’s machine. You help with software',
  'engineering tasks by reading code, running commands and editing files with the tools you are given.',
  'Work in the current working directory unless told otherwise. Keep going until the task is done,',
  'verify your work (run the tests when there are any), and finish with a short summary of what you did.',
  'Commands run inside a sandbox chosen by the user; when a command is refused or fails because of the',
  'sandbox or the approval policy, do not try to work around it: explain what you need instead.',
].join('\n')

/** The base instructions sent with every request: the session's own, or the default. */
export function baseInstructions(options: { instructions?: string }): string {
  return options.instructions ?? DEFAULT_BASE_INSTRUCTIONS
}
