/**
 * `SSEServerTransport`, the official SDK's transport of the 2024-11-05 HTTP+SSE wire
 * (deprecated there too): the application's `GET` handler makes one per client with the path
 * the client must POST to and the response to stream on; `connect` opens the stream (the
 * first event, `endpoint`, names that path with the session's id); the application's `POST`
 * handler finds the transport by `sessionId` and calls `handlePostMessage`. Each message
 * crosses into one engine connection (linked-transport.js), and what the engine sends goes
 * out as a `message` event. POST bodies are bounded (`MAX_BODY`), and the SDK's DNS
 * rebinding options (`enableDnsRebindingProtection`, `allowedHosts`, `allowedOrigins`) are
 * honoured.
 */
'use strict';

const { randomUUID } = require('node:crypto');

/** A POSTed message larger than this is refused (413), as the SDK refuses past 4 MB. */
const MAX_BODY = 4 * 1024 * 1024;

/** Reads `req`'s body as text, refusing more than `MAX_BODY` bytes. */
function readBody(req) {
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
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
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

  /** Why `req`'s headers are refused under DNS rebinding protection, or undefined. */
  validateRequestHeaders(req) {
    const o = this.#options;
    if (!o.enableDnsRebindingProtection) return undefined;
    const host = req.headers.host;
    if (o.allowedHosts && o.allowedHosts.length > 0 && !o.allowedHosts.includes(host)) return `Invalid Host header: ${host}`;
    const origin = req.headers.origin;
    if (origin && o.allowedOrigins && o.allowedOrigins.length > 0 && !o.allowedOrigins.includes(origin)) {
      return `Invalid Origin header: ${origin}`;
    }
    return undefined;
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
   * `202 Accepted`; 400 for a body that is not one JSON-RPC message, 403 under DNS rebinding
   * protection, 413 past the size bound, 500 before the stream is open.
   */
  async handlePostMessage(req, res, parsedBody) {
    if (!this.#stream) {
      res.writeHead(500).end('SSE connection not established');
      return;
    }
    const refused = this.validateRequestHeaders(req);
    if (refused) {
      res.writeHead(403).end(refused);
      return;
    }
    let message = parsedBody;
    try {
      if (message === undefined) {
        const type = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
        if (type !== 'application/json') throw Object.assign(new Error(`Unsupported content-type: ${type}`), { status: 400 });
        message = JSON.parse(await readBody(req));
      }
      this.handleMessage(message);
    } catch (e) {
      res.writeHead(e.status || 400).end(`Invalid message: ${e.message}`);
      return;
    }
    res.writeHead(202).end('Accepted');
  }

  /** Hands one message to the server, however it arrived. */
  handleMessage(message) {
    if (message === null || typeof message !== 'object' || message.jsonrpc !== '2.0') {
      throw new Error('not a JSON-RPC 2.0 message');
    }
    if (typeof this.onmessage === 'function') this.onmessage(message);
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
