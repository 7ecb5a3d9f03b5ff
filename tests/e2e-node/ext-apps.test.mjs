/**
 * MCP Apps against the official MCP Apps library (`@modelcontextprotocol/ext-apps`), headless:
 * an app server written with its server helpers runs on mcpforge's drop-in McpServer
 * (ext-apps-server.mjs), and the conformance fixture registers its app with mcpforge's own
 * API; the official TypeScript SDK client reads both over stdio, and the library's
 * host-side helpers (`app-bridge`: what a host runs to find and sandbox a tool's app) find
 * each tool's app, its visibility and its permissions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  RESOURCE_MIME_TYPE,
  buildAllowAttribute,
  getToolUiResourceUri,
  isToolVisibilityAppOnly,
} from '@modelcontextprotocol/ext-apps/app-bridge';
import { within } from './helpers.mjs';

const APP_SERVER = fileURLToPath(new URL('./ext-apps-server.mjs', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./examples/conformance.mjs', import.meta.url));

async function connected(script) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [script], stderr: 'pipe' });
  const client = new Client({ name: 'ext-apps-host', version: '1.0.0' });
  await within(client.connect(transport), 20_000, `connect to ${script}`);
  return client;
}

/** What a host does before rendering a tool's app: find it, read it, check its type. */
async function appOf(client, tool) {
  const uri = getToolUiResourceUri(tool);
  assert.ok(uri, `${tool.name} links to no app`);
  const { contents } = await client.readResource({ uri });
  assert.equal(contents.length, 1);
  assert.equal(contents[0].mimeType, RESOURCE_MIME_TYPE);
  return { uri, contents: contents[0] };
}

test('an app server written with the ext-apps server helpers runs on the drop-in', async () => {
  const client = await connected(APP_SERVER);
  try {
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    const app = await appOf(client, byName.get_time);
    assert.equal(app.uri, 'ui://clock/app.html');
    assert.match(app.contents.text, /<p id="time">/);
    assert.equal(app.contents._meta.ui.prefersBorder, true);
    assert.equal(isToolVisibilityAppOnly(byName.get_time), false);
    assert.equal(isToolVisibilityAppOnly(byName.tick), true);
    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => [r.uri, r.mimeType]), [['ui://clock/app.html', RESOURCE_MIME_TYPE]]);
    const called = await client.callTool({ name: 'get_time', arguments: {} });
    assert.ok(!Number.isNaN(Date.parse(called.content[0].text)));
  } finally {
    await client.close();
  }
});

test("the host-side helpers read an app registered with mcpforge's own API", async () => {
  const client = await connected(FIXTURE);
  try {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === 'test_app_tool');
    const app = await appOf(client, tool);
    assert.equal(app.uri, 'ui://conformance/app.html');
    assert.deepEqual(app.contents._meta.ui.csp, { connectDomains: ['https://api.example.com'] });
    assert.equal(isToolVisibilityAppOnly(tool), false);
    assert.equal(buildAllowAttribute(app.contents._meta.ui.permissions), '');
  } finally {
    await client.close();
  }
});
