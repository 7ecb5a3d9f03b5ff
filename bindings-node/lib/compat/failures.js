/**
 * What clients read when a handler of an `McpServer` fails, worded as the official SDK words
 * it: a tool that throws answers an `isError` result (a `ToolError`, shaped by the engine) with the error's message (an `McpError`
 * included, as `MCP error <code>: <message>`), except the input-required signal and URL
 * elicitation errors, which keep their meaning (mcpforge's `ToolError` keeps its data); a resource or prompt that throws an
 * `McpError` answers a JSON-RPC error with that wording. Unexpected errors are logged with
 * their stack by the server's `ErrorPolicy` either way.
 */
'use strict';

const { ErrorCode, InputRequiredError, McpError, ToolError, isMcpError } = require('../errors');
const { source } = require('../error-policy');
const { argumentParser } = require('../schema');

/**
 * `MCP error <code>: <message>` (left alone when already worded so, by the official SDK's
 * McpError); the SDK 2.x `ProtocolError`, which words nothing, reads as its message.
 */
function sdkWording(error) {
  if (error.name === 'ProtocolError') return String(error.message);
  const prefix = `MCP error ${error.code}: `;
  return String(error.message).startsWith(prefix) ? String(error.message) : prefix + error.message;
}

/** The `McpError` to throw for `error` so the JSON-RPC error reads as the official SDK's. */
function asProtocolError(error) {
  if (!isMcpError(error)) return error;
  const worded = new McpError(error.code, sdkWording(error), error.data);
  worded.stack = error.stack;
  return worded;
}

/**
 * What a tool named `name` that threw `error` throws in turn: a `ToolError` in the SDK's
 * words, which the engine answers as every tool error (an `isError` result with the text;
 * docs/results.md), or the error itself when it keeps its meaning.
 * @param {import('../error-policy').ErrorPolicy} policy logs unexpected errors and may mask their text
 */
function toolFailure(error, name, policy) {
  if (error instanceof InputRequiredError || error instanceof ToolError) throw error;
  if (isMcpError(error) && error.code === ErrorCode.UrlElicitationRequired) throw asProtocolError(error);
  let text;
  if (isMcpError(error)) text = sdkWording(error);
  else {
    policy.report(error, source('tool', name));
    text = policy.visible(error instanceof Error ? error.message : String(error));
  }
  throw new ToolError(text);
}

/**
 * `result` of the tool `name` checked against its `outputSchema` (a zod raw shape or schema)
 * as the official McpServer checks it: a `ToolError` (an `isError` result) saying what is
 * wrong when it has no `structuredContent` or that does not parse; errors and task results
 * pass as they are.
 */
async function checkedOutput(result, outputSchema, name) {
  if (outputSchema === undefined || !result || typeof result !== 'object') return result;
  if (!('content' in result) || result.isError) return result;
  const fail = (text) => {
    throw new ToolError(`Output validation error: ${text}`);
  };
  if (!result.structuredContent) fail(`Tool ${name} has an output schema but no structured content was provided`);
  const parse = argumentParser(outputSchema, 'sdk');
  const parsed = parse && (await parse(result.structuredContent));
  if (parsed && !parsed.ok) fail(`Invalid structured content for tool ${name}: ${parsed.message}`);
  return result;
}

module.exports = { toolFailure, asProtocolError, sdkWording, checkedOutput };
