'use strict';

/**
 * Mounting a server's MCP endpoint in an HTTP server the application already runs: a Node
 * handler `(req, res, parsedBody?)` for Express and `node:http`, and a web-standard handler
 * `(request) => Response` for Hono, Bun, Deno and other `fetch` runtimes.
 *
 * The engine does the work, as on its own listener: both protocol eras, SSE streaming,
 * sessions and `Last-Event-ID` resumption, the Host/Origin allow-lists, bearer tokens and
 * the body cap. These handlers only move bytes: they collect the request body (up to
 * `maxBody`, one byte more makes the engine answer 413; the client's bytes whenever the host
 * framework still has them, a body it parsed only otherwise) and its headers as received
 * (no `Host` made up), hand the request over, then write
 * the answer: a JSON answer comes whole with its head and goes out in one write; an event
 * stream is written chunk by chunk as the engine produces it, waiting for the socket to
 * drain. A client that disconnects cancels its request. The client's address goes with each
 * request (a Node request's socket peer; for a web `Request`, which has none, the address the
 * application hands over), so the bounds kept per client (sessions, the rate limit of
 * requests without a session) count clients as on the engine's listener. The official SDK's
 * transports (compat/streamable-http.js) serve through the same functions with hooks: a
 * fixed target path, the session id an `initialize` proposes, a refusal before the engine,
 * and callbacks once the head is known and once the answer was written.
 */

const { isDeepStrictEqual } = require('node:util');
const { ErrorCode } = require('./errors');
const { jsonBytes } = require('./json-bytes');

/** Statuses whose responses have no body (a web `Response` refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * The Node handler over `app` (a `NativeHttpApp`): `(req, res, parsedBody?)`. The handler
 * reads the body itself when nobody did; behind a body parser it takes the raw body the
 * parser kept in `req.rawBody`, else `parsedBody` (or `req.body`) written back as JSON.
 */
function nodeHandler(app) {
  return function handleMcp(req, res, parsedBody) {
    return serveNode(app, req, res, parsedBody);
  };
}

/**
 * Serves one Node request through `app`. `hooks` lets a transport take part:
 * `target` replaces the request's path and query (what the engine matches against its
 * `path`); `sessionId(body)` names the session an `initialize` opens; `refuse(body, version)` (`version`:
 * the `MCP-Protocol-Version` header, if any) may answer `{ status, message, code? }` to refuse
 * the request before the engine sees it; `onHead(head)` runs
 * (awaited) once the engine answered, before the head is written; `onEnd(head)` once the
 * answer was written; `parsedWins`: a given `parsedBody` is the request (see `preferParsed`).
 */
async function serveNode(app, req, res, parsedBody, hooks = {}) {
  const body = await nodeBody(req, parsedBody, app.maxBody, hooks.parsedWins);
  if (body === null) return; // the client left before sending its request
  const refusal = hooks.refuse?.(body, req.headers['mcp-protocol-version']);
  if (refusal) {
    jsonRpcError(res, refusal.status, refusal.message, refusal.code);
    return;
  }
  // The TCP peer, as the engine's listener sees it (never a forwarded-for header).
  const socket = req.socket;
  const exchange = app.start(
    req.method,
    hooks.target ?? req.url,
    req.rawHeaders,
    body,
    hooks.sessionId?.(body),
    socket?.remoteAddress,
    socket?.remotePort,
  );
  let gone = false;
  const onClose = () => {
    if (!res.writableFinished) {
      gone = true;
      exchange.cancel();
    }
  };
  res.on('close', onClose);
  try {
    let head;
    try {
      head = await exchange.head();
    } catch (e) {
      if (!gone) plain(res, 400, e.message);
      return;
    }
    if (gone) return;
    if (hooks.onHead) await headHook(hooks.onHead, head, exchange);
    if (gone) return;
    if (head.body) {
      res.writeHead(head.status, head.headers);
      res.end(head.body);
      if (hooks.onEnd) await hooks.onEnd(head);
      return;
    }
    res.writeHead(head.status, head.headers);
    res.flushHeaders();
    for (;;) {
      const chunk = await exchange.nextChunk();
      if (chunk === null || gone) break;
      if (!res.write(chunk)) await drained(res);
    }
    if (!gone) res.end();
    if (hooks.onEnd) await hooks.onEnd(head);
  } finally {
    res.removeListener('close', onClose);
  }
}

