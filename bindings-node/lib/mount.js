'use strict';

/**
 * Mounting a server's MCP endpoint in an HTTP server the application already runs: a Node
 * handler `(req, res, parsedBody?)` for Express and `node:http`, and a web-standard handler
 * `(request) => Response` for Hono, Bun, Deno and other `fetch` runtimes.
 *
 * The engine does the work, as on its own listener: both protocol eras, SSE streaming,
 * sessions and `Last-Event-ID` resumption, the Host/Origin allow-lists, bearer tokens and
 * the body cap. These handlers only move bytes: they collect the request body (up to
 * `maxBody`, one byte more makes the engine answer 413), hand the request over, then write
 * the answer's head and each chunk of its body as the engine produces it, waiting for the
 * socket to drain. A client that disconnects cancels its request.
 */

/** Statuses whose responses have no body (a web `Response` refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * The Node handler over `app` (a `NativeHttpApp`): `(req, res, parsedBody?)`. Give
 * `parsedBody` (or leave `req.body` set) when a body parser such as `express.json()` already
 * read the request; otherwise the handler reads it.
 */
function nodeHandler(app) {
  return async function handleMcp(req, res, parsedBody) {
    const body = await nodeBody(req, parsedBody, app.maxBody);
    if (body === null) return; // the client left before sending its request
    const headers = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    const exchange = app.start(req.method, req.url, headers, body);
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
      res.writeHead(head.status, head.headers.flat());
      res.flushHeaders();
      for (;;) {
        const chunk = await exchange.nextChunk();
        if (chunk === null || gone) break;
        if (!res.write(chunk)) await drained(res);
      }
      if (!gone) res.end();
    } finally {
      res.removeListener('close', onClose);
    }
  };
}

/**
 * The web-standard handler over `app`: `(request) => Promise<Response>`. The path and
 * query of `request.url` are matched against the server's `path`.
 */
function fetchHandler(app) {
  return async function handleMcp(request) {
    const body = await webBody(request, app.maxBody);
    const url = new URL(request.url);
    const headers = [...request.headers];
    if (!request.headers.has('host')) headers.push(['host', url.host]);
    const exchange = app.start(request.method, url.pathname + url.search, headers, body);
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
    if (NULL_BODY.has(head.status)) {
      exchange.cancel();
      return new Response(null, { status: head.status, headers: head.headers });
    }
    const stream = new ReadableStream(
      {
        async pull(controller) {
          const chunk = await exchange.nextChunk();
          if (chunk === null) {
            signal?.removeEventListener('abort', onAbort);
            controller.close();
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
    return new Response(stream, { status: head.status, headers: head.headers });
  };
}

/** The request body of a Node request: parsed already, or read (up to `limit + 1` bytes). */
async function nodeBody(req, parsedBody, limit) {
  // Mounted directly as Express middleware, the third argument is Express's `next`.
  const given = typeof parsedBody === 'function' ? undefined : parsedBody;
  const parsed = given !== undefined ? given : req.readableEnded ? req.body : undefined;
  if (parsed !== undefined) {
    if (Buffer.isBuffer(parsed)) return parsed;
    return Buffer.from(typeof parsed === 'string' ? parsed : JSON.stringify(parsed));
  }
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

module.exports = { nodeHandler, fetchHandler };
