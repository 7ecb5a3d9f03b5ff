/**
 * `StdioServerTransport`: serving an `McpServer` over stdin/stdout, as the official SDK's
 * transport of that name. On the process's own stdin and stdout (the default) the engine owns
 * both streams (it points the process's own stdout at stderr while serving, so `console.log`
 * cannot corrupt the protocol); `onclose` runs when stdin closes or the server is closed, and
 * a process with nothing else to do then exits. Given other streams (a test's, a child
 * process's), it is a message transport of its own (`start`, `send`, `close`, `onmessage`,
 * newline-delimited JSON, a line at most `options.maxBufferSize` long, `MAX_LINE` by default),
 * which a server serves through a linked engine connection (linked-transport.js).
 */
'use strict';

const { ATTACH, DETACH } = require('./attach');
const { attachLinked } = require('./linked-transport');

/**
 * A line longer than this (no newline yet) closes the transport, reported to `onerror`, as
 * the SDK's read buffer does: input is bounded.
 */
const MAX_LINE = 4 * 1024 * 1024;

class StdioServerTransport {
  #serving;
  #server;
  /** The streams of a transport on streams of its own (undefined: the process's). */
  #input;
  #output;
  #buffered = '';
  #maxLine;
  #started = false;
  #onData;
  #onError;
  #onEnd;
  /** The linked connection of a server connected over streams of its own. */
  #linked;

  /**
   * `stdin` and `stdout` default to the process's own. `options.maxBufferSize` bounds a line
   * read from streams of its own (on the process's, the engine's `limits` bound messages).
   */
  constructor(stdin, stdout, options = {}) {
    this.#maxLine = Number.isSafeInteger(options?.maxBufferSize) && options.maxBufferSize > 0 ? options.maxBufferSize : MAX_LINE;
    const own = (stdin === undefined || stdin === process.stdin) && (stdout === undefined || stdout === process.stdout);
    if (!own) {
      this.#input = stdin ?? process.stdin;
      this.#output = stdout ?? process.stdout;
    }
    /** Called once the transport closed. */
    this.onclose = undefined;
    /** Called with transport errors. */
    this.onerror = undefined;
    /** Called with each message read (streams of its own only). */
    this.onmessage = undefined;
  }

  /**
   * @internal Starts serving `server` (an mcpforge `Server`); `closed()` runs when it stops.
   * `session` (from `McpServer.connect`): with `messages`, the application wants to see what
   * the client notifies, so the process's own streams are read here too, as a linked
   * connection (`initialized` and `peer` go to `attachLinked`); the process's stdout then
   * carries only the protocol, as with the official transport (no redirection of
   * `console.log`).
   */
  async [ATTACH](server, closed, session = {}) {
    if (this.#serving || this.#linked) throw new Error('mcpforge: this StdioServerTransport is already serving a server');
    this.#server = server;
    if (!this.#input && session.messages) {
      this.#input = process.stdin;
      this.#output = process.stdout;
    }
    if (this.#input) {
      this.#linked = await attachLinked(server, this, closed, session.initialized, session.peer);
      return;
    }
    this.#serving = server.listen().then(
      () => this.#ended(closed),
      (e) => {
        this.#report(e);
        this.#ended(closed);
      },
    );
  }

  #ended(closed) {
    closed();
    if (typeof this.onclose === 'function') this.onclose();
  }

  #report(e) {
    if (typeof this.onerror === 'function') this.onerror(e);
    else console.error('mcpforge: the stdio transport failed:', e);
  }

  /** @internal Stops serving. */
  async [DETACH]() {
    if (this.#linked) {
      const linked = this.#linked;
      this.#linked = undefined;
      return linked.detach();
    }
    if (this.#server) await this.#server.close();
    await this.#serving;
  }

  /**
   * On streams of its own: starts reading `stdin` (messages go to `onmessage`). On the
   * process's: nothing to do once a server serves it (the engine reads); called before that,
   * by whatever drives it as a message transport (a wrapper that observes the messages and
   * hands the wrapper to `connect`), it reads and writes the process's streams as its own.
   */
  async start() {
    if (!this.#input) {
      if (this.#serving) return;
      this.#input = process.stdin;
      this.#output = process.stdout;
    }
    if (this.#started) throw new Error('StdioServerTransport already started!');
    this.#started = true;
    this.#onData = (chunk) => this.#read(chunk);
    this.#onError = (e) => this.#report(e);
    this.#onEnd = () => this.close();
    this.#input.on('data', this.#onData);
    this.#input.on('error', this.#onError);
    this.#input.on('end', this.#onEnd);
  }

  #read(chunk) {
    this.#buffered += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let newline;
    while ((newline = this.#buffered.indexOf('\n')) !== -1) {
      const line = this.#buffered.slice(0, newline).replace(/\r$/, '');
      this.#buffered = this.#buffered.slice(newline + 1);
      if (line.trim() === '') continue;
      let message;
      try {
        message = JSON.parse(line);
      } catch (e) {
        this.#report(e);
        continue;
      }
      if (typeof this.onmessage === 'function') this.onmessage(message);
    }
    if (this.#buffered.length > this.#maxLine) {
      this.#buffered = '';
      this.#report(new Error(`ReadBuffer exceeded maximum size of ${this.#maxLine} bytes`));
      this.close();
    }
  }

  /** Writes one message (streams of its own); resolves once the stream took it. */
  send(message) {
    if (!this.#output) return Promise.reject(new Error('mcpforge: the engine writes the process stdout itself'));
    const line = `${JSON.stringify(message)}\n`;
    return new Promise((resolve) => {
      if (this.#output.write(line)) resolve();
      else this.#output.once('drain', resolve);
    });
  }

  /** Stops reading (streams of its own) or serving (the server is closed with it). */
  async close() {
    if (!this.#input) return this[DETACH]();
    if (this.#linked) return this[DETACH]();
    if (this.#onData) {
      this.#input.off('data', this.#onData);
      this.#input.off('error', this.#onError);
      this.#input.off('end', this.#onEnd);
      this.#onData = undefined;
      // Nobody else reading: let the stream stop flowing, so the process may exit.
      if (this.#input.listenerCount('data') === 0 && typeof this.#input.pause === 'function') this.#input.pause();
    }
    this.#buffered = '';
    if (typeof this.onclose === 'function') this.onclose();
  }
}

module.exports = { StdioServerTransport };
