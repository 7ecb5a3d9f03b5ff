/**
 * `make bench-node-client`: mcpforge's Node `Client` against the official TypeScript SDK's
 * `Client` (1.x), both driving the same release server over stdio (the Rust quickstart,
 * `target/release/quickstart`) with the tool `echo`: calls one at a time, and with 64 in
 * flight. Each round runs both clients, each with a fresh server process, in the opposite
 * order from the round before; each ratio is the median over the rounds of the ratio within
 * a round. Latency is each call's, from `callTool` to its result (p50 and p99, µs). Client
 * CPU per call is this process's CPU time (every thread, the engine's included) over the
 * calls; context switches per call are this process's (every thread's, voluntary or not,
 * from /proc), the count of times a thread slept or was preempted: the thread crossings.
 *
 *   node bench/clients/node_client.mjs [--server CMD...] [--sdk DIR] [--calls N] [--rounds N]
 *
 * `--sdk` is the SDK package directory (default: the peers' install, target/peers/npm, else
 * the end-to-end project's, target/node/e2e). Prints a Markdown table and writes
 * target/bench-clients/node.json.
 */
import { mkdirSync, writeFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Client, StdioClientTransport } from '../../bindings-node/lib/index.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const IN_FLIGHT = 64;

function options(argv) {
  const o = { server: [join(ROOT, 'target/release/quickstart')], calls: 20000, sequential: 4000, rounds: 3, sdk: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--server') o.server = argv.slice(i + 1, (i = argv.length));
    else if (a === '--sdk') o.sdk = argv[(i += 1)];
    else if (a === '--calls') o.calls = Number(argv[(i += 1)]);
    else if (a === '--sequential') o.sequential = Number(argv[(i += 1)]);
    else if (a === '--rounds') o.rounds = Number(argv[(i += 1)]);
    else throw new Error(`unknown argument ${a}`);
  }
  o.sdk ??= ['target/peers/npm', 'target/node/e2e']
    .map((d) => join(ROOT, d, 'node_modules/@modelcontextprotocol/sdk'))
    .find((d) => existsSync(d));
  if (!o.sdk) throw new Error('the official SDK is not installed: run scripts/setup-peers.sh or make node-setup');
  if (!existsSync(o.server[0])) throw new Error(`${o.server[0]} is missing: make bench-servers`);
  return o;
}

/** The two subjects: how each connects a client to a fresh server. */
async function subjects(o) {
  const load = (path) => import(pathToFileURL(join(o.sdk, 'dist/esm', path)).href);
  const sdkClient = await load('client/index.js');
  const sdkStdio = await load('client/stdio.js');
  const [command, ...args] = o.server;
  return {
    mcpforge: async () => {
      const client = new Client({ name: 'bench', version: '1.0.0' });
      await client.connect(new StdioClientTransport({ command, args }));
      return client;
    },
    'ts-sdk1': async () => {
      const client = new sdkClient.Client({ name: 'bench', version: '1.0.0' });
      await client.connect(new sdkStdio.StdioClientTransport({ command, args, stderr: 'ignore' }));
      return client;
    },
  };
}

const CALL = { name: 'echo', arguments: { text: 'hello' } };

/** This process's context switches so far, every thread's (Linux; 0 elsewhere). */
function switches() {
  try {
    let total = 0;
    for (const task of readdirSync('/proc/self/task')) {
      const status = readFileSync(`/proc/self/task/${task}/status`, 'utf8');
      for (const m of status.matchAll(/ctxt_switches:\s+(\d+)/g)) total += Number(m[1]);
    }
    return total;
  } catch {
    return 0;
  }
}

/** The `q` quantile of sorted `xs`. */
const quantile = (xs, q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/**
 * `calls` calls, `width` at a time: `{ rate, cpuUs, p50, p99 }` (calls/s, client CPU µs per
 * call, latency µs).
 */
async function measure(client, calls, width) {
  let next = 0;
  const latencies = new Float64Array(calls);
  const worker = async () => {
    while (next < calls) {
      const i = next;
      next += 1;
      const sent = performance.now();
      await client.callTool(CALL);
      latencies[i] = (performance.now() - sent) * 1000;
    }
  };
  const cpu = process.cpuUsage();
  const switched = switches();
  const start = performance.now();
  await Promise.all(Array.from({ length: width }, worker));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const switchesPerCall = (switches() - switched) / calls;
  latencies.sort();
  return { rate: calls / seconds, cpuUs: (used.user + used.system) / calls, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), switches: switchesPerCall };
}

async function run(connect, o) {
  const client = await connect();
  try {
    await measure(client, 1000, IN_FLIGHT);
    const sequential = await measure(client, o.sequential, 1);
    const pipelined = await measure(client, o.calls, IN_FLIGHT);
    return { sequential, pipelined };
  } finally {
    await client.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const o = options(process.argv.slice(2));
const all = await subjects(o);
const names = Object.keys(all);
const rounds = [];
for (let r = 0; r < o.rounds; r += 1) {
  const order = r % 2 === 0 ? names : [...names].reverse();
  const round = {};
  for (const name of order) round[name] = await run(all[name], o);
  rounds.push(round);
  process.stderr.write(`round ${r + 1}: ${JSON.stringify(round)}\n`);
}
const row = (name) => {
  const pick = (w, k) => median(rounds.map((r) => r[name][w][k]));
  const ratio = (w) => median(rounds.map((r) => r[name][w].rate / r['ts-sdk1'][w].rate));
  const of = (w) => ({ rate: pick(w, 'rate'), cpu: pick(w, 'cpuUs'), p50: pick(w, 'p50'), p99: pick(w, 'p99'), switches: pick(w, 'switches'), ratio: ratio(w) });
  return { name, seq: of('sequential'), pipe: of('pipelined') };
};
const table = names.map(row);
const n = (x) => Math.round(x).toLocaleString('en-US');
const cells = (w) => `${n(w.rate)} | ${n(w.p50)} | ${n(w.p99)} | ${w.cpu.toFixed(1)} | ${w.switches.toFixed(2)} | ${w.ratio.toFixed(2)}×`;
const columns = (what) => `${what} calls/s | p50 µs | p99 µs | client CPU µs/call | switches/call | vs ts-sdk1`;
const lines = [
  `| client | ${columns('sequential')} | ${columns(`${IN_FLIGHT} in flight`)} |`,
  `|---|${'---:|'.repeat(12)}`,
  ...table.map((t) => `| ${t.name} | ${cells(t.seq)} | ${cells(t.pipe)} |`),
];
console.log(lines.join('\n'));
mkdirSync(join(ROOT, 'target/bench-clients'), { recursive: true });
writeFileSync(join(ROOT, 'target/bench-clients/node.json'), JSON.stringify({ options: o, rounds, table }, null, 2));
