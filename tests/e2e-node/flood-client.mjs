/**
 * A client that floods flood-app.mjs: raw Streamable HTTP requests over keep-alive
 * connections (from a chosen loopback address, so that two clients can be told apart), an
 * `initialize` opening a session, a `ping` in one, and the application's `/stats`.
 */
import { Agent, request } from 'node:http';

/** The protocol version the flood's sessions speak. */
const VERSION = '2025-06-18';

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 'flood', version: '1.0.0' } },
});
const PING = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });

/** Keep-alive connections from `localAddress` (a loopback address: one client). */
export function clientFrom(localAddress) {
  return new Agent({ keepAlive: true, maxSockets: 8, localAddress });
}

/** One request; resolves `{ status, headers, body }` (bounded by `timeout` ms). */
function send(url, { method = 'POST', body, headers = {}, agent, timeout = 20_000 }) {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        timeout,
        headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (data += chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeout} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a session at `url` (the MCP endpoint) with `agent`; resolves its id. */
export async function initialize(url, agent) {
  const answer = await send(url, { body: INITIALIZE, agent });
  const id = answer.headers['mcp-session-id'];
  if (answer.status !== 200 || !id) throw new Error(`initialize answered ${answer.status}: ${answer.body}`);
  return id;
}

/** Opens `count` sessions at `url`, `parallel` at a time, in order; resolves their ids in the order opened. */
export async function flood(url, agent, count, parallel = 4) {
  const ids = [];
  for (let next = 0; next < count; ) {
    const batch = Math.min(parallel, count - next);
    ids.push(...(await Promise.all(Array.from({ length: batch }, () => initialize(url, agent)))));
    next += batch;
  }
  return ids;
}

/** The status of a `ping` in session `id`, posted to `url` (the endpoint, or a kept transport's route). */
export async function ping(url, id, agent) {
  const headers = { 'mcp-session-id': id, 'mcp-protocol-version': VERSION };
  return (await send(url, { body: PING, headers, agent })).status;
}

/** flood-app.mjs's `/stats` next to the endpoint `url`. */
export async function stats(url) {
  const answer = await send(new URL('/stats', url), { method: 'GET' });
  return JSON.parse(answer.body);
}
