// Published servers with no edit to their files, compared by meaning: the pinned npm
// releases of the official reference servers are installed twice, once as users install
// them (on the official SDK) and once with the `overrides` entry of docs/node.md that puts
// mcpforge-sdk in the SDK's place; each is driven by the official TypeScript client the same
// way on both, over stdio and, where the server offers it, over Streamable HTTP (on
// 127.0.0.1, a port the system chooses: ./real-servers/loopback.mjs), and the two
// transcripts of each wire are compared as parsed JSON.
//
// With `--mcpforge-client` first, the servers are installed as published only, and each is
// driven once by the official client and once by mcpforge's (./real-servers/clients.mjs),
// the transcripts compared the same way, the allow-list read from docs/client.md instead
// (make test-clients).
//
//   node scripts/real-servers-node.mjs [SERVER...]     (make test-real-servers-node)
//
// Needs the packed tarballs (`make node-standin`) and the official client of the end-to-end
// scratch project (`make node-setup`). Prints a verdict per server and every difference;
// exits 1 when a difference is not in the allow-list of docs/node.md ("Differences left",
// with its reason). Installs are cached under target/real-servers/node: npm runs again only
// when the pins or the tarballs changed.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SERVERS, VERSION } from './real-servers/servers.mjs';
import { compare, normalized } from './real-servers/compare.mjs';
import { mcpforgeKit, withServerMessages } from './real-servers/clients.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'target', 'real-servers', 'node');
const NODE_OUT = join(ROOT, 'target', 'node');
const SDK = join(NODE_OUT, 'e2e', 'node_modules', '@modelcontextprotocol', 'sdk');
/** How long one request of the client may take, and one whole server session. */
const REQUEST_MS = 30_000;
const SESSION_MS = 240_000;
/** How long a server started over HTTP may take to listen, and to exit once told to. */
const START_MS = 30_000;
const EXIT_MS = 10_000;
/** What makes a server started over HTTP listen on 127.0.0.1 and say its port. */
const LOOPBACK = pathToFileURL(join(ROOT, 'scripts', 'real-servers', 'loopback.mjs')).href;

const require = createRequire(import.meta.url);
const mcpforgeVersion = JSON.parse(readFileSync(join(ROOT, 'bindings-node', 'package.json'), 'utf8')).version;
const platform = require(join(ROOT, 'bindings-node', 'lib', 'platform.js')).platformName();
const TARBALLS = {
  '@modelcontextprotocol/sdk': join(NODE_OUT, `mcpforge-sdk-${mcpforgeVersion}.tgz`),
  '@modelcontextprotocol/server': join(NODE_OUT, `mcpforge-server-${mcpforgeVersion}.tgz`),
  mcpforge: join(NODE_OUT, `mcpforge-${mcpforgeVersion}.tgz`),
  [`mcpforge-${platform}`]: join(NODE_OUT, `mcpforge-${platform}-${mcpforgeVersion}.tgz`),
};

