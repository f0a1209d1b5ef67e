// The resource tools the model gets when any server offers resources (as Codex does):
// `list_mcp_resources`, `list_mcp_resource_templates` and `read_mcp_resource`.
import { contentBlockToParts } from '../content.js'
import { describeError } from '../errors.js'
import type { ServerConnection } from './connection.js'
import type { McpProvidedTool, McpToolResult } from './manager.js'

export const RESOURCE_TOOL_NAMES: readonly string[] = [
  'list_mcp_resources',
  'list_mcp_resource_templates',
  'read_mcp_resource',
]

interface ResourceToolsDeps {
  /** Ready servers that declared the `resources` capability. */
  servers(): { name: string; connection: ServerConnection }[]
  ensure(server: string): Promise<{ ok: true } | { ok: false; error: string }>
  timeoutMs(server: string): number
}

const serverProperty = {
  type: 'string',
  description: 'Name of the MCP server. Omit to list every server.',
}

const fail = (text: string): McpToolResult => ({ content: [{ type: 'input_text', text }], isError: true })
const json = (value: unknown): McpToolResult => ({
  content: [{ type: 'input_text', text: JSON.stringify(value) }],
  isError: false,
  structuredContent: value,
})

export class ResourceTools {
  constructor(private readonly deps: ResourceToolsDeps) {}

  available(): boolean {
    return this.deps.servers().length > 0
  }

  definitions(): McpProvidedTool[] {
    const names = this.deps.servers().map((s) => s.name)
    const common = { server: 'mcp', readOnly: true }
    return [
      {
        ...common,
        name: 'list_mcp_resources',
        tool: 'list_mcp_resources',
        description: `Lists resources (files, records, documents) offered by MCP servers (${names.join(', ')}). Read one with read_mcp_resource.`,
        inputSchema: { type: 'object', properties: { server: serverProperty }, additionalProperties: false },
      },
      {
        ...common,
        name: 'list_mcp_resource_templates',
        tool: 'list_mcp_resource_templates',
        description: 'Lists URI templates of parameterised resources offered by MCP servers.',
        inputSchema: { type: 'object', properties: { server: serverProperty }, additionalProperties: false },
      },
      {
        ...common,
        name: 'read_mcp_resource',
        tool: 'read_mcp_resource',
        description: 'Reads one resource of an MCP server by URI (as listed by list_mcp_resources).',
        inputSchema: {
          type: 'object',
          properties: {
            server: { type: 'string', description: 'Name of the MCP server that offers the resource.' },
            uri: { type: 'string', description: 'URI of the resource.' },
          },
          required: ['server', 'uri'],
          additionalProperties: false,
        },
      },
    ]
  }

  async call(
    name: string,
    args: unknown,
    options: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<McpToolResult> {
    const a = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>
    const server = typeof a.server === 'string' && a.server !== '' ? a.server : undefined
    const known = this.deps.servers()
    if (server && !known.some((s) => s.name === server)) {
      return fail(
        `No MCP server named '${server}' offers resources. Servers with resources: ${known.map((s) => s.name).join(', ') || 'none'}.`,
      )
    }
    if (name === 'read_mcp_resource') {
      if (!server || typeof a.uri !== 'string' || a.uri === '') {
        return fail('read_mcp_resource needs both "server" and "uri" (strings).')
      }
      return this.read(server, a.uri, options)
    }
    const targets = server ? known.filter((s) => s.name === server) : known
    const key = name === 'list_mcp_resources' ? 'resources' : 'resourceTemplates'
    const out: Record<string, unknown>[] = []
    const errors: string[] = []
    for (const target of targets) {
      const ready = await this.deps.ensure(target.name)
      if (!ready.ok) {
        errors.push(`${target.name}: ${ready.error}`)
        continue
      }
      try {
        const items =
          key === 'resources'
            ? await target.connection.listResources()
            : await target.connection.listResourceTemplates()
        for (const item of items) out.push({ server: target.name, ...(item as object) })
      } catch (error) {
        errors.push(`${target.name}: ${describeError(error)}`)
      }
    }
    if (errors.length > 0 && out.length === 0)
      return fail(`Listing MCP resources failed: ${errors.join('; ')}`)
    return json(errors.length > 0 ? { [key]: out, errors } : { [key]: out })
  }

  private async read(
    server: string,
    uri: string,
    options: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<McpToolResult> {
    const ready = await this.deps.ensure(server)
    if (!ready.ok) return fail(`MCP server '${server}' is unavailable: ${ready.error}`)
    const connection = this.deps.servers().find((s) => s.name === server)?.connection
    if (!connection) return fail(`MCP server '${server}' is unavailable.`)
    try {
      const result = await connection.readResource(uri, {
        signal: options.signal,
        timeoutMs: options.timeoutMs ?? this.deps.timeoutMs(server),
      })
      const content = result.contents.flatMap((resource) =>
        contentBlockToParts({ type: 'resource', resource: resource as Record<string, unknown> }),
      )
      return { content, isError: false, raw: result }
    } catch (error) {
      return fail(`Reading ${uri} from MCP server '${server}' failed: ${describeError(error)}`)
    }
  }
}
