/**
 * `SSEServerTransport`, the official SDK's transport of the 2024-11-05 HTTP+SSE wire
 * (deprecated there too): the application's `GET` handler makes one per client with the path
 * the client must POST to and the response to stream on; `connect` opens the stream (the
 * first event, `endpoint`, names that path with the session's id); the application's `POST`
 * handler finds the transport by `sessionId` and calls `handlePostMessage`. Each message
 * crosses into one engine connection (linked-transport.js), and what the engine sends goes
 * out as a `message` event. POST bodies are bounded (`MAX_BODY`), and the SDK's DNS
 * rebinding options (`enableDnsRebindingProtection`, `allowedHosts`, `allowedOrigins`) are
 * honoured; with the protection on, `Host` and `Origin` are both checked, loopback names
 * when no list is given.
 */
'use strict';

const { randomUUID } = require('node:crypto');
const { TLSSocket } = require('node:tls');
const { LOOPBACK, namesOf, hostAllowed, originAllowed } = require('./host-names');

/** A POSTed message larger than this is refused (413), as the SDK refuses past 4 MB. */
const MAX_BODY = 4 * 1024 * 1024;

/** What a POST before `start()` is answered (500) and rejected with. */
const NOT_STARTED = 'SSE connection not established';

/** The media type (lowercase) and charset of a `Content-Type` header value. */
function contentType(value) {
  const [type, ...params] = String(value ?? '').split(';');
  let charset;
  for (const p of params) {
    const [k, v] = p.split('=');
    if (k.trim().toLowerCase() === 'charset' && v) charset = v.trim().replace(/^"|"$/g, '').toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

/** Reads `req`'s body as text in `charset` (UTF-8 by default), refusing more than `MAX_BODY` bytes. */
function readBody(req, charset = 'utf-8') {
  if (!Buffer.isEncoding(charset)) return Promise.reject(new Error(`Unsupported charset: ${charset}`));
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error(`the message is larger than ${MAX_BODY} bytes`), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString(charset)));
    req.on('error', reject);
  });
}

/** True for a JSON-RPC 2.0 request, notification or response. */
function isMessage(m) {
  if (m === null || typeof m !== 'object' || Array.isArray(m) || m.jsonrpc !== '2.0') return false;
  const id = typeof m.id === 'string' || typeof m.id === 'number';
  if (typeof m.method === 'string') return m.id === undefined || id;
  return id && ('result' in m || (m.error !== null && typeof m.error === 'object'));
}

/**
 * What the server's handlers see of the POST that carried a message, as the SDK passes it:
 * `requestInfo` (`headers`, and the full `url` when the request names its host) and
 * `authInfo` (what an auth middleware put on `req.auth`).
 */
function requestExtra(req) {
  const host = req.headers.host;
  const scheme = req.socket instanceof TLSSocket ? 'https' : 'http';
  const url = host && req.url ? new URL(req.url, `${scheme}://${host}`) : undefined;
  return { authInfo: req.auth, requestInfo: { headers: req.headers, url } };
}

class SSEServerTransport {
  #endpoint;
  #res;
  #options;
  #stream;

  /**
   * @param {string} endpoint where the client POSTs its messages (relative or absolute)
   * @param {import('node:http').ServerResponse} res the response of the client's GET
   * @param {{ enableDnsRebindingProtection?: boolean, allowedHosts?: string[], allowedOrigins?: string[] }} [options]
   */
  constructor(endpoint, res, options = {}) {
    this.#endpoint = endpoint;
    this.#res = res;
    this.#options = options || {};
    /** The session's id, in the `endpoint` event's URL (`?sessionId=`). */
    this.sessionId = randomUUID();
    this.onclose = undefined;
    this.onerror = undefined;
    this.onmessage = undefined;
  }

