/**
 * Loads the native addon: `mcpforge.<platform>-<arch>.node` at the package root, built from
 * the `mcpforge-node` crate. Everything it exports is internal to this package; its types
 * (`native.d.ts`) are generated from the Rust sources.
 */
'use strict';

const path = require('node:path');

const file = `mcpforge.${process.platform}-${process.arch}.node`;

function load() {
  try {
    return require(path.join(__dirname, '..', file));
  } catch (e) {
    const err = new Error(
      `mcpforge: could not load the native addon ${file} (built for this platform by \`make node-addon\`): ${e.message}`,
    );
    err.cause = e;
    throw err;
  }
}

module.exports = load();
