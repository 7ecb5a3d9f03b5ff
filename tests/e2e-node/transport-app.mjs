/**
 * An Express 5 application serving MCP the way the official TypeScript SDK's examples do,
 * written on the SDK's API with the `@modelcontextprotocol/sdk/` import prefix replaced by
 * `mcpforge/`, next to routes of its own:
 *
 *   node transport-app.mjs --sessions 127.0.0.1:PORT    a map of transports by session id:
 *       an `initialize` POST creates a transport (sessionIdGenerator: randomUUID) and a
 *       server and connects them; later requests, GET streams and DELETE find their
 *       transport by `mcp-session-id`
 *   node transport-app.mjs --json 127.0.0.1:PORT        the same, its transports answering
 *       JSON only (`enableJsonResponse: true`)
 *   node transport-app.mjs --stateless 127.0.0.1:PORT   a new server and transport for every
 *       POST (sessionIdGenerator: undefined)
 *
 * The application comes from `createMcpExpressApp` (JSON bodies, and Host and Origin checks: the
 * server is bound to a loopback address). `GET /hello` is the application's own route; `GET /sessions` reports what the session
 * callbacks saw (`opened`, `closed`, `live`). SIGTERM or SIGINT stops the application.
 */
import { randomUUID } from 'node:crypto';
import { createMcpExpressApp } from 'mcpforge/server/express.js';
import { McpServer, ResourceTemplate } from 'mcpforge/server/mcp.js';
import { StreamableHTTPServerTransport } from 'mcpforge/server/streamableHttp.js';
import { isInitializeRequest } from 'mcpforge/types.js';
import { z } from 'zod';

const NOTES = { shopping: 'milk, eggs', todo: 'write tests' };

/** The server every session (or request) gets. */
function buildServer() {
  const server = new McpServer({ name: 'transport-app', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool('greet', { description: 'Greets someone', inputSchema: { name: z.string() } }, async ({ name }) => ({
    content: [{ type: 'text', text: `Hello, ${name}!` }],
  }));
  server.registerTool('whoami', { description: 'What the request context knows' }, async (extra) => ({
    content: [
      { type: 'text', text: JSON.stringify({ sessionId: extra.sessionId ?? null, trace: extra.requestInfo?.headers['x-trace'] ?? null }) },
    ],
  }));
  server.registerTool('announce', { description: 'Answers, then logs outside any handler' }, async () => {
    setTimeout(() => server.server.sendLoggingMessage({ level: 'info', data: 'announced later' }), 50);
    return { content: [{ type: 'text', text: 'will announce' }] };
  });
  // A log message from the server (the official SDK: to the session, with no request) and
  // one with the request (`extra.sendNotification`: on the request's stream).
  server.registerTool('chatty', { description: 'Logs twice while it runs' }, async (extra) => {
    await server.sendLoggingMessage({ level: 'info', data: 'from the server' });
    await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: 'with the request' } });
    return { content: [{ type: 'text', text: 'logged' }] };
  });
  server.registerResource(
    'note',
    new ResourceTemplate('notes://{name}', {
      list: async () => ({ resources: Object.keys(NOTES).map((name) => ({ uri: `notes://${name}`, name })) }),
    }),
    { mimeType: 'text/plain' },
    async (uri, { name }) => ({ contents: [{ uri: uri.href, text: NOTES[name] ?? '' }] }),
  );
  return server;
}

const [mode, address] = process.argv.slice(2);
const match = /^\[?([^\]]*)\]?:(\d+)$/.exec(address ?? '');
if (!['--sessions', '--json', '--stateless'].includes(mode) || !match) {
  process.stderr.write('usage: transport-app.mjs --sessions|--json|--stateless HOST:PORT\n');
  process.exit(2);
}
const [, host, port] = match;

// The SDK's helper: JSON bodies, and requests whose Host or Origin is not on a loopback name refused.
const app = createMcpExpressApp({ host });
app.get('/hello', (_req, res) => res.send('the application route'));

const transports = {};
const seen = { opened: [], closed: [] };
app.get('/sessions', (_req, res) => res.json({ ...seen, live: Object.keys(transports) }));

if (mode !== '--stateless') {
  app.post('/mcp', async (req, res) => {
    const sessionId = req.headers['mcp-session-id'];
    let transport;
    if (sessionId && transports[sessionId]) {
      transport = transports[sessionId];
    } else if (!sessionId && isInitializeRequest(req.body)) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: mode === '--json',
        onsessioninitialized: (id) => {
          seen.opened.push(id);
          transports[id] = transport;
        },
        onsessionclosed: (id) => {
          seen.closed.push(id);
        },
      });
      transport.onclose = () => {
        if (transport.sessionId) delete transports[transport.sessionId];
      };
      await buildServer().connect(transport);
    } else {
      res.status(400).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: null });
      return;
    }
    await transport.handleRequest(req, res, req.body);
  });
  const bySession = async (req, res) => {
    const transport = transports[req.headers['mcp-session-id']];
    if (!transport) {
      res.status(400).send('Invalid or missing session ID');
      return;
    }
    await transport.handleRequest(req, res);
  };
  app.get('/mcp', bySession);
  app.delete('/mcp', bySession);
} else {
  app.post('/mcp', async (req, res) => {
    const server = buildServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      transport.close();
      server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  const notAllowed = (_req, res) =>
    res.status(405).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);
}

const listener = app.listen(Number(port), host, () =>
  process.stderr.write(`transport-app (${mode.slice(2)}): serving at http://${host}:${listener.address().port}/mcp\n`),
);

const stop = async () => {
  listener.close();
  await Promise.allSettled(Object.values(transports).map((t) => t.close()));
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
