/**
 * One Node client against one server over stdio, for `make bench-clients` (bench/clients.py):
 * mcpforge's `Client` (`--client mcpforge`) or the official TypeScript SDK's `Client` 1.x
 * (`--client ts-sdk1`), calling the tool `echo` one call at a time and then with
 * `--in-flight` calls in flight, every answer checked. Prints one JSON line:
 *
 *   node bench/clients/node_client.mjs --client mcpforge [--sdk DIR] [--calls N] [--sequential N] -- SERVER ARGS...
 *   {"client":"mcpforge-node","sequential":{...},"in_flight":{...}}
 *
 * Each workload's object has `calls`, `in_flight`, `calls_per_s`, `p50_us`, `p99_us` (each
 * call's latency, from `callTool` to its checked result), `cpu_us_per_call` (this process's
 * CPU time, every thread, the engine's included, over the calls) and `switches_per_call`
 * (this process's context switches, every thread's, voluntary or not, from /proc: each time
 * one of its threads slept or was preempted). `--sdk` is the SDK package directory (default:
 * the peers' install, target/peers/npm, else the end-to-end project's, target/node/e2e). The
 * whole run is bounded by `--deadline` seconds.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Client, StdioClientTransport } from '../../bindings-node/lib/index.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const NAMES = { mcpforge: 'mcpforge-node', 'ts-sdk1': 'ts-sdk1 (official)' };

function options(argv) {
  const o = { client: undefined, server: [], calls: 20000, sequential: 5000, inFlight: 64, warmUp: 1000, deadline: 600, sdk: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const value = () => argv[(i += 1)];
    if (a === '--') o.server = argv.slice(i + 1, (i = argv.length));
    else if (a === '--client') o.client = value();
    else if (a === '--sdk') o.sdk = value();
    else if (a === '--calls') o.calls = Number(value());
    else if (a === '--sequential') o.sequential = Number(value());
    else if (a === '--in-flight') o.inFlight = Number(value());
    else if (a === '--warm-up') o.warmUp = Number(value());
    else if (a === '--deadline') o.deadline = Number(value());
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(o.client in NAMES)) throw new Error(`--client ${Object.keys(NAMES).join('|')} is required`);
  if (o.server.length === 0) throw new Error('no server command after --');
  o.sdk ??= ['target/peers/npm', 'target/node/e2e']
    .map((d) => join(ROOT, d, 'node_modules/@modelcontextprotocol/sdk'))
    .find((d) => existsSync(d));
  if (o.client === 'ts-sdk1' && !o.sdk) throw new Error('the official SDK is not installed: run scripts/setup-peers.sh or make node-setup');
  return o;
}

/** Connects the chosen client to a fresh server. */
async function connect(o) {
  const [command, ...args] = o.server;
  if (o.client === 'mcpforge') {
    const client = new Client({ name: 'bench', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command, args }));
    return client;
  }
  const load = (path) => import(pathToFileURL(join(o.sdk, 'dist/esm', path)).href);
  const sdkClient = await load('client/index.js');
  const sdkStdio = await load('client/stdio.js');
  const client = new sdkClient.Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new sdkStdio.StdioClientTransport({ command, args, stderr: 'ignore' }));
  return client;
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

/** `calls` checked calls, `width` at a time. */
async function measure(client, calls, width) {
  let next = 0;
  const latencies = new Float64Array(calls);
  const worker = async () => {
    while (next < calls) {
      const i = next;
      next += 1;
      const sent = performance.now();
      const result = await client.callTool(CALL);
      if (result.content?.[0]?.text !== 'hello') throw new Error(`a wrong answer: ${JSON.stringify(result)}`);
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
  return {
    calls,
    in_flight: width,
    calls_per_s: calls / seconds,
    p50_us: quantile(latencies, 0.5),
    p99_us: quantile(latencies, 0.99),
    cpu_us_per_call: (used.user + used.system) / calls,
    switches_per_call: switchesPerCall,
  };
}

const o = options(process.argv.slice(2));
const deadline = setTimeout(() => {
  process.stderr.write(`node_client: not done within ${o.deadline} s\n`);
  process.exit(1);
}, o.deadline * 1000);
deadline.unref();
const client = await connect(o);
try {
  await measure(client, o.warmUp, o.inFlight);
  const sequential = await measure(client, o.sequential, 1);
  const inFlight = await measure(client, o.calls, o.inFlight);
  console.log(JSON.stringify({ client: NAMES[o.client], sequential, in_flight: inFlight }));
} finally {
  await client.close();
}
