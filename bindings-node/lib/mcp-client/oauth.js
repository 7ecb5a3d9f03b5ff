/**
 * The `authProvider` of a `StreamableHTTPClientTransport`, read for the engine's OAuth
 * client: the engine runs the whole flow (the 401 challenge, the metadata, the client's
 * identity, the code grant with PKCE and `resource`, refresh once per expiry however many
 * calls wait); this module turns the provider into the engine's settings and answers the
 * engine's questions (`oauth/authorize`, `oauth/tokens`, `oauth/saveTokens`) with its
 * methods. The provider is an object with the official SDK's `OAuthClientProvider` names
 * where they map: `redirectUrl`, `clientMetadata` (`client_name`, `scope`,
 * `redirect_uris`), `clientMetadataUrl`, `clientInformation()` (pre-registered
 * credentials), `tokens()` and `saveTokens(tokens)` (both or neither: the token store), or
 * mcpforge's `tokenFile` (a path: the engine keeps the tokens in that JSON file, shared with
 * every process naming it, one refresh per expiry among them); the
 * user's part is mcpforge's `authorize(url)` (resolving to the URL the authorization server
 * redirected to) or `followRedirects: true`. Not taken: `redirectToAuthorization` with
 * `transport.finishAuth(code)`, `state()`, `saveCodeVerifier`/`codeVerifier`,
 * `saveClientInformation`, `addClientAuthentication`, `validateResourceURL`,
 * `invalidateCredentials` (docs/node.md, "OAuth").
 */
'use strict';

/** The engine's questions (mcpforge::client::auth::{AUTHORIZE, TOKENS, SAVE_TOKENS}). */
const AUTHORIZE = 'oauth/authorize';
const TOKENS = 'oauth/tokens';
const SAVE_TOKENS = 'oauth/saveTokens';

/** Checks `provider` when the transport is made: the user's part must be one the engine can run. */
function checkProvider(provider) {
  if (typeof provider !== 'object' || provider === null) throw new TypeError('mcpforge: authProvider must be an object');
  const ways = [typeof provider.authorize === 'function', provider.followRedirects === true].filter(Boolean).length;
  if (ways !== 1) {
    throw new TypeError('mcpforge: authProvider needs authorize(url) (resolving to the redirect URL) or followRedirects: true; redirectToAuthorization with finishAuth is not taken');
  }
  if ((typeof provider.tokens === 'function') !== (typeof provider.saveTokens === 'function')) {
    throw new TypeError('mcpforge: authProvider keeps tokens with both tokens() and saveTokens(), or neither');
  }
  if (provider.tokenFile !== undefined && (typeof provider.tokenFile !== 'string' || typeof provider.tokens === 'function')) {
    throw new TypeError('mcpforge: authProvider.tokenFile is a path (a string), instead of tokens() and saveTokens()');
  }
}

/** The engine's `OAuthSettings` for `provider` (its `clientInformation()` awaited). */
async function settingsOf(provider) {
  const metadata = provider.clientMetadata ?? {};
  const info = typeof provider.clientInformation === 'function' ? await provider.clientInformation() : undefined;
  const scope = provider.scope ?? metadata.scope;
  const redirect = provider.redirectUrl ?? metadata.redirect_uris?.[0];
  const settings = {
    clientName: metadata.client_name,
    redirectUri: redirect === undefined ? undefined : String(redirect),
    scopes: typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : [...(scope ?? [])],
    clientId: info?.client_id,
    clientSecret: info?.client_secret,
    clientMetadataUrl: provider.clientMetadataUrl === undefined ? undefined : String(provider.clientMetadataUrl),
    followRedirects: provider.followRedirects === true,
    store: typeof provider.tokens === 'function',
    tokenFile: provider.tokenFile,
    offlineAccess: provider.offlineAccess,
    authorizeTimeout: provider.authorizeTimeoutMs === undefined ? undefined : provider.authorizeTimeoutMs / 1000,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined && v !== null));
}

/** What answers the engine's questions for `provider`: `answer(method, params)` resolves to the answer. */
function answererOf(provider) {
  return {
    async answer(method, params) {
      if (method === AUTHORIZE) return String(await provider.authorize(params.url, params.redirectUri));
      if (method === TOKENS) return (await provider.tokens(params.resource)) ?? null;
      if (method === SAVE_TOKENS) {
        await provider.saveTokens(params.tokens, params.resource);
        return null;
      }
      throw new Error(`mcpforge: no OAuth question ${method}`);
    },
  };
}

module.exports = { checkProvider, settingsOf, answererOf };
