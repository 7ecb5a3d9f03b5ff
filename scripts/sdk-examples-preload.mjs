/**
 * Loaded with `node --import` before each of the official TypeScript SDK's example servers
 * that `scripts/sdk-node-examples.mjs` runs, so that an example's source keeps all its lines
 * but the import lines:
 * - a server that listens on a TCP port (the port the example reads from its environment, or
 *   the one it hard-codes, such as 3000) listens on the loopback address and on the free port
 *   the harness chose (SDK_EXAMPLE_PORT) instead, and tells the harness when it listens (an
 *   IPC message);
 * - `Math.random` is a seeded generator, the same sequence in both runs (examples make up
 *   their demo data with it, e.g. mcpServerOutputSchema.js's weather).
 */
import net from 'node:net';

const port = Number(process.env.SDK_EXAMPLE_PORT);
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  const numeric = typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first));
  const options = first !== null && typeof first === 'object' && 'port' in first;
  if (!port || !(numeric || options)) return listen.apply(this, args);
  const callback = typeof args.at(-1) === 'function' ? args.at(-1) : undefined;
  this.once('listening', () => process.send?.({ listening: this.address().port }));
  const wanted = options ? { ...first, port, host: '127.0.0.1' } : { port, host: '127.0.0.1' };
  return callback ? listen.call(this, wanted, callback) : listen.call(this, wanted);
};

/** mulberry32: a small seeded generator of floats in [0, 1). */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Math.random = seeded(20251126);
