/**
 * The method a handler is registered for, as the official SDK's `setRequestHandler` and
 * `setNotificationHandler` take it: a request or notification schema whose `method` is a
 * literal (zod 3 or 4, or this package's stand-in markers), or the method name itself (the
 * SDK 2.x form, `setRequestHandler('tools/list', ...)`). Shared by the client
 * (./mcp-client/) and the drop-in server (./compat/).
 */
'use strict';

/** The method `schema` stands for; throws a `TypeError` for anything else. */
function methodOf(schema) {
  if (typeof schema === 'string' && schema.length > 0) return schema;
  const literal = schema && schema.shape && schema.shape.method;
  const method = literal && (literal.value ?? (literal._def && literal._def.value));
  if (typeof method !== 'string') {
    throw new TypeError('mcpforge: setRequestHandler takes a request schema whose `method` is a literal (e.g. ListToolsRequestSchema)');
  }
  return method;
}

module.exports = { methodOf };
