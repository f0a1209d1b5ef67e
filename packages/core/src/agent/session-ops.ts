// The ops that do not start a turn: undo (restore the last turn's workspace snapshot) and
// listing the MCP tools.
import { errorText } from './items.js'
import type { SessionContext } from './session-context.js'

/** Restores the workspace to the start of the last turn. */
export async function undoLastTurn(
  session: SessionContext,
  subId: string,
  turnRunning: boolean,
): Promise<void> {
  const tracker = session.options.workspace
  if (turnRunning) {
    session.emit(subId, {
      type: 'undo_completed',
      success: false,
      message: 'cannot undo while a turn is running; interrupt it first',
    })
    return
  }
  if (!tracker || !session.lastSnapshot) {
    const message = tracker
      ? `nothing to undo: ${session.undoUnavailable}`
      : 'undo needs a workspace tracker, and this session has none'
    session.emit(subId, { type: 'undo_completed', success: false, message })
    return
  }
  try {
    const snapshot = session.lastSnapshot
    const { restored } = await tracker.restore(snapshot)
    session.lastSnapshot = undefined
    session.undoUnavailable = 'the last turn was undone already'
    session.record([
      {
        type: 'message',
        role: 'user',
        content: [
          {
            type: 'input_text',
            text: `<user_action>The user undid the previous turn's changes to the workspace (${restored.length} paths restored).</user_action>`,
          },
        ],
      },
    ])
    session.emit(subId, {
      type: 'undo_completed',
      success: true,
      message: `restored ${restored.length} path(s): ${restored.join(', ')}`,
    })
  } catch (error) {
    session.emit(subId, {
      type: 'undo_completed',
      success: false,
      message: `undo failed: ${errorText(error)}`,
    })
  }
}

export async function listMcpTools(session: SessionContext, subId: string): Promise<void> {
  await session.toolsReady
  const tools: Record<string, { name: string; description?: string; input_schema?: unknown }> = {}
  for (const tool of session.router.providedTools()) {
    tools[tool.name] = { name: tool.tool, description: tool.description, input_schema: tool.inputSchema }
  }
  session.emit(subId, { type: 'mcp_list_tools_response', tools })
}
