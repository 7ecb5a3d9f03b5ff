/**
 * The native API does not import the drop-in layer. lib/compat/ (the official SDK's API over
 * the engine) and lib/sdk/ (its import paths) build on the native modules of lib/, never the
 * other way round: a native module that the drop-in layer needs offers a hook it calls
 * instead (as `ATTACH` in server.js). Only the package's entry points, which publish both
 * APIs, require lib/compat/. Read from the sources, so a `require` inside a function counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const lib = join(dirname(fileURLToPath(import.meta.url)), '..', 'lib');
const DROP_IN = ['compat', 'sdk'];
// The entry points: `require('mcpforge')` and `import ... from 'mcpforge'`.
const ENTRIES = ['index.js', 'index.mjs'];
const SCRIPT = /\.(js|mjs|cjs)$/;

/** The relative specifiers a source requires or imports (`'./compat/attach'`, ...). */
function specifiers(source) {
  const found = [];
  for (const m of source.matchAll(/\brequire\s*\(\s*(['"])(\.[^'"]*)\1\s*\)|\b(?:import|export)\b[^'";]*?\bfrom\s*(['"])(\.[^'"]*)\3|\bimport\s*\(\s*(['"])(\.[^'"]*)\5\s*\)/g)) {
    found.push(m[2] ?? m[4] ?? m[6]);
  }
  return found;
}

/** True when `specifier`, required from `file`, points into lib/compat/. */
function intoCompat(file, specifier) {
  const target = relative(lib, resolve(dirname(file), specifier));
  return target === 'compat' || target.startsWith(`compat${sep}`);
}

/** The native modules: every script of lib/ outside lib/compat/ and lib/sdk/, entry points left out. */
function nativeModules(dir = lib) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!(dir === lib && DROP_IN.includes(entry.name))) out.push(...nativeModules(path));
    } else if (SCRIPT.test(entry.name) && !(dir === lib && ENTRIES.includes(entry.name))) {
      out.push(path);
    }
  }
  return out;
}

test('no native module requires the drop-in layer', () => {
  const modules = nativeModules();
  assert.ok(modules.some((f) => f.endsWith(`${sep}server.js`)), 'server.js is checked');
  const offending = [];
  for (const file of modules) {
    for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
      if (intoCompat(file, specifier)) offending.push(`lib/${relative(lib, file)} requires ${specifier}`);
    }
  }
  assert.deepEqual(offending, []);
});

test('the check sees each form of import', () => {
  const here = join(lib, 'server.js');
  for (const source of [
    "const { ATTACH } = require('./compat/attach');",
    "const attach = require( \"./compat/attach.js\" );",
    "import { McpServer } from './compat/mcp-server.js';",
    "export { McpServer } from './compat/mcp-server.js';",
    "const m = await import('./compat/stdio.js');",
    "const c = require('./compat');",
  ]) {
    assert.ok(specifiers(source).some((s) => intoCompat(here, s)), source);
  }
  assert.ok(!specifiers("const { Server } = require('./server');").some((s) => intoCompat(here, s)));
  assert.ok(!specifiers("const x = require('./compatible');").some((s) => intoCompat(here, s)));
});
