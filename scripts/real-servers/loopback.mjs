// Loaded with `node --import` into a published server that scripts/real-servers-node.mjs
// starts over HTTP, so the server's files stay as published: a `listen(port)` that names no
// host (every interface) binds 127.0.0.1 instead, and once listening, the port the system
// chose (the driver sets PORT=0) is written to stderr as `real-servers: listening on PORT`.
import net from 'node:net';

const listen = net.Server.prototype.listen;

/** True for `listen(port)` or `listen(port, callback)`: a port and no host. */
function portOnly(args) {
  const port = args[0];
  const isPort = typeof port === 'number' || (typeof port === 'string' && port !== '' && !Number.isNaN(Number(port)));
  return isPort && (args.length === 1 || typeof args[1] === 'function');
}

net.Server.prototype.listen = function loopbackListen(...args) {
  if (portOnly(args)) {
    args.splice(1, 0, '127.0.0.1');
    this.once('listening', () => process.stderr.write(`real-servers: listening on ${this.address().port}\n`));
  }
  return listen.apply(this, args);
};
