/**
 * Reading what the engine's client hands JavaScript (bindings-node/src/client_outbox.rs):
 * one line per item, its first character its kind, and turning failures both ways into
 * errors: the engine's (`{message, code?, data?}`) into an `McpError` (a code) or an `Error`
 * (none), and an error a handler of the application threw into the JSON-RPC error the
 * server gets.
 */
'use strict';

const native = require('../native');
const { ErrorCode, McpError, isMcpError } = require('../errors');

/** The code of a call whose connection ended (the official SDK's `ConnectionClosed`), from the engine. */
const CONNECTION_CLOSED = native.CONNECTION_CLOSED;

/**
 * One item: `{ kind: 'result' | 'error', seq, json }`, `{ kind: 'notification', method,
 * json }` or `{ kind: 'ask', key, method, json }`.
 */
function readItem(text) {
  const space = text.indexOf(' ');
  const head = text.slice(1, space);
  switch (text[0]) {
    case 'r':
      return { kind: 'result', seq: Number(head), json: text.slice(space + 1) };
    case 'e':
      return { kind: 'error', seq: Number(head), json: text.slice(space + 1) };
    case 'n':
      return { kind: 'notification', method: head, json: text.slice(space + 1) };
    default: {
      const second = text.indexOf(' ', space + 1);
      return { kind: 'ask', key: Number(head), method: text.slice(space + 1, second), json: text.slice(second + 1) };
    }
  }
}

/** The error a failed call rejects with, from the engine's JSON. */
function failureOf(json) {
  const { code, message, data } = JSON.parse(json);
  return Number.isInteger(code) ? new McpError(code, message, data ?? undefined) : new Error(message);
}

/** The error of a call made on a client that is not connected (or no more). */
function notConnected() {
  return new McpError(CONNECTION_CLOSED, 'Not connected');
}

/** The JSON-RPC error the server gets when a handler of the application threw `e`. */
function refusalOf(e) {
  if (isMcpError(e)) return { code: e.code, message: e.message, ...(e.data === undefined ? {} : { data: e.data }) };
  return { code: ErrorCode.InternalError, message: e instanceof Error ? e.message : String(e) };
}

module.exports = { readItem, failureOf, notConnected, refusalOf, CONNECTION_CLOSED };
