/**
 * Real processes: a server that listens over HTTP and closes exits by itself; a process
 * with registered tools that never listens exits by itself; stdio serves until stdin
 * closes, keeps stray prints off the protocol stream, and SIGTERM closes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { within } from './helpers.mjs';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Spawns `node file`; resolves `{ code, signal, stdout, stderr }` on exit. Killed on timeout. */
function run(file, { input, onStdout } = {}) {
  const child = spawn(process.execPath, [file], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    if (onStdout) onStdout(stdout, child);
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  if (input !== undefined) child.stdin.end(input);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr: () => stderr })));
  return { child, exited };
}

async function finish(proc, what) {
  try {
    return await within(proc.exited, 20_000, what);
  } finally {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  }
}

test('after close() over HTTP, listen() returns and the process exits by itself', async () => {
  const r = await finish(run(fixture('http-then-close.mjs')), 'the process to exit');
  assert.equal(r.code, 0, r.stderr());
  assert.equal(r.stdout.split('\n').filter(Boolean).length, 3, r.stdout);
  assert.ok(r.stdout.includes('result 42'));
  assert.ok(r.stdout.includes('closed'));
  assert.ok(r.stdout.includes('listen returned'));
});

test('registered handlers never keep the process alive', async () => {
  const r = await finish(run(fixture('idle.mjs')), 'the idle process to exit');
  assert.equal(r.code, 0, r.stderr());
  assert.equal(r.stdout, 'hello\n');
});

const lines = [
  { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'noisy', arguments: {} } },
];

test('stdio serves until stdin closes; stray prints go to stderr', async () => {
  const input = `${lines.map((l) => JSON.stringify(l)).join('\n')}\nnot json\n`;
  const r = await finish(run(fixture('stdio.mjs'), { input }), 'the stdio server to exit');
  assert.equal(r.code, 0, r.stderr());
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(out.find((m) => m.id === 2).result.content[0].text, 'quiet result');
  assert.ok(out.some((m) => m.error && m.error.code === -32700), 'bad input gets a parse error');
  assert.match(r.stderr(), /noise from a handler/);
  assert.match(r.stderr(), /listen returned/);
});

test('SIGTERM closes a listening stdio server', async () => {
  const proc = run(fixture('stdio.mjs'), {
    onStdout: (out, child) => {
      if (out.includes('"id":1')) child.kill('SIGTERM');
    },
  });
  proc.child.stdin.write(`${JSON.stringify(lines[0])}\n`);
  const r = await finish(proc, 'the server to stop on SIGTERM');
  proc.child.stdin.destroy();
  assert.equal(r.code, 0, r.stderr());
  assert.match(r.stderr(), /listen returned/);
});
