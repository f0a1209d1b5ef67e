// The provider's bookkeeping; the OAuth flow itself is exercised against the conformance suite's
// authorization servers in test/conformance.test.ts.
import { describe, expect, it } from 'vitest'
import { memoryOAuthStore, ServerOAuthProvider } from './oauth.js'

const options = { redirectUrl: 'http://127.0.0.1:1/cb', authorize: async () => 'code' }

describe('ServerOAuthProvider', () => {
  it('uses a pre-registered client with its secret from the environment', async () => {
    const provider = new ServerOAuthProvider(
      'api',
      { client_id: 'cid', client_secret_env_var: 'SECRET', scopes: ['read', 'write'] },
      options,
      memoryOAuthStore(),
      { SECRET: 's3' },
    )
    expect(await provider.clientInformation()).toEqual({ client_id: 'cid', client_secret: 's3' })
    expect(provider.clientMetadata).toMatchObject({
      redirect_uris: ['http://127.0.0.1:1/cb'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'read write',
    })
  })

  it('keeps registrations and tokens in the store, per server, and forgets them on request', async () => {
    const store = memoryOAuthStore()
    const provider = new ServerOAuthProvider('api', {}, options, store, {})
    expect(provider.clientMetadata.token_endpoint_auth_method).toBe('none')
    await provider.saveClientInformation({ client_id: 'dyn' })
    await provider.saveTokens({ access_token: 'at', token_type: 'Bearer' })
    expect(await store.get('api')).toEqual({
      client: { client_id: 'dyn' },
      tokens: { access_token: 'at', token_type: 'Bearer' },
    })
    expect(await store.get('other')).toBeUndefined()
    await provider.invalidateCredentials('tokens')
    expect(await provider.tokens()).toBeUndefined()
    expect(await provider.clientInformation()).toEqual({ client_id: 'dyn' })
  })

  it('hands out the authorization URL once', () => {
    const provider = new ServerOAuthProvider('api', {}, options, memoryOAuthStore(), {})
    provider.redirectToAuthorization(new URL('https://auth.example/authorize?x=1'))
    provider.saveCodeVerifier('v')
    expect(provider.codeVerifier()).toBe('v')
    expect(provider.takeAuthorizationUrl()?.href).toBe('https://auth.example/authorize?x=1')
    expect(provider.takeAuthorizationUrl()).toBeUndefined()
  })
})
