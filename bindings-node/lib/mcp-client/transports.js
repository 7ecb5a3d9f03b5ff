/**
 * The ways a `Client` (./client.js) reaches a server, named as the official TypeScript SDK
 * names its client transports: `StdioClientTransport` (a child process the engine starts,
 * in a process group of its own, killed with it on close), `StreamableHTTPClientTransport`
 * (an `http://` MCP endpoint), `WebSocketClientTransport` (a `ws://` or `wss://` URL, the
 * `mcp` subprotocol, one message per text frame) and `InProcessClientTransport` (an mcpforge server of this
 * process, through the engine's in-memory link: no pipe, no second serialization). Each
 * only describes the way; the engine's client opens it when `client.connect(transport)`
 * runs.
 */
'use strict';

/** `transport[REACH]()`: `{ reach, server, oauth }` (or a promise of it), what `Client.connect` hands the engine. Internal. */
const REACH = Symbol('mcpforge.client.reach');
/** `transport[BIND](client)`: the client connected through the transport. Internal. */
const BIND = Symbol('mcpforge.client.bind');
/** The hook `Server` gives its engine server through (lib/server.js). */
const { NATIVE_SERVER } = require('../server');
const { checkProvider, settingsOf, answererOf } = require('./oauth');

/** What the client transports share: the client connected through them, for `close()`. */
class ClientTransport {
  #client;

  /** @internal */
  [BIND](client) {
    if (this.#client) throw new Error('mcpforge: a client transport connects one client');
    this.#client = client;
  }

  /** The SDK's `start()`: the engine starts the transport in `connect`, so this does nothing. */
  async start() {}

  /** Closes the client connected through this transport. */
  async close() {
    await this.#client?.close();
  }
}

/** A string map of `env`-like input (`undefined` values left out). */
function stringMap(entries, what) {
  const out = {};
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new TypeError(`mcpforge: ${what} ${k} must be a string`);
    out[k] = v;
  }
  return out;
}

/**
 * A server run as a child process, spoken to over its stdin and stdout: `{ command, args,
 * env, cwd }` as the SDK takes them. The child inherits this process's environment, `env`
 * set on top; its stderr is kept (the last 64 KiB, `stderrText()`), not inherited.
 */
class StdioClientTransport extends ClientTransport {
  #params;
  #client;

  constructor(params) {
    super();
    if (!params || typeof params.command !== 'string') {
      throw new TypeError('mcpforge: StdioClientTransport takes { command, args?, env?, cwd? }');
    }
    this.#params = {
      kind: 'stdio',
      command: params.command,
      args: (params.args ?? []).map(String),
      env: stringMap(Object.entries(params.env ?? {}), 'the environment variable'),
      cwd: params.cwd === undefined ? undefined : String(params.cwd),
    };
  }

  /** @internal */
  [REACH]() {
    return { reach: this.#params };
  }

  /** @internal */
  [BIND](client) {
    super[BIND](client);
    this.#client = client;
  }

  /** What is kept of the child's stderr (its last 64 KiB), as text. */
  stderrText() {
    return this.#client ? this.#client.stderrText() : '';
  }
}

/**
 * A server at a Streamable HTTP endpoint (`http://` or `https://` URLs): `new
 * StreamableHTTPClientTransport(new URL('http://127.0.0.1:3000/mcp'), { requestInit: {
 * headers }, authProvider, rootCertificates })`. The headers go on every request;
 * `authProvider` (./oauth.js) has the engine authorize with OAuth when the server asks for
 * it; `rootCertificates` (PEM texts or paths of PEM files) are trusted for `https://`
 * besides the system's store.
 */
/** `rootCertificates` as the engine reads it: a list of strings (PEM texts or paths). */
function rootsOf(given) {
  if (given === undefined) return undefined;
  const roots = typeof given === 'string' ? [given] : Array.isArray(given) ? given : null;
  if (roots === null || roots.some((r) => typeof r !== 'string')) {
    throw new TypeError('rootCertificates must be a string or an array of strings (PEM texts or paths of PEM files)');
  }
  return roots;
}

class StreamableHTTPClientTransport extends ClientTransport {
  #params;
  #authProvider;

  constructor(url, options = {}) {
    super();
    if (options.authProvider !== undefined) checkProvider(options.authProvider);
    this.#authProvider = options.authProvider;
    const headers = options.requestInit?.headers;
    const entries = headers === undefined ? [] : typeof headers.entries === 'function' && !Array.isArray(headers) ? [...headers.entries()] : Object.entries(headers);
    this.#params = { kind: 'http', url: String(url), headers: stringMap(entries, 'the header'), rootCertificates: rootsOf(options.rootCertificates) };
  }

  /** @internal */
  async [REACH]() {
    const provider = this.#authProvider;
    if (provider === undefined) return { reach: this.#params };
    return { reach: { ...this.#params, oauth: await settingsOf(provider) }, oauth: answererOf(provider) };
  }
}

/**
 * A server at a WebSocket URL (`ws://`, `wss://`): `new WebSocketClientTransport(new
 * URL('ws://127.0.0.1:3000/mcp'))`, as the SDK takes it; `{ headers }` (beyond the SDK) go
 * on the upgrade request, and `rootCertificates` are trusted for `wss://` as for `https://`. The engine asks for the `mcp` subprotocol and carries one JSON-RPC
 * message per text frame; a socket that drops fails the calls in flight and is not reopened.
 */
class WebSocketClientTransport extends ClientTransport {
  #params;

  constructor(url, options = {}) {
    super();
    const href = String(url);
    if (!/^wss?:\/\//i.test(href)) throw new TypeError(`mcpforge: WebSocketClientTransport takes a ws:// or wss:// URL, not ${href}`);
    const headers = stringMap(Object.entries(options.headers ?? {}), 'the header');
    this.#params = { kind: 'webSocket', url: href, headers, rootCertificates: rootsOf(options.rootCertificates) };
  }

  /** @internal */
  [REACH]() {
    return { reach: this.#params };
  }
}

/**
 * An mcpforge server of this process: a `Server`, or an `McpServer` of the drop-in layer
 * (its `engine`). The client talks to it through the engine's in-memory link, as a client
 * on stdio would, without a pipe; the server needs no `listen()`.
 */
class InProcessClientTransport extends ClientTransport {
  #server;

  constructor(server) {
    super();
    const engine = server && typeof server[NATIVE_SERVER] === 'function' ? server : server?.engine;
    if (!engine || typeof engine[NATIVE_SERVER] !== 'function') {
      throw new TypeError('mcpforge: InProcessClientTransport takes an mcpforge Server or McpServer');
    }
    this.#server = engine;
  }

  /** @internal */
  [REACH]() {
    return { reach: { kind: 'server' }, server: this.#server[NATIVE_SERVER]() };
  }
}

module.exports = { StdioClientTransport, StreamableHTTPClientTransport, WebSocketClientTransport, InProcessClientTransport, REACH, BIND };
