// What the transcript is made of: one cell per thing the user sees. Finished cells are written
// to the terminal once (Ink <Static>); running ones stay in the live region until they finish.
import type { FileChange, ResponseItem } from '@agent/protocol'

export type PlanStep = { step: string; status: 'pending' | 'in_progress' | 'completed' }

export type Cell =
  | { kind: 'session'; model: string; cwd: string; sessionId: string; resumed: boolean }
  | { kind: 'user'; text: string }
  /** Rendered markdown lines of an assistant message; `continued` cells follow their first part directly. */
  | { kind: 'assistant'; lines: string[]; continued: boolean }
  | { kind: 'reasoning'; text: string }
  | {
      kind: 'exec'
      callId: string
      command: string[]
      cwd: string
      sandbox?: string | undefined
      running: boolean
      exitCode?: number
      durationMs?: number
      timedOut?: boolean
      output: string
      /** Shown with all its output (ctrl+o). */
      expanded?: boolean
    }
  | {
      kind: 'patch'
      callId: string
      changes: Record<string, FileChange>
      state: 'applying' | 'applied' | 'failed'
      autoApproved: boolean
      error?: string
    }
  | { kind: 'diff'; title: string; diff: string }
  | { kind: 'plan'; explanation?: string | undefined; steps: PlanStep[] }
  | {
      kind: 'mcp'
      callId: string
      server: string
      tool: string
      args?: unknown
      running: boolean
      durationMs?: number
      ok?: boolean
      result?: string
    }
  /** A tool call that shows no events of its own (Read, Grep, WebFetch, a subagent...). */
  | {
      kind: 'tool'
      callId: string
      tool: string
      args?: unknown
      running: boolean
      durationMs?: number
      ok?: boolean
      /** What the tool returned (cut to a few KB by the agent). */
      output?: string
      /** The length of the whole result when `output` was cut. */
      outputChars?: number | undefined
    }
  /** A provider-hosted web search: running until its results are in. */
  | { kind: 'search'; callId: string; query: string; running: boolean; failed?: boolean }
  | { kind: 'hook'; event: string; outcome: string; message?: string | undefined; durationMs: number }
  | { kind: 'notice'; level: 'info' | 'warning' | 'error' | 'decision'; text: string }
  /** History replayed from a resumed session, summarised. */
  | { kind: 'history'; items: ResponseItem[] }

export type CellKind = Cell['kind']

/** A pending approval prompt. */
export type ApprovalRequest =
  | {
      kind: 'exec'
      callId: string
      command: string[]
      cwd: string
      reason?: string | undefined
      proposedPrefix?: string[] | undefined
      retryWithoutSandbox?: boolean | undefined
      /** The subagent that asks, when a Task tool's child agent asks. */
      subagent?: string | undefined
    }
  | {
      kind: 'patch'
      callId: string
      changes: Record<string, FileChange>
      reason?: string | undefined
      grantRoot?: string | undefined
      subagent?: string | undefined
    }