  /**
   * Why `req`'s headers are refused under DNS rebinding protection, or undefined. As the
   * SDK's, only with `enableDnsRebindingProtection`, and a list given is matched exactly
   * (`allowedHosts` with their ports). Unlike the SDK's, which checks nothing for a list not
   * given, both are checked: without `allowedHosts`, `Host` must be a loopback name; without
   * `allowedOrigins`, an `Origin` must be on one of the hosts allowed (./host-names.js).
   */
  validateRequestHeaders(req) {
    const o = this.#options;
    if (!o.enableDnsRebindingProtection) return undefined;
    const hosts = o.allowedHosts?.length > 0 ? o.allowedHosts : undefined;
    const host = req.headers.host;
    if (hosts ? !hosts.includes(host) : !hostAllowed(host, namesOf(LOOPBACK))) return `Invalid Host header: ${host}`;
    const origin = req.headers.origin;
    if (origin === undefined) return undefined;
    const origins = o.allowedOrigins?.length > 0 ? o.allowedOrigins : undefined;
    const allowed = origins ? origins.includes(origin) : originAllowed(origin, namesOf(hosts ?? LOOPBACK));
    return allowed ? undefined : `Invalid Origin header: ${origin}`;
  }

  /** Opens the event stream with its `endpoint` event (`connect` calls this). */
  async start() {
    if (this.#stream) throw new Error('SSEServerTransport already started');
    this.#res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' });
    const url = new URL(this.#endpoint, 'http://placeholder');
    url.searchParams.set('sessionId', this.sessionId);
    this.#res.write(`event: endpoint\ndata: ${url.pathname}${url.search}${url.hash}\n\n`);
    this.#stream = this.#res;
    this.#res.on('close', () => {
      if (!this.#stream) return;
      this.#stream = undefined;
      if (typeof this.onclose === 'function') this.onclose();
    });
  }

  /**
   * Takes one POSTed message (`parsedBody` when a body parser already read it) and answers
   * `202 Accepted`, as the SDK does: 500 (and a rejection) before the stream is open, 403
   * under DNS rebinding protection, 400 for a content type other than JSON (checked even
   * with `parsedBody`) and for a body that is not one JSON-RPC message, 413 past the size
   * bound. Refusals go to `onerror` too, but for a malformed message's, which is the SDK's
   * `Invalid message: <body>`. The server's handlers see the request as `extra.requestInfo`
   * (`{ headers, url }`) and its `req.auth` as `extra.authInfo`.
   */
  async handlePostMessage(req, res, parsedBody) {
    if (!this.#stream) {
      res.writeHead(500).end(NOT_STARTED);
      throw new Error(NOT_STARTED);
    }
    const refused = this.validateRequestHeaders(req);
    if (refused) {
      res.writeHead(403).end(refused);
      this.#report(new Error(refused));
      return;
    }
    let body = parsedBody;
    try {
      const { type, charset } = contentType(req.headers['content-type']);
      if (type !== 'application/json') throw new Error(`Unsupported content-type: ${type}`);
      if (body === undefined) body = await readBody(req, charset);
    } catch (e) {
      res.writeHead(e.status || 400).end(String(e));
      this.#report(e);
      return;
    }
    try {
      this.handleMessage(typeof body === 'string' ? JSON.parse(body) : body, requestExtra(req));
    } catch {
      res.writeHead(400).end(`Invalid message: ${body}`);
      return;
    }
    res.writeHead(202).end('Accepted');
  }

  /**
   * Hands one message to the server, however it arrived (`extra`: `{ requestInfo, authInfo }`
   * of the request that carried it); a message that is not JSON-RPC 2.0 goes to `onerror`
   * and is thrown.
   */
  handleMessage(message, extra) {
    if (!isMessage(message)) {
      const error = new Error(`Invalid JSON-RPC message: ${JSON.stringify(message)}`);
      this.#report(error);
      throw error;
    }
    if (typeof this.onmessage === 'function') this.onmessage(message, extra);
  }

  /** Tells `onerror`, when set, of a refused request. */
  #report(error) {
    if (typeof this.onerror === 'function') this.onerror(error);
  }

  /** Sends one message as a `message` event; resolves once the stream took it. */
  send(message) {
    const stream = this.#stream;
    if (!stream) return Promise.reject(new Error('Not connected'));
    return new Promise((resolve) => {
      if (stream.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`)) resolve();
      else stream.once('drain', resolve);
    });
  }

  /** Ends the stream. */
  async close() {
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream) stream.end();
    if (typeof this.onclose === 'function') this.onclose();
  }
}

module.exports = { SSEServerTransport };
