/**
 * What happens to an unexpected error a handler throws (anything but `McpError`,
 * `ToolError` and the input-required signal): its stack goes to the server's log (stderr, or
 * the `logger` option), then to the server's error hook (`onError`) when it has one, and
 * with `maskErrorDetails` its text stays there, the client reading only that the handler
 * failed.
 */
'use strict';

const { InputRequiredError, ToolError, isMcpError } = require('./errors');

/** The text a client reads for an unexpected error when details are masked. */
const MASKED = 'the handler failed';

/** A console-like logger writing to stderr. */
const STDERR_LOGGER = Object.freeze({ error: (...args) => console.error(...args) });

/** Where a policy is found on a `Server` (the drop-in `McpServer` shares its engine's). */
const ERROR_POLICY = Symbol('mcpforge.errorPolicy');

/**
 * What threw: `kind` (`tool`, `resource`, `resource list`, `prompt`, `completion`,
 * `middleware`, `catalogue`) and `name` (the tool's or prompt's name, the resource's URI or template;
 * undefined for the others).
 */
function source(kind, name) {
  return { kind, name };
}

function describe({ kind, name }) {
  return name === undefined ? `a ${kind}` : `${kind} \`${name}\``;
}

class ErrorPolicy {
  #logger;
  #mask;
  #hook;

  /**
   * @param {object} [options] `logger` (an object with an `error(...)` method, such as
   *   `console`, pino or winston; default stderr), `maskErrorDetails` (default false) and
   *   `onError` (the error hook)
   */
  constructor(options = {}) {
    const logger = options.logger ?? STDERR_LOGGER;
    if (!logger || typeof logger.error !== 'function') {
      throw new TypeError('mcpforge: the logger option must have an error(...) method (console, pino, winston...)');
    }
    this.#logger = logger;
    this.#mask = options.maskErrorDetails === true;
    if (options.onError !== undefined) this.hook = options.onError;
  }

  /** Sets the error hook `(error, { kind, name }) => void` (a promise it returns is not awaited). */
  set hook(fn) {
    if (typeof fn !== 'function') throw new TypeError('mcpforge: onError takes a function (error, info)');
    this.#hook = fn;
  }

  /** True when `error` is not one of the errors a handler throws on purpose. */
  static unexpected(error) {
    return !(error instanceof InputRequiredError || error instanceof ToolError || isMcpError(error));
  }

  /** True when the text of unexpected errors is kept from clients. */
  get masked() {
    return this.#mask;
  }

  /**
   * Logs an unexpected `error` thrown by `from` (a `source(kind, name)`) with its stack, then
   * hands it to the error hook. Neither a failing logger nor a failing hook turns into a
   * second failure of the request.
   */
  report(error, from) {
    const detail = error instanceof Error ? error.stack || `${error.name}: ${error.message}` : String(error);
    this.#log(`mcpforge: ${describe(from)} threw: ${detail}`);
    if (!this.#hook) return;
    const failed = (e) => this.#log(`mcpforge: the onError hook threw: ${e instanceof Error ? e.stack : String(e)}`);
    try {
      const r = this.#hook(error, { kind: from.kind, name: from.name });
      if (r && typeof r.then === 'function') r.then(undefined, failed);
    } catch (e) {
      failed(e);
    }
  }

  #log(line) {
    try {
      this.#logger.error(line);
    } catch {
      // Nowhere left to report it.
    }
  }

  /** The text clients read for an unexpected error: `text` itself, or the masked text. */
  visible(text) {
    return this.#mask ? MASKED : text;
  }
}

module.exports = { ErrorPolicy, ERROR_POLICY, MASKED, source };
