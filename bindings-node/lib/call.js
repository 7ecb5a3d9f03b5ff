/**
 * `Call`: one handler call as the code answering it sees it. The answers go to the addon
 * by the call's id, so no object of the addon is made for a call that only answers; the
 * context operations (`describe`, `log`, `ask`, `next`, ...) run on the addon's
 * `NativeCall`, fetched the first time one is used. Once the engine stopped waiting for the
 * call (answered, cancelled, timed out), answers are refused (they return false) and the
 * context operations find an ended call, as on the `NativeCall` itself.
 */
'use strict';

const native = require('./native');

/** The addon's number for each answer form, as the addon exports them. */
const FORMS = Object.freeze({ __proto__: null, text: native.FORM_TEXT, json: native.FORM_JSON, result: native.FORM_RESULT });

class Call {
  #object;

  /** @param {number} id the call's id, given by the addon */
  constructor(id) {
    this.id = id;
  }

  /** The addon's object of this call, for the context operations. */
  #native() {
    if (this.#object === undefined) this.#object = native.callObject(this.id);
    return this.#object;
  }

  /** Answers with a value of `form` (`text`, `json`, `result`); false when already answered. */
  respond(form, payload) {
    const code = FORMS[form];
    if (code === undefined) throw new TypeError(`mcpforge: unknown answer form \`${form}\``);
    return native.callRespond(this.id, code, payload);
  }

  /** Answers with raw bytes (a `Uint8Array`), encoded by the engine; false when already answered. */
  respondBytes(bytes) {
    return native.callRespondBytes(this.id, bytes);
  }

  /** Answers with a tool error; `data` is optional JSON text. */
  toolError(message, data) {
    return native.callToolError(this.id, message, data);
  }

  /** Answers with a JSON-RPC error; `data` is optional JSON text. */
  protocolError(code, message, data) {
    return native.callProtocolError(this.id, code, message, data);
  }

  /** Ends the call with `input_required`. */
  inputRequired() {
    return native.callInputRequired(this.id);
  }

  /** The request's description, as JSON text. */
  describe() {
    return this.#native().describe();
  }

  /** True once the request was cancelled. */
  isCancelled() {
    return this.#native().isCancelled();
  }

  /** Sends a progress notification when the client asked for progress. */
  reportProgress(progress, total, message) {
    return this.#native().reportProgress(progress, total, message);
  }

  /** Sends a notification of the application's own `method` (`params`: JSON text, or undefined). */
  notify(method, params) {
    return this.#native().notify(method, params);
  }

  /** Sends a log message (`data` is JSON text). */
  log(level, data, logger) {
    return this.#native().log(level, data, logger);
  }

  /** Asks the client for one input; resolves to the ask envelope (JSON text). */
  ask(key, request) {
    return this.#native().ask(key, request);
  }

  /** Asks the client for several inputs at once; resolves to the ask envelope. */
  askAll(requests) {
    return this.#native().askAll(requests);
  }

  /** Records the asks and state of the low-level multi-round-trip form. */
  setInputRequired(requests, state) {
    return this.#native().setInputRequired(requests, state);
  }

  /** Tasks extension: true when the handler must stop now. */
  startTask() {
    return this.#native().startTask();
  }

  /** A middleware's rest of the chain; resolves to its answer (JSON text). */
  next(params) {
    return this.#native().next(params);
  }
}

module.exports = { Call };