/** The package.json of one side's install folder. */
function manifest(side) {
  const dependencies = Object.fromEntries(Object.values(SERVERS).map((s) => [s.package, s.version ?? VERSION]));
  const pkg = { name: `real-servers-${side}`, private: true, dependencies };
  if (side === 'mcpforge') pkg.overrides = Object.fromEntries(Object.entries(TARBALLS).map(([name, file]) => [name, `file:${file}`]));
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Installs one side unless its stamp (the manifest and the tarballs' digests) is unchanged. */
export function install(side) {
  const dir = join(OUT, side);
  const text = manifest(side);
  const digest = createHash('sha256').update(text);
  if (side === 'mcpforge') {
    for (const file of Object.values(TARBALLS)) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`make node-standin\``);
      digest.update(readFileSync(file));
    }
  }
  const want = digest.digest('hex');
  const stamp = join(dir, 'node_modules', '.real-servers-stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return dir;
  // A tarball rebuilt under the same name does not match the lockfile's integrity: start over.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), text);
  console.error(`real-servers: npm install (${side})`);
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit', timeout: 600_000 });
  if (npm.status !== 0) throw new Error(`npm install failed in ${dir} (${npm.error?.message ?? `exit ${npm.status}`})`);
  writeFileSync(stamp, want);
  return dir;
}

/** Rejects after `ms` unless `promise` settles first. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sdk = {
  client: await import(pathToFileURL(join(SDK, 'dist', 'esm', 'client', 'index.js')).href),
  stdio: await import(pathToFileURL(join(SDK, 'dist', 'esm', 'client', 'stdio.js')).href),
  http: await import(pathToFileURL(join(SDK, 'dist', 'esm', 'client', 'streamableHttp.js')).href),
  types: await import(pathToFileURL(join(SDK, 'dist', 'esm', 'types.js')).href),
};

/** A request's outcome as recorded: its result, or its error's code and message. */
async function outcome(promise) {
  try {
    return { result: await promise };
  } catch (e) {
    return { error: { code: e.code ?? null, message: String(e.message) } };
  }
}

/** Every page of a list (`method` of the client, `key` of the result), cursors followed. */
async function everyPage(list, key) {
  const items = [];
  let cursor;
  for (let page = 0; page < 100; page += 1) {
    const result = await list(cursor === undefined ? {} : { cursor }, { timeout: REQUEST_MS });
    items.push(...result[key]);
    cursor = result.nextCursor;
    if (cursor === undefined) return items;
  }
  throw new Error(`${key}: more than 100 pages`);
}

/**
 * The server `name` (its entry point `bin`) started in `work` for `wire`, and the client
 * transport to it: `{ transport, stderr(), end(client) }`, where `end` closes the client and
 * stops the server. Over stdio the client transport starts the process itself; over HTTP
 * the process is started here with `spec.http.args`, on 127.0.0.1 and a port the system
 * chooses, its session ended with a DELETE and the process with SIGINT (SIGKILL after
 * EXIT_MS).
 */
async function open(name, bin, work, wire, kit = sdk) {
  const spec = SERVERS[name];
  const env = { PATH: process.env.PATH, HOME: work, ...(spec.env?.(work) ?? {}) };
  let stderr = '';
  if (wire === 'stdio') {
    const transport = new kit.stdio.StdioClientTransport({ command: process.execPath, args: [bin, ...(spec.args?.(work) ?? [])], env, cwd: work, stderr: 'pipe' });
    transport.stderr?.on('data', (d) => {
      stderr += d;
    });
    return { transport, stderr: () => stderr || (transport.stderrText?.() ?? ''), end: (client) => client.close() };
  }
  const child = spawn(process.execPath, ['--import', LOOPBACK, bin, ...spec.http.args], {
    env: { ...env, PORT: '0' },
    cwd: work,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const listening = new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      const port = /real-servers: listening on (\d+)/.exec(stderr)?.[1];
      if (port) resolve(Number(port));
    });
    exited.then((code) => reject(new Error(`${name} exited (${code}) before listening: ${stderr.slice(-2000)}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    await within(exited, EXIT_MS, `${name} to exit`).catch(() => child.kill('SIGKILL'));
  };
  let port;
  try {
    port = await within(listening, START_MS, `${name} to listen`);
  } catch (e) {
    await stop();
    throw e;
  }
  const { transport, end } = httpSession(`http://127.0.0.1:${port}${spec.http.path}`, stop, kit);
  return { transport, stderr: () => stderr, end };
}

/**
 * A Streamable HTTP client transport of `kit` to `url`, and how a run over it ends: its
 * session ended with a DELETE, the client closed, then `stop()` (the process serving it).
 */
export function httpSession(url, stop, kit = sdk) {
  const transport = new kit.http.StreamableHTTPClientTransport(new URL(url));
  const end = async (client) => {
    try {
      await transport.terminateSession().catch(() => {});
      await client.close();
    } finally {
      await stop();
    }
  };
  return { transport, end };
}

/**
 * Drives `name` installed in `dir` over `wire` (`'stdio'` or `'http'`) with the client of
 * `kit` (the official SDK's by default) and resolves to its transcript; `opener` (with
 * `open`'s parameters and result) starts it and gives the client transport, and the run's
 * folder is made in `workRoot`.
 */
export async function drive(name, dir, side, wire, { opener = open, workRoot = join(OUT, 'work'), kit = sdk } = {}) {
  const spec = SERVERS[name];
  const work = realpathSync(mkdtempSync(join(workRoot, `${name}-${wire}-${side}-`)));
  spec.prepare?.(work);
  const bin = join(dir, 'node_modules', ...spec.package.split('/'), spec.bin);
  const { transport, stderr, end } = await opener(name, bin, work, wire, kit);
  const client = new kit.client.Client(
    { name: 'real-servers-driver', version: '1.0.0' },
    { capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: { form: {} } } },
  );
  const t = { asked: [], notifications: [] };
  client.setRequestHandler(kit.types.ListRootsRequestSchema, () => {
    t.asked.push('roots/list');
    return { roots: [{ uri: pathToFileURL(work).href, name: 'work' }] };
  });
  client.setRequestHandler(kit.types.CreateMessageRequestSchema, (request) => {
    t.asked.push({ method: 'sampling/createMessage', params: request.params });
    return { model: 'driver-model', role: 'assistant', content: { type: 'text', text: 'a fixed answer' }, stopReason: 'endTurn' };
  });
  client.setRequestHandler(kit.types.ElicitRequestSchema, (request) => {
    t.asked.push({ method: 'elicitation/create', params: request.params });
    return { action: 'decline' };
  });
  // Every notification is recorded as it arrives, before the client handles it (the client
  // drops progress that arrives with its request's answer, as the scheduler decides).
  const record = () => {
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if (typeof message?.method === 'string' && message.id === undefined) t.notifications.push({ method: message.method, params: message.params });
      deliver?.call(transport, message, extra);
    };
  };
  // mcpforge's client has no transport messages to look at: it hands every notification to
  // this handler, in order, recorded from the same point (once connected) as the official's.
  let recording = false;
  client.fallbackNotificationHandler = async (n) => {
    if (kit !== sdk && recording) t.notifications.push({ method: n.method, params: n.params });
  };
  const options = { timeout: REQUEST_MS };
  const session = async () => {
    await client.connect(transport, options);
    record();
    recording = true;
    t.initialize = { serverInfo: client.getServerVersion(), capabilities: client.getServerCapabilities(), instructions: client.getInstructions() };
    // Let what the server does on `notifications/initialized` (tools added, roots read) finish.
    await client.ping(options);
    await spec.ready?.(client, work, t, options);
    const caps = t.initialize.capabilities ?? {};
    t.tools = caps.tools ? await outcome(everyPage((p, o) => client.listTools(p, o), 'tools')) : null;
    t.resources = caps.resources ? await outcome(everyPage((p, o) => client.listResources(p, o), 'resources')) : null;
    t.templates = caps.resources ? await outcome(everyPage((p, o) => client.listResourceTemplates(p, o), 'resourceTemplates')) : null;
    t.prompts = caps.prompts ? await outcome(everyPage((p, o) => client.listPrompts(p, o), 'prompts')) : null;
    const step = async (label, run) => {
      t.steps.push({ step: label, ...(await outcome(run())) });
    };
    t.steps = [];
    for (const uri of spec.subscribe ?? []) await step(`subscribe ${uri}`, () => client.subscribeResource({ uri }, options));
    // Each call asks for progress (the notifications are recorded with the others).
    const onprogress = () => {};
    for (const [tool, args] of spec.calls(work)) {
      await step(`call ${tool}`, () => client.callTool({ name: tool, arguments: args }, undefined, { ...options, onprogress }));
    }
    const listed = (t.resources?.result ?? []).map((r) => r.uri).sort().slice(0, 3);
    for (const uri of [...new Set([...(spec.reads ?? []), ...listed])]) await step(`read ${uri}`, () => client.readResource({ uri }, options));
    for (const [prompt, args] of spec.prompts ?? []) await step(`prompt ${prompt}`, () => client.getPrompt({ name: prompt, arguments: args }, options));
    for (const [ref, argument] of spec.completions ?? []) await step(`complete ${JSON.stringify(ref)}`, () => client.complete({ ref, argument }, options));
    for (const uri of spec.subscribe ?? []) await step(`unsubscribe ${uri}`, () => client.unsubscribeResource({ uri }, options));
    await client.sendRootsListChanged();
    await client.ping(options);
    t.uncalled = (t.tools?.result ?? []).map((tool) => tool.name).filter((n) => !spec.calls(work).some(([c]) => c === n)).sort();
  };
  try {
    await within(session(), SESSION_MS, `${name} over ${wire} on ${side}`);
  } catch (e) {
    t.failed = String(e.message);
    t.stderr = stderr().slice(-2000);
  } finally {
    await end(client).catch(() => {});
  }
  return normalized(t, work);
}

// Run as a program (imported by scripts/real-servers-gateway.mjs for `drive`, it runs nothing).
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const byMcpforge = process.argv[2] === '--mcpforge-client';
  const wanted = process.argv.slice(byMcpforge ? 3 : 2);
  // A bundled server (servers.mjs) runs its own copy of the SDK whatever the override says:
  // compared on the drop-in, both sides would be the official SDK. Its client comparison holds.
  const names = wanted.length ? wanted : Object.keys(SERVERS).filter((n) => byMcpforge || !SERVERS[n].bundled);
  for (const n of names) if (!SERVERS[n]) throw new Error(`unknown server ${n} (${Object.keys(SERVERS).join(', ')})`);
  for (const n of names) if (!byMcpforge && SERVERS[n].bundled) throw new Error(`${n} bundles its SDK: no override reaches it`);
  const WORK = join(OUT, byMcpforge ? 'work-clients' : 'work');
  mkdirSync(WORK, { recursive: true });
  const dirs = { official: install('official'), mcpforge: byMcpforge ? undefined : install('mcpforge') };
  const allowed = readAllowList(byMcpforge ? 'client.md' : 'node.md');
  let failed = false;
  // Each server over stdio, then over Streamable HTTP where it offers it (`http` in servers.mjs).
  const runs = names.flatMap((name) => [{ name, wire: 'stdio' }, ...(SERVERS[name].http ? [{ name, wire: 'http' }] : [])]);
  for (const { name, wire } of runs) {
    // A row of the allow-list names the server (both wires) or `name (http)` (that wire alone).
    const label = wire === 'stdio' ? name : `${name} (${wire})`;
    const file = wire === 'stdio' ? name : `${name}.${wire}`;
    const sides = byMcpforge ? ['client-official', 'client-mcpforge'] : ['official', 'mcpforge'];
    let official = await drive(name, dirs.official, sides[0], wire, { workRoot: WORK });
    const ours = byMcpforge ? await drive(name, dirs.official, sides[1], wire, { workRoot: WORK, kit: mcpforgeKit(ROOT) }) : await drive(name, dirs.mcpforge, 'mcpforge', wire, { workRoot: WORK });
    if (byMcpforge) official = withServerMessages(official);
    writeFileSync(join(OUT, `${file}.${sides[0]}.json`), `${JSON.stringify(official, null, 2)}\n`);
    writeFileSync(join(OUT, `${file}.${sides[1]}.json`), `${JSON.stringify(ours, null, 2)}\n`);
    const differences = compare(official, ours);
    const applies = (a) => a.server === name || a.server === label || a.server === 'every server';
    const left = differences.filter((d) => !allowed.some((a) => applies(a) && a.paths.some((p) => p.test(d.path))));
    const verdict = differences.length === 0 ? 'same' : left.length === 0 ? `same but ${differences.length} allowed` : `${left.length} differences`;
    console.log(`${label}: ${verdict}`);
    for (const d of differences) {
      const mark = left.includes(d) ? '  !' : '  (allowed)';
      console.log(`${mark} ${d.path}: official ${JSON.stringify(d.official)?.slice(0, 300)} | mcpforge ${JSON.stringify(d.mcpforge)?.slice(0, 300)}`);
    }
    if (left.length > 0) failed = true;
  }
  rmSync(WORK, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

/**
 * The allow-list: the rows of the table under "Differences left" in docs/`page` (node.md
 * for the drop-in, client.md for the client) (`| server | path | reason |`), each a
 * difference under that JSON path allowed for that server ("every server": all of them),
 * with the reason written beside it.
 */
function readAllowList(page) {
  const doc = readFileSync(join(ROOT, 'docs', page), 'utf8');
  const start = doc.indexOf('#### Differences left');
  if (start === -1) throw new Error(`docs/${page} has no "#### Differences left" section`);
  const rows = [];
  for (const line of doc.slice(start).split('\n').slice(1)) {
    if (line.startsWith('#')) break;
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || cells[1] === 'server' || cells[1].startsWith('---')) continue;
    const reason = cells[3];
    if (!reason) throw new Error(`docs/${page} allows ${cells[2]} for ${cells[1]} with no reason`);
    // Each path (comma-separated) allows the differences under it; `*` is one step of a path.
    const paths = cells[2].split(',').map((p) => p.trim().replace(/`/g, ''));
    const pattern = (p) => new RegExp(`^${p.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^.]+')}(\\.|$)`);
    rows.push({ server: cells[1].replace(/`/g, ''), paths: paths.map(pattern), reason });
  }
  return rows;
}
