/**
 * What a server that runs as the program's main loop tells and does around it: the line
 * saying where it listens, and the end of the process after a signal closed it.
 */
'use strict';

/**
 * How long the code after `await listen()` has to finish once a signal closed the server,
 * before the process exits (sooner when nothing else holds it).
 */
const SIGNAL_EXIT_DELAY_MS = 1000;

/**
 * Ends the process `SIGNAL_EXIT_DELAY_MS` after a signal-driven shutdown (with
 * `process.exitCode`, 0 unless the application set one): every request was answered, and a
 * timer or socket a handler left behind must not keep a stopped server's process alive (as
 * the engine's other languages, and Node's own default for the signal, end it). The timer is
 * unref'd, so a process with nothing left to do exits at once.
 */
function exitAfterSignal() {
  setTimeout(() => process.exit(), SIGNAL_EXIT_DELAY_MS).unref();
}

/**
 * Says where a server listens, as uvicorn does: one line on stderr (stdout stays the
 * application's), with the bound address, so port 0 shows the port the system chose.
 */
function announce(url) {
  process.stderr.write(`mcpforge: serving MCP on ${url} (Ctrl-C to stop)\n`);
}

module.exports = { announce, exitAfterSignal };
