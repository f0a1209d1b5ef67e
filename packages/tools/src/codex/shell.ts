// Codex's `shell` tool: run an argv (usually `["bash", "-lc", script]`) through the orchestrator.
// An `apply_patch` hidden in the command takes the patch path instead, so it is approved and
// announced as a patch rather than run as an opaque script.
import { resolve } from 'node:path'
import { z } from 'zod'
import { parseApplyPatchInvocation } from '../apply-patch/invocation.js'
import { runPatchForModel } from '../shared/patch-flow.js'
import { defineTool } from '../shared/tool-kit.js'

export const ShellArgs = z.object({
  command: z.array(z.string()).min(1, 'command must name a program: ["bash", "-lc", "..."]'),
  workdir: z.string().optional(),
  timeout_ms: z.number().int().positive().optional(),
  with_escalated_permissions: z.boolean().optional(),
  justification: z.string().optional(),
  /** Newer Codex spelling of the escalation request, accepted for compatibility. */
  sandbox_permissions: z.enum(['use_default', 'require_escalated']).optional(),
})
export type ShellArgs = z.infer<typeof ShellArgs>

export const SHELL_JSON_SCHEMA = {
  type: 'object',
  properties: {
    command: { type: 'array', items: { type: 'string' }, description: 'The command to execute' },
    workdir: { type: 'string', description: 'The working directory to execute the command in' },
    timeout_ms: { type: 'number', description: 'The timeout for the command in milliseconds' },
    with_escalated_permissions: {
      type: 'boolean',
      description:
        'Request to run the command outside the sandbox. Set to true only when the command cannot work inside it.',
    },
    justification: {
      type: 'string',
      description: 'Only with with_escalated_permissions: one sentence on why the command needs it.',
    },
  },
  required: ['command'],
  additionalProperties: false,
}

/** Outcome of a patch found inside a shell command, prefixed as Codex words it. */
export async function routeApplyPatch(
  command: string[],
  cwd: string,
  context: Parameters<typeof runPatchForModel>[2],
) {
  const invocation = parseApplyPatchInvocation(command)
  if (invocation.type === 'not_patch') return undefined
  if (invocation.type === 'error') {
    return { output: `apply_patch verification failed: ${invocation.message}`, isError: true }
  }
  const patchCwd = invocation.workdir ? resolve(cwd, invocation.workdir) : cwd
  return runPatchForModel(invocation.patch, patchCwd, context)
}

export const shellTool = defineTool<ShellArgs>({
  name: 'shell',
  description: `Runs a shell command and returns its output.
- The arguments to \`shell\` are passed to execvp(); most commands should start with ["bash", "-lc"].
- Always set \`workdir\` instead of using \`cd\`, unless there is no other way.`,
  parameters: ShellArgs,
  jsonSchema: SHELL_JSON_SCHEMA,
  readOnly: false,
  emitsOwnEvents: true,
  changesFilesOnlyByCommands: true,
  describeForApproval: (args) => args.command,
  async handle(args, context) {
    const cwd = args.workdir ? resolve(context.cwd, args.workdir) : context.cwd
    const patched = await routeApplyPatch(args.command, cwd, context)
    if (patched) return patched
    const escalate =
      args.with_escalated_permissions === true || args.sandbox_permissions === 'require_escalated'
    const request: Parameters<typeof context.exec>[0] = { command: args.command, cwd }
    if (args.timeout_ms !== undefined) request.timeoutMs = args.timeout_ms
    if (escalate) request.escalate = true
    if (args.justification !== undefined) request.justification = args.justification
    const outcome = await context.exec(request)
    if (outcome.status === 'rejected') return { output: outcome.reason, isError: true }
    return { output: outcome.formatted, isError: outcome.result.exitCode !== 0 }
  },
})
