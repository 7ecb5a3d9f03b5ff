/**
 * The internal hooks of `Server` (./server.js): symbols the drop-in layer (compat/) and the
 * transports reach the engine's server through, never typed nor documented as API. Each
 * says what calls it.
 */
'use strict';

/**
 * The hook `connect(transport)` serves through: a transport implements
 * `[ATTACH](server, closed)`, which starts serving `server` (this `Server`) and resolves once
 * started; `closed()` is called when it stops. This module knows no transport class: the
 * drop-in layer's transports (compat/stdio.js, compat/streamable-http.js) implement the
 * hook, and `McpServer.connect` calls it too (compat/attach.js). Internal, not typed.
 */
const ATTACH = Symbol.for('mcpforge.transport.attach');

/**
 * The hook a transport of another package is served through: `[LINK]()` opens one engine
 * connection whose messages JavaScript carries (compat/linked-transport.js). Internal.
 */
const LINK = Symbol.for('mcpforge.transport.link');

/**
 * The hook the official SDK's HTTP transports send a notification to one session through:
 * `[NOTIFY_SESSION](sessionId, { method, params })`, true when a live session of that id
 * took it (compat/transport-send.js). Internal.
 */
const NOTIFY_SESSION = Symbol.for('mcpforge.transport.notifySession');

/**
 * The hook the official SDK's `registerCapabilities` advertises an extension through after
 * construction: `[EXTENSION](id, settings)` (compat/protocol-server.js). Internal.
 */
const EXTENSION = Symbol.for('mcpforge.capabilities.extension');
/**
 * The hook that turns `resources/subscribe` on after construction:
 * `[SUBSCRIPTIONS](on)` (compat/protocol-server.js). Internal.
 */
const SUBSCRIPTIONS = Symbol.for('mcpforge.capabilities.subscriptions');
/**
 * The hook the official SDK's declared `listChanged` reaches the engine through after
 * construction: `[LIST_CHANGES](list, on)` (compat/protocol-server.js). Internal.
 */
const LIST_CHANGES = Symbol.for('mcpforge.capabilities.listChanges');

/**
 * `[SOLE_CALL]()`: the context of the one handler call of this server in flight, or undefined
 * when there is none or more than one (compat/protocol-server.js finds a request with it
 * where its handler scope found none). Internal.
 */
const SOLE_CALL = Symbol.for('mcpforge.calls.sole');

/**
 * `[AS_ONE_CHANGE](fn)`: runs `fn()` with the list-changed notices of the changes it makes
 * held, then tells each list that changed once (compat/mcp-server.js: a handle's `update`,
 * which removes and adds again, is one change to clients, as in the official SDK). Internal.
 */
const AS_ONE_CHANGE = Symbol.for('mcpforge.lists.asOneChange');
/**
 * `[HOLD_CHANGES]()`: holds the list-changed notices of the changes made from now on and
 * returns the function that ends the hold (each list that changed is then told once;
 * compat/mcp-server.js debounces with it, as the SDK's `debouncedNotificationMethods`).
 * Internal.
 */
const HOLD_CHANGES = Symbol.for('mcpforge.lists.holdChanges');

/**
 * The hook an in-process client reaches this server through: `[NATIVE_SERVER]()` is the
 * engine server, which the client's engine opens a link to (mcp-client/transports.js). Internal.
 */
const NATIVE_SERVER = Symbol('mcpforge.server.native');

module.exports = { ATTACH, LINK, NOTIFY_SESSION, EXTENSION, SUBSCRIPTIONS, LIST_CHANGES, SOLE_CALL, AS_ONE_CHANGE, HOLD_CHANGES, NATIVE_SERVER };
