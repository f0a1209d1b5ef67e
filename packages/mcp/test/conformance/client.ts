// The conformance client: a small MCP client program built on the connection manager, run by
// `@modelcontextprotocol/conformance client --command ...`. The suite appends the server URL and
// names the scenario in MCP_CONFORMANCE_SCENARIO.
import { createMcpManager } from '../../src/index.js'

const url = process.argv.at(-1)
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? ''
if (!url?.startsWith('http')) {
  process.stderr.write('usage: client.ts <server-url>\n')
  process.exit(2)
}

/** Arguments for the tools the scenarios offer; other tools are called with none. */
const ARGUMENTS: Record<string, Record<string, unknown>> = { add_numbers: { a: 5, b: 3 } }

/** Scenario data, e.g. the pre-registered client of `auth/pre-registration`. */
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}') as Record<string, unknown>
const clientId = typeof context.client_id === 'string' ? context.client_id : undefined
const env = { ...process.env, CONFORMANCE_CLIENT_SECRET: String(context.client_secret ?? '') }

/**
 * Stands in for the user's browser: the suite's authorization server approves at once and
 * redirects to our redirect URL with the code.
 */
async function authorize(_server: string, authorizationUrl: URL): Promise<string> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' })
  const location = response.headers.get('location')
  const code = location ? new URL(location).searchParams.get('code') : null
  if (!code) throw new Error(`the authorization server answered ${response.status} without a code`)
  return code
}

const manager = createMcpManager(
  {
    conformance: {
      url,
      required: true,
      startup_timeout_sec: 20,
      tool_timeout_sec: 20,
      oauth: {
        // The suite's client ID metadata document (used where the server supports SEP-991).
        client_metadata_url: 'https://conformance-test.local/client-metadata.json',
        ...(clientId ? { client_id: clientId, client_secret_env_var: 'CONFORMANCE_CLIENT_SECRET' } : {}),
      },
    },
  },
  {
    env,
    oauth: { redirectUrl: 'http://127.0.0.1:53682/callback', authorize },
    clientInfo: { name: 'agent-conformance-client', version: '0.1.0' },
    onStderr: (_server, chunk) => process.stderr.write(chunk),
    // Accept every form as is: the SDK fills in the schema's defaults (SEP-1034).
    onElicitation: async () => ({ action: 'accept', content: {} }),
  },
)
try {
  await manager.start((event) => process.stderr.write(`${JSON.stringify(event)}\n`))
  const tools = await manager.listTools()
  if (scenario !== 'initialize') {
    for (const tool of tools.filter((t) => t.server === 'conformance')) {
      const result = await manager.callTool(tool.name, ARGUMENTS[tool.tool] ?? {}, {})
      process.stdout.write(`${tool.tool}: ${JSON.stringify(result.content)}\n`)
      if (result.isError) process.exitCode = 1
    }
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exitCode = 1
} finally {
  await manager.close()
}
