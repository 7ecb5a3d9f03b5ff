/**
 * `StdioServerTransport`: serving an `McpServer` over stdin/stdout, as the official SDK's
 * transport of that name, with the engine owning both streams (it points the process's own
 * stdout at stderr while serving, so `console.log` cannot corrupt the protocol). `onclose`
 * runs when stdin closes or the server is closed; a process with nothing else to do then
 * exits.
 */
'use strict';

const { ATTACH, DETACH } = require('./attach');

class StdioServerTransport {
  #serving;
  #server;

  /**
   * The official SDK takes the streams to use; the engine always serves the process's own
   * stdin and stdout, so other streams are refused.
   */
  constructor(stdin, stdout) {
    if ((stdin !== undefined && stdin !== process.stdin) || (stdout !== undefined && stdout !== process.stdout)) {
      throw new TypeError('mcpforge: StdioServerTransport serves the process stdin and stdout only');
    }
    /** Called once the transport closed. */
    this.onclose = undefined;
    /** Called with transport errors. */
    this.onerror = undefined;
  }

  /** @internal Starts serving `server` (an mcpforge `Server`); `closed()` runs when it stops. */
  async [ATTACH](server, closed) {
    if (this.#serving) throw new Error('mcpforge: this StdioServerTransport is already serving a server');
    this.#server = server;
    this.#serving = server.listen().then(
      () => this.#ended(closed),
      (e) => {
        if (typeof this.onerror === 'function') this.onerror(e);
        else console.error('mcpforge: the stdio transport failed:', e);
        this.#ended(closed);
      },
    );
  }

  #ended(closed) {
    closed();
    if (typeof this.onclose === 'function') this.onclose();
  }

  /** @internal Stops serving. */
  async [DETACH]() {
    if (this.#server) await this.#server.close();
    await this.#serving;
  }

  /** The engine starts reading when the server connects; nothing to do. */
  async start() {}

  /** Stops serving (the server is closed with it). */
  close() {
    return this[DETACH]();
  }
}

module.exports = { StdioServerTransport };
