// JSON Schema for the public messages, generated from the zod schemas (for clients in other
// languages). `pnpm --filter @agent/protocol gen:schema` writes them to `schema/`.
import { z } from 'zod'
import { Event } from './events.js'
import { ResponseItem } from './items.js'
import { ModelEvent, ModelRequest } from './model.js'
import { Submission } from './ops.js'
import { RolloutLine } from './rollout.js'
import { ThreadEvent } from './thread-events.js'

/** The schemas published as JSON Schema, by file name (without `.schema.json`). */
export const publicSchemas = {
  submission: Submission,
  event: Event,
  'response-item': ResponseItem,
  'rollout-line': RolloutLine,
  'model-request': ModelRequest,
  'model-event': ModelEvent,
  'thread-event': ThreadEvent,
} as const

/** JSON Schema (draft 2020-12) of one public message; `io: 'input'` describes what parses. */
export function toJsonSchema(name: keyof typeof publicSchemas): Record<string, unknown> {
  const schema = z.toJSONSchema(publicSchemas[name], { io: 'input', unrepresentable: 'any' })
  return { $id: `https://agent-runtime.dev/schema/${name}.schema.json`, ...schema }
}
