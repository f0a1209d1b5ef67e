// The JSONL stream `agent exec --json` prints, in the shape of `codex exec --json`: thread and
// turn lifecycle lines, and items (messages, reasoning, commands, file changes, MCP calls, todo
// lists, errors) that start, update and complete. Scripts consume this instead of raw events.
import { z } from 'zod'

const itemBase = { id: z.string() }
const status = z.enum(['in_progress', 'completed', 'failed', 'declined'])

// Each schema is built at its first use (z.lazy): `agent exec --json` writes these lines without
// parsing them, so a start never pays for building them; tests and clients that parse do.
export const ThreadItem = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ ...itemBase, type: z.literal('agent_message'), text: z.string() }),
    z.object({ ...itemBase, type: z.literal('reasoning'), text: z.string() }),
    z.object({
      ...itemBase,
      type: z.literal('command_execution'),
      command: z.string(),
      aggregated_output: z.string(),
      exit_code: z.number().int().nullable(),
      status,
    }),
    z.object({
      ...itemBase,
      type: z.literal('file_change'),
      changes: z.array(z.object({ path: z.string(), kind: z.enum(['add', 'delete', 'update']) })),
      status,
    }),
    z.object({
      ...itemBase,
      type: z.literal('mcp_tool_call'),
      server: z.string(),
      tool: z.string(),
      arguments: z.unknown(),
      result: z
        .object({ content: z.array(z.unknown()), structured_content: z.unknown().nullable() })
        .nullable(),
      error: z.object({ message: z.string() }).nullable(),
      status,
    }),
    /** A provider-hosted web search (Codex's `web_search` item): completes when its results are in. */
    z.object({ ...itemBase, type: z.literal('web_search'), query: z.string() }),
    z.object({
      ...itemBase,
      type: z.literal('todo_list'),
      items: z.array(z.object({ text: z.string(), completed: z.boolean() })),
    }),
    z.object({ ...itemBase, type: z.literal('error'), message: z.string() }),
  ]),
)
export type ThreadItem = z.infer<typeof ThreadItem>

export const ThreadUsage = z.lazy(() =>
  z.object({
    input_tokens: z.number().int().nonnegative(),
    cached_input_tokens: z.number().int().nonnegative(),
    output_tokens: z.number().int().nonnegative(),
    reasoning_output_tokens: z.number().int().nonnegative().default(0),
  }),
)

export const ThreadEvent = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('thread.started'), thread_id: z.string() }),
    z.object({ type: z.literal('turn.started') }),
    z.object({ type: z.literal('turn.completed'), usage: ThreadUsage }),
    z.object({ type: z.literal('turn.failed'), error: z.object({ message: z.string() }) }),
    z.object({ type: z.literal('item.started'), item: ThreadItem }),
    z.object({ type: z.literal('item.updated'), item: ThreadItem }),
    z.object({ type: z.literal('item.completed'), item: ThreadItem }),
    z.object({ type: z.literal('error'), message: z.string() }),
  ]),
)
export type ThreadEvent = z.infer<typeof ThreadEvent>