/**
 * The web-standard handler over `app`: `(request, { clientAddress }?) => Promise<Response>`.
 * The path and query of `request.url` are matched against the server's `path`.
 * `clientAddress` is the client's address, which a web `Request` does not carry (see
 * `clientOf`); other properties of the second argument are ignored.
 */
function fetchHandler(app) {
  return function handleMcp(request, options) {
    return serveFetch(app, request, {}, undefined, options?.clientAddress);
  };
}

/**
 * The client's address handed to a fetch handler as `[address, port]`: a string (`'127.0.0.1'`,
 * `'::ffff:127.0.0.1'`, `'[::1]:5000'`) or an object with a string `address` and an optional
 * `port` (Bun's `server.requestIP(request)`, Node's `socket.address()`). Anything else is no
 * address; so is a string that is not an IP address (the engine ignores it).
 */
function clientOf(given) {
  if (typeof given === 'string') return [given, undefined];
  if (given && typeof given.address === 'string') {
    const port = Number.isInteger(given.port) && given.port >= 0 && given.port <= 65535 ? given.port : undefined;
    return [given.address, port];
  }
  return [undefined, undefined];
}

/**
 * Serves one web request through `app`; `hooks` as for `serveNode` (`refuse` refuses with a
 * JSON-RPC error response; `onEnd` runs once the body was read to its end). `parsedBody`:
 * the request's body when the caller already read it. `clientAddress`: the client's address
 * (see `clientOf`), when the application knows it.
 */
