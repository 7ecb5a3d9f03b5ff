/**
 * The names of the official SDK's `types.js` that `mcpforge/types.js` offers besides its own
 * (./types.js), so a program importing any of them loads, a low-level server's
 * `setRequestHandler(CallToolRequestSchema, ...)` included. The list is ./sdk-types.json
 * (bindings-node/scripts/sdk-types.mjs writes it from an SDK release).
 *
 * With the official SDK installed beside mcpforge, each name is its own object (its zod
 * schemas, `UrlElicitationRequiredError`, ...): under the name the stand-in installs it with
 * (`mcpforge-upstream-sdk`), or `@modelcontextprotocol/sdk` unless that is the stand-in
 * itself. mcpforge does not depend on it; without it, a request or notification schema is
 * a method marker (`{ shape: { method: { value } } }`, what `setRequestHandler` and
 * `setNotificationHandler` read, the request then reaching the handler unparsed), a
 * constant has the SDK's value, and any other name is an object whose use throws, saying
 * the SDK is needed for it.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const table = require('./sdk-types.json');

/** The package names the official SDK may be installed under, the stand-in's alias first. */
const OFFICIAL = ['mcpforge-upstream-sdk', '@modelcontextprotocol/sdk'];

/** The name in package.json of the package a resolved file belongs to. */
function packageName(file) {
  for (let dir = path.dirname(file), i = 0; i < 20 && dir !== path.dirname(dir); i += 1, dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      if (name) return name;
    }
  }
  return undefined;
}

/** The official SDK's `types.js` module, or undefined when it is not installed. */
function officialModule() {
  for (const name of OFFICIAL) {
    let file;
    try {
      file = require.resolve(`${name}/types.js`);
    } catch {
      continue;
    }
    // The stand-in's own types.js re-exports mcpforge's: loading it here would go round.
    if (packageName(file) === 'mcpforge-sdk') continue;
    try {
      return require(file);
    } catch {
      // Installed but not loadable (its zod missing): as if it were not there.
    }
  }
  return undefined;
}

/** What stands for `name` without the SDK: an object whose every use throws. */
function needsSdk(name) {
  const refuse = () => {
    throw new Error(`mcpforge: ${name} is the official SDK's: install @modelcontextprotocol/sdk to use it`);
  };
  return new Proxy(Object.freeze({}), { get: refuse, has: refuse, ownKeys: refuse });
}

/** Each name of the table: the SDK's own value, or what stands for it without the SDK. */
function officialTypes() {
  const official = officialModule();
  const out = {};
  for (const name of table.names) {
    if (official && name in official) out[name] = official[name];
    else if (Object.hasOwn(table.methods, name)) out[name] = Object.freeze({ shape: Object.freeze({ method: Object.freeze({ value: table.methods[name] }) }) });
    else if (Object.hasOwn(table.constants, name)) out[name] = table.constants[name];
    else out[name] = needsSdk(name);
  }
  return out;
}

module.exports = officialTypes();
