/**
 * `Context`: the second argument of every handler. What the request is (id, protocol
 * version, `_meta`, client, auth, session id, HTTP headers), progress and logging, an `AbortSignal` that fires when
 * the request is cancelled, and client input (`elicit`, `sample`, `listRoots`, `ask`,
 * `askAll`) that works on both wires: on a 2025 session the client is asked and answers;
 * on the 2026-07-28 wire the first unanswered ask ends the run with `input_required`, and
 * the handler runs again from the start when the client retries with the answers (code
 * before an ask must be safe to repeat).
 */
'use strict';

const { InputRequiredError, McpError, ToolError } = require('./errors');
const { toJsonSchema, isRawShape, isSchemaObject } = require('./schema');
const { stringify } = require('./results');
const notifications = require('./notifications');

/** Unpacks the native ask envelope: the answer, or the matching thrown error. */
function unpack(envelopeText) {
  const envelope = JSON.parse(envelopeText);
  if ('ok' in envelope) return envelope.ok;
  if (envelope.inputRequired) throw new InputRequiredError();
  if (envelope.protocolError) {
    const p = envelope.protocolError;
    throw new McpError(p.code, p.message, p.data);
  }
  const t = envelope.toolError || { message: 'the client input failed' };
  const error = new ToolError(t.message, t.data === null ? undefined : t.data);
  // The client refused the request: its own error `{ code, message, data }` rides along.
  if (t.refusal) error.refusal = t.refusal;
  throw error;
}

/** The wire form of an elicitation request (zod `requestedSchema` converted). */
function elicitation(request) {
  const params = { ...request };
  if (params.requestedSchema !== undefined) {
    const s = params.requestedSchema;
    params.requestedSchema = isRawShape(s) || isSchemaObject(s) ? toJsonSchema(s, 'requested schema') : s;
  }
  return { method: 'elicitation/create', params };
}

/** Normalizes an ask request: `{method, params}` or a shorthand `{elicit}`, `{sample}`, `{listRoots}`. */
function wireRequest(request) {
  if (!request || typeof request !== 'object') throw new TypeError('an input request must be an object');
  if (typeof request.method === 'string') return request;
  if (request.elicit) return elicitation(request.elicit);
  if (request.sample) return { method: 'sampling/createMessage', params: request.sample };
  if (request.listRoots) return { method: 'roots/list', params: {} };
  throw new TypeError('an input request is { method, params }, { elicit }, { sample } or { listRoots: true }');
}

/** `[[key, request], ...]` from an array of pairs or an object keyed by input key. */
function keyed(requests) {
  const pairs = Array.isArray(requests) ? requests : Object.entries(requests || {});
  return pairs.map(([key, request]) => [String(key), wireRequest(request)]);
}

/**
 * The hook a transport of another package tells handlers what carried a request through
 * (compat/linked-transport.js): `server[CARRIED](requestId)` is `{ requestInfo, authInfo }`
 * of the HTTP request that carried it (the SDK's `SSEServerTransport`), when the engine had
 * no HTTP request of its own for it. Internal.
 */
const CARRIED = Symbol.for('mcpforge.transport.carried');

/**
 * Set to true on a server whose handlers' signals abort with the reason the client gave (the
 * SDK's classes set it: the official server aborts so). Internal.
 */
const CLIENT_REASON_ABORTS = Symbol('mcpforge.clientReasonAborts');

/**
 * The hook through which the official SDK's Streamable HTTP transports let a handler end its
 * request's SSE connection (compat/stream-control.js): `server[STREAM_CONTROL](ctx)` is
 * `{ closeSSEStream, closeStandaloneSSEStream }` for the context's request, or undefined.
 * Internal.
 */
const STREAM_CONTROL = Symbol.for('mcpforge.transport.streamControl');

class Context {
  #call;
  #server;
  #info;
  #controller;
  #aborted = false;
  /** The reason the client gave when it cancelled the request, if any. */
  #cancelReason;
  #finished = false;

  /** @param {import('./call').Call} call the call @param {object} server the mcpforge Server */
  constructor(call, server) {
    this.#call = call;
    this.#server = server;
  }

  #describe() {
    if (this.#info === undefined) this.#info = JSON.parse(this.#call.describe());
    return this.#info;
  }


  /** The JSON-RPC id of the request. */
  get requestId() {
    return this.#describe().requestId;
  }

  /** The protocol version of this request (negotiated, or from the 2026 `_meta`). */
  get protocolVersion() {
    return this.#describe().protocolVersion;
  }

  /** The request's `_meta` object, if any. */
  get meta() {
    return this.#describe().meta ?? undefined;
  }

