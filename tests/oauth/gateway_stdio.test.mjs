/**
 * `mcpforge gateway --stdio URL` in front of the Rust quickstart checking the real
 * authorization server's tokens (oidc-provider, tests/oauth/provider.mjs): the official
 * TypeScript client speaks stdio to the gateway, which is answered 401, registers, and sends
 * its browser ($BROWSER, tests/oauth/gateway_browser.mjs) to the authorization URL; the code
 * comes back to its listener on 127.0.0.1, the call goes through, and the tokens are kept in
 * the settings directory's mcpforge/tokens.json (mode 0600). A second run signs in no more:
 * its browser fails, and the kept token serves. Run from the scratch project target/node/e2e
 * by `make test-oauth`; OAUTH_REPO_ROOT is the repository.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BOUND_MS, TARGET, withServer } from './support.mjs';

const MCPFORGE = path.join(TARGET, 'debug', 'mcpforge');

/** How many tokens the provider at `issuer` issued, by grant type. */
async function grants(issuer) {
  return (await fetch(`${issuer}/test/grants`)).json();
}

/** Calls `add` through `mcpforge gateway --stdio url` run with `env`, then closes it. */
async function addThroughGateway(url, env) {
  const transport = new StdioClientTransport({ command: MCPFORGE, args: ['gateway', '--stdio', url], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.setEncoding('utf8').on('data', (d) => {
    stderr += d;
  });
  const client = new Client({ name: 'gateway-oauth-test', version: '1.0.0' });
  try {
    await client.connect(transport);
    // The gateway answers its client at once and lists the server's tools once signed in.
    const deadline = Date.now() + BOUND_MS;
    while (!(await client.listTools()).tools.some((t) => t.name === 'add')) {
      assert.ok(Date.now() < deadline, 'the server\'s tools within the bound');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    assert.deepEqual(sum.content, [{ type: 'text', text: '5' }]);
    return stderr;
  } catch (e) {
    e.message += `\nthe gateway's stderr:\n${stderr}`;
    throw e;
  } finally {
    await client.close();
  }
}

test('mcpforge gateway --stdio signs in through the browser and keeps the tokens', { timeout: 90_000 }, () =>
  withServer('rust', 'jwt', async (url, issuer) => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'mcpforge-gateway-oauth-'));
    const browser = `${process.execPath} ${path.join(import.meta.dirname, 'gateway_browser.mjs')}`;
    const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: home, BROWSER: browser };
    try {
      const said = await addThroughGateway(url, env);
      assert.match(said, /open this URL in a browser/);
      assert.deepEqual(await grants(issuer), { authorization_code: 1 });
      const file = path.join(home, 'mcpforge', 'tokens.json');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const kept = JSON.parse(readFileSync(file, 'utf8'))[url];
      assert.ok(kept?.accessToken && kept.issuer === issuer, JSON.stringify(kept));

      // The next run uses the kept token: a browser that fails is never needed.
      await addThroughGateway(url, { ...env, BROWSER: 'false' });
      assert.deepEqual(await grants(issuer), { authorization_code: 1 });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }),
);
