#!/usr/bin/env node
/**
 * `mcpforge`, the command the npm package installs (`npx mcpforge ...`): the same command as
 * the Python package's and `cargo install mcpforge-cli`'s (docs/cli.md). `run` of a
 * JavaScript or TypeScript file is served here (`serve-file.js`); everything else, `dev`
 * included, and every `--help`, is the engine's command line (the addon's `cliMain`), which
 * starts Python for a `.py` file and this script for a JavaScript one.
 */
'use strict';

const { plan, serveFile } = require('./serve-file.js');

/** Runs the command line `argv` (without node and the script); resolves to the exit status. */
async function main(argv) {
  const served = plan(argv);
  if (served) return serveFile(served);
  // The engine serves a JavaScript file (`inspect x.mjs`) with this Node and this script.
  process.env.MCPFORGE_NODE ??= process.execPath;
  process.env.MCPFORGE_NODE_BIN ??= __filename;
  return require('../lib/native.js').cliMain(argv);
}

module.exports = { main };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (err) => {
      process.stderr.write(`mcpforge: ${err && err.message ? err.message : err}\n`);
      process.exitCode = err && err.status ? err.status : 1;
    },
  );
}