async function serveFetch(app, request, hooks = {}, parsedBody = undefined, clientAddress = undefined) {
  // The bytes while they can be had; a parsed body only once the request's was read.
  let body = parsedBody !== undefined && request.bodyUsed ? parsedBytes(parsedBody, app.maxBody) : await webBody(request, app.maxBody);
  if (hooks.parsedWins && parsedBody !== undefined) body = preferParsed(body, parsedBody, app.maxBody);
  const refusal = hooks.refuse?.(body, request.headers.get('mcp-protocol-version') ?? undefined);
  if (refusal) return jsonRpcErrorResponse(refusal.status, refusal.message, refusal.code);
  const url = new URL(request.url);
  // The headers as received: no `Host` is made up from the URL, which a framework builds
  // from its own defaults when the client sent none, so the engine's Host check decides.
  const headers = [];
  for (const [name, value] of request.headers) headers.push(name, value);
  const exchange = app.start(
    request.method,
    hooks.target ?? url.pathname + url.search,
    headers,
    body,
    hooks.sessionId?.(body),
    ...clientOf(clientAddress),
  );
  const signal = request.signal;
  const onAbort = () => exchange.cancel();
  if (signal) {
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  let head;
  try {
    head = await exchange.head();
  } catch (e) {
    return new Response(e.message, { status: 400, headers: { 'content-type': 'text/plain' } });
  }
  if (hooks.onHead) await headHook(hooks.onHead, head, exchange);
  const ended = () => {
    signal?.removeEventListener('abort', onAbort);
    if (hooks.onEnd) Promise.resolve(hooks.onEnd(head)).catch(() => {});
  };
  const responseHeaders = new Headers();
  for (let i = 0; i + 1 < head.headers.length; i += 2) responseHeaders.append(head.headers[i], head.headers[i + 1]);
  if (head.body) {
    ended();
    return new Response(NULL_BODY.has(head.status) ? null : head.body, { status: head.status, headers: responseHeaders });
  }
  if (NULL_BODY.has(head.status)) {
    exchange.cancel();
    ended();
    return new Response(null, { status: head.status, headers: responseHeaders });
  }
  const stream = new ReadableStream(
    {
      async pull(controller) {
        const chunk = await exchange.nextChunk();
        if (chunk === null) {
          controller.close();
          ended();
        } else {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        }
      },
      cancel() {
        exchange.cancel();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(stream, { status: head.status, headers: responseHeaders });
}

/**
 * Runs a transport's `onHead(head)`; when it throws, the engine's answer is dropped (its
 * exchange cancelled) before the error goes on to the caller, which answers it instead.
 */
async function headHook(onHead, head, exchange) {
  try {
    await onHead(head);
  } catch (e) {
    exchange.cancel();
    throw e;
  }
}

/**
 * The request body of a Node request (up to `limit + 1` bytes), as the client's bytes
 * whenever they can still be had: the raw body a parser kept (`req.rawBody`, as an
 * `express.json({ verify })` hook or other frameworks set it), else the stream when nobody
 * read it; only then what a parser made of it (`parsedBody`, else `req.body`), written back
 * as JSON, where numbers beyond 2^53 (request ids included) have already lost precision.
 * With `parsedWins`, a given `parsedBody` is the request (see `preferParsed`).
 */
async function nodeBody(req, parsedBody, limit, parsedWins = false) {
  // Mounted directly as Express middleware, the third argument is Express's `next`.
  const given = typeof parsedBody === 'function' ? undefined : parsedBody;
  const raw = req.rawBody;
  let bytes;
  if (Buffer.isBuffer(raw) || typeof raw === 'string') bytes = parsedBytes(raw, limit);
  else if (!req.readableEnded) bytes = await readNode(req, limit);
  if (bytes === null) return null;
  if (bytes !== undefined) return parsedWins && given !== undefined ? preferParsed(bytes, given, limit) : bytes;
  const parsed = given !== undefined ? given : req.body;
  return parsed === undefined ? Buffer.alloc(0) : parsedBytes(parsed, limit);
}

/**
 * The official SDK's transports take a `parsedBody` handed to `handleRequest` as the
 * request, whatever the client sent: the client's `bytes` are kept only when they parse to
 * that same message (so request ids beyond 2^53 keep their digits), else `parsed` is
 * written back as JSON (up to `limit + 1` bytes). Bytes past `limit` stay (the engine
 * refuses them).
 */
function preferParsed(bytes, parsed, limit) {
  if (bytes.length > limit) return bytes;
  try {
    if (isDeepStrictEqual(JSON.parse(bytes.toString('utf8')), parsed)) return bytes;
  } catch {
    // The client's bytes are no JSON: the parsed body stands.
  }
  return parsedBytes(parsed, limit);
}

/**
 * The bytes of a body a parser read (up to `limit + 1`): a Buffer (`express.raw()`) or a
 * string (`express.text()`) as it is, anything else as its JSON, written only up to
 * `limit + 1` bytes and at any depth (./json-bytes.js).
 */
function parsedBytes(parsed, limit) {
  if (Buffer.isBuffer(parsed)) return parsed.subarray(0, limit + 1);
  if (typeof parsed === 'string') return Buffer.from(parsed.slice(0, limit + 1)).subarray(0, limit + 1);
  return jsonBytes(parsed, limit);
}

/** Reads a Node request's body (up to `limit + 1` bytes); null if the client left first. */
function readNode(req, limit) {
  return new Promise((resolve) => {
    const parts = [];
    let size = 0;
    const onData = (chunk) => {
      if (size <= limit) {
        const kept = chunk.subarray(0, limit + 1 - size);
        parts.push(kept);
        size += kept.length;
      }
    };
    const finish = (value) => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('close', onClose);
      resolve(value);
    };
    const onEnd = () => finish(Buffer.concat(parts));
    const onClose = () => finish(req.readableEnded ? Buffer.concat(parts) : null);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
  });
}

/** The body of a web request, read up to `limit + 1` bytes (the rest is not read). */
async function webBody(request, limit) {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const parts = [];
  let size = 0;
  try {
    while (size <= limit) {
      const { done, value } = await reader.read();
      if (done) break;
      const kept = Buffer.from(value.buffer, value.byteOffset, Math.min(value.byteLength, limit + 1 - size));
      parts.push(kept);
      size += kept.length;
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(parts);
}

/** Resolves when `res` can take more data, or is closed. */
function drained(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.removeListener('drain', done);
      res.removeListener('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function plain(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}

/** The body of a JSON-RPC error without a request id, as the engine writes one (`code`: invalid request unless given). */
function errorBody(message, code = ErrorCode.InvalidRequest) {
  return JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/** Answers `res` with a JSON-RPC error (`code`: invalid request unless given). */
function jsonRpcError(res, status, message, code) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(errorBody(message, code));
}

/** A web `Response` with a JSON-RPC error (`code`: invalid request unless given). */
function jsonRpcErrorResponse(status, message, code) {
  return new Response(errorBody(message, code), { status, headers: { 'content-type': 'application/json' } });
}

/** The method of `Server` that hands out a `NativeHttpApp` for `options` (transports, `createMcpHandler`). */
const MOUNT = Symbol('mcpforge.mount');

/** The method of `Server` that forgets an application a transport closed (it no longer drains it). */
const RELEASE = Symbol('mcpforge.release');

module.exports = { nodeHandler, serveNode, fetchHandler, serveFetch, jsonRpcError, jsonRpcErrorResponse, MOUNT, RELEASE };
