/**
 * The `Client` over `https://` with root certificates of its own: an mcpforge listener on
 * 127.0.0.1 serves TLS with a certificate of a test CA (made by openssl); a client trusting
 * only the system's store is refused, one given the CA (a path, or PEM text) in
 * `rootCertificates` calls a tool, and roots that are no certificate are refused.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '../lib/index.mjs';
import { clientTarget } from './fixtures/client-target.mjs';
import { deferred, within } from './helpers.mjs';

/** A test CA and a certificate for 127.0.0.1 it signed, in a new folder. */
function testCa() {
  const dir = mkdtempSync(join(tmpdir(), 'mcpforge-node-tls-'));
  const at = (name) => join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  writeFileSync(at('leaf.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl('req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=mcpforge test CA');
  openssl('req', ...ec, '-keyout', at('leaf.key'), '-out', at('leaf.csr'), '-subj', '/CN=127.0.0.1');
  openssl('x509', '-req', '-in', at('leaf.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial',
    '-out', at('leaf.pem'), '-days', '2', '-extfile', at('leaf.ext'));
  return { dir, ca: at('ca.pem'), cert: at('leaf.pem'), key: at('leaf.key') };
}

/** A client of `url` with `rootCertificates` (none: the system's store) calls `add`. */
async function adds(url, rootCertificates) {
  const client = new Client({ name: 'tls-test', version: '1.0.0' });
  try {
    await client.connect(new StreamableHTTPClientTransport(url, rootCertificates === undefined ? {} : { rootCertificates }));
    return (await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).structuredContent;
  } finally {
    await client.close();
  }
}

test('https needs the root the client is given', async () => {
  const tls = testCa();
  const target = clientTarget();
  const ready = deferred();
  const http = { host: '127.0.0.1', port: 0, quiet: true, tlsCert: tls.cert, tlsKey: tls.key, onListening: ready.resolve };
  const done = target.server.listen({ handleSignals: false, http });
  try {
    const { port } = await within(ready.promise, 10_000, 'the listener');
    const url = new URL(`https://127.0.0.1:${port}/mcp`);
    await assert.rejects(adds(url), /TLS/);
    assert.deepEqual(await adds(url, tls.ca), { sum: 3 });
    assert.deepEqual(await adds(url, [readFileSync(tls.ca, 'utf8')]), { sum: 3 });
    await assert.rejects(adds(url, ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n']), /rootCertificates/);
    assert.throws(() => new StreamableHTTPClientTransport(url, { rootCertificates: 7 }), /rootCertificates must be/);
  } finally {
    await target.server.close();
    await within(done, 10_000, 'listen() to return');
    rmSync(tls.dir, { recursive: true, force: true });
  }
});
