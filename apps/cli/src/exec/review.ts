// `agent review` / `agent exec --review`: a code review of the working tree's changes (the
// default), of one commit (`--commit SHA`) or of the branch against a base (`--base BRANCH`).
// The diff goes into a dedicated prompt; the turn's output schema makes the model answer with
// JSON findings (file, line, severity, title, why), printed readably or as JSON.
import { execFileSync } from 'node:child_process'
import { UsageError } from '@agent/sdk'

export type ReviewTarget =
  | { kind: 'uncommitted' }
  | { kind: 'commit'; sha: string }
  | { kind: 'base'; branch: string }

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const
export type Severity = (typeof SEVERITIES)[number]

export interface Finding {
  file: string
  line: number
  severity: Severity
  title: string
  why: string
}

export interface Review {
  findings: Finding[]
  summary: string
}

/** The schema of the model's answer (strict: every key required, nothing else). */
export const REVIEW_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: {
    findings: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          file: { type: 'string', description: 'Path of the file, relative to the repository root' },
          line: { type: 'integer', description: 'Line in the new version of the file (1-based)' },
          severity: { type: 'string', enum: [...SEVERITIES] },
          title: { type: 'string', description: 'The problem in one short sentence' },
          why: { type: 'string', description: 'Why it is a problem and how to fix it' },
        },
        required: ['file', 'line', 'severity', 'title', 'why'],
        additionalProperties: false,
      },
    },
    summary: { type: 'string', description: 'Overall verdict in one or two sentences' },
  },
  required: ['findings', 'summary'],
  additionalProperties: false,
}

/** Characters of diff put in the prompt; a longer diff is cut and the model told so. */
export const MAX_REVIEW_DIFF = 200_000

export function reviewTarget(flags: { base?: string; commit?: string }): ReviewTarget {
  if (flags.base !== undefined && flags.commit !== undefined) {
    throw new UsageError('--base and --commit are exclusive: review a commit, or the branch against a base')
  }
  if (flags.commit !== undefined) return { kind: 'commit', sha: flags.commit }
  if (flags.base !== undefined) return { kind: 'base', branch: flags.base }
  return { kind: 'uncommitted' }
}

/** `/review` arguments: `--base BRANCH`, `--commit SHA`, and the rest is what to focus on. */
export function parseReviewArgs(args: string): { base?: string; commit?: string; focus?: string } {
  const words = args.split(/\s+/).filter(Boolean)
  const out: { base?: string; commit?: string; focus?: string } = {}
  const focus: string[] = []
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    if (word === '--base' || word === '--commit') {
      const value = words[++i]
      if (!value)
        throw new UsageError(`${word} needs a value: /review ${word} ${word === '--base' ? 'BRANCH' : 'SHA'}`)
      if (word === '--base') out.base = value
      else out.commit = value
    } else focus.push(word)
  }
  if (focus.length > 0) out.focus = focus.join(' ')
  return out
}

function git(cwd: string, args: string[], what: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: 'pipe' })
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim()
    throw new UsageError(`${what}: git ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`)
  }
}

