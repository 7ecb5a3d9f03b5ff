// Published Node servers behind `mcpforge gateway`, compared by meaning with the same
// servers driven directly: each of the pinned reference servers (everything, filesystem,
// memory; installed as users install them, on the official SDK, with the install of
// scripts/real-servers-node.mjs, into a folder of its own) is driven by the official TypeScript client twice with the
// same script, over stdio as published, and as the stdio upstream of the gateway, the client
// speaking Streamable HTTP to the gateway on 127.0.0.1 (one child per session, the gateway's
// default). The two transcripts are compared as parsed JSON.
//
//   node scripts/real-servers-gateway.mjs [SERVER...]     (make test-gateway-servers)
//
// Needs the gateway (`cargo build -p mcpforge-cli --bin mcpforge`) and the
// official client of the end-to-end scratch project (`make node-setup`). Prints a verdict
// per server and every difference; exits 1 when a difference is not one of ALLOWED below
// (docs/gateway.md, "Published servers through the gateway", gives the same reasons).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drive, httpSession, install } from './real-servers-node.mjs';
import { SERVERS } from './real-servers/servers.mjs';
import { compare } from './real-servers/compare.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'target', 'real-servers', 'node');
const GATEWAY = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug', 'mcpforge');
/**
 * The servers compared: the reference servers everything, filesystem and memory, and two
 * published MCP Apps example servers (their tools' `_meta.ui` links and their `ui://` apps).
 */
const NAMES = ['everything', 'filesystem', 'memory', 'apps-basic', 'apps-scenario-modeler'];
/** How long the gateway may take to listen, and to exit once told to. */
const START_MS = 30_000;
const EXIT_MS = 10_000;

/**
 * What differs through the gateway, each with its reason (docs/gateway.md repeats them): a
 * difference is allowed when its server is named (or `*`) and `test` holds for it.
 */
const ALLOWED = [
  {
    server: '*',
    test: (d) => /^\.initialize\.(serverInfo|capabilities|instructions)(\.|$)/.test(d.path),
    reason: 'the client talks to the gateway, which introduces itself, declares its own capabilities and gives no upstream\'s instructions as its own',
  },
  {
    server: '*',
    test: (d) => /^\.(prompts|resources|templates)$/.test(d.path) && d.official === null && Object.keys(d.mcpforge?.result ?? {}).length === 0,
    reason: 'the gateway declares every list (an upstream may gain one), so the client lists an empty one where the server declares none',
  },
  {
    server: '*',
    test: (d) => /^\.steps\.\d+\.result\.content\.0\.text$/.test(d.path) && String(d.mcpforge).startsWith('Invalid arguments for tool'),
    reason: "arguments that fail the tool's input schema are refused by the gateway's engine, in its wording, before they reach the server",
  },
  {
    server: 'everything',
    test: (d) => /^\.(tools\.result\.trigger-url-elicitation|uncalled\.length)$/.test(d.path),
    reason: "the catalogue is listed by the gateway's own connection, which declares every client capability; the server lists this tool only to a client that declares URL elicitation",
  },
  {
    server: 'everything',
    test: (d) => d.path.startsWith('.notifications.notifications/tools/list_changed'),
    reason: "the gateway lists again on an upstream's list_changed and tells its clients only of a list that changed",
  },
  {
    server: 'everything, filesystem',
    test: (d) =>
      /^\.asked(\.|$)/.test(d.path) ||
      d.path.startsWith('.notifications.notifications/message') ||
      /^\.steps\.0\.result\.(content\.0\.text|structuredContent\.content)$/.test(d.path),
    reason:
      'not yet: what the server asks outside a call (roots/list when it starts, and after the client\'s roots/list_changed, which the gateway does not pass on) reaches no client, so the server keeps the folders of its command line',
  },
];

/** A port of 127.0.0.1 free now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on 127.0.0.1:`port`, or rejects after `ms`. */
async function listening(port, child, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode})`);
    const up = await new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(true));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`the gateway did not listen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * An opener for `drive` (see `open` in real-servers-node.mjs): the published server as the
 * stdio upstream of a gateway listening on a free port of 127.0.0.1, and a Streamable HTTP
 * client transport to the gateway.
 */
function throughGateway() {
  return async (name, bin, work) => {
    const spec = SERVERS[name];
    const env = { PATH: process.env.PATH, HOME: work, ...(spec.env?.(work) ?? {}) };
    const port = await freePort();
    const args = ['gateway', '--http', `127.0.0.1:${port}`, '--', process.execPath, bin, ...(spec.args?.(work) ?? [])];
    const child = spawn(GATEWAY, args, { env, cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr = (stderr + d).slice(-20_000);
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_MS);
      await exited;
      clearTimeout(timer);
    };
    try {
      await listening(port, child, START_MS);
    } catch (e) {
      await stop();
      throw new Error(`${e.message}: ${stderr.slice(-2000)}`);
    }
    const { transport, end } = httpSession(`http://127.0.0.1:${port}/mcp`, stop);
    return { transport, stderr: () => stderr, end };
  };
}

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : NAMES;
for (const n of names) if (!SERVERS[n]) throw new Error(`unknown server ${n} (${Object.keys(SERVERS).join(', ')})`);
// A work folder and an install of the servers of its own (the same pins, and the same
// install as real-servers-node.mjs's official side), so that both may run at once.
const workRoot = join(OUT, 'gateway-work');
mkdirSync(workRoot, { recursive: true });
const dir = install('gateway');
let failed = false;
for (const name of names) {
  const direct = await drive(name, dir, 'direct', 'stdio', { workRoot });
  const gateway = await drive(name, dir, 'gateway', 'stdio', { opener: throughGateway(), workRoot });
  writeFileSync(join(OUT, `${name}.direct.json`), `${JSON.stringify(direct, null, 2)}\n`);
  writeFileSync(join(OUT, `${name}.gateway.json`), `${JSON.stringify(gateway, null, 2)}\n`);
  const differences = compare(direct, gateway);
  const allowed = (d) => ALLOWED.some((a) => (a.server === '*' || a.server.split(', ').includes(name)) && a.test(d));
  const left = differences.filter((d) => !allowed(d));
  const verdict = differences.length === 0 ? 'same' : left.length === 0 ? `same but ${differences.length} allowed` : `${left.length} differences`;
  console.log(`${name} through the gateway: ${verdict}`);
  for (const d of differences) {
    const mark = left.includes(d) ? '  !' : '  (allowed)';
    console.log(`${mark} ${d.path}: direct ${JSON.stringify(d.official)?.slice(0, 300)} | gateway ${JSON.stringify(d.mcpforge)?.slice(0, 300)}`);
  }
  if (left.length > 0) failed = true;
}
rmSync(workRoot, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
