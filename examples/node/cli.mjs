/**
 * Command-line handling shared by the Node example servers: `--http HOST:PORT` serves
 * Streamable HTTP at /mcp, and `--auth JSON` after it checks bearer tokens as the HTTP
 * options' `auth` member says (docs/auth.md); no arguments serves stdio (as the Rust
 * examples' cli.rs).
 */

const USAGE = 'usage: [--http HOST:PORT [--auth JSON]]  (no arguments: serve stdio)';

/** Exits with `message` (if any) and the usage. */
function usage(message) {
  process.stderr.write(`${message ? `${message}\n` : ''}${USAGE}\n`);
  process.exit(2);
}

/**
 * Reads the command line: `{ http: { host, port, auth? } }`, `{}` for stdio, or exits with
 * the usage.
 * @returns {{ http?: { host: string, port: number, auth?: object } }}
 */
export function listenOptions(argv = process.argv.slice(2)) {
  if (argv.length === 0) return {};
  const withAuth = argv.length === 4 && argv[2] === '--auth';
  if (argv[0] !== '--http' || (argv.length !== 2 && !withAuth)) usage();
  const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(argv[1]);
  if (!m || Number(m[2]) > 65535) usage(`--http ${argv[1]}: expected HOST:PORT, e.g. 127.0.0.1:3000`);
  const http = { host: m[1], port: Number(m[2]) };
  if (withAuth) {
    try {
      http.auth = JSON.parse(argv[3]);
    } catch (err) {
      usage(`--auth: not JSON: ${err.message}`);
    }
  }
  return { http };
}

/**
 * Serves `server` as the command line says (over HTTP the server says its URL on stderr).
 * `http` holds more HTTP options (e.g. `{ websocket: true }`), used when serving HTTP.
 */
export async function serve(server, http = {}) {
  const options = listenOptions();
  if (options.http) Object.assign(options.http, http);
  await server.listen(options);
}
