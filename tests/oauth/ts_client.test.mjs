/**
 * The official TypeScript client's OAuth flow (`StreamableHTTPClientTransport` with an
 * `OAuthClientProvider`) end to end against a real authorization server (oidc-provider,
 * tests/oauth/provider.mjs) and the quickstart server of each language, configured only by
 * options (`--auth JSON`): 401 with the challenge, RFC 9728 metadata, the issuer's metadata,
 * registration, the authorization code with PKCE (this test plays the browser, following the
 * provider's redirects with its cookies, approving on the proxy's consent page), `finishAuth`
 * trading the code for a token for the server's resource, then calls that succeed; with JWTs and with opaque tokens the servers
 * introspect. Then the step-up: a tool needing a scope the token lacks is refused 403
 * `insufficient_scope`, the client authorizes again for more (tests/oauth/scoped_server.py).
 * And through the OAuth proxy: the provider without registration, the server (`auth.proxy`)
 * the authorization server the client registers with and gets its token from; and, with
 * the client's `clientMetadataUrl`, through the proxy without registering: a Client ID
 * Metadata Document served over TLS on loopback (a test CA made by openssl, which the server
 * trusts through SSL_CERT_FILE; the official client insists on an https URL), and the
 * documents the proxy refuses.
 * Run from the scratch project target/node/e2e
 * (where the SDK is installed) by `make test-oauth`; OAUTH_REPO_ROOT is the repository.
 */
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { REDIRECT_URI, SERVERS, browse, clientDocument, startDocuments, testCertificates, withServer } from './support.mjs';

