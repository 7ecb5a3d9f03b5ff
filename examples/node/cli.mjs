/**
 * Command-line handling shared by the Node example servers: `--http HOST:PORT` serves
 * Streamable HTTP at /mcp, no arguments serves stdio (as the Rust examples' cli.rs).
 */

const USAGE = 'usage: [--http HOST:PORT]  (no arguments: serve stdio)';

/**
 * Reads the command line: `{ http: { host, port } }`, `{}` for stdio, or exits with the usage.
 * @returns {{ http?: { host: string, port: number } }}
 */
export function listenOptions(argv = process.argv.slice(2)) {
  if (argv.length === 0) return {};
  const m = argv.length === 2 && argv[0] === '--http' ? /^\[?([^\]]*)\]?:(\d+)$/.exec(argv[1]) : null;
  if (!m || Number(m[2]) > 65535) {
    process.stderr.write(`${argv.length === 2 ? `--http ${argv[1]}: expected HOST:PORT, e.g. 127.0.0.1:3000\n` : ''}${USAGE}\n`);
    process.exit(2);
  }
  return { http: { host: m[1], port: Number(m[2]) } };
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
