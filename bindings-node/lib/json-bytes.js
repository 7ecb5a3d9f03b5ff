'use strict';

/**
 * A body a parser already read (`req.body` after `express.json()`, a `parsedBody` handed to a
 * transport) written back as JSON bytes, up to a bound: the text `JSON.stringify` would give,
 * cut once it is longer than the engine's `maxBody`, so that the engine answers 413 to a body
 * over its cap without the whole of it being written first (a 100 MB parsed body costs at most
 * `maxBody + 1` bytes here), and written without recursion, so that a body nested 100,000 deep
 * reaches the engine, which refuses it as JSON it does not take (400, -32700), instead of
 * overflowing the stack.
 *
 * `JSON.stringify` itself has neither bound (it writes the whole text, recursively), and the
 * streaming serializers on npm would be a runtime dependency for these few lines: each value is
 * still written by `JSON.stringify` (strings, numbers, `toJSON`), only the walk through arrays
 * and objects is done here.
 */

/** True for what `JSON.stringify` leaves out of an object (and writes `null` for in an array). */
function omitted(value) {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** `value` as `JSON.stringify` sees it under `key`: what its `toJSON(key)` returns, if it has one. */
function prepared(value, key) {
  const hasMethods = value !== null && (typeof value === 'object' || typeof value === 'bigint');
  return hasMethods && typeof value.toJSON === 'function' ? value.toJSON(key) : value;
}

/** True for an array or plain object to walk into; anything else is written as one value. */
function container(value) {
  if (value === null || typeof value !== 'object') return false;
  return !(value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt);
}

/** Text written up to a byte bound: `full` once it holds more than `limit` bytes. */
class BoundedText {
  #parts = [];
  #size = 0;
  #limit;

  constructor(limit) {
    this.#limit = limit;
  }

  get full() {
    return this.#size > this.#limit;
  }

  add(text) {
    if (this.full) return;
    this.#parts.push(text);
    this.#size += Buffer.byteLength(text);
  }

  /** A string's JSON text; of a string longer than the bound, only of its start (the rest would be cut anyway). */
  addString(text) {
    this.add(JSON.stringify(text.length > this.#limit ? text.slice(0, this.#limit + 1) : text));
  }

  bytes() {
    return Buffer.from(this.#parts.join('')).subarray(0, this.#limit + 1);
  }
}

/**
 * The JSON text of `value` as `JSON.stringify(value)` writes it, as bytes, cut after
 * `limit + 1` bytes (a value with a cycle is written until then). A value `JSON.stringify`
 * writes nothing for (`undefined`) gives no bytes.
 */
function jsonBytes(value, limit) {
  const out = new BoundedText(limit);
  // The arrays and objects being written, innermost last: `{ value, keys, next, written }`.
  const open = [];
  const write = (member) => {
    if (!container(member)) {
      if (typeof member === 'string') out.addString(member);
      else out.add(JSON.stringify(member));
    } else if (Array.isArray(member)) {
      out.add('[');
      open.push({ value: member, keys: undefined, next: 0, written: 0 });
    } else {
      out.add('{');
      open.push({ value: member, keys: Object.keys(member), next: 0, written: 0 });
    }
  };
  const top = prepared(value, '');
  if (omitted(top)) return Buffer.alloc(0);
  write(top);
  while (open.length > 0 && !out.full) {
    const frame = open[open.length - 1];
    const length = frame.keys ? frame.keys.length : frame.value.length;
    if (frame.next >= length) {
      out.add(frame.keys ? '}' : ']');
      open.pop();
      continue;
    }
    const index = frame.next++;
    const key = frame.keys ? frame.keys[index] : String(index);
    const member = prepared(frame.value[key], key);
    if (frame.keys && omitted(member)) continue;
    if (frame.written++ > 0) out.add(',');
    if (frame.keys) {
      out.addString(key);
      out.add(':');
    }
    if (omitted(member)) out.add('null');
    else write(member);
  }
  return out.bytes();
}

module.exports = { jsonBytes };