/** An `OAuthClientProvider` keeping everything in memory, whose "browser" is `browse`. */
class TestClientProvider {
  constructor() {
    this.redirected = null;
    this.scopes = [];
  }
  get redirectUrl() {
    return REDIRECT_URI;
  }
  async redirectToAuthorization(url) {
    this.scopes.push(url.searchParams.get('scope'));
    this.redirected = await browse(url);
  }
  get clientMetadata() {
    return {
      client_name: 'mcpforge OAuth test',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens) {
    this.saved = tokens;
  }
  saveCodeVerifier(verifier) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/** Transport options with `provider`, recording every request into `seen`. */
function recorded(provider, seen) {
  const recording = async (input, init) => {
    const answer = await fetch(input, init);
    seen.push([init?.method ?? 'GET', new URL(input instanceof Request ? input.url : input).pathname, answer.status]);
    return answer;
  };
  return { authProvider: provider, fetch: recording };
}

/**
 * The whole flow against `url`, recording every request the client sends; `registration` is
 * the path the client registers at (null: it must not register).
 */
async function authorizeAndCall(url, issuer, registration = '/reg', provider = new TestClientProvider()) {
  const seen = [];
  const options = recorded(provider, seen);
  const first = new StreamableHTTPClientTransport(new URL(url), options);
  await assert.rejects(new Client({ name: 'oauth-test', version: '1.0.0' }).connect(first), UnauthorizedError);
  assert.ok(provider.redirected, 'the client did not send the user to the authorization server');
  assert.ok(provider.redirected.visited.some((p) => p.startsWith('/interaction/')), provider.redirected.visited);
  assert.equal(provider.redirected.params.get('iss'), issuer);
  await first.finishAuth(provider.redirected.params.get('code'));
  await first.close();
  assert.ok(provider.saved?.access_token, 'no token after finishAuth');

  const client = new Client({ name: 'oauth-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), options));
  try {
    const { tools } = await client.listTools();
    assert.ok(['echo', 'add', 'current_time'].every((n) => tools.some((t) => t.name === n)), JSON.stringify(tools));
    const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    assert.deepEqual(sum.content, [{ type: 'text', text: '5' }]);
  } finally {
    await client.close();
  }

  const paths = seen.map(([, p]) => p);
  assert.deepEqual(seen[0].slice(1), ['/mcp', 401], JSON.stringify(seen));
  const prm = paths.findIndex((p) => p.startsWith('/.well-known/oauth-protected-resource'));
  const reg = registration === null ? prm : paths.indexOf(registration);
  assert.ok(prm >= 0 && prm <= reg && reg < paths.indexOf('/token'), JSON.stringify(seen));
  if (registration === null) assert.ok(!paths.includes('/register'), JSON.stringify(seen));
  const afterToken = seen.slice(paths.indexOf('/token') + 1);
  assert.ok(afterToken.length > 0 && afterToken.every(([, , s]) => s === 200 || s === 202), JSON.stringify(afterToken));
}

/**
 * Authorizes for the server's scope, then calls the tool needing one more: the 403 sends the
 * user to the authorization server again, for both scopes; after `finishAuth` the call works.
 */
async function stepUp(url) {
  const provider = new TestClientProvider();
  const seen = [];
  const options = recorded(provider, seen);
  const first = new StreamableHTTPClientTransport(new URL(url), options);
  await assert.rejects(new Client({ name: 'oauth-test', version: '1.0.0' }).connect(first), UnauthorizedError);
  await first.finishAuth(provider.redirected.params.get('code'));
  await first.close();

  const transport = new StreamableHTTPClientTransport(new URL(url), options);
  const client = new Client({ name: 'oauth-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['echo']);
    await assert.rejects(client.callTool({ name: 'reset', arguments: {} }), UnauthorizedError);
    assert.ok(seen.some(([m, p, s]) => m === 'POST' && p === '/mcp' && s === 403), JSON.stringify(seen));
    assert.deepEqual(provider.scopes.map((s) => new Set(s.split(' '))), [new Set(['mcp:tools']), new Set(['mcp:tools', 'mcp:admin'])]);
    await transport.finishAuth(provider.redirected.params.get('code'));
    assert.deepEqual(new Set(provider.saved.scope.split(' ')), new Set(['mcp:tools', 'mcp:admin']));
    const done = await client.callTool({ name: 'reset', arguments: {} });
    assert.deepEqual(done.content, [{ type: 'text', text: 'reset done' }]);
  } finally {
    await client.close();
  }
}

for (const tokens of ['jwt', 'opaque']) {
  for (const language of Object.keys(SERVERS)) {
    test(`the TypeScript client authorizes and calls the ${language} server (${tokens} tokens)`, { timeout: 60_000 }, () =>
      withServer(language, tokens, authorizeAndCall),
    );
  }
}

test('the TypeScript client steps up for a tool that needs more scopes', { timeout: 60_000 }, () =>
  withServer('scoped', 'jwt', (url) => stepUp(url)),
);

for (const language of ['rust', 'node']) {
  test(`the TypeScript client authorizes through the OAuth proxy of the ${language} server`, { timeout: 60_000 }, () =>
    withServer(language, 'proxy', async (url) => {
      const origin = new URL(url).origin;
      await authorizeAndCall(url, origin, '/register');
    }),
  );
}

/** A TestClientProvider identified by the metadata document at `url` (the SDK's option). */
class DocumentClientProvider extends TestClientProvider {
  constructor(url) {
    super();
    this.documentUrl = url;
  }
  get clientMetadataUrl() {
    return this.documentUrl;
  }
}

/** A DocumentClientProvider that only keeps the authorization URL the client made. */
class AuthorizationUrlProvider extends DocumentClientProvider {
  async redirectToAuthorization(url) {
    this.authorizationUrl = url;
  }
}

/**
 * The client identified by `documentUrl` is sent by the SDK to the proxy's `/authorize`, which
 * answers a 400 page saying `reason` (never a redirect).
 */
async function refused(url, documentUrl, reason) {
  const provider = new AuthorizationUrlProvider(documentUrl);
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  await assert.rejects(new Client({ name: 'oauth-test', version: '1.0.0' }).connect(transport), UnauthorizedError);
  await transport.close();
  assert.equal(provider.authorizationUrl?.searchParams.get('client_id'), documentUrl);
  const answer = await fetch(provider.authorizationUrl, { redirect: 'manual' });
  const text = await answer.text();
  assert.equal(answer.status, 400, text);
  assert.ok(text.includes(reason), `${documentUrl}: ${text}`);
}

for (const language of ['rust', 'python', 'node']) {
  test(`the TypeScript client uses a client metadata document with the OAuth proxy of the ${language} server`, { timeout: 90_000 }, async () => {
    const tls = testCertificates();
    const documents = await startDocuments(tls);
    const extra = { proxy: { client_metadata_documents: { allow_loopback: true } }, env: { SSL_CERT_FILE: tls.ca } };
    try {
      await withServer(language, 'proxy', async (url) => {
        const origin = new URL(url).origin;
        const provider = new DocumentClientProvider(documents.serve('app.json', clientDocument()));
        await authorizeAndCall(url, origin, null, provider);
        assert.equal(provider.client.client_id, provider.documentUrl, 'the client registered nowhere');

        const other = documents.serve('other.json', { ...clientDocument()('https://127.0.0.1/clients/app.json') });
        await refused(url, other, 'client_id is not its URL');
        await refused(url, documents.serve('unlisted.json', clientDocument('http://127.0.0.1:9/elsewhere')), 'redirect_uri is not registered');
        const large = (u) => ({ ...clientDocument()(u), client_name: 'n'.repeat(6000) });
        await refused(url, documents.serve('large.json', large), 'over 5120 bytes');
        await refused(url, documents.serve('slow.json', clientDocument(), 8_000), 'no complete answer within 5 s');
        await refused(url, 'https://10.0.0.1/clients/app.json', 'a private or reserved address');
      }, extra);
    } finally {
      documents.server.closeAllConnections();
      documents.server.close();
      rmSync(tls.dir, { recursive: true, force: true });
    }
  });
}
