/**
 * Stdio served on Node's event loop (src/event_loop.rs, src/loop_io.rs): a sequential
 * call wakes the server's threads about once (the JavaScript thread, which reads, runs the
 * handler and writes), a client that never reads stops being read and is then answered in
 * full, a cancelled call aborts its handler's signal, and input from a regular file (which
 * libuv cannot poll) is still served. A handler is called at once from the loop's callback
 * (src/direct.rs), not through the thread-safe function. `engineThreads` puts the engine's
 * threads back in charge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deferred, voluntarySwitches, within } from './helpers.mjs';

const fixture = fileURLToPath(new URL('./fixtures/stdio-loop.mjs', import.meta.url));
const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
const call = (id, name, args) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
const line = (m) => `${JSON.stringify(m)}\n`;

/** The server process with a reader of its answers: `answer(id)` resolves with the answer of `id`. */
function start(stdin = 'pipe', args = [], env = process.env) {
  const child = spawn(process.execPath, [fixture, ...args], { stdio: [stdin, 'pipe', 'pipe'], env });
  const waiting = new Map();
  const answers = new Map();
  let buffered = '';
  let stderr = '';
  const onData = (d) => {
    buffered += d;
    let newline;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const m = JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      answers.set(m.id, m);
      waiting.get(m.id)?.resolve(m);
    }
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const answer = (id) => {
    if (answers.has(id)) return Promise.resolve(answers.get(id));
    const d = deferred();
    waiting.set(id, d);
    return within(d.promise, 60_000, `the answer to ${id}`);
  };
  const stop = async () => {
    child.stdin?.end();
    try {
      return await within(exited, 20_000, 'the server to exit');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  };
  return { child, answer, stop, stderr: () => stderr };
}

/** Voluntary context switches per sequential echo call of a server started with `args`. */
async function switchesPerCall(args) {
  const server = start('pipe', args);
  try {
    server.child.stdin.write(line(init));
    await server.answer(0);
    let id = 1;
    const sequential = async (n) => {
      for (let i = 0; i < n; i++, id++) {
        server.child.stdin.write(line(call(id, 'echo', { text: `t${id}` })));
        assert.equal((await server.answer(id)).result.content[0].text, `t${id}`);
      }
    };
    await sequential(50);
    const before = voluntarySwitches(server.child.pid);
    const calls = 400;
    await sequential(calls);
    return (voluntarySwitches(server.child.pid) - before) / calls;
  } finally {
    assert.equal(await server.stop(), 0, server.stderr());
  }
}

const linux = { skip: !existsSync('/proc/self/task') };

test('a sequential stdio call wakes the server about once', linux, async () => {
  const perCall = await switchesPerCall([]);
  // Every crossing between threads (engine reader, JavaScript thread, engine writer) costs
  // one more; served on the event loop a call costs one wake-up of the JavaScript thread.
  assert.ok(perCall < 2, `${perCall.toFixed(2)} voluntary context switches per call`);
});

test('engineThreads serves stdio from the engine threads, crossing per call', linux, async () => {
  const perCall = await switchesPerCall(['engine-threads']);
  // Read by an engine thread, handled on the JavaScript thread, answered by an engine
  // thread: each crossing wakes a thread.
  assert.ok(perCall > 1.5, `${perCall.toFixed(2)} voluntary context switches per call`);
});

test('a client that never reads stops being read, then gets every answer', async () => {
  const server = start();
  try {
    server.child.stdout.pause();
    // More calls than the server holds (1,024 in flight and 256 queued answers), each with
    // 2 KiB of input: 6 MB in all, far more than the pipe holds.
    const calls = 3000;
    const pad = 'p'.repeat(2048);
    const input = line(init) + Array.from({ length: calls }, (_, i) => line(call(i + 1, 'big', { size: 1024, pad }))).join('');
    server.child.stdin.write(input);
    // With its answers unread, the server stops reading, and its unread input stays here.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.ok(server.child.stdin.writableLength > 0, 'the server read all its input while nobody read its output');
    server.child.stdout.resume();
    // Every call is answered: with its result, or refused as busy once 1,024 were in flight.
    let served = 0;
    for (let id = 1; id <= calls; id++) {
      const answer = await server.answer(id);
      if (answer.result) {
        assert.equal(answer.result.content[0].text.length, 1024);
        served++;
      } else {
        assert.match(answer.error.message, /busy/);
      }
    }
    assert.ok(served >= 1024, `${served} calls served`);
  } finally {
    assert.equal(await server.stop(), 0, server.stderr());
  }
});

test('notifications/cancelled aborts the handler of a stdio call', async () => {
  const server = start();
  try {
    server.child.stdin.write(line(init) + line(call(1, 'hold', { ms: 60_000 })));
    server.child.stdin.write(line({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } }));
    server.child.stdin.write(line(call(2, 'echo', { text: 'after' })));
    assert.equal((await server.answer(2)).result.content[0].text, 'after');
  } finally {
    assert.equal(await server.stop(), 0, server.stderr());
  }
  assert.match(server.stderr(), /aborted/);
});

test('stdin from a regular file is served to its end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stdio-loop-'));
  try {
    const path = join(dir, 'input.jsonl');
    writeFileSync(path, line(init) + Array.from({ length: 20 }, (_, i) => line(call(i + 1, 'echo', { text: `f${i + 1}` }))).join(''));
    const server = start(openSync(path, 'r'));
    for (let id = 1; id <= 20; id++) assert.equal((await server.answer(id)).result.content[0].text, `f${id}`);
    assert.equal(await server.stop(), 0, server.stderr());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a call read on the loop calls its handler at once, not through the thread-safe function', async () => {
  for (const [args, direct] of [[[], true], [['engine-threads'], false]]) {
    const server = start('pipe', args, { ...process.env, TRACK_ASYNC: '1' });
    try {
      server.child.stdin.write(line(init));
      await server.answer(0);
      for (let id = 1; id <= 3; id++) {
        server.child.stdin.write(line(call(id, 'where', {})));
        const resource = (await server.answer(id)).result.content[0].text;
        // The direct call's async resource is the addon's own; the thread-safe function's is napi's.
        assert.equal(resource === 'mcpforge.handler', direct, `${args}: ${resource}`);
      }
    } finally {
      assert.equal(await server.stop(), 0, server.stderr());
    }
  }
});
