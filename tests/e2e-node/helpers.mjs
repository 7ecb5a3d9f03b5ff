/**
 * Shared by the end-to-end tests: a bound on any wait, a server process started with an
 * HTTP address that it announces on stderr, and an Express application served in process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

/** Rejects after `ms` unless `promise` settles first. */
export async function within(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([
      promise,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts `node args...` and waits (bounded) until its stderr announces its URL with
 * `pattern` (first group): `{ child, url, exited }`, where `exited` resolves with
 * `{ code, signal }`. Kill `child` when done.
 */
export async function startHttp(args, pattern, what) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  const url = await within(
    new Promise((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        const m = pattern.exec(stderr);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`${what} exited: ${stderr}`)));
    }),
    20_000,
    `${what} to listen`,
  ).catch((e) => {
    child.kill('SIGKILL');
    throw e;
  });
  return { child, url, exited };
}

/**
 * Listens with the Express application `app` on a free loopback port, runs
 * `body({ port, url })` (`url`: its `/mcp`), then stops listening (open connections closed)
 * and closes `server`, the MCP server or handler behind it; every wait bounded.
 */
export async function serveApp(app, server, body) {
  const listening = new Promise((resolve) => {
    const l = app.listen(0, '127.0.0.1', () => resolve(l));
  });
  const listener = await within(listening, 20_000, 'the application to listen');
  const { port } = listener.address();
  try {
    await body({ port, url: `http://127.0.0.1:${port}/mcp` });
  } finally {
    const closed = new Promise((resolve) => listener.close(resolve));
    listener.closeAllConnections();
    await within(closed, 20_000, 'the application to stop listening');
    await within(server.close(), 20_000, 'the server to close');
  }
}

/**
 * Starts `node args...`, which announces `serving at URL` on stderr, runs `body(url)`, then
 * stops it with SIGTERM, on which it must exit with status 0 (waited for at most 20 s); it
 * is killed when anything fails first.
 */
export async function withHttpProcess(args, body) {
  const { child, url, exited } = await startHttp(args, /serving at (\S+)/, 'the application');
  try {
    await body(url);
    child.kill('SIGTERM');
    assert.equal((await within(exited, 20_000, 'the application to stop')).code, 0);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
