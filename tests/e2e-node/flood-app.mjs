/**
 * The official TypeScript SDK README's stateful Streamable HTTP server, as written there
 * (Express, `express.json()`, a map of transports by session id, a new `McpServer` and
 * transport for every `initialize`, the map entry deleted in `onclose`), with the
 * `@modelcontextprotocol/sdk/` import prefix replaced by `mcpforge/`; what a client floods
 * with `initialize` requests in sessions.test.mjs and flood.mjs.
 *
 *   node flood-app.mjs HOST:PORT [--max-sessions N] [--idle-ms MS] [--keep-first K]
 *
 * `--max-sessions` and `--idle-ms` go to every transport as `maxSessions` and
 * `sessionIdleTimeoutMs` (mcpforge's mount options; absent, the defaults hold).
 * `--keep-first K` keeps the first K transports aside (never used by the application) so
 * that `POST /early/:i` reaches the i-th one after the map let it go. `GET /stats` reports
 * the map (`live`: its size, `ids`), how many times `onsessionclosed` and `onclose` ran,
 * and the process's RSS and JavaScript heap in use, in bytes (after a full garbage collection when node runs with
 * `--expose-gc`). SIGTERM or SIGINT stops the application.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import { McpServer } from 'mcpforge/server/mcp.js';
import { StreamableHTTPServerTransport } from 'mcpforge/server/streamableHttp.js';
import { isInitializeRequest } from 'mcpforge/types.js';
import { z } from 'zod';

const args = process.argv.slice(2);
const match = /^\[?([^\]]*)\]?:(\d+)$/.exec(args[0] ?? '');
if (!match) {
  process.stderr.write('usage: flood-app.mjs HOST:PORT [--max-sessions N] [--idle-ms MS] [--keep-first K]\n');
  process.exit(2);
}
const [, host, port] = match;
const flag = (name) => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : Number(args[at + 1]);
};
const bounds = {};
if (flag('--max-sessions') !== undefined) bounds.maxSessions = flag('--max-sessions');
if (flag('--idle-ms') !== undefined) bounds.sessionIdleTimeoutMs = flag('--idle-ms');
const keepFirst = flag('--keep-first') ?? 0;

const counts = { sessionClosed: 0, closed: 0 };
const early = [];

const app = express();
app.use(express.json());

// Map to store transports by session ID
const transports = {};

// Handle POST requests for client-to-server communication
app.post('/mcp', async (req, res) => {
  // Check for existing session ID
  const sessionId = req.headers['mcp-session-id'];
  let transport;

  if (sessionId && transports[sessionId]) {
    // Reuse existing transport
    transport = transports[sessionId];
  } else if (!sessionId && isInitializeRequest(req.body)) {
    // New initialization request
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => {
        // Store the transport by session ID
        transports[sessionId] = transport;
      },
      onsessionclosed: () => {
        counts.sessionClosed += 1;
      },
      ...bounds,
    });
    if (early.length < keepFirst) early.push(transport);

    // Clean up transport when closed
    transport.onclose = () => {
      counts.closed += 1;
      if (transport.sessionId) {
        delete transports[transport.sessionId];
      }
    };
    const server = new McpServer({
      name: 'example-server',
      version: '1.0.0',
    });

    // ... set up server resources, tools, and prompts ...
    server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
    }));

    // Connect to the MCP server
    await server.connect(transport);
  } else {
    // Invalid request
    res.status(400).json({
      jsonrpc: '2.0',
      error: {
        code: -32000,
        message: 'Bad Request: No valid session ID provided',
      },
      id: null,
    });
    return;
  }

  // Handle the request
  await transport.handleRequest(req, res, req.body);
});

// Reusable handler for GET and DELETE requests
const handleSessionRequest = async (req, res) => {
  const sessionId = req.headers['mcp-session-id'];
  if (!sessionId || !transports[sessionId]) {
    res.status(400).send('Invalid or missing session ID');
    return;
  }

  const transport = transports[sessionId];
  await transport.handleRequest(req, res);
};

// Handle GET requests for server-to-client notifications via SSE
app.get('/mcp', handleSessionRequest);

// Handle DELETE requests for session termination
app.delete('/mcp', handleSessionRequest);

// What the tests read; not part of the README's pattern.
app.get('/stats', (_req, res) => {
  globalThis.gc?.();
  const ids = Object.keys(transports);
  const { rss, heapUsed } = process.memoryUsage();
  res.json({ live: ids.length, ids, ...counts, rss, heapUsed });
});
app.post('/early/:i', async (req, res) => {
  const transport = early[Number(req.params.i)];
  if (!transport) {
    res.status(404).send('no such transport kept');
    return;
  }
  await transport.handleRequest(req, res, req.body);
});

const listener = app.listen(Number(port), host, () =>
  process.stderr.write(`flood-app: serving at http://${host}:${listener.address().port}/mcp\n`),
);

const stop = async () => {
  listener.close();
  await Promise.allSettled([...Object.values(transports), ...early].map((t) => t.close()));
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
