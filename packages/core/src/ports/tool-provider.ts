// Port: tools that come from outside the agent (MCP servers). Implemented by `@agent/mcp`.
import type { ContentPart, EventMsg } from '@agent/protocol'

export interface ProvidedTool {
  /** Name shown to the model, e.g. `mcp__github__create_issue` (unique, ≤ 64 chars, [A-Za-z0-9_]). */
  name: string
  description: string
  /** JSON Schema of the arguments. */
  inputSchema: Record<string, unknown>
  /** Which server and which of its tools, for `mcp_tool_call_*` events. */
  server: string
  tool: string
  /** The server declared the tool read-only (MCP `readOnlyHint`): it may run in parallel. */
  readOnly?: boolean
}

export interface ProvidedToolResult {
  content: ContentPart[]
  isError: boolean
  structuredContent?: unknown
  /** The raw result, for the `mcp_tool_call_end` event. */
  raw?: unknown
}

export interface ToolProvider {
  /** Starts connections; progress goes to `onEvent` (`mcp_startup_update`, `mcp_startup_complete`). */
  start?(onEvent: (msg: EventMsg) => void): Promise<void>
  listTools(): Promise<ProvidedTool[]>
  /** Never rejects for a tool failure: failures come back as `isError` results with a clear message. */
  callTool(
    name: string,
    args: unknown,
    options: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<ProvidedToolResult>
  close?(): Promise<void>
}
