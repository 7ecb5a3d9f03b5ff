/**
 * `TestClient`: an in-memory MCP client for tests, speaking to the server through the
 * engine's in-process pipe (the same framing and dispatch as stdio). On a 2025 session it
 * performs the `initialize` handshake; on `2026-07-28` it adds the per-request `_meta`.
 * Results resolve; JSON-RPC errors reject with `McpError`.
 */
'use strict';

const { McpError } = require('./errors');
const { VERSIONS } = require('./versions');

const MODERN = VERSIONS.stateless;

class TestClient {
  #native;
  #version;
  #capabilities;
  #clientInfo;
  #onClose;
  #closed = false;
  #nextId = 1;

  /** @internal Use `server.testClient()`. */
  constructor(nativeClient, options, onClose) {
    this.#native = nativeClient;
    this.#version = options.protocolVersion || VERSIONS.latest;
    this.#capabilities = options.capabilities || {};
    this.#clientInfo = options.clientInfo || { name: 'mcpforge-test-client', version: '1.0.0' };
    this.#onClose = onClose;
  }

  /** @internal The handshake of a 2025 session (nothing on the 2026 wire). */
  async start() {
    if (this.#version === MODERN) return;
    this.initializeResult = await this.#send('initialize', {
      protocolVersion: this.#version,
      capabilities: this.#capabilities,
      clientInfo: this.#clientInfo,
    });
    await this.notify('notifications/initialized', {});
  }

  /** The protocol version this client speaks. */
  get protocolVersion() {
    return this.#version;
  }

  #params(params) {
    if (this.#version !== MODERN) return params || {};
    const p = { ...(params || {}) };
    p._meta = {
      'io.modelcontextprotocol/protocolVersion': MODERN,
      'io.modelcontextprotocol/clientCapabilities': this.#capabilities,
      'io.modelcontextprotocol/clientInfo': this.#clientInfo,
      ...((params && params._meta) || {}),
    };
    return p;
  }

  async #send(method, params, id) {
    const rid = id ?? `t${this.#nextId++}`;
    const text = await this.#native.requestAnswering(JSON.stringify(rid), method, JSON.stringify(params));
    const response = JSON.parse(text);
    if (response.error) throw new McpError(response.error.code, response.error.message, response.error.data);
    return response.result;
  }

  /**
   * Sends a request; resolves to its result. `options.id` sets the JSON-RPC id (to cancel
   * it). With `responses`, a 2026-07-28 `input_required` result is answered from them and
   * the request sent again (the engine's test client, the same in every language); without,
   * it resolves to the `input_required` result.
   */
  request(method, params, options = {}) {
    return this.#send(method, this.#params(params), options.id);
  }

  /** Sends a notification. */
  notify(method, params) {
    return this.#native.notify(method, JSON.stringify(params || {}));
  }

  /** Cancels the request with id `id` (`notifications/cancelled`). */
  cancel(id, reason) {
    return this.notify('notifications/cancelled', { requestId: id, reason });
  }

  /** Writes one raw line to the server (for testing bad input). */
  sendRaw(line) {
    return this.#native.sendRaw(line);
  }

  /** `tools/list`. */
  listTools(params) {
    return this.request('tools/list', params);
  }

  /**
   * `tools/call`. `options`: `id`, `progressToken`, `meta` (merged into `_meta`), and
   * for the 2026 wire `inputResponses` and `requestState`.
   */
  callTool(name, args, options = {}) {
    const params = { name, arguments: args || {} };
    const meta = { ...(options.meta || {}) };
    if (options.progressToken !== undefined) meta.progressToken = options.progressToken;
    if (Object.keys(meta).length) params._meta = meta;
    if (options.inputResponses) params.inputResponses = options.inputResponses;
    if (options.requestState) params.requestState = options.requestState;
    return this.request('tools/call', params, options);
  }

  /** `resources/list`. */
  listResources(params) {
    return this.request('resources/list', params);
  }

  /** `resources/templates/list`. */
  listResourceTemplates(params) {
    return this.request('resources/templates/list', params);
  }

  /** `resources/read`. */
  readResource(uri) {
    return this.request('resources/read', { uri });
  }

  /** `prompts/list`. */
  listPrompts(params) {
    return this.request('prompts/list', params);
  }

  /** `prompts/get`. */
  getPrompt(name, args) {
    return this.request('prompts/get', { name, arguments: args || {} });
  }

  /** `completion/complete`. */
  complete(ref, argument, context) {
    return this.request('completion/complete', { ref, argument, ...(context ? { context } : {}) });
  }

  /** The next notification or server request, or `null` after `timeoutMs`. */
  async nextMessage(timeoutMs = 1000) {
    const text = await this.#native.nextMessage(timeoutMs);
    return text === null ? null : JSON.parse(text);
  }

  /** Every notification and server request received and not yet taken. */
  async drainMessages() {
    return JSON.parse(await this.#native.drainMessages());
  }

  /** Closes the connection (the server sees EOF). */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose();
    await this.#native.close();
  }
}

module.exports = { TestClient };
