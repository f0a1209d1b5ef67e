// Approvals as a round trip: a request event goes out, the matching op comes back and resolves
// the waiting call. Also the session's memory of `approved_for_session` answers.
import { isAbsolute, relative, resolve } from 'node:path'
import type { ApprovalAnswer } from '../ports/step-journal.js'

export type { ApprovalAnswer }

export class PendingApprovals {
  private readonly waiting = new Map<string, (answer: ApprovalAnswer) => void>()

  /** Waits for the answer to request `id`; an abort resolves it as `abort`. */
  wait(id: string, signal: AbortSignal): Promise<ApprovalAnswer> {
    if (signal.aborted) return Promise.resolve({ decision: 'abort' })
    return new Promise((resolvePromise) => {
      const onAbort = () => this.answer(id, { decision: 'abort' })
      signal.addEventListener('abort', onAbort, { once: true })
      this.waiting.set(id, (answer) => {
        signal.removeEventListener('abort', onAbort)
        resolvePromise(answer)
      })
    })
  }

  /** Returns false when nothing waits for `id` (already answered, or never asked). */
  answer(id: string, answer: ApprovalAnswer): boolean {
    const resolveFn = this.waiting.get(id)
    if (!resolveFn) return false
    this.waiting.delete(id)
    resolveFn(answer)
    return true
  }

  get size(): number {
    return this.waiting.size
  }
}

/** One `approved_for_session` answer, as JSON data (a durable engine keeps them between turns). */
export type SessionGrant =
  | { type: 'command'; command: string[] }
  | { type: 'prefix'; prefix: string[] }
  | { type: 'paths'; paths: string[] }
  | { type: 'root'; root: string }

/** What the user approved for the rest of the session. */
export class SessionApprovals {
  private readonly exact = new Set<string>()
  private readonly prefixes: string[][] = []
  private readonly paths = new Set<string>()
  private readonly roots: string[] = []

  /** Everything approved so far, in a form `restore` takes back. */
  grants(): SessionGrant[] {
    return [
      ...[...this.exact].map((json): SessionGrant => ({ type: 'command', command: JSON.parse(json) })),
      ...this.prefixes.map((prefix): SessionGrant => ({ type: 'prefix', prefix: [...prefix] })),
      ...(this.paths.size > 0 ? [{ type: 'paths', paths: [...this.paths] } satisfies SessionGrant] : []),
      ...this.roots.map((root): SessionGrant => ({ type: 'root', root })),
    ]
  }

  restore(grants: readonly SessionGrant[]): void {
    for (const grant of grants) {
      if (grant.type === 'command') this.approveCommand(grant.command)
      else if (grant.type === 'prefix') this.approveCommand([], grant.prefix)
      else if (grant.type === 'paths') this.approvePaths(grant.paths)
      else this.approvePaths([], grant.root)
    }
  }

  approveCommand(command: readonly string[], prefix?: readonly string[]): void {
    if (prefix && prefix.length > 0) {
      const key = JSON.stringify(prefix)
      if (!this.prefixes.some((p) => JSON.stringify(p) === key)) this.prefixes.push([...prefix])
    } else this.exact.add(JSON.stringify(command))
  }

  isCommandApproved(command: readonly string[]): boolean {
    if (this.exact.has(JSON.stringify(command))) return true
    return this.prefixes.some((p) => p.length <= command.length && p.every((word, i) => command[i] === word))
  }

  approvePaths(paths: readonly string[], grantRoot?: string): void {
    for (const p of paths) this.paths.add(resolve(p))
    const root = grantRoot ? resolve(grantRoot) : undefined
    if (root && !this.roots.includes(root)) this.roots.push(root)
  }

  arePathsApproved(paths: readonly string[]): boolean {
    return paths.every((p) => {
      const abs = resolve(p)
      return this.paths.has(abs) || this.roots.some((root) => isWithin(root, abs))
    })
  }
}

export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}
