/**
 * Composition: mounting other MCP servers into a `Server` (`server.mount(prefix, other)`)
 * and a server serving another's catalogue (`Server.proxy(upstream)`). The engine does the
 * work (`mcpforge::proxy`): a `Server` of this process is reached in memory, as an
 * in-process client reaches it; an `Upstream` (a command run as a child process, or a
 * Streamable HTTP URL) through the engine's client. Mounted tools and prompts are served
 * as `PREFIX_NAME`, resource URIs as `SCHEME://PREFIX/REST`, with the parent's catalogue,
 * scopes, rate limits and middleware (docs/gateway.md). Not to be confused with mount.js,
 * which puts the HTTP endpoint into an Express or Connect application.
 */
'use strict';

const path = require('node:path');
const { NATIVE_SERVER } = require('./internal-hooks');

/** The servers of this process mounted into each server: held as long as it is. */
const MOUNTED = new WeakMap();

/** Where an upstream server is and how it runs; make one with `Upstream.command` or `Upstream.url`. */
class Upstream {
  /** @param {string} name what errors and logs call it @param {object} entry the engine's JSON form of it */
  constructor(name, entry) {
    this.name = name;
    this.entry = entry;
  }

  /**
   * A server run as a child process, spoken to over its stdin and stdout:
   * `Upstream.command('npx', ['-y', '@modelcontextprotocol/server-everything'])` or
   * `Upstream.command(['uvx', 'mcp-server-time'])`. Options: `env` (added to the inherited
   * environment), `cwd`, `mode` (`'per-session'`, the default: one child per client session;
   * `'per-user'`: one per authenticated user, stopped once idle; `'shared'`: one for every
   * client, for servers that keep no per-client state), `name`.
   */
  static command(command, args, options = {}) {
    if (Array.isArray(command)) {
      if (args !== undefined && !Array.isArray(args)) [options, args] = [args, undefined];
      if (args !== undefined) throw new TypeError('mcpforge: give the arguments in the command list or in args, not both');
      [command, ...args] = command;
    }
    if (typeof command !== 'string' || command === '') throw new TypeError('mcpforge: Upstream.command needs a program');
    const { env, cwd, mode, name } = options;
    const entry = withDefined({ command, args: args ?? [], env, cwd, mode });
    return new Upstream(name ?? path.basename(command), entry);
  }

  /**
   * A server reached over Streamable HTTP at `url`. Options: `headers` (sent with each
   * request: this server's own credentials for the upstream; a client's token is never
   * passed on), `mode`, `name`.
   */
  static url(url, options = {}) {
    if (typeof url !== 'string' || url === '') throw new TypeError('mcpforge: Upstream.url needs a URL');
    const { headers, mode, name } = options;
    return new Upstream(name ?? url, withDefined({ url, headers, mode }));
  }
}

/** `obj` without its undefined fields. */
function withDefined(obj) {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** The engine server behind `server` (a `Server`, or an object holding one as `engine`), or null. */
function nativeOf(server) {
  const engine = server && typeof server[NATIVE_SERVER] === 'function' ? server : server?.engine;
  return engine && typeof engine[NATIVE_SERVER] === 'function' ? engine[NATIVE_SERVER]() : null;
}

/**
 * Mounts `other` into `parent` under `prefix` (either order of the two is taken; `prefix`
 * may be omitted). Options: `mode` (overrides the upstream's: `'shared'`, the default for a
 * server of this process, or `'per-session'`, the default for an `Upstream`), `name`.
 * Resolves once the mounted server's first catalogue is served.
 */
async function mount(parent, prefix, other, options = {}) {
  if (typeof prefix !== 'string' && prefix != null) {
    // The server first: `mount(other, prefix?)` or `mount(other, options)`.
    if (typeof other === 'string' || other == null) [prefix, other] = [other, prefix];
    else [prefix, other, options] = [undefined, prefix, other];
  }
  const entry = other instanceof Upstream ? { ...other.entry } : {};
  const native = other instanceof Upstream ? null : nativeOf(other);
  if (!(other instanceof Upstream) && native === null) {
    throw new TypeError('mcpforge: mount() takes a Server (or McpServer) of this process or an Upstream');
  }
  if (prefix !== undefined && prefix !== null) entry.prefix = prefix;
  if (options.mode !== undefined) entry.mode = options.mode;
  const name = options.name ?? prefix ?? other.name ?? 'mounted';
  if (native !== null) {
    const held = MOUNTED.get(parent) ?? [];
    held.push(other);
    MOUNTED.set(parent, held);
  }
  await nativeOf(parent).mount(String(name), JSON.stringify(entry), native ?? undefined);
}

/**
 * A new server (`make(options)`) whose catalogue is `upstream`'s (an `Upstream`, a
 * `Server`, or a URL string), every request forwarded to it.
 */
async function proxy(make, upstream, options = {}) {
  const target = typeof upstream === 'string' ? Upstream.url(upstream) : upstream;
  const server = make({ name: target.name ?? 'mcpforge-proxy', enableTools: true, enableResources: true, enablePrompts: true, ...options });
  await mount(server, undefined, target);
  return server;
}

module.exports = { Upstream, mount, proxy };
