// Shared fixtures of the tests: contexts for each approval policy and a policy with no rules.
import type { ApprovalPolicy, SandboxPolicy } from '@agent/protocol'
import { type CommandPolicy, createCommandPolicy, type EvaluateContext } from '../src/index.js'

export const WORKSPACE: SandboxPolicy = { type: 'workspace-write', writable_roots: [], network_access: false }
export const FULL_ACCESS: SandboxPolicy = { type: 'danger-full-access' }

export function ctx(
  approvalPolicy: ApprovalPolicy,
  sandboxPolicy: SandboxPolicy = WORKSPACE,
): EvaluateContext {
  return { approvalPolicy, sandboxPolicy, cwd: '/work' }
}

let shared: Promise<CommandPolicy> | undefined
/** A policy without user rules: the built-in judgement only. */
export function bare(): Promise<CommandPolicy> {
  shared ??= createCommandPolicy()
  return shared
}
