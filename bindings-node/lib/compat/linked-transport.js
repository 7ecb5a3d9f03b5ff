/**
 * Serving an `McpServer` over a transport of another package: any object of the official
 * SDK's `Transport` shape (`start()`, `send(message)`, `close()`, calling the `onmessage` and
 * `onclose` it is given), such as the SDK's `InMemoryTransport` in tests. Each message
 * crosses into one engine connection (the server's `[LINK]` hook), which the engine serves
 * as it serves stdio; what the engine sends goes out through `transport.send`, in order.
 * The engine's queue is read from here, so what a synchronous call queued can go out before
 * that call's caller goes on.
 */
'use strict';

const { LINK } = require('../server');
const { CARRIED } = require('../context');

/** How many requests in flight keep what carried them (the oldest is forgotten past it). */
const CARRIED_KEPT = 1024;

/** The key of a JSON-RPC id (`1` and `"1"` apart). */
const idKey = (id) => JSON.stringify(id);

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
 * either side ends. Resolves to the handle `McpServer` uses: `flush()` sends what the engine
 * queued at once (after a call that may have queued a notification: the official SDK's
 * reach the client within the same tick), `detach()` stops it. `initialized(params)` is told
 * what the client sent in `initialize`. `peer(send)`, when given, makes the connection's
 * `SessionPeer` (./session-peer.js) from a function that writes a message to the client: it
 * sees each client notification after the engine took it in, and takes the answers to its
 * own requests, and answers `initialize` when the application set a handler for it; the
 * handle has it as `peer`.
 */
async function attachLinked(engine, transport, closed, initialized = () => {}, peer = undefined) {
  // The transport's `sessionId`, as the SDK hands it to handlers (`extra.sessionId`).
  const link = await engine[LINK](transport.sessionId);
  let ended = false;
  let session;
  const end = () => {
    if (ended) return;
    ended = true;
    session?.close();
    delete engine[CARRIED];
    link.close().catch(() => {});
    closed();
  };
  // Messages go in one at a time, in the order the transport delivered them: taken in at
  // once when nothing written before is still going in (`Link::write_now`), as the SDK's
  // server takes `notifications/initialized` before the client's `connect` returns; else
  // after the ones before it.
  let writing = Promise.resolve();
  let queued = 0;
  const previousClose = transport.onclose;
  // What carried each request in flight (`extra` of `onmessage`: the SDK's SSEServerTransport
  // gives `{ requestInfo, authInfo }`), for its handlers' context; forgotten with its answer.
  const carried = new Map();
  engine[CARRIED] = (id) => carried.get(idKey(id));
  transport.onmessage = (message, extra) => {
    if (extra && typeof extra === 'object' && typeof message?.method === 'string' && message.id !== undefined) {
      if (carried.size >= CARRIED_KEPT) carried.delete(carried.keys().next().value);
      carried.set(idKey(message.id), extra);
    }
    if (message?.method === 'initialize' && message.id !== undefined) initialized(message.params);
    if (session && session.consume(message)) return;
    const text = JSON.stringify(message);
    if (queued === 0) {
      try {
        if (link.writeNow(text)) {
          session?.notified(message);
          return;
        }
      } catch (e) {
        if (!ended) report(transport, e);
        return;
      }
    }
    queued += 1;
    writing = writing
      .then(() => link.write(text))
      .then(() => session?.notified(message))
      .catch((e) => ended || report(transport, e))
      .then(() => {
        queued -= 1;
      });
  };
  transport.onclose = () => {
    if (typeof previousClose === 'function') previousClose();
    end();
  };
  // What was taken from the engine and not sent yet, oldest first; `paused` while a
  // notification just sent is followed by more. The SDK's client handles a notification in
  // a later microtask but a response at once (and forgets a request's progress handler
  // with it), so the rest waits for the loop to turn once, as when the official server
  // sends them from separate ticks.
  const queue = [];
  let paused = false;
  const sendOne = (message) => {
    let sent;
    try {
      sent = transport.send(message);
    } catch (e) {
      report(transport, e);
    }
    if (sent && typeof sent.catch === 'function') sent.catch((e) => report(transport, e));
  };
  const flush = () => {
    queue.push(...link.take());
    while (!paused && queue.length > 0) {
      const message = JSON.parse(queue.shift());
      if (message.method === undefined && message.id !== undefined) {
        const key = idKey(message.id);
        carried.delete(key);
      }
      session?.sent(message);
      sendOne(message);
      if (message.id === undefined && queue.length > 0) {
        paused = true;
        setImmediate(() => {
          paused = false;
          flush();
        });
      }
    }
  };
  if (peer) session = peer((message) => sendOne(message));
  await transport.start();
  const pumping = (async () => {
    while (await link.ready()) {
      flush();
      // Bounded: each turn sends at least one queued message.
      while (paused) await new Promise(setImmediate);
    }
    end();
  })();
  return {
    flush,
    peer: session,
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
