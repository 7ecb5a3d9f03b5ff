/**
 * `mcpforge run FILE[:EXPORT]` for JavaScript and TypeScript files (the engine's `mcpforge dev`
 * serves such a file through this too, restarting it when its sources change). The file is imported as a module (it must not call `listen()` itself when imported:
 * guard that as docs/cli.md shows) and its server is served: the export named `EXPORT`, else
 * the default export, else the one named `server`, `mcp` or `app`, else the only server it
 * exports. A `Server` of this package or an `McpServer` of its drop-in layer. `run` serves
 * stdio by default, `--transport http` Streamable HTTP (`sse` adds the 2024-11-05 HTTP+SSE
 * endpoints) on `--host`/`--port` (default 127.0.0.1:8000).
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { pathToFileURL } = require('node:url');

const JAVASCRIPT = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];
const DEFAULT_NAMES = ['default', 'server', 'mcp', 'app'];
const TRANSPORTS = ['stdio', 'http', 'streamable-http', 'sse'];

/** What the command line asked cannot be done: said on stderr, exit `status`. */
class CommandError extends Error {
  constructor(message, status = 1) {
    super(message);
    this.status = status;
  }
}

/** `FILE[:EXPORT]`: a colon after the last path separator names the export (not a drive letter). */
function split(target) {
  const at = target.lastIndexOf(':');
  const tail = target.slice(at + 1);
  if (at > 1 && tail && !/[\\/]/.test(tail)) return { file: target.slice(0, at), name: tail };
  return { file: target, name: null };
}

/**
 * What `argv` asks of this module: `{ command, target, transport, host, port }` for `run` of a
 * JavaScript or TypeScript file without `--help`; `null` for the engine's command line.
 */
function plan(argv) {
  const words = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  const [command, ...rest] = words;
  if (command !== 'run' || words.includes('-h') || words.includes('--help')) return null;
  const target = rest.find((w, i) => !w.startsWith('-') && !['-t', '--transport', '--host', '--port'].includes(rest[i - 1]));
  if (!target || !JAVASCRIPT.includes(path.extname(split(target).file))) return null;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { transport: { type: 'string', short: 't' }, host: { type: 'string' }, port: { type: 'string' } },
    });
  } catch (err) {
    throw new CommandError(`${command}: ${err.message}`, 2);
  }
  const { transport = 'stdio', host, port } = parsed.values;
  if (parsed.positionals.length !== 1) {
    throw new CommandError(`${command}: expected one FILE[:EXPORT] (see mcpforge ${command} --help)`, 2);
  }
  if (!TRANSPORTS.includes(transport)) throw new CommandError(`--transport ${transport}: one of ${TRANSPORTS.join(', ')}`, 2);
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new CommandError(`--port ${port}: not a port number`, 2);
  return { command, target, transport, host, port: port === undefined ? undefined : Number(port) };
}

/** The server object `value` holds: a `Server`, or the engine `Server` of an `McpServer`. */
function servable(value) {
  if (value && typeof value.listen === 'function' && typeof value.tool === 'function') return value;
  if (value && value.engine && typeof value.engine.listen === 'function') return value.engine;
  return null;
}

/** Imports `FILE[:EXPORT]` and finds its server (see the module's comment). */
async function loadServer(target) {
  const { file, name } = split(target);
  if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new CommandError(`${file}: no such file`);
  let module;
  try {
    module = await import(pathToFileURL(path.resolve(file)).href);
  } catch (err) {
    const typescript = /\.[mc]?ts$/.test(file) && err && err.code === 'ERR_UNKNOWN_FILE_EXTENSION';
    if (typescript) throw new CommandError(`${file}: TypeScript needs Node.js 22.6 or later (type stripping)`);
    throw err;
  }
  if (name !== null) {
    const found = servable(module[name]);
    if (!found) throw new CommandError(`${file}: the export ${JSON.stringify(name)} is not a server`);
    return found;
  }
  for (const key of DEFAULT_NAMES) {
    const found = servable(module[key]);
    if (found) return found;
  }
  const all = [...new Set(Object.values(module).map(servable).filter(Boolean))];
  if (all.length === 1) return all[0];
  if (all.length === 0) throw new CommandError(`${file}: no server exported (name it: ${file}:EXPORT)`);
  throw new CommandError(`${file}: several servers; name the one to serve: ${file}:EXPORT`);
}

/** Serves what `plan` returned; resolves to the exit status once the server stops. */
async function serveFile({ target, transport, host, port }) {
  const server = await loadServer(target);
  if (transport === 'stdio') {
    if (host !== undefined || port !== undefined) {
      throw new CommandError('--host and --port are for the http and sse transports', 2);
    }
    await server.listen();
    return 0;
  }
  const http = { host: host ?? '127.0.0.1', port: port ?? 8000 };
  if (transport === 'sse') http.legacySse = true;
  await server.listen({ http });
  return 0;
}

module.exports = { plan, serveFile, loadServer, split };
