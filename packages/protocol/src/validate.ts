// Validation at a boundary: parse a value with a schema and, when it fails, produce one error
// message that names every bad field by its path, so a client can fix its input.
import type { z } from 'zod'
import { Event } from './events.js'
import { Submission } from './ops.js'
import { RolloutLine } from './rollout.js'

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
  constructor(
    message: string,
    /** One entry per failing field: `path` is dotted (`op.items.0.text`). */
    readonly issues: { path: string; message: string }[],
  ) {
    super(message)
  }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ProtocolError }

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.')
}

/** Turns zod issues into `path: message` lines, expanding union branches that failed. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): { path: string; message: string }[] {
  return issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message }))
}

/** Parses `value` with `schema`; `what` names the thing in the message (`submission`, `event`). */
export function safeParseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): ParseResult<z.infer<S>> {
  const result = schema.safeParse(value)
  if (result.success) return { ok: true, value: result.data }
  const issues = describeIssues(result.error.issues)
  const detail = issues.map((i) => `${i.path}: ${i.message}`).join('; ')
  return { ok: false, error: new ProtocolError(`invalid ${what}: ${detail}`, issues) }
}

export const parseSubmission = (value: unknown) => safeParseWith(Submission, value, 'submission')
export const parseEvent = (value: unknown) => safeParseWith(Event, value, 'event')
export const parseRolloutLine = (value: unknown) => safeParseWith(RolloutLine, value, 'rollout line')