  /** Alias of `meta` (the official SDK's `extra._meta`). */
  get _meta() {
    return this.meta;
  }

  /** The progress token, when the client asked for progress. */
  get progressToken() {
    return this.#describe().progressToken ?? undefined;
  }

  /** The client's `Implementation` info, when known. */
  get clientInfo() {
    return this.#describe().clientInfo ?? undefined;
  }

  /** The client's capabilities. */
  get clientCapabilities() {
    return this.#describe().clientCapabilities ?? {};
  }

  /** What the caller's bearer token grants (HTTP with `auth`), else undefined. */
  get authInfo() {
    return this.#describe().auth ?? this.#carried()?.authInfo ?? undefined;
  }

  /**
   * The id of the session the request belongs to (Streamable HTTP's `Mcp-Session-Id`, the
   * HTTP+SSE transport's `sessionId`); undefined on stdio and on the 2026-07-28 wire.
   */
  get sessionId() {
    return this.#describe().sessionId ?? undefined;
  }

  /**
   * Where this request sits in a distributed trace, `{ traceparent, tracestate?, traceId,
   * spanId, sampled }`: the engine's span for the request when OpenTelemetry export is on
   * (`OTEL_EXPORTER_OTLP_ENDPOINT`), a child of the client's span; otherwise the client's W3C
   * context from `_meta` as it arrived; undefined when there is neither.
   */
  get traceContext() {
    return this.#describe().traceContext ?? undefined;
  }

  /**
   * The HTTP request that carried this request, `{ headers }` (lowercase names, as Node's
   * `req.headers`), when it came over HTTP (`{ headers, url }` of the POST through the SDK's
   * `SSEServerTransport`); undefined otherwise (the official SDK's `extra.requestInfo`).
   */
  get requestInfo() {
    const headers = this.#describe().headers;
    return headers ? { headers } : this.#carried()?.requestInfo;
  }

  /**
   * The official SDK's `extra.closeSSEStream()`: ends the connection of this request's SSE
   * stream while the request runs on (the client comes back with `Last-Event-ID`: polling).
   * Set when the request came through the SDK's Streamable HTTP transport given an
   * `eventStore`, on a 2025-11-25 (or later) session; undefined otherwise.
   */
  get closeSSEStream() {
    return this.#streamControl()?.closeSSEStream;
  }

  /** As `closeSSEStream`, for the session's GET stream (`extra.closeStandaloneSSEStream()`). */
  get closeStandaloneSSEStream() {
    return this.#streamControl()?.closeStandaloneSSEStream;
  }

