#!/usr/bin/env node
/**
 * `make test-sdk-node`, second part: the official TypeScript SDK's own example servers (the
 * `dist/esm/examples/server/*.js` of the SDK 1.x installed in the scratch project), each run
 * twice: unchanged (the control, on the official SDK) and with only its import lines rewritten
 * so that the server side (`McpServer`, `ResourceTemplate`, `completable`, the transports, the
 * Express helpers: SERVER_SIDE of scripts/sdk-node-tests.mjs) comes from mcpforge. The
 * official client drives both alike (scripts/sdk-examples-drive.mjs), and the SDK's own
 * example clients that apply run against both; the normalised transcripts are compared.
 *
 * Usage: node scripts/sdk-node-examples.mjs SCRATCH_PROJECT
 *
 * Each server listens on a free loopback port (scripts/sdk-examples-preload.mjs moves the port
 * an example reads from its environment or hard-codes, and seeds `Math.random`). Prints per example same / differs
 * (with the first differences), then examples compared, same, differing, skipped and the
 * share. Exit status: 0 when the comparison ran, whatever it found; 1 when the harness itself
 * broke (the SDK's examples not the catalogued ones, a control server not starting).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { drive, loadSdk, scrub } from './sdk-examples-drive.mjs';
import { RELATIVE_IMPORT, SERVER_SIDE } from './sdk-node-tests.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PRELOAD = join(HERE, 'sdk-examples-preload.mjs');
const SDK_NAME = '@modelcontextprotocol/sdk';
/** Where the examples sit in the SDK's package, and what their relative imports resolve against. */
const EXAMPLES = 'dist/esm/examples';
/** A server that has not listened, a client that has not finished, by then: stopped. */
const START_TIMEOUT_MS = 30_000;
const CLIENT_TIMEOUT_MS = 60_000;
/** Examples driven at once (CI has two cores; most of the time goes into the examples' own sleeps). */
const PARALLEL = 4;

/** Arguments every example's notification tool gets: few notifications, close together. */
const NOTIFICATION_STREAM = { 'start-notification-stream': { interval: 10, count: 3 } };

/**
 * The example servers compared: how each serves (`streamable` at /mcp, `sse` at `path`,
 * `stdio`), argument overrides per tool (`args`), and the SDK's example clients run against it
 * (`clients`: file and whether its hard-coded URL literal is rewritten to the served one).
 */
const CATALOGUE = {
  'elicitationFormExample.js': { transport: 'streamable' },
  'honoWebStandardStreamableHttp.js': { transport: 'streamable' },
  'jsonResponseStreamableHttp.js': { transport: 'streamable' },
  'mcpServerOutputSchema.js': { transport: 'stdio' },
  'progressExample.js': { transport: 'stdio' },
  'simpleSseServer.js': { transport: 'sse', path: '/mcp', args: NOTIFICATION_STREAM, clients: ['streamableHttpWithSseFallbackClient.js'] },
  'simpleStatelessStreamableHttp.js': { transport: 'streamable', args: NOTIFICATION_STREAM },
  'simpleStreamableHttp.js': { transport: 'streamable', args: { ...NOTIFICATION_STREAM, delay: { duration: 10 } } },
  // The parallel clients call start-notification-stream, which simpleStreamableHttp.js has too;
  // each example client runs once (they wait 5 to 10 s by design).
  'sseAndStreamableHttpCompatibleServer.js': {
    transport: 'streamable',
    also: { transport: 'sse', path: '/sse' },
    args: NOTIFICATION_STREAM,
    clients: ['parallelToolCallsClient.js', 'multipleClientsParallel.js'],
  },
  'ssePollingExample.js': { transport: 'streamable', clients: ['ssePollingClient.js'] },
  'standaloneSseWithGetStreamableHttp.js': { transport: 'streamable' },
  'toolWithSampleServer.js': { transport: 'stdio' },
};

/** The example servers not compared, and why. */
const SKIPPED = {
  'demoInMemoryOAuthProvider.js': 'an OAuth authorization server for the other demos, not an MCP server',
  'elicitationUrlExample.js': 'serves MCP only behind the OAuth demo provider (bearer tokens from an interactive authorization flow)',
  'simpleTaskInteractive.js': 'written on the low-level Server (server/index.js), which mcpforge does not offer',
};

/** The SDK's example clients not run, and why. */
const CLIENTS_SKIPPED = {
  'simpleStreamableHttp.js': 'interactive: puts stdin in raw mode, which needs a terminal',
  'elicitationUrlExample.js': 'needs the OAuth demo provider',
  'simpleOAuthClient.js': 'an OAuth flow with a browser',
  'simpleOAuthClientProvider.js': 'a module of simpleOAuthClient.js',
  'simpleClientCredentials.js': 'needs an OAuth authorization server',
  'simpleTaskInteractiveClient.js': 'its server, simpleTaskInteractive.js, is skipped',
};

/** The two runs: which package serves the server side. */
const RUNS = [
  { name: 'official', server: SDK_NAME },
  { name: 'mcpforge', server: 'mcpforge' },
];

