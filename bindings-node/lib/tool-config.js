'use strict';
/**
 * What `Server.tool(name, config, handler)` takes as `config`: its options object, or, as the
 * official SDK's `McpServer.tool(name, shape, cb)` takes it, a raw shape of the arguments
 * (`{ a: z.number() }`), which becomes the input schema. A schema under a key that is no
 * option (`{ description, a: z.number() }`) is refused: it would have been dropped silently,
 * leaving the tool without the argument's schema.
 */

const { isRawShape, isSchemaObject } = require('./schema');

/** The options `Server.tool` reads. */
const TOOL_OPTIONS = new Set([
  'title', 'description', 'inputSchema', 'outputSchema', 'annotations', 'icons', 'execution', '_meta',
  'deferTask', 'requiredScopes', 'ui',
]);

/**
 * The options of tool `name` from what was passed as `config` (undefined: none). A config
 * whose values are all schemas is a raw shape, unless it names `inputSchema` or
 * `outputSchema`, the two options that hold schemas (`{ inputSchema: z.object(...) }`).
 */
function toolOptions(name, config) {
  if (isRawShape(config) && !('inputSchema' in config) && !('outputSchema' in config)) return { inputSchema: config };
  const options = config || {};
  for (const [key, value] of Object.entries(options)) {
    if (!TOOL_OPTIONS.has(key) && isSchemaObject(value)) {
      throw new TypeError(
        `mcpforge: tool \`${name}\`: \`${key}\` is a schema, not an option; pass the arguments' schemas as ` +
          `{ inputSchema: { ${key}: ... } }, or the whole shape as the second argument`,
      );
    }
  }
  return options;
}

module.exports = { toolOptions };
