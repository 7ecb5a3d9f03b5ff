/**
 * The full-scale reproduction of the session floods against the official SDK's stateful
 * pattern (flood-app.mjs, run with `--expose-gc`), printing the application's RSS and map:
 *
 *   node flood.mjs bound [COUNT]   COUNT (default 20,000) `initialize` from one address,
 *       default bounds (10,000 sessions, 1,000 per client); fails unless the map ends at
 *       the per-client bound or below and the RSS under `MAX_RSS_MIB`
 *   node flood.mjs expiry [COUNT]  COUNT (default 2,000) sessions with a 45 s idle timeout;
 *       fails unless the map is empty once they expired
 *
 * Each run prints one JSON line: the RSS (MiB) before, after the flood, and at the end.
 */
import { fileURLToPath } from 'node:url';
import { startHttp, within } from './helpers.mjs';
import { clientFrom, flood, stats } from './flood-client.mjs';

const APP = fileURLToPath(new URL('./flood-app.mjs', import.meta.url));
/** The RSS the bounded flood must stay under (docs/SECURITY.md, SDK-style transports). */
const MAX_RSS_MIB = 400;
const PER_CLIENT = 1_000;
const MIB = 1024 * 1024;

const [mode, countArg] = process.argv.slice(2);
if (!['bound', 'expiry'].includes(mode)) {
  process.stderr.write('usage: flood.mjs bound|expiry [COUNT]\n');
  process.exit(2);
}
const count = Number(countArg ?? (mode === 'bound' ? 20_000 : 2_000));
/** Idle timeout of the expiry run: longer than its flood takes, so that all are live at once. */
const IDLE_MS = 45_000;
// The expiry run's bound (a tenth per client) leaves all its sessions live until they expire.
const flags = mode === 'expiry' ? ['--idle-ms', String(IDLE_MS), '--max-sessions', String(count * 10)] : [];
const { child, url, exited } = await startHttp(['--expose-gc', APP, '127.0.0.1:0', ...flags], /serving at (\S+)/, 'flood-app');
const agent = clientFrom('127.0.0.1');
let failed;
try {
  const mib = (s) => Math.round(s.rss / MIB);
  const before = await stats(url);
  const started = Date.now();
  await within(flood(url, agent, count, 8), 600_000, 'the flood');
  const flooded = await stats(url);
  const seconds = (Date.now() - started) / 1000;
  let end = flooded;
  if (mode === 'expiry') {
    const deadline = Date.now() + IDLE_MS + 60_000;
    while (end.live > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      end = await stats(url);
    }
    // Memory a collection frees comes back on the next one.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    end = await stats(url);
    if (end.live !== 0) failed = `${end.live} sessions are still in the map after their expiry`;
  } else {
    if (flooded.live > PER_CLIENT) failed = `the map holds ${flooded.live} sessions, over the per-client bound`;
    if (mib(flooded) > MAX_RSS_MIB) failed = `RSS ${mib(flooded)} MiB is over ${MAX_RSS_MIB} MiB`;
  }
  const heap = (s) => Math.round(s.heapUsed / MIB);
  const line = { mode, count, seconds, rssMiB: { before: mib(before), flooded: mib(flooded), end: mib(end) } };
  line.heapMiB = { before: heap(before), flooded: heap(flooded), end: heap(end) };
  console.log(JSON.stringify({ ...line, live: { flooded: flooded.live, end: end.live }, closed: end.closed }));
} finally {
  agent.destroy();
  child.kill('SIGTERM');
  await within(exited, 30_000, 'flood-app to stop').catch(() => child.kill('SIGKILL'));
}
if (failed) {
  console.error(`flood.mjs: ${failed}`);
  process.exit(1);
}
