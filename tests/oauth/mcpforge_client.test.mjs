/**
 * mcpforge's own Node client (`Client` over `StreamableHTTPClientTransport` with an
 * `authProvider`) through the OAuth flow end to end, against the real authorization server
 * (oidc-provider, tests/oauth/provider.mjs) and the Node quickstart checking its tokens:
 * dynamic registration, the code grant with PKCE (the provider's `authorize` plays the
 * browser, following the redirects), a refresh token, and eight calls made together over an
 * expired token causing exactly one refresh (counted at the provider's token endpoint,
 * `GET /test/grants`), the tokens kept in the engine's token file (`tokenFile`) the same
 * way; and, through the OAuth proxy, the client identified by its Client ID
 * Metadata Document (served over TLS on loopback) without registering. The client is the
 * repository's (bindings-node, built by `make node-addon`). Run from the scratch project
 * target/node/e2e by `make test-oauth`; OAUTH_REPO_ROOT is the repository.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDIRECT_URI, ROOT, browse, clientDocument, startDocuments, testCertificates, withServer } from './support.mjs';

const { Client, StreamableHTTPClientTransport } = createRequire(import.meta.url)(path.join(ROOT, 'bindings-node'));

/** How many tokens the provider at `issuer` issued, by grant type. */
async function grants(issuer) {
  return (await fetch(`${issuer}/test/grants`)).json();
}

/**
 * An `authProvider` whose user agent is `browse` and whose token store is a Map by
 * resource; `extra` adds to it.
 */
function memoryProvider(extra = {}) {
  const store = new Map();
  return {
    store,
    visited: [],
    redirectUrl: REDIRECT_URI,
    clientMetadata: { client_name: 'mcpforge node client test' },
    async authorize(url) {
      const { params, visited } = await browse(new URL(url));
      this.visited.push(...visited);
      return `${REDIRECT_URI}?${params}`;
    },
    tokens: (resource) => store.get(resource),
    saveTokens: (tokens, resource) => void store.set(resource, tokens),
    ...extra,
  };
}

/** Connects a client to `url` with `provider` and checks a tool call. */
async function connected(url, provider) {
  const client = new Client({ name: 'oauth-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
  assert.deepEqual(sum.content, [{ type: 'text', text: '5' }]);
  return client;
}

test('the mcpforge Node client registers, authorizes and refreshes once for eight calls', { timeout: 90_000 }, () =>
  withServer('node', 'jwt', async (url, issuer) => {
    const provider = memoryProvider();
    const client = await connected(url, provider);
    try {
      const first = provider.store.get(url);
      assert.ok(first?.refreshToken, `a refresh token: ${JSON.stringify(first)}`);
      assert.equal(first.issuer, issuer);
      assert.ok(first.clientId && !first.clientId.startsWith('http'), 'a registered client id');
      assert.ok(provider.visited.some((p) => p.startsWith('/interaction/')), provider.visited);
      assert.deepEqual(await grants(issuer), { authorization_code: 1 });

      // The token expires (as the client sees it); eight calls made together: one refresh.
      provider.store.set(url, { ...first, expiresAt: Math.floor(Date.now() / 1000) - 1 });
      const calls = Array.from({ length: 8 }, () => client.callTool({ name: 'add', arguments: { a: 2, b: 3 } }));
      for (const result of await Promise.all(calls)) assert.deepEqual(result.content, [{ type: 'text', text: '5' }]);
      assert.deepEqual(await grants(issuer), { authorization_code: 1, refresh_token: 1 });
      assert.notEqual(provider.store.get(url).accessToken, first.accessToken);
    } finally {
      await client.close();
    }
  }),
);

test('the mcpforge Node client uses its metadata document with the OAuth proxy', { timeout: 90_000 }, async () => {
  const tls = testCertificates();
  const documents = await startDocuments(tls);
  const extra = { proxy: { client_metadata_documents: { allow_loopback: true } }, env: { SSL_CERT_FILE: tls.ca } };
  try {
    await withServer('node', 'proxy', async (url) => {
      const documentUrl = documents.serve('app.json', clientDocument());
      const provider = memoryProvider({ clientMetadataUrl: documentUrl });
      const client = await connected(url, provider);
      await client.close();
      // Identified by the document's URL: no registration anywhere.
      assert.equal(provider.store.get(url)?.clientId, documentUrl);
    }, extra);
  } finally {
    documents.server.closeAllConnections();
    documents.server.close();
    rmSync(tls.dir, { recursive: true, force: true });
  }
});

test('the mcpforge Node client keeps its tokens in a token file and refreshes once', { timeout: 90_000 }, () =>
  withServer('node', 'jwt', async (url, issuer) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpforge-token-file-'));
    const tokenFile = path.join(dir, 'tokens.json');
    try {
      const { tokens, saveTokens, ...byFile } = memoryProvider({ tokenFile });
      let client = await connected(url, byFile);
      await client.close();
      assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
      const first = JSON.parse(readFileSync(tokenFile, 'utf8'))[url];
      assert.ok(first?.refreshToken, `a refresh token: ${JSON.stringify(first)}`);
      writeFileSync(tokenFile, JSON.stringify({ [url]: { ...first, expiresAt: Math.floor(Date.now() / 1000) - 1 } }));

      // A second client reads the file: its token expired, eight calls together, one refresh.
      client = await connected(url, { ...byFile, authorize: undefined, followRedirects: true });
      try {
        const calls = Array.from({ length: 8 }, () => client.callTool({ name: 'add', arguments: { a: 2, b: 3 } }));
        for (const result of await Promise.all(calls)) assert.deepEqual(result.content, [{ type: 'text', text: '5' }]);
      } finally {
        await client.close();
      }
      assert.deepEqual(await grants(issuer), { authorization_code: 1, refresh_token: 1 });
      assert.notEqual(JSON.parse(readFileSync(tokenFile, 'utf8'))[url].accessToken, first.accessToken);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }),
);

test('an authProvider keeps its tokens in tokenFile or with tokens(), not both', () => {
  const both = { followRedirects: true, tokenFile: 'tokens.json', tokens() {}, saveTokens() {} };
  assert.throws(() => new StreamableHTTPClientTransport('http://127.0.0.1:9/mcp', { authProvider: both }), /tokenFile/);
});

test('an authProvider without a way to authorize is refused when the transport is made', () => {
  assert.throws(() => new StreamableHTTPClientTransport('http://127.0.0.1:9/mcp', { authProvider: { redirectToAuthorization() {} } }), /authorize\(url\)/);
});