  /** What the transport of this request lets it do with its streams (see `STREAM_CONTROL`). */
  #streamControl() {
    const hook = this.#server?.[STREAM_CONTROL];
    return typeof hook === 'function' ? hook(this) : undefined;
  }

  /** What a transport of another package said carried this request (see `CARRIED`). */
  #carried() {
    const lookup = this.#server?.[CARRIED];
    return typeof lookup === 'function' ? lookup(this.#describe().requestId) : undefined;
  }

  /** The task id when this handler runs as a task (Tasks extension), else undefined. */
  get taskId() {
    return this.#describe().taskId ?? undefined;
  }

  /** Low-level multi-round-trip: the answers the client sent for this run, by key. */
  get inputResponses() {
    return this.#describe().inputResponses ?? {};
  }

  /** Low-level multi-round-trip: the state carried from the previous round, if any. */
  get requestState() {
    return this.#describe().requestState ?? undefined;
  }

  /** The server this request arrived at (e.g. to call `notifyToolsChanged()`). */
  get server() {
    return this.#server;
  }

  /** Fires when the request is cancelled (by the client, a timeout or shutdown). */
  get signal() {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason());
    }
    return this.#controller.signal;
  }

  /** True once the request was cancelled. */
  get cancelled() {
    return this.#aborted || this.#call.isCancelled();
  }

  /**
   * True once the handler answered: the request is over (work it left behind, such as a
   * timer, still sees this context through async scopes).
   */
  get finished() {
    return this.#finished;
  }

  /** @internal Called once the handler answered. */
  _finish() {
    this.#finished = true;
  }

  /**
   * @internal Called when the engine cancels the request, with the reason the client gave
   * (`''` for none) and the request's description, read before the engine let go of the
   * call (so what the request was stays readable from the signal's listeners).
   */
  _abort(reason, description) {
    if (this.#aborted) return;
    this.#aborted = true;
    if (this.#info === undefined && description !== undefined) this.#info = description;
    if (reason) this.#cancelReason = reason;
    if (this.#controller !== undefined) this.#controller.abort(this.#abortReason());
  }

  /**
   * What the signal aborts with: mcpforge's `AbortError`; on a server of the SDK's classes
   * (`CLIENT_REASON_ABORTS` set on it), the reason the client gave when it gave one, as the
   * official SDK's server aborts with it.
   */
  #abortReason() {
    const clientReason = this.#server?.[CLIENT_REASON_ABORTS] ? this.#cancelReason : undefined;
    return clientReason ?? cancelled();
  }

  /**
   * The reason the client gave in `notifications/cancelled` once it cancelled the request
   * (the signal aborts with an `AbortError`, but on the SDK's classes: see `#abortReason`);
   * undefined before, without one, and for a timeout or shutdown.
   */
  get cancelReason() {
    return this.#cancelReason;
  }

  /**
   * `sendNotification(notification)` sends a notification in its wire form `{ method, params }`
   * (the official SDK's `extra.sendNotification`): `notifications/progress` and
   * `notifications/message` for this request, list and resource changes to every client;
   * its promise resolves at once. A function of its own, as in the SDK: `const {
   * sendNotification } = extra` works.
   */
  get sendNotification() {
    return async (notification) => {
      notifications.sendNotification(notification, this, this.#server);
    };
  }

  /**
   * `sendRequest(request, resultSchema)` sends a client request in its wire form `{ method,
   * params }` (the official SDK's `extra.sendRequest`): `elicitation/create`,
   * `sampling/createMessage` or `roots/list`; `resultSchema` (zod), when given, parses the
   * answer. A function of its own, as `sendNotification`.
   */
  get sendRequest() {
    return (request, resultSchema) => notifications.sendRequest(request, this, resultSchema);
  }

  /** Sends `notifications/progress` (when the client asked for progress; increasing values only). */
  reportProgress(progress, total, message) {
    this.#call.reportProgress(Number(progress), total === undefined ? undefined : Number(total), message);
  }

  /**
   * Sends a notification of the application's own `method` (one the protocol does not
   * define) with `params` (an object, or undefined) on this request's stream.
   */
  notify(method, params) {
    this.#call.notify(String(method), params === undefined ? undefined : stringify(params, 'the notification params'));
  }

  /** Sends `notifications/message` at `level` (`debug` ... `emergency`) if the client's level lets it through. */
  log(level, data, logger) {
    this.#call.log(String(level), stringify(data === undefined ? null : data, 'the log data'), logger);
  }

  /** Asks the user (`elicitation/create`): `{ message, requestedSchema }` (JSON Schema or zod). */
  async elicit(request) {
    return unpack(await this.#call.ask(undefined, JSON.stringify(elicitation(request))));
  }

  /** Asks the client's model (`sampling/createMessage`): `{ messages, maxTokens, ... }`. */
  async sample(request) {
    return unpack(await this.#call.ask(undefined, JSON.stringify({ method: 'sampling/createMessage', params: request })));
  }

  /** Asks the client for its roots (`roots/list`). */
  async listRoots() {
    return unpack(await this.#call.ask(undefined, JSON.stringify({ method: 'roots/list', params: {} })));
  }

  /** Asks for one input under a stable `key` (`{method, params}`, `{elicit}`, `{sample}` or `{listRoots: true}`); resolves to the raw answer. */
  async ask(key, request) {
    return unpack(await this.#call.ask(String(key), JSON.stringify(wireRequest(request))));
  }

  /** Asks for several inputs at once (`{key: request}` or `[[key, request], ...]`); resolves to the answers in order. */
  async askAll(requests) {
    return unpack(await this.#call.askAll(JSON.stringify(keyed(requests))));
  }

  /**
   * Low-level multi-round-trip: stop with `input_required`, asking for `requests` and carrying
   * `state` (sealed by the engine) into the next round. Use as `throw ctx.inputRequired(...)`.
   */
  inputRequired(requests, state) {
    this.#call.setInputRequired(JSON.stringify(keyed(requests)), state === undefined ? undefined : stringify(state, 'the request state'));
    return new InputRequiredError();
  }

  /**
   * Tasks extension, for a tool registered with `deferTask: true`: becomes a task (this run
   * ends by throwing; the handler runs again as the task, this call then returning).
   */
  startTask() {
    if (this.#call.startTask()) throw new InputRequiredError();
  }
}

function cancelled() {
  const e = new Error('the request was cancelled');
  e.name = 'AbortError';
  return e;
}

module.exports = { Context, wireRequest, CARRIED, CLIENT_REASON_ABORTS, STREAM_CONTROL };
