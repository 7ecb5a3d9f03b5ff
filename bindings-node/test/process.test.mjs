/**
 * Real processes: a server that listens over HTTP says where on stderr, and after close()
 * exits by itself; a process
 * with registered tools that never listens exits by itself; stdio serves until stdin
 * closes, keeps stray prints off the protocol stream, and SIGTERM closes it; after SIGTERM
 * has drained an HTTP server, the process exits even though handlers left timers behind
 * (unless `exitOnSignal: false`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deferred, modernCall, within } from './helpers.mjs';

const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Spawns `node file`; resolves `{ code, signal, stdout, stderr }` on exit. Killed on timeout. */
function run(file, { input, onStdout, args = [] } = {}) {
  const child = spawn(process.execPath, [file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
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
  // Where it listened, on stderr (stdout is the application's), with the port it was given.
  assert.match(r.stderr(), /^mcpforge: serving MCP on http:\/\/127\.0\.0\.1:[1-9]\d*\/mcp \(Ctrl-C to stop\)$/m);
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

/** Calls of the fixture's `sleepy` tool in flight: more than one, so every answer is counted. */
const SLEEPY_CALLS = 3;

/**
 * Starts fixtures/sigterm-timers.mjs (`args`), makes `SLEEPY_CALLS` calls whose handlers wait
 * on 30 s timers, and sends SIGTERM once they all started: `{ proc, answers, returned }`,
 * `answers` resolving with the JSON-RPC answers, `returned` once the fixture printed that
 * `listen()` returned.
 */
async function sigtermWhileSleeping(args = []) {
  const url = deferred();
  const started = deferred();
  const returned = deferred();
  const proc = run(fixture('sigterm-timers.mjs'), {
    args,
    onStdout: (out) => {
      const m = /^url (\S+)$/m.exec(out);
      if (m) url.resolve(m[1]);
      if (out.split('\n').filter((l) => l === 'started').length === SLEEPY_CALLS) started.resolve();
      if (out.includes('listen returned\n')) returned.resolve();
    },
  });
  const address = await within(url.promise, 20_000, 'the server to listen');
  const answers = Promise.all(
    Array.from({ length: SLEEPY_CALLS }, (_, i) => fetch(address, { method: 'POST', ...modernCall('sleepy', {}, i + 1) }).then((r) => r.json())),
  );
  await within(started.promise, 20_000, 'the calls to start');
  proc.child.kill('SIGTERM');
  return { proc, answers, returned: returned.promise };
}

test('after SIGTERM drained an HTTP server, the process exits although handlers left 30 s timers', async () => {
  const { proc, answers } = await sigtermWhileSleeping();
  // `finish` gives the process 20 s, well before the handlers' timers (30 s) would fire.
  const r = await finish(proc, 'the process to exit after SIGTERM');
  assert.equal(r.code, 0, r.stderr());
  const answered = await within(answers, 20_000, 'the answers');
  assert.equal(answered.length, SLEEPY_CALLS);
  for (const a of answered) assert.ok(a.error || a.result, JSON.stringify(a));
  assert.ok(r.stdout.includes('listen returned'), 'the code after listen() ran before the exit');
});

test('with exitOnSignal: false, ending the process after SIGTERM is left to the application', async () => {
  const { proc, answers, returned } = await sigtermWhileSleeping(['--stay']);
  try {
    await within(answers, 20_000, 'the answers');
    await within(returned, 20_000, 'listen() to return');
    assert.equal(proc.child.exitCode, null, 'the handlers\' timers still hold the process');
  } finally {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
});
