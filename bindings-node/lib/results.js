/**
 * What a handler returned or threw, answered on its call (lib/call.js) exactly once: plain values
 * are mapped to MCP results per kind (tool, resource, prompt, completion, a template's
 * resource list, token verifier),
 * thrown errors to tool errors or JSON-RPC errors. Anything that cannot be mapped becomes a
 * clear error for the client; nothing here throws.
 */
'use strict';

const { ErrorCode, InputRequiredError, ToolError, isMcpError } = require('./errors');

/** `JSON.stringify` that reports what could not be converted instead of throwing. */
function stringify(value, what) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new TypeError(`${what} cannot be converted to JSON: ${e.message}`);
  }
  if (text === undefined) throw new TypeError(`${what} is a ${typeof value}, which cannot be converted to JSON`);
  return text;
}

/** True for a value that is a `CallToolResult` rather than a plain value. */
function isCallToolResult(v) {
  return v !== null && typeof v === 'object' && Array.isArray(v.content);
}

function isBytes(v) {
  return v instanceof Uint8Array || v instanceof ArrayBuffer;
}

/** Answers `call` with raw bytes, which the engine encodes (a view of an `ArrayBuffer`, no copy). */
function respondBytes(call, bytes) {
  return call.respondBytes(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes);
}

/**
 * The text of a result that is one text block and nothing else (`{ content: [{ type:
 * 'text', text }] }`, as JSON would write it), else undefined.
 */
function onlyText(result) {
  const blocks = result.content;
  if (blocks.length !== 1 || typeof result.toJSON === 'function') return undefined;
  const block = blocks[0];
  if (block === null || typeof block !== 'object' || typeof block.toJSON === 'function') return undefined;
  for (const key in result) if (key !== 'content') return undefined;
  for (const key in block) if (key !== 'type' && key !== 'text') return undefined;
  return block.type === 'text' && typeof block.text === 'string' ? block.text : undefined;
}

/**
 * Answers a tool call in the engine's result vocabulary (the engine decides the wire shape,
 * docs/results.md): undefined or null -> empty, string -> text, bytes (a `Uint8Array`, a
 * `Buffer`, an `ArrayBuffer`) -> bytes, whose content block the engine picks by their type, a
 * `CallToolResult` as is, any other value -> JSON (structured under an output schema). `plain`: the tool has no
 * output schema, so a result of one text block is sent as that text (the same wire result,
 * without writing it as JSON for the engine to read back).
 */
function answerTool(call, value, name, plain = false) {
  if (value === undefined || value === null) return call.respond('json', 'null');
  if (typeof value === 'string') return call.respond('text', value);
  if (isBytes(value)) return respondBytes(call, value);
  if (isCallToolResult(value)) {
    const text = plain ? onlyText(value) : undefined;
    if (text !== undefined) return call.respond('text', text);
    return call.respond('result', stringify(value, `the result of tool \`${name}\``));
  }
  return call.respond('json', stringify(value, `the value tool \`${name}\` returned`));
}

/**
 * Answers a resource read in the engine's vocabulary (the engine decides the contents,
 * docs/results.md): a string -> text, bytes -> binary, anything else as its JSON value
 * (contents objects, `{ contents }`, or a value sent as JSON text; null: not found).
 */
function answerResource(call, value, uri) {
  if (typeof value === 'string') return call.respond('text', value);
  if (isBytes(value)) return respondBytes(call, value);
  if (value === undefined) return call.respond('json', 'null');
  return call.respond('json', stringify(value, `the contents of ${uri}`));
}

/**
 * Answers a prompt in the engine's vocabulary: a string -> one user message, anything else
 * as its JSON value (messages, or a whole `{ messages }` result; docs/results.md). The engine
 * refuses what is not a prompt result, undefined as null, as in every language.
 */
function answerPrompt(call, value, name) {
  if (typeof value === 'string') return call.respond('text', value);
  if (value === undefined) return call.respond('json', 'null');
  return call.respond('json', stringify(value, `the result of prompt \`${name}\``));
}

/** Answers a completion with its JSON value: values, or `{values, total, hasMore}` (docs/results.md). */
function answerCompletion(call, value) {
  if (value === undefined) return call.respond('json', 'null');
  return call.respond('json', stringify(value, 'the completion'));
}

