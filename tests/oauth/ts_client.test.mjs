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
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import os from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

const ROOT = process.env.OAUTH_REPO_ROOT ?? path.resolve(import.meta.dirname, '../../..');
const TARGET = path.join(ROOT, 'target');
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const MAX_REDIRECTS = 10;
const BOUND_MS = 20_000;

const SERVERS = {
  rust: [path.join(TARGET, 'debug/quickstart')],
  c: [path.join(TARGET, 'c/quickstart')],
  python: [path.join(TARGET, 'python/venv/bin/python'), path.join(ROOT, 'examples/python/quickstart.py')],
  node: [process.execPath, path.join(ROOT, 'examples/node/quickstart.mjs')],
};

/** A TCP port on 127.0.0.1 that was free a moment ago. */
async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Ends `child` (SIGTERM, then SIGKILL after a bound) and waits for it. */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), BOUND_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts the provider issuing `tokens` (`jwt` or `opaque`; `proxy`: JWTs, without
 * registration, with the proxy's client whose callback is on `port`); resolves with
 * `{ child, issuer }` once it says its issuer.
 */
async function startProvider(tokens, port) {
  const args =
    tokens === 'proxy'
      ? ['--no-registration', `http://127.0.0.1:${port}/oauth/callback`]
      : ['--tokens', tokens];
  const child = spawn(process.execPath, [path.join(TARGET, 'node/oauth/provider.mjs'), ...args], {
    cwd: path.join(TARGET, 'node/oauth'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  const issuer = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the provider did not start in time')), BOUND_MS);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.trim());
      }
    });
    child.once('exit', (code) => reject(new Error(`the provider exited with ${code}`)));
  });
  return { child, issuer };
}

/** The `auth` options of a server at `url` checking the provider's `tokens` (or its proxy). */
function authOptions(url, issuer, tokens) {
  if (tokens === 'proxy') {
    const upstream = { issuer, client_id: 'mcp-proxy', client_secret: 'mcp-proxy-secret' };
    const proxy = { signing_secret: 'the-proxy-signing-secret-of-32-bytes-or-more', upstream };
    return { resource: url, scopes_supported: ['mcp:tools'], required_scopes: ['mcp:tools'], proxy };
  }
  const check =
    tokens === 'jwt'
      ? { jwt: { issuer } }
      : {
          introspection: {
            endpoint: `${issuer}/token/introspection`,
            client_id: 'mcp-test',
            client_secret: 'mcp-test-secret',
            issuer,
          },
        };
  return { resource: url, authorization_servers: [issuer], scopes_supported: ['mcp:tools'], required_scopes: ['mcp:tools'], ...check };
}

/**
 * Starts `server` (a key of SERVERS, or `scoped`) checking the provider's `tokens`, with
 * `extra.proxy` added to the proxy's options and `extra.env` to its environment; resolves
 * with `{ child, url }` once it is ready.
 */
