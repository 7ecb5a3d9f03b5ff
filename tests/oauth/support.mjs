/**
 * What the OAuth end-to-end tests in Node share (tests/oauth/ts_client.test.mjs with the
 * official TypeScript client, tests/oauth/mcpforge_client.test.mjs with mcpforge's own): the
 * authorization server (oidc-provider, tests/oauth/provider.mjs) and the quickstart servers
 * checking its tokens, each started on a free port and stopped within a bound; the user
 * agent that follows the authorization redirects (approving on the OAuth proxy's consent
 * page); and a TLS server of Client ID Metadata Documents with a test CA made by openssl.
 * Copied next to the tests into the scratch project target/node/e2e by `make test-oauth`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import os from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import assert from 'node:assert/strict';

export const ROOT = process.env.OAUTH_REPO_ROOT ?? path.resolve(import.meta.dirname, '../../..');
export const TARGET = path.join(ROOT, 'target');
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const MAX_REDIRECTS = 10;
export const BOUND_MS = 20_000;

export const SERVERS = {
  rust: [path.join(TARGET, 'debug/quickstart')],
  c: [path.join(TARGET, 'c/quickstart')],
  python: [path.join(TARGET, 'python/venv/bin/python'), path.join(ROOT, 'examples/python/quickstart.py')],
  node: [process.execPath, path.join(ROOT, 'examples/node/quickstart.mjs')],
};

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Ends `child` (SIGTERM, then SIGKILL after a bound) and waits for it. */
export async function stop(child) {
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
export async function startProvider(tokens, port) {
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
export function authOptions(url, issuer, tokens) {
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
export async function startServer(server, issuer, tokens, port, extra = {}) {
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
export function consentForm(page, decision) {
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
 * the OAuth proxy's consent page, until the provider redirects to `redirectUri` (default
 * REDIRECT_URI); returns that URL's parameters and the paths visited.
 */
export async function browse(start, redirectUri = REDIRECT_URI) {
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
    if (url.href.startsWith(redirectUri)) {
      assert.equal(url.searchParams.get('error'), null, url.href);
      return { params: url.searchParams, visited };
    }
  }
  throw new Error(`no redirect to the client after ${MAX_REDIRECTS}: ${visited}`);
}

/**
 * Runs `body(url, issuer)` against `server` (started with `extra`, see startServer) and a
 * provider issuing `tokens`, then stops both.
 */
export async function withServer(server, tokens, body, extra = {}) {
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

/**
 * A test CA and a certificate for 127.0.0.1 it signed, made by openssl in a new folder:
 * `{ dir, ca, key, cert }` (paths). The server trusts the CA through SSL_CERT_FILE.
 */
export function testCertificates() {
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
export async function startDocuments(tls) {
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
export function clientDocument(redirectUri = REDIRECT_URI) {
  return (url) => ({
    client_id: url,
    client_name: 'mcpforge metadata document test',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  });
}
