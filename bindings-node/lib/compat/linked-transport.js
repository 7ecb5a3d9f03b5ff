/**
 * Serving an `McpServer` over a transport of another package: any object of the official
 * SDK's `Transport` shape (`start()`, `send(message)`, `close()`, calling the `onmessage` and
 * `onclose` it is given), such as the SDK's `InMemoryTransport` in tests. Each message
 * crosses into one engine connection (the server's `[LINK]` hook), which the engine serves
 * as it serves stdio; what the engine sends goes out through `transport.send`, in order.
 */
'use strict';

const { LINK } = require('../server');

/** True for an object of the SDK's `Transport` shape. */
function isMessageTransport(transport) {
  return (
    transport !== null &&
    typeof transport === 'object' &&
    typeof transport.start === 'function' &&
    typeof transport.send === 'function' &&
    typeof transport.close === 'function'
  );
}

/** Reports a failure of the link to the transport's `onerror`, or to stderr. */
function report(transport, error) {
  if (typeof transport.onerror === 'function') transport.onerror(error);
  else console.error('mcpforge: the linked transport failed:', error);
}

/**
 * Starts serving `engine` (an mcpforge `Server`) over `transport`; `closed()` runs once when
 * either side ends. Resolves to the handle `McpServer.close` stops it with (`detach()`).
 */
async function attachLinked(engine, transport, closed) {
  const link = await engine[LINK]();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    link.close().catch(() => {});
    closed();
  };
  // Messages go in one at a time, in the order the transport delivered them.
  let writing = Promise.resolve();
  const previousClose = transport.onclose;
  transport.onmessage = (message) => {
    const text = JSON.stringify(message);
    writing = writing.then(() => link.write(text)).catch((e) => ended || report(transport, e));
  };
  transport.onclose = () => {
    if (typeof previousClose === 'function') previousClose();
    end();
  };
  await transport.start();
  const pumping = (async () => {
    for (let line = await link.read(); line !== null; line = await link.read()) {
      try {
        await transport.send(JSON.parse(line));
      } catch (e) {
        report(transport, e);
      }
    }
    end();
  })();
  return {
    /** Ends the connection (requests in flight finish first) and closes the transport. */
    async detach() {
      await writing;
      await link.close();
      await pumping;
      await transport.close();
    },
  };
}

module.exports = { attachLinked, isMessageTransport };
