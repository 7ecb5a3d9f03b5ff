/**
 * Loads the native addon, built from the `mcpforge-node` crate, for this platform. Released
 * packages ship it as one npm package per platform (`mcpforge-linux-x64-gnu`, ...), which the
 * main package lists as optional dependencies so that npm installs only the matching one; a
 * checkout has it next to the package as `mcpforge.<platform>.node` (`make node-addon`).
 * Everything the addon exports is internal to this package; its types (`native.d.ts`) are
 * generated from the Rust sources.
 */
'use strict';

const path = require('node:path');
const fs = require('node:fs');
const { SUPPORTED, platformName } = require('./platform.js');

function load() {
  const name = platformName();
  const local = path.join(__dirname, '..', `mcpforge.${name}.node`);
  if (fs.existsSync(local)) {
    return require(local);
  }
  if (!SUPPORTED.includes(name)) {
    throw new Error(
      `mcpforge: no native addon is published for this platform (${name}); ` +
        `supported: ${SUPPORTED.join(', ')}. Build one from a checkout with \`make node-addon\`.`,
    );
  }
  const pkg = `mcpforge-${name}`;
  try {
    return require(pkg);
  } catch (e) {
    const missing = e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(pkg);
    const err = new Error(
      missing
        ? `mcpforge: the native addon for this platform, the package ${pkg}, is not installed. ` +
            'npm installs it as an optional dependency of mcpforge: reinstall without --no-optional ' +
            `(or --omit=optional), or add it yourself: npm install ${pkg}@${require('../package.json').version}`
        : `mcpforge: could not load the native addon ${pkg}: ${e.message}`,
    );
    err.cause = e;
    throw err;
  }
}

module.exports = load();
