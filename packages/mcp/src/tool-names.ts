// Names the model sees for MCP tools: `mcp__<server>__<tool>`, restricted to [A-Za-z0-9_] and 64
// characters (the strictest limit among model providers), unique within one manager.
import { createHash } from 'node:crypto'

export const MAX_TOOL_NAME_LENGTH = 64
const SEPARATOR = '__'

const sanitize = (part: string) => part.replace(/[^A-Za-z0-9_]/g, '_')
const shortHash = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 8)

/**
 * Assigns model-facing names to (server, tool) pairs in order. A name that is too long or already
 * taken gets a short hash of the original pair as suffix, so the result is stable across runs for
 * the same set of servers and tools.
 */
export class ToolNamer {
  private readonly taken = new Set<string>()

  /** Reserves a name that is not an MCP tool (e.g. `list_mcp_resources`). */
  reserve(name: string): void {
    this.taken.add(name)
  }

  assign(server: string, tool: string): string {
    let name = `mcp${SEPARATOR}${sanitize(server)}${SEPARATOR}${sanitize(tool)}`
    if (name.length > MAX_TOOL_NAME_LENGTH || this.taken.has(name)) {
      const suffix = `_${shortHash(`${server}\u0000${tool}`)}`
      name = name.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length) + suffix
      // Two pairs whose hashes collide in 32 bits: extend with a counter rather than fail.
      for (let i = 2; this.taken.has(name); i++) {
        const extra = `_${i}`
        name = name.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length - extra.length) + suffix + extra
      }
    }
    this.taken.add(name)
    return name
  }
}

/** The model-facing name of one tool, without collision handling (for display). */
export function qualifiedToolName(server: string, tool: string): string {
  return new ToolNamer().assign(server, tool)
}