function hasHead(cwd: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--verify', '-q', 'HEAD'], { cwd, stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** The diff to review and a one-line description of it. Empty changes are a usage error. */
export function collectDiff(cwd: string, target: ReviewTarget): { diff: string; description: string } {
  let diff: string
  let description: string
  if (target.kind === 'commit') {
    diff = git(
      cwd,
      ['show', '--no-color', '--format=commit %H%nAuthor: %an%n%n%B', target.sha, '--'],
      `--commit ${target.sha}`,
    )
    description = `the changes of commit ${target.sha}`
  } else if (target.kind === 'base') {
    const base = git(cwd, ['merge-base', 'HEAD', target.branch], `--base ${target.branch}`).trim()
    diff = git(cwd, ['diff', '--no-color', base, '--'], `--base ${target.branch}`)
    description = `the changes of this branch against ${target.branch} (merge base ${base.slice(0, 12)})`
  } else {
    diff = hasHead(cwd)
      ? git(cwd, ['diff', '--no-color', 'HEAD', '--'], 'uncommitted changes')
      : git(cwd, ['diff', '--no-color', '--cached', '--'], 'uncommitted changes')
    // Untracked (not ignored) files are changes too: show them as added files.
    const untracked = git(cwd, ['ls-files', '--others', '--exclude-standard', '-z'], 'untracked files')
      .split('\0')
      .filter(Boolean)
    for (const file of untracked) {
      try {
        execFileSync('git', ['diff', '--no-color', '--no-index', '--', '/dev/null', file], {
          cwd,
          stdio: 'pipe',
        })
      } catch (error) {
        // `git diff --no-index` exits 1 when the files differ, which they do: the diff is on stdout.
        diff += String((error as { stdout?: unknown }).stdout ?? '')
      }
    }
    description = 'the uncommitted changes of the working tree (staged, unstaged and untracked) against HEAD'
  }
  if (diff.trim() === '') {
    throw new UsageError(
      target.kind === 'uncommitted'
        ? 'nothing to review: the working tree has no changes against HEAD (use --commit SHA or --base BRANCH)'
        : `nothing to review: ${description} are empty`,
    )
  }
  return { diff, description }
}

export function reviewPrompt(description: string, diff: string, focus?: string): string {
  const cut = diff.length > MAX_REVIEW_DIFF
  const shown = cut ? diff.slice(0, MAX_REVIEW_DIFF) : diff
  return [
    `You are reviewing ${description}. Find the problems a careful senior engineer would flag before merging:`,
    'bugs, wrong logic, unhandled errors and edge cases, security issues, races, resource leaks, broken',
    'tests or missing ones for changed behaviour, and misleading names or comments. Do not flag style',
    'a formatter would fix, and do not praise. You may read files of the repository for context, but',
    'change nothing.',
    '',
    'Answer with JSON following the given schema: one finding per problem, with the file path relative',
    'to the repository root, the line in the new version of the file, a severity (critical: breaks',
    'production or loses data; high: a real bug; medium: a likely problem; low: a minor issue), a one-line',
    'title and why it matters and how to fix it. An empty list is the right answer when the change is',
    'fine. The summary gives the overall verdict.',
    ...(focus ? ['', `The user asks you to focus on: ${focus}`] : []),
    '',
    cut ? `The diff (the first ${MAX_REVIEW_DIFF} characters of ${diff.length}):` : 'The diff:',
    '```diff',
    shown.trimEnd(),
    '```',
  ].join('\n')
}

/** The model's answer as a review, or why it is not one. */
export function parseReview(text: string): Review | { error: string } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { error: `the model's answer is not JSON: ${(error as Error).message}` }
  }
  const v = value as Partial<Review>
  if (!v || typeof v !== 'object' || !Array.isArray(v.findings) || typeof v.summary !== 'string') {
    return { error: 'the model\'s answer has no "findings" list and "summary"' }
  }
  const findings: Finding[] = []
  for (const f of v.findings as Partial<Finding>[]) {
    if (typeof f?.file !== 'string' || typeof f.title !== 'string' || typeof f.why !== 'string') {
      return { error: `a finding lacks file, title or why: ${JSON.stringify(f)}` }
    }
    const severity = SEVERITIES.includes(f.severity as Severity) ? (f.severity as Severity) : 'medium'
    findings.push({
      file: f.file,
      line: Number.isInteger(f.line) ? (f.line as number) : 0,
      severity,
      title: f.title,
      why: f.why,
    })
  }
  findings.sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      a.file.localeCompare(b.file) ||
      a.line - b.line,
  )
  return { findings, summary: v.summary }
}

/** Findings as people read them: most severe first, `file:line [severity] title`, then why. */
export function formatReview(review: Review): string {
  const lines: string[] = []
  if (review.findings.length === 0) lines.push('No findings.')
  for (const f of review.findings) {
    lines.push(`${f.file}${f.line > 0 ? `:${f.line}` : ''} [${f.severity}] ${f.title}`)
    for (const line of f.why.split('\n')) lines.push(`    ${line}`)
  }
  lines.push('', review.summary)
  const counts = SEVERITIES.map((s) => [s, review.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
  if (counts.length > 0)
    lines.push(
      `${review.findings.length} finding${review.findings.length === 1 ? '' : 's'}: ${counts.join(', ')}`,
    )
  return `${lines.join('\n')}\n`
}

/** Findings as markdown, for an editor's chat (ACP): a list, most severe first, then the summary. */
export function formatReviewMarkdown(review: Review): string {
  const lines: string[] = []
  if (review.findings.length === 0) lines.push('**No findings.**')
  for (const f of review.findings) {
    const where = `${f.file}${f.line > 0 ? `:${f.line}` : ''}`
    lines.push(`- **${f.severity}** \`${where}\` ${f.title}`)
    for (const line of f.why.trim().split('\n')) lines.push(`  ${line}`)
  }
  lines.push('', review.summary)
  const counts = SEVERITIES.map((s) => [s, review.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
  if (counts.length > 0)
    lines.push(
      '',
      `_${review.findings.length} finding${review.findings.length === 1 ? '' : 's'}: ${counts.join(', ')}_`,
    )
  return lines.join('\n')
}
