// OAuth 2.1 for HTTP servers that answer 401: the SDK does discovery, registration (dynamic,
// pre-registered, or a client-ID metadata document), PKCE and token refresh through this
// provider; the embedder only shows the authorization page to the user and hands back the code.
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js'
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js'
import type { McpServerConfig } from '../config.js'
import type { Environment } from '../expand.js'

/** What is remembered per server between runs: the registered client and the tokens. */
export interface OAuthState {
  client?: OAuthClientInformationMixed
  tokens?: OAuthTokens
}

/** Where OAuth state lives (the CLI: a file in the user's config dir). Default: memory only. */
export interface OAuthStore {
  get(server: string): OAuthState | undefined | Promise<OAuthState | undefined>
  set(server: string, state: OAuthState): void | Promise<void>
}

export interface McpOAuthOptions {
  /** Where the authorization server sends the user back (the CLI: a loopback listener). */
  redirectUrl: string
  /**
   * Shows `url` to the user (opens a browser) and resolves with the `code` query parameter the
   * authorization server appended to `redirectUrl`.
   */
  authorize(server: string, url: URL): Promise<string>
  store?: OAuthStore
  /** `client_name` for dynamic registration (default `agent`). */
  clientName?: string
}

/** The SDK's `OAuthClientProvider` for one server. */
export class ServerOAuthProvider implements OAuthClientProvider {
  /** Set by the SDK when the user must authorize; consumed by `takeAuthorizationUrl`. */
  private pendingUrl: URL | undefined
  private verifier = ''
  readonly clientMetadataUrl: string | undefined

  constructor(
    private readonly server: string,
    private readonly settings: NonNullable<McpServerConfig['oauth']>,
    private readonly options: McpOAuthOptions,
    private readonly store: OAuthStore,
    private readonly env: Environment,
  ) {
    this.clientMetadataUrl = settings.client_metadata_url
  }

  get redirectUrl(): string {
    return this.options.redirectUrl
  }

  get clientMetadata(): OAuthClientMetadata {
    const secret = this.clientSecret()
    return {
      client_name: this.options.clientName ?? 'agent',
      redirect_uris: [this.options.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: secret ? 'client_secret_basic' : 'none',
      ...(this.settings.scopes ? { scope: this.settings.scopes.join(' ') } : {}),
    }
  }

  private clientSecret(): string | undefined {
    const variable = this.settings.client_secret_env_var
    return variable ? this.env[variable] || undefined : undefined
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    if (this.settings.client_id) {
      const secret = this.clientSecret()
      return { client_id: this.settings.client_id, ...(secret ? { client_secret: secret } : {}) }
    }
    return (await this.store.get(this.server))?.client
  }

  async saveClientInformation(client: OAuthClientInformationMixed): Promise<void> {
    await this.update({ client })
  }

  async tokens(): Promise<OAuthTokens | undefined> {
    return (await this.store.get(this.server))?.tokens
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    await this.update({ tokens })
  }

  redirectToAuthorization(url: URL): void {
    this.pendingUrl = url
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier
  }

  codeVerifier(): string {
    return this.verifier
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    const state = { ...(await this.store.get(this.server)) }
    if (scope === 'all' || scope === 'client') delete state.client
    if (scope === 'all' || scope === 'tokens') delete state.tokens
    if (scope === 'all' || scope === 'verifier') this.verifier = ''
    await this.store.set(this.server, state)
  }

  /** The authorization URL the SDK asked the user to visit, once. */
  takeAuthorizationUrl(): URL | undefined {
    const url = this.pendingUrl
    this.pendingUrl = undefined
    return url
  }

  private async update(change: OAuthState): Promise<void> {
    await this.store.set(this.server, { ...(await this.store.get(this.server)), ...change })
  }
}

/** An `OAuthStore` in memory (per manager). */
export function memoryOAuthStore(): OAuthStore {
  const states = new Map<string, OAuthState>()
  return { get: (server) => states.get(server), set: (server, state) => void states.set(server, state) }
}
