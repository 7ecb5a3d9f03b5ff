/**
 * MCP over WebSocket in every language: the official TypeScript SDK's WebSocketClientTransport
 * connects to the conformance fixture of Rust, C, Python and Node (each serving HTTP, and
 * WebSocket at /mcp), lists the tools and calls one. Runs from the Node end-to-end scratch
 * project (where the SDK is installed) with the repository root in MCPFORGE_ROOT, under
 * `node --experimental-websocket` on Node 20 (the transport uses the global WebSocket).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';

const ROOT = process.env.MCPFORGE_ROOT;
const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
const SIMPLE_TEXT = 'This is a simple text response for testing.';
const FIXTURES = {
  rust: [path.join(TARGET, 'debug/conformance')],
  c: [path.join(TARGET, 'c/conformance_fixture')],
  python: [path.join(TARGET, 'python/venv/bin/python'), path.join(ROOT, 'examples/python/conformance_fixture.py')],
  node: [process.execPath, path.join(ROOT, 'examples/node/conformance.mjs')],
};

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on `port`, within `ms`. */
async function listening(port, child, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    assert.equal(child.exitCode, null, 'the fixture exited before listening');
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    assert.ok(Date.now() < deadline, 'the fixture did not listen in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const [language, command] of Object.entries(FIXTURES)) {
  test(`the official WebSocket client drives the ${language} fixture`, async () => {
    const port = await freePort();
    const child = spawn(command[0], [...command.slice(1), '--http', `127.0.0.1:${port}`], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await listening(port, child);
      const client = new Client({ name: 'ws-e2e', version: '1.0.0' });
      await client.connect(new WebSocketClientTransport(new URL(`ws://127.0.0.1:${port}/mcp`)));
      try {
        const { tools } = await client.listTools();
        assert.ok(tools.some((t) => t.name === 'test_simple_text'), `tools: ${tools.map((t) => t.name)}`);
        const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
        assert.deepEqual(result.content, [{ type: 'text', text: SIMPLE_TEXT }]);
        assert.ok(client.getServerVersion().name, 'the handshake gave the server name');
      } finally {
        await client.close();
      }
    } finally {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
  });
}
