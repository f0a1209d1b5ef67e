// The SDK transports for one server config: a stdio child whose stderr is captured, or an HTTP
// connection (streamable or legacy SSE) with the configured headers, bearer token and OAuth.
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { McpServerConfig } from '../config.js'
import type { Environment } from '../expand.js'

/** The part of the HTTP transports that completes an OAuth authorization. */
export interface AuthorizableTransport extends Transport {
  finishAuth(code: string): Promise<void>
}

export async function createStdioTransport(
  config: McpServerConfig,
  defaultCwd: string | undefined,
  onStderr: (text: string) => void,
): Promise<Transport> {
  const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js')
  const transport = new StdioClientTransport({
    command: config.command as string,
    args: config.args ?? [],
    env: config.env ?? {},
    cwd: config.cwd ?? defaultCwd,
    // Never `inherit`: a server's logging must not reach the user's terminal or the model.
    stderr: 'pipe',
  })
  // Always read: an unread pipe fills up and blocks the server.
  transport.stderr?.on('data', (chunk: Buffer) => onStderr(chunk.toString('utf8')))
  return transport
}

export async function createHttpTransport(
  config: McpServerConfig,
  env: Environment,
  authProvider: OAuthClientProvider | undefined,
): Promise<AuthorizableTransport> {
  const url = new URL(config.url as string)
  const headers = httpHeaders(config, env)
  if (config.type === 'sse') {
    const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js')
    return new SSEClientTransport(url, {
      authProvider,
      requestInit: { headers },
      // The event stream is opened by `eventsource`, which takes headers only through fetch.
      eventSourceInit: {
        fetch: (input: string | URL, init?: RequestInit) =>
          fetch(input, { ...init, headers: { ...headers, ...(init?.headers as object) } }),
      },
    })
  }
  const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js')
  return new StreamableHTTPClientTransport(url, { authProvider, requestInit: { headers } })
}

/** `http_headers`, `env_http_headers` and the bearer token, for every request. */
export function httpHeaders(config: McpServerConfig, env: Environment): Record<string, string> {
  const headers: Record<string, string> = { ...config.http_headers }
  for (const [header, variable] of Object.entries(config.env_http_headers ?? {})) {
    const value = env[variable]
    if (value) headers[header] = value
  }
  if (config.bearer_token_env_var) {
    const token = env[config.bearer_token_env_var]
    if (!token) {
      throw new Error(
        `bearer_token_env_var ${config.bearer_token_env_var} is not set: export it with the server's token`,
      )
    }
    headers.Authorization = `Bearer ${token}`
  }
  return headers
}
