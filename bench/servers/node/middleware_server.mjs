/**
 * A benchmark-only mcpforge server in Node: `echo` and `add` as in the quickstart, and with
 * `--noop` one middleware that only passes each request on. `make bench-middleware` runs it
 * both ways to measure what one no-op middleware costs (docs/BENCHMARKS.md). Serves stdio.
 */
import { Server } from 'mcpforge';

const args = process.argv.slice(2);
if (args.length > 1 || (args.length === 1 && args[0] !== '--noop')) {
  process.stderr.write('usage: middleware_server.mjs [--noop]\n');
  process.exit(2);
}

const server = new Server({ name: 'mcpforge-bench-middleware-node', version: '0' });
server.tool(
  'echo',
  { description: 'Echo the text back', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } },
  ({ text }) => text,
);
server.tool(
  'add',
  {
    description: 'Add two numbers',
    inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  },
  ({ a, b }) => String(a + b),
);
if (args[0] === '--noop') server.use((_context, next) => next());
await server.listen();
