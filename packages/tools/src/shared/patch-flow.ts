// The one path every file change of the model takes: compute it in memory (refusing the whole
// change when any part does not fit), ask for approval, announce it with patch_apply_begin/end,
// write it. Used by apply_patch, apply_patch run from a shell command, and Edit/Write.
import { isAbsolute, relative, resolve, sep } from 'node:path'
import type { ToolContext, ToolOutput } from '@agent/core'
import { formatForModel } from '@agent/exec'
import type { FileChange } from '@agent/protocol'
import {
  commitPlanned,
  PatchApplyError,
  type PlannedChange,
  planPatch,
  toFileChanges,
} from '../apply-patch/apply.js'
import type { ParsedPatch } from '../apply-patch/parser.js'
import { fileSystemOf } from './file-system.js'

function inside(path: string, root: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/**
 * The directory the user is asked to allow writes under, when a change lands outside the
 * writable roots of a workspace-write sandbox (undefined when everything is inside).
 */
export function grantRootFor(paths: string[], context: Pick<ToolContext, 'cwd' | 'sandboxPolicy'>) {
  const policy = context.sandboxPolicy
  if (policy.type !== 'workspace-write') return undefined
  const roots = [context.cwd, ...(policy.writable_roots ?? [])]
  const outside = paths.filter((p) => !roots.some((root) => inside(p, root)))
  if (outside.length === 0) return undefined
  let common = resolve(outside[0] as string, '..')
  for (const path of outside) while (!inside(path, common)) common = resolve(common, '..')
  return common
}

export interface ApprovedWriteResult {
  success: boolean
  stdout: string
  stderr: string
  /** The refusal, when approval was not given (nothing was written). */
  rejected?: string
}

/** Approves, announces and writes planned changes. */
export async function approveAndWrite(
  planned: PlannedChange[],
  context: ToolContext,
  changes: Record<string, FileChange> = toFileChanges(planned),
): Promise<ApprovedWriteResult> {
  const paths = planned.flatMap((c) =>
    c.type === 'update' && c.absoluteMovePath ? [c.absolutePath, c.absoluteMovePath] : [c.absolutePath],
  )
  const grantRoot = grantRootFor(paths, context)
  const approval = await context.approvePatch(grantRoot ? { changes, grantRoot } : { changes })
  if (!approval.approved) {
    const rejected = approval.reason ?? 'patch rejected by user'
    return { success: false, stdout: '', stderr: rejected, rejected }
  }
  context.emit({
    type: 'patch_apply_begin',
    call_id: context.callId,
    auto_approved: approval.autoApproved ?? false,
    changes,
  })
  const outcome = await commitPlanned(planned, fileSystemOf(context))
  context.emit({
    type: 'patch_apply_end',
    call_id: context.callId,
    success: outcome.success,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
  })
  return { success: outcome.success, stdout: outcome.stdout, stderr: outcome.stderr }
}

/** Runs a parsed patch the way Codex's apply_patch tool does; the result is for the model. */
export async function runPatchForModel(
  patch: ParsedPatch,
  cwd: string,
  context: ToolContext,
): Promise<ToolOutput> {
  const started = Date.now()
  let planned: PlannedChange[]
  try {
    planned = await planPatch(patch, cwd, fileSystemOf(context))
  } catch (error) {
    if (!(error instanceof PatchApplyError)) throw error
    return { output: `apply_patch verification failed: ${error.message}`, isError: true }
  }
  const result = await approveAndWrite(planned, context)
  if (result.rejected !== undefined) return { output: result.rejected, isError: true }
  const text = formatForModel({
    exitCode: result.success ? 0 : 1,
    durationMs: Date.now() - started,
    aggregatedOutput: `${result.stdout}${result.stderr}`,
  })
  return { output: text, isError: !result.success }
}
