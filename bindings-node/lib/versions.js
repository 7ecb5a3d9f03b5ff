/**
 * The protocol versions the engine serves, read from the engine once (`protocolVersions()`
 * in src/lib.rs gives the engine's JSON form of them), so that no version is written down
 * in JavaScript: `all` and `handshake` newest first, `latest` (the newest handshake
 * version: what a client offers by default, the official SDK's `LATEST_PROTOCOL_VERSION`)
 * and `stateless` (the 2026 wire's).
 */
'use strict';

const native = require('./native');

const { all, handshake, latest, stateless } = JSON.parse(native.protocolVersions());

/** The engine's protocol versions (see the module documentation). */
const VERSIONS = Object.freeze({
  all: Object.freeze([...all]),
  handshake: Object.freeze([...handshake]),
  latest,
  stateless,
});

/** True when `version` is the stateless wire's (or a later one). */
function isStateless(version) {
  return typeof version === 'string' && version >= VERSIONS.stateless;
}

module.exports = { VERSIONS, isStateless };