function fail(message) {
  console.error(`sdk-node-examples: ${message}`);
  process.exit(1);
}

/** `source` (the file `dir/file` of the SDK's examples) with its relative imports named from a package: the server side's from `runSpec.server`. */
function rewriteImports(source, file, runSpec) {
  return source.replace(RELATIVE_IMPORT, (_, head, quote, spec) => {
    const module = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/^dist\/esm\//, '');
    const from = SERVER_SIDE.has(module) ? runSpec.server : SDK_NAME;
    return `${head}${quote}${from}/${module}${quote}`;
  });
}

/** Writes each run's copy of every catalogued server and client under `out/<run>/`; checks the catalogue against the SDK. */
function prepare(sdk, out) {
  const servers = readdirSync(join(sdk, EXAMPLES, 'server')).filter((f) => f.endsWith('.js'));
  const clients = readdirSync(join(sdk, EXAMPLES, 'client')).filter((f) => f.endsWith('.js'));
  const known = new Set([...Object.keys(CATALOGUE), ...Object.keys(SKIPPED)]);
  const unknown = servers.filter((f) => !known.has(f));
  const gone = [...known].filter((f) => !servers.includes(f));
  if (unknown.length || gone.length) fail(`the SDK's example servers are not the catalogued ones: new ${unknown.join(', ') || '-'}; gone ${gone.join(', ') || '-'}`);
  const used = new Set(Object.values(CATALOGUE).flatMap((e) => e.clients ?? []));
  const unlisted = clients.filter((f) => !used.has(f) && !(f in CLIENTS_SKIPPED));
  if (unlisted.length) fail(`example clients neither run nor skipped: ${unlisted.join(', ')}`);
  rmSync(out, { recursive: true, force: true });
  for (const runSpec of RUNS) {
    for (const [kind, files] of [['server', servers.filter((f) => f in CATALOGUE)], ['client', [...used]]]) {
      mkdirSync(join(out, runSpec.name, kind), { recursive: true });
      for (const file of files) {
        const source = readFileSync(join(sdk, EXAMPLES, kind, file), 'utf8');
        // The clients are the official SDK's in both runs: only the server side moves.
        const spec = kind === 'client' ? RUNS[0] : runSpec;
        writeFileSync(join(out, runSpec.name, kind, file), rewriteImports(source, `${EXAMPLES}/${kind}/${file}`, spec));
      }
    }
  }
}

/** A free loopback port (the listener is closed again before the example takes it). */
function freePort() {
  return new Promise((done, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** Stops `child` (SIGTERM, then SIGKILL if it lingers); resolves once it has exited. */
function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Starts the HTTP example `file` on a free port; resolves `{ child, port, log }` once it listens. */
async function startServer(project, file) {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), MCP_PORT: String(port), SDK_EXAMPLE_PORT: String(port) };
  const child = spawn(process.execPath, ['--import', PRELOAD, file], {
    cwd: project,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const log = [];
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  await new Promise((done, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not listen within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.once('message', () => {
      clearTimeout(timer);
      done();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code ?? signal}) before listening: ${log.join('').slice(-400)}`));
    });
  });
  child.removeAllListeners('exit');
  return { child, port, log };
}

/** Runs the SDK's example client `file` against `url`; its scrubbed output lines, sorted (parallel clients interleave). */
function runClient(project, file, url) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [file, url], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n<killed after ${CLIENT_TIMEOUT_MS} ms>`;
      child.kill('SIGKILL');
    }, CLIENT_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const lines = scrub(output.replaceAll(url, '<url>'))
        .split('\n')
        .map((l) => l.trimEnd())
        // Stack frames name files and lines of this machine's install: the error line above them stays.
        .filter((l) => l.trim() && !/^\s+at /.test(l));
      done([`exit ${code}`, ...lines.sort()]);
    });
  });
}

