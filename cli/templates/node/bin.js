#!/usr/bin/env node
/**
 * The `{{name}}` command: serves the server over stdio, or Streamable HTTP with
 * `--http HOST:PORT`.
 */
import { server } from '../src/server.js';

const at = process.argv.indexOf('--http');
if (at === -1) {
  await server.listen();
} else {
  const [host, port] = (process.argv[at + 1] || '').split(/:(?=\d+$)/);
  await server.listen({ http: { host: host || '127.0.0.1', port: Number(port) } });
}