/** Answers a template's list of resources: `{ resources: [...] }` or the array itself. */
function answerResourceList(call, value) {
  const resources = Array.isArray(value) ? value : value && value.resources;
  if (!Array.isArray(resources)) {
    throw new TypeError(`the list of a resource template returned ${describe(value)}; return { resources: [...] }`);
  }
  return call.respond('json', stringify(resources, 'the listed resources'));
}

/** Answers a token verification: `{subject, scopes, clientId, extra}`. */
function answerVerifier(call, value) {
  if (!value || typeof value !== 'object') throw new TypeError('the token verifier returned no grant');
  return call.respond('json', stringify(value, 'the token grant'));
}

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a value of type ${typeof v}`;
}

/**
 * Answers a call with what the handler threw. An unexpected error (not `McpError`,
 * `ToolError` or the input-required signal) is logged with its stack by `policy` (an
 * `ErrorPolicy`), naming `what` threw, and its text is masked when the policy says so.
 */
function fail(call, error, policy, what = 'a handler') {
  try {
    if (error instanceof InputRequiredError) return call.inputRequired();
    if (isMcpError(error)) {
      const data = error.data === undefined ? undefined : stringify(error.data, 'the error data');
      return call.protocolError(error.code, String(error.message), data);
    }
    if (error instanceof ToolError) {
      const data = error.data === undefined ? undefined : stringify(error.data, 'the error data');
      return call.toolError(error.message, data);
    }
    if (error instanceof Error && error.requiredScopes) {
      return call.toolError(describeError(error), JSON.stringify({ requiredScopes: error.requiredScopes }));
    }
    if (policy) policy.report(error, what);
    const text = error instanceof Error ? describeError(error) : String(error);
    const visible = policy ? policy.visible(text) : text;
    // A tool's crash is an `isError` result (the model reads it); a resource's, prompt's or
    // completion's is an internal error (-32603), not the client's fault.
    if (what && INTERNAL_WHEN_CRASHED.has(what.kind)) return call.protocolError(ErrorCode.InternalError, visible);
    return call.toolError(visible);
  } catch (e) {
    return call.toolError(`the handler failed and its error could not be reported: ${e && e.message}`);
  }
}

/** The handlers whose unexpected error is an internal error rather than a tool error. */
const INTERNAL_WHEN_CRASHED = new Set(['resource', 'resource template', 'resource list', 'prompt', 'completion']);

/** The text of an unexpected error: its message, prefixed with its name for subclasses. */
function describeError(error) {
  return error.constructor === Error ? error.message : `${error.name}: ${error.message}`;
}

/**
 * The key of a handler's rescue: `handler[RESCUE](error)` turns what its promise rejected
 * with into the value answered (or throws what `fail` answers), so that a wrapper mapping
 * failures (the drop-in's) needs no promise of its own around the handler's.
 */
const RESCUE = Symbol('mcpforge.rescue');

/**
 * Runs `invoke(a, b)` (sync or async) and answers `call` with `answer(call, value)` or `fail`
 * (with `policy` and `what`, see `fail`); a rejection goes through `rescue` first when
 * given (see `RESCUE`). `done` runs once the call is answered. `a` and `b` let a caller
 * hand over a function made once rather than a closure made per call.
 */
function settle(call, invoke, answer, done, policy, what, rescue, a, b) {
  let value;
  try {
    value = invoke(a, b);
  } catch (e) {
    fail(call, e, policy, what);
    return done();
  }
  if (value !== null && typeof value === 'object' && typeof value.then === 'function') {
    Promise.resolve(value).then(
      (v) => answerOrFail(call, v, answer, done, policy, what),
      (e) => {
        if (rescue !== undefined) {
          try {
            return answerOrFail(call, rescue(e), answer, done, policy, what);
          } catch (thrown) {
            e = thrown;
          }
        }
        fail(call, e, policy, what);
        done();
      },
    );
  } else {
    // A value answered at once: no promise, no closure.
    answerOrFail(call, value, answer, done, policy, what);
  }
}

/** Answers `call` with `answer(call, value)`, or with `fail` when that throws; then `done()`. */
function answerOrFail(call, value, answer, done, policy, what) {
  try {
    answer(call, value);
  } catch (e) {
    fail(call, e, policy, what);
  }
  done();
}

module.exports = {
  RESCUE,
  answerTool,
  answerResource,
  answerPrompt,
  answerCompletion,
  answerResourceList,
  answerVerifier,
  fail,
  settle,
  describeError,
  stringify,
};
