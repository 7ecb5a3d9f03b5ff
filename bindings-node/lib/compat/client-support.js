/**
 * What `mcpServer.server` refuses before asking the client, in the official SDK's words: a
 * request the client's declared capabilities do not allow (form or URL elicitation,
 * sampling, sampling with tools, roots) fails as a plain `Error` whose message is the SDK's,
 * and nothing reaches the client. Where the client's capabilities are not known here (no
 * request being served), the engine checks them itself. Also the SDK's reading of the
 * client's capabilities and its check of a sampling request's tool results.
 */
'use strict';

/** True when `elicitation` allows form mode (an empty object means form, as the spec says). */
function allowsForm(elicitation) {
  return Boolean(elicitation) && (Boolean(elicitation.form) || !elicitation.url);
}

/**
 * Throws the SDK's refusal when `capabilities` (the client's, or undefined when unknown) do
 * not allow sending `method` with `params`.
 */
function assertClientSupports(capabilities, method, params = {}) {
  if (!capabilities) return;
  switch (method) {
    case 'elicitation/create':
      if (params.mode === 'url' && !capabilities.elicitation?.url) throw new Error('Client does not support url elicitation.');
      if (params.mode !== 'url' && !allowsForm(capabilities.elicitation)) throw new Error('Client does not support form elicitation.');
      return;
    case 'sampling/createMessage':
      if (!capabilities.sampling) throw new Error(`Client does not support sampling (required for ${method})`);
      if ((params.tools || params.toolChoice) && !capabilities.sampling.tools) throw new Error('Client does not support sampling tools capability.');
      return;
    case 'roots/list':
      if (!capabilities.roots) throw new Error(`Client does not support listing roots (required for ${method})`);
      return;
    default:
  }
}

/**
 * The client's capabilities as the SDK's server reads them: an empty `elicitation` object
 * (form mode, as the specification says) becomes `{ form: {} }`.
 */
function asSdkReadsThem(capabilities) {
  const e = capabilities?.elicitation;
  if (!e || typeof e !== 'object' || Array.isArray(e) || Object.keys(e).length > 0) return capabilities;
  return { ...capabilities, elicitation: { form: {} } };
}

/** The content blocks of a sampling message (one block or an array of them). */
function blocks(message) {
  if (!message) return [];
  return Array.isArray(message.content) ? message.content : [message.content];
}

/**
 * Throws, in the SDK's words, when the last two messages of a `sampling/createMessage`
 * request pair tool uses and tool results wrongly: tool results alone in the last message,
 * answering exactly the tool uses of the message before it.
 */
function assertToolResultsMatch(messages) {
  if (!Array.isArray(messages) || messages.length === 0) return;
  const last = blocks(messages[messages.length - 1]).filter(Boolean);
  const before = blocks(messages[messages.length - 2]).filter(Boolean);
  const results = last.filter((b) => b.type === 'tool_result');
  const uses = before.filter((b) => b.type === 'tool_use');
  if (results.length > 0 && results.length !== last.length) {
    throw new Error('The last message must contain only tool_result content if any is present');
  }
  if (results.length > 0 && uses.length === 0) {
    throw new Error('tool_result blocks are not matching any tool_use from the previous message');
  }
  if (uses.length === 0) return;
  const used = new Set(uses.map((b) => b.id));
  const answered = new Set(results.map((b) => b.toolUseId));
  if (used.size !== answered.size || [...used].some((id) => !answered.has(id))) {
    throw new Error('ids of tool_result blocks and tool_use blocks from previous message do not match');
  }
}

module.exports = { assertClientSupports, asSdkReadsThem, assertToolResultsMatch };
