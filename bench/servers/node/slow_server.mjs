/**
 * A benchmark-only mcpforge server in Node with one tool, `slow`, which waits 10 ms with
 * `await setTimeout(10)` (JavaScript has no blocking sleep that leaves the event loop free).
 * The slow-handler workload of `make bench-peers` (docs/BENCHMARKS.md) sends 64 calls at
 * once to see whether they overlap. Serves stdio.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { Server } from 'mcpforge';

const server = new Server({ name: 'mcpforge-bench-slow-node', version: '0' });
server.tool(
  'slow',
  { description: 'Wait 10 ms, then answer `done`', inputSchema: { type: 'object', properties: {} } },
  async () => {
    await sleep(10);
    return 'done';
  },
);
await server.listen();