async function startServer(server, issuer, tokens, port, extra = {}) {
  const url = `http://127.0.0.1:${port}/mcp`;
  const auth = authOptions(url, issuer, tokens);
  if (extra.proxy) Object.assign(auth.proxy, extra.proxy);
  const [command, ...args] =
    server === 'scoped' ? [SERVERS.python[0], path.join(ROOT, 'tests/oauth/scoped_server.py')] : SERVERS[server];
  const child = spawn(command, [...args, '--http', `127.0.0.1:${port}`, '--auth', JSON.stringify(auth)], {
    cwd: ROOT,
    env: { ...process.env, ...extra.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + BOUND_MS;
  for (;;) {
    assert.equal(child.exitCode, null, `the ${server} server exited`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ready) return { child, url };
    assert.ok(Date.now() < deadline, `the ${server} server did not get ready in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The OAuth proxy's consent page answered as a user would: the form's action and the
 * fields to POST there (its hidden fields, and `decision`); null if the page has no form.
 */
function consentForm(page, decision) {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/.exec(page);
  if (!form) return null;
  const attribute = (tag, name) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  const fields = new URLSearchParams();
  for (const [input] of form[2].matchAll(/<input\b[^>]*>/g)) {
    if (attribute(input, 'type') === 'hidden') fields.set(attribute(input, 'name'), attribute(input, 'value'));
  }
  fields.set('decision', decision);
  return { action: attribute(form[1], 'action'), fields };
}

/**
 * The user agent: follows the authorization URL's redirects, keeping cookies, approving on
 * the OAuth proxy's consent page, until the provider redirects to REDIRECT_URI; returns
 * that URL's parameters and the paths visited.
 */
async function browse(start) {
  const cookies = new Map();
  const visited = [];
  const request = async (url, init = {}) => {
    visited.push(url.pathname);
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const answer = await fetch(url, { ...init, redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of answer.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return answer;
  };
  let url = new URL(start);
  for (let i = 0; i < MAX_REDIRECTS; i++) {
    let answer = await request(url);
    const form = answer.status === 200 ? consentForm(await answer.text(), 'approve') : null;
    if (form) {
      url = new URL(form.action, url);
      answer = await request(url, { method: 'POST', body: form.fields });
    }
    assert.ok([302, 303].includes(answer.status), `${url}: ${answer.status} ${await answer.text()}`);
    url = new URL(answer.headers.get('location'), url);
    if (url.href.startsWith(REDIRECT_URI)) {
      assert.equal(url.searchParams.get('error'), null, url.href);
      return { params: url.searchParams, visited };
    }
  }
  throw new Error(`no redirect to the client after ${MAX_REDIRECTS}: ${visited}`);
}

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

/**
 * Runs `body(url, issuer)` against `server` (started with `extra`, see startServer) and a
 * provider issuing `tokens`, then stops both.
 */
async function withServer(server, tokens, body, extra = {}) {
  const port = await freePort();
  const { child: as, issuer } = await startProvider(tokens, port);
  let started;
  try {
    started = await startServer(server, issuer, tokens, port, extra);
    await body(started.url, issuer);
  } finally {
    if (started) await stop(started.child);
    as.stdin.end();
    await stop(as);
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

/**
 * A test CA and a certificate for 127.0.0.1 it signed, made by openssl in a new folder:
 * `{ dir, ca, key, cert }` (paths). The server trusts the CA through SSL_CERT_FILE.
 */
function testCertificates() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcpforge-cimd-'));
  const at = (name) => path.join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=mcpforge test CA');
  openssl('req', ...ec, '-keyout', at('leaf.key'), '-out', at('leaf.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(at('leaf.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl('x509', '-req', '-in', at('leaf.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial',
    '-out', at('leaf.pem'), '-days', '2', '-extfile', at('leaf.ext'));
  return { dir, ca: at('ca.pem'), key: at('leaf.key'), cert: at('leaf.pem') };
}

/**
 * The documents server: https on 127.0.0.1 with `tls`'s certificate, answering
 * `/clients/<name>` with what `serve(name, document, delayMs)` set; `serve` returns the URL.
 */
async function startDocuments(tls) {
  const served = new Map();
  const server = createHttpsServer({ key: readFileSync(tls.key), cert: readFileSync(tls.cert) }, (req, res) => {
    const doc = served.get(req.url);
    if (!doc) return res.writeHead(404).end();
    const answer = () => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(doc.body);
    const timer = setTimeout(answer, doc.delayMs);
    res.on('close', () => clearTimeout(timer));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${server.address().port}`;
  const serve = (name, document, delayMs = 0) => {
    const url = `${origin}/clients/${name}`;
    served.set(`/clients/${name}`, { body: JSON.stringify(typeof document === 'function' ? document(url) : document), delayMs });
    return url;
  };
  return { server, serve };
}

/** A client's metadata document naming `url`, listing `redirectUri`. */
function clientDocument(redirectUri = REDIRECT_URI) {
  return (url) => ({
    client_id: url,
    client_name: 'mcpforge metadata document test',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  });
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
