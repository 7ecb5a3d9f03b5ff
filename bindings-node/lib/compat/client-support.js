/**
 * What `mcpServer.server` refuses before asking the client, in the official SDK's words: a
 * request the client's declared capabilities do not allow (form or URL elicitation,
 * sampling, sampling with tools, roots) fails as a plain `Error` whose message is the SDK's,
 * and nothing reaches the client. Where the client's capabilities are not known here (no
 * request being served), the engine checks them itself.
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

module.exports = { assertClientSupports };
