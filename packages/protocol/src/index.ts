// @agent/protocol: the language every package speaks. Zod schemas with inferred types for
// everything that crosses a boundary: ops and events of the queue pair, conversation items,
// policies, the model interface, and rollout lines.
export * from './events.js'
export * from './items.js'
export { publicSchemas, toJsonSchema } from './json-schema.js'
export * from './model.js'
export * from './ops.js'
export * from './policy.js'
export * from './rollout.js'
export * from './thread-events.js'
export { toolCallLabel, toolCallSubject } from './tool-calls.js'
export * from './validate.js'
