/**
 * A typed server against the installed package's public types, checked by
 * `tsc --noEmit` (`make node-test`); it is type-checked, not run.
 */
import { McpError, ErrorCode, Server, ToolError, Upstream, type Context, type CallToolResult } from 'mcpforge';

const server = new Server({ name: 'typed', version: '1.0.0', instructions: 'Typed example', limits: { requestTimeoutMs: 30_000 } });

interface AddArgs {
  a: number;
  b: number;
}

server.tool<AddArgs>(
  'add',
  {
    description: 'Add two numbers',
    inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
    outputSchema: { type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] },
    annotations: { readOnlyHint: true },
  },
  async ({ a, b }, ctx: Context) => {
    ctx.reportProgress(1, 1, 'added');
    ctx.log('info', { a, b });
    if (ctx.signal.aborted) throw new ToolError('cancelled');
    return { sum: a + b };
  },
);

server.tool('full', {}, (): CallToolResult => ({ content: [{ type: 'text', text: 'hi' }] }));

server.tool('ask', {}, async (_args: Record<string, never>, ctx) => {
  const answer = await ctx.elicit({ message: 'Name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } });
  if (answer.action !== 'accept') throw new McpError(ErrorCode.InvalidParams, 'declined');
  const roots = await ctx.listRoots();
  const [first] = await ctx.askAll({ k: { listRoots: true } });
  return `${String(answer.content?.name)} ${roots.roots.length} ${JSON.stringify(first)}`;
});

server.resource('readme', 'file:///readme', { mimeType: 'text/plain' }, (uri: URL) => `read ${uri.href}`);
server.resourceTemplate('user', 'users://{id}', {}, (_uri, { id }) => ({ contents: [{ uri: `users://${id}`, text: id }] }));
server.prompt('greet', { arguments: [{ name: 'who', required: true }] }, ({ who }) => `Greet ${who ?? 'nobody'}`);
server.completion({ type: 'ref/prompt', name: 'greet' }, ({ argument }) => [argument.value]);

// Middleware around every request: audit, deny, and rewrite arguments.
server.use(async (context, next) => {
  const started = Date.now();
  const result = await next();
  console.error(`${context.method} ${context.name ?? ''} ${Date.now() - started} ms`);
  return result;
});
server.use(async (context, next) => {
  if (context.name === 'add' && context.authInfo?.scopes?.includes('math') === false) throw new ToolError('no math for you');
  if (context.arguments && context.arguments.b === undefined) context.arguments.b = 0;
  return next(context);
});

export async function main(): Promise<void> {
  const client = await server.testClient({ protocolVersion: '2026-07-28', capabilities: { roots: {} } });
  const result = await client.callTool('add', { a: 1, b: 2 }, { progressToken: 'p' });
  console.log(result);
  await server.listen({ http: { port: 0, onListening: ({ url }) => console.log(url) } });
  await server.close();
}

/** A fetch handler told the client's address, as a runtime gives it (text, or `{ address, port }`). */
export async function mounted(request: Request, peer: string | { address: string; port: number } | null): Promise<Response> {
  const handle = server.fetchHandler({ maxSessionsPerClient: 10 });
  return handle(request, { clientAddress: peer });
}

/** Composition: a server of this process and upstreams mounted under prefixes, and a proxy. */
export async function composed(other: Server): Promise<Server> {
  await server.mount('other', other);
  await server.mount(other, 'again', { mode: 'shared' });
  await server.mount('time', Upstream.command(['uvx', 'mcp-server-time'], { mode: 'shared', env: { TZ: 'UTC' } }));
  await server.mount('search', Upstream.url('https://search.example/mcp', { headers: { Authorization: 'Bearer x' } }));
  return Server.proxy(Upstream.command('uvx', ['mcp-server-time'], { cwd: '/srv' }), { name: 'time' });
}
