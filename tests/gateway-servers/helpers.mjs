/**
 * Shared by the gateway command's Node tests: the official TypeScript SDK (from the scratch
 * project target/node/e2e), the built binaries, a bound on every wait, free ports of
 * 127.0.0.1 and processes started and stopped.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A bound on a promise, and a free port: the other Node suites' helpers.
export { within } from '../e2e-node/helpers.mjs';
export { freePort } from '../oauth/support.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target');
/** The `mcpforge` command and the Rust example servers the tests put behind it. */
export const MCPFORGE = join(TARGET, 'debug', 'mcpforge');
export const EVERYTHING = join(TARGET, 'debug', 'everything');
export const QUICKSTART = join(TARGET, 'debug', 'quickstart');

/** The official SDK's client modules. */
export function sdk() {
  const require = createRequire(join(ROOT, 'target', 'node', 'e2e', 'package.json'));
  return {
    Client: require('@modelcontextprotocol/sdk/client/index.js').Client,
    StdioClientTransport: require('@modelcontextprotocol/sdk/client/stdio.js').StdioClientTransport,
    StreamableHTTPClientTransport: require('@modelcontextprotocol/sdk/client/streamableHttp.js')
      .StreamableHTTPClientTransport,
    types: require('@modelcontextprotocol/sdk/types.js'),
  };
}

/** Resolves once `test()` is true, checking every 20 ms; rejects after `ms`. */
export async function until(test, ms, what) {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts `command args...` and waits (at most 30 s) until it accepts connections on
 * 127.0.0.1:`port`: `{ child, stderr(), stop() }`; `stop()` ends it (SIGTERM, SIGKILL after
 * 5 s) and resolves once it has exited.
 */
export async function listeningProcess(command, args, port, env = process.env) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr = (stderr + d).slice(-20_000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`${command} exited (${child.exitCode}): ${stderr}`);
        return connects(port);
      },
      30_000,
      `${command} to listen on ${port}`,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { child, stderr: () => stderr, stop };
}

/** Whether something accepts a connection on 127.0.0.1:`port`. */
function connects(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}
