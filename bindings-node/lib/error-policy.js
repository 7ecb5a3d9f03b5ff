/**
 * What happens to an unexpected error a handler throws (anything but `McpError`,
 * `ToolError` and the input-required signal): its stack goes to the server's log (stderr, or
 * the `logger` option), and with `maskErrorDetails` its text stays there, the client reading
 * only that the handler failed.
 */
'use strict';

const { InputRequiredError, ToolError, isMcpError } = require('./errors');

/** The text a client reads for an unexpected error when details are masked. */
const MASKED = 'the handler failed';

/** A console-like logger writing to stderr. */
const STDERR_LOGGER = Object.freeze({ error: (...args) => console.error(...args) });

class ErrorPolicy {
  #logger;
  #mask;

  /**
   * @param {object} [options] `logger` (an object with an `error(...)` method, such as
   *   `console`, pino or winston; default stderr) and `maskErrorDetails` (default false)
   */
  constructor(options = {}) {
    const logger = options.logger ?? STDERR_LOGGER;
    if (!logger || typeof logger.error !== 'function') {
      throw new TypeError('mcpforge: the logger option must have an error(...) method (console, pino, winston...)');
    }
    this.#logger = logger;
    this.#mask = options.maskErrorDetails === true;
  }

  /** True when `error` is not one of the errors a handler throws on purpose. */
  static unexpected(error) {
    return !(error instanceof InputRequiredError || error instanceof ToolError || isMcpError(error));
  }

  /** True when the text of unexpected errors is kept from clients. */
  get masked() {
    return this.#mask;
  }

  /** Logs an unexpected `error` thrown by `what` (e.g. "tool `add`") with its stack. */
  report(error, what) {
    const detail = error instanceof Error ? error.stack || `${error.name}: ${error.message}` : String(error);
    try {
      this.#logger.error(`mcpforge: ${what} threw: ${detail}`);
    } catch {
      // A failing logger must not turn into a second failure of the request.
    }
  }

  /** The text clients read for an unexpected error: `text` itself, or the masked text. */
  visible(text) {
    return this.#mask ? MASKED : text;
  }
}

module.exports = { ErrorPolicy, MASKED };
