/**
 * `make bench-node-client`: mcpforge's Node `Client` against the official TypeScript SDK's
 * `Client` (1.x), both driving the same release server over stdio (the Rust quickstart,
 * `target/release/quickstart`) with the tool `echo`: calls one at a time, and with 64 in
 * flight. Each round runs both clients, each with a fresh server process, in the opposite
 * order from the round before; each ratio is the median over the rounds of the ratio within
 * a round. Client CPU per call is this process's CPU time (every thread, the engine's
 * included) over the calls.
 *
 *   node bench/clients/node_client.mjs [--server CMD...] [--sdk DIR] [--calls N] [--rounds N]
 *
 * `--sdk` is the SDK package directory (default: the peers' install, target/peers/npm, else
 * the end-to-end project's, target/node/e2e). Prints a Markdown table and writes
 * target/bench-clients/node.json.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
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

/** `calls` calls, `width` at a time: `{ rate, cpuUs }` (calls/s, client CPU µs per call). */
async function measure(client, calls, width) {
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      next += 1;
      await client.callTool(CALL);
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: width }, worker));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: calls / seconds, cpuUs: (used.user + used.system) / calls };
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
  return { name, seq: pick('sequential', 'rate'), seqCpu: pick('sequential', 'cpuUs'), pipe: pick('pipelined', 'rate'), pipeCpu: pick('pipelined', 'cpuUs'), seqRatio: ratio('sequential'), pipeRatio: ratio('pipelined') };
};
const table = names.map(row);
const n = (x) => Math.round(x).toLocaleString('en-US');
const lines = [
  `| client | sequential calls/s | client CPU µs/call | ${IN_FLIGHT} in flight calls/s | client CPU µs/call | sequential vs ts-sdk1 | ${IN_FLIGHT} in flight vs ts-sdk1 |`,
  '|---|---:|---:|---:|---:|---:|---:|',
  ...table.map((t) => `| ${t.name} | ${n(t.seq)} | ${t.seqCpu.toFixed(1)} | ${n(t.pipe)} | ${t.pipeCpu.toFixed(1)} | ${t.seqRatio.toFixed(2)}× | ${t.pipeRatio.toFixed(2)}× |`),
];
console.log(lines.join('\n'));
mkdirSync(join(ROOT, 'target/bench-clients'), { recursive: true });
writeFileSync(join(ROOT, 'target/bench-clients/node.json'), JSON.stringify({ options: o, rounds, table }, null, 2));
