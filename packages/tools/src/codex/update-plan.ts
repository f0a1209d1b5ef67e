// Codex's `update_plan`: the model keeps a short step list; each call replaces it and the UI
// hears about it as a `plan_update` event.
import { PlanItem } from '@agent/protocol'
import { z } from 'zod'
import { defineTool } from '../shared/tool-kit.js'

export const UpdatePlanArgs = z.object({
  explanation: z.string().optional(),
  plan: z.array(PlanItem),
})
export type UpdatePlanArgs = z.infer<typeof UpdatePlanArgs>

export const UPDATE_PLAN_JSON_SCHEMA = {
  type: 'object',
  properties: {
    explanation: { type: 'string' },
    plan: {
      type: 'array',
      description: 'The list of steps',
      items: {
        type: 'object',
        properties: {
          step: { type: 'string' },
          status: { type: 'string', description: 'One of: pending, in_progress, completed' },
        },
        required: ['step', 'status'],
        additionalProperties: false,
      },
    },
  },
  required: ['plan'],
  additionalProperties: false,
}

export const updatePlanTool = defineTool<UpdatePlanArgs>({
  name: 'update_plan',
  description: `Updates the task plan.
Give an optional explanation and the full list of steps, each with a status.
At most one step can be in_progress at a time.`,
  parameters: UpdatePlanArgs,
  jsonSchema: UPDATE_PLAN_JSON_SCHEMA,
  readOnly: true,
  emitsOwnEvents: true,
  async handle(args, context) {
    const inProgress = args.plan.filter((item) => item.status === 'in_progress').length
    if (inProgress > 1) {
      return {
        output: `update_plan: ${inProgress} steps are in_progress; at most one step can be in_progress at a time.`,
        isError: true,
      }
    }
    const event: Parameters<typeof context.emit>[0] = { type: 'plan_update', plan: args.plan }
    if (args.explanation !== undefined) event.explanation = args.explanation
    context.emit(event)
    return { output: 'Plan updated' }
  },
})