/** The client copy of `file` whose hard-coded server URL (http://localhost:<port>/mcp) is rewritten to `url`. */
function clientWithUrl(dir, file, url) {
  const path = join(dir, file);
  const source = readFileSync(path, 'utf8');
  const pinned = source.replace(/(['"`])http:\/\/localhost:\d+\/mcp\1/g, (_, q) => `${q}${url}${q}`);
  if (pinned !== source) writeFileSync(path, pinned);
  return path;
}

/** One run of one example: its transcript (steps), or the error that stopped it. */
async function runExample(project, sdk, out, name, example, runSpec) {
  const file = join(out, runSpec.name, 'server', name);
  const steps = [];
  const targets = [example, ...(example.also ? [{ ...example, ...example.also }] : [])];
  if (example.transport === 'stdio') {
    return drive(sdk, { transport: 'stdio', command: process.execPath, args: ['--import', PRELOAD, file], cwd: project }, example);
  }
  const server = await startServer(project, file);
  try {
    for (const target of targets) {
      const url = `http://127.0.0.1:${server.port}${target.path ?? '/mcp'}`;
      const label = targets.length > 1 ? `${target.transport} ` : '';
      try {
        for (const step of await drive(sdk, { transport: target.transport, url }, example)) steps.push({ ...step, step: `${label}${step.step}` });
      } catch (error) {
        steps.push({ step: `${label}client`, error: scrub(error?.message ?? error) });
      }
    }
    // The example clients open sessions of their own: they run side by side.
    const url = `http://127.0.0.1:${server.port}/mcp`;
    const clients = example.clients ?? [];
    const outputs = await Promise.all(clients.map((client) => runClient(project, clientWithUrl(join(out, runSpec.name, 'client'), client, url), url)));
    clients.forEach((client, i) => steps.push({ step: `example client ${client}`, output: outputs[i] }));
  } finally {
    await stop(server.child);
  }
  return steps;
}

/** The first differing steps of two transcripts, as printable lines. */
function differences(control, candidate, limit = Number(process.env.SDK_EXAMPLES_DIFFS ?? 3)) {
  const lines = [];
  const length = Math.max(control.length, candidate.length);
  for (let i = 0; i < length && lines.length < limit * 3; i += 1) {
    if (isDeepStrictEqual(control[i], candidate[i])) continue;
    lines.push(`    ${control[i]?.step ?? candidate[i]?.step}:`);
    if (Array.isArray(control[i]?.output) && Array.isArray(candidate[i]?.output)) {
      lines.push(...outputDifference(control[i].output, candidate[i].output));
      continue;
    }
    lines.push(`      official: ${clip(control[i])}`);
    lines.push(`      mcpforge: ${clip(candidate[i])}`);
  }
  return lines;
}

/** The output lines of an example client that only one run printed. */
function outputDifference(control, candidate) {
  const only = (a, b) => {
    const left = [...b];
    return a.filter((line) => {
      const at = left.indexOf(line);
      if (at < 0) return true;
      left.splice(at, 1);
      return false;
    });
  };
  return [
    ...only(control, candidate).slice(0, 5).map((l) => `      official only: ${l.slice(0, 300)}`),
    ...only(candidate, control).slice(0, 5).map((l) => `      mcpforge only: ${l.slice(0, 300)}`),
  ];
}

function clip(step) {
  if (step === undefined) return '(missing)';
  const { step: _, ...rest } = step;
  const text = JSON.stringify(rest);
  return text.length > 400 ? `${text.slice(0, 400)}...` : text;
}

/** Runs `tasks` (functions returning promises), at most `limit` at once; their results in order. */
async function pool(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

async function main() {
  const [projectArg] = process.argv.slice(2);
  if (!projectArg) fail('usage: sdk-node-examples.mjs SCRATCH_PROJECT');
  const project = resolve(projectArg);
  const sdkDir = join(project, 'node_modules', SDK_NAME);
  const version = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')).version;
  const out = join(project, 'sdk-examples');
  const started = Date.now();
  prepare(sdkDir, out);
  const sdk = await loadSdk(project);
  // SDK_EXAMPLES_ONLY=a.js,b.js narrows a run to those examples (while looking into one).
  const only = process.env.SDK_EXAMPLES_ONLY?.split(',');
  const names = Object.keys(CATALOGUE)
    .filter((name) => !only || only.includes(name))
    .sort();
  const tasks = names.map((name) => async () => {
    const began = Date.now();
    const [control, candidate] = await Promise.all(
      RUNS.map((runSpec) =>
        runExample(project, sdk, out, name, CATALOGUE[name], runSpec).catch((error) => ({ error: String(error?.message ?? error) })),
      ),
    );
    return { name, control, candidate, seconds: ((Date.now() - began) / 1000).toFixed(1) };
  });
  const results = await pool(tasks, PARALLEL);

  console.log(`\nsdk-node: ${SDK_NAME}@${version}'s example servers, official (control) against mcpforge:`);
  const broken = results.filter((r) => !Array.isArray(r.control));
  if (broken.length) fail(`the control did not run: ${broken.map((r) => `${r.name}: ${r.control.error}`).join('; ')}`);
  let same = 0;
  for (const { name, control, candidate, seconds } of results) {
    const transcript = Array.isArray(candidate) ? candidate : [{ step: 'server', error: scrub(candidate.error) }];
    if (isDeepStrictEqual(control, transcript)) {
      same += 1;
      console.log(`  same     ${name} (${control.length} steps, ${seconds} s)`);
    } else {
      console.log(`  differs  ${name} (${seconds} s)`);
      for (const line of differences(control, transcript)) console.log(line);
    }
  }
  for (const [name, why] of Object.entries(SKIPPED)) console.log(`  skipped  ${name}: ${why}`);
  for (const [name, why] of Object.entries(CLIENTS_SKIPPED)) console.log(`  client not run  ${name}: ${why}`);
  const compared = results.length;
  const share = compared ? ((100 * same) / compared).toFixed(1) : '0.0';
  console.log(
    `sdk-node: ${compared} examples compared, ${same} same, ${compared - same} differing, ${Object.keys(SKIPPED).length} skipped (${share}% same)`,
  );
  console.log(`sdk-node: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error) => fail(error?.stack ?? error));
