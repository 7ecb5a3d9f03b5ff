/**
 * Sends one plain-text e-mail to an SMTP relay (RFC 5321: EHLO, MAIL, RCPT, DATA, QUIT) over
 * a plain TCP connection, for business_server.mjs's `send_email`.
 *
 * Written on `node:net` rather than a mail library: the examples depend only on mcpforge
 * (and zod), and a relay on the local network needs no TLS or authentication. A relay that
 * needs them calls for a full client such as nodemailer.
 *
 * The caller checks the addresses and the subject (no CR/LF or other control characters);
 * here the body's lines are normalised to CRLF and dot-stuffed, a non-ASCII subject is
 * encoded (RFC 2047), each reply is bounded in size, and the whole conversation has a timeout.
 */
import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';

const MAX_REPLY_BYTES = 64 * 1024;

/** `text` as a header value: itself when ASCII, else an RFC 2047 encoded word. */
const encodeHeader = (text) =>
  /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

/** The message: headers, a blank line, the body with CRLF line ends and dot-stuffing. */
function message({ from, to, subject, body, messageId }) {
  const headers = [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${encodeHeader(subject)}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  const lines = body.replace(/\r\n|\r/g, '\n').split('\n').map((line) => (line.startsWith('.') ? `.${line}` : line));
  return `${headers.join('\r\n')}\r\n\r\n${lines.join('\r\n')}\r\n.\r\n`;
}

/**
 * Sends `body` from `from` to `to` through `host`:`port`; resolves `{ messageId }` once the
 * relay queued it, rejects with the relay's reply (or the network error, or the timeout).
 */
export function sendMail({ host, port, from, to, subject, body, timeoutMs = 10_000 }) {
  const messageId = `<${randomUUID()}@${from.split('@').pop()}>`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let buffer = '';
    let waiting = null; // { expect, resolve } for the reply being read
    const fail = (error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`the SMTP server did not answer within ${timeoutMs} ms`)));
    socket.on('error', fail);
    socket.on('close', () => waiting && fail(new Error('the SMTP server closed the connection')));
    socket.on('data', (data) => {
      buffer += data.toString('utf8');
      if (buffer.length > MAX_REPLY_BYTES) return fail(new Error('the SMTP server sent an oversized reply'));
      // A reply is complete at its last line: "NNN text" (continuation lines are "NNN-text").
      const match = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buffer) ?? /^(\d{3})(?: [^\r\n]*)?\r\n$/.exec(buffer);
      if (!match || !waiting) return;
      const reply = buffer.trimEnd();
      buffer = '';
      const { expect, resolve: next } = waiting;
      waiting = null;
      if (!expect.includes(Number(match[1]))) return fail(new Error(`the SMTP server answered: ${reply.slice(0, 300)}`));
      next();
    });
    /** Sends `line` (when given) and waits for a reply whose code is in `expect`. */
    const step = (line, ...expect) =>
      new Promise((next) => {
        waiting = { expect, resolve: next };
        if (line !== null) socket.write(`${line}\r\n`);
      });
    (async () => {
      await step(null, 220);
      await step('EHLO localhost', 250);
      await step(`MAIL FROM:<${from}>`, 250);
      await step(`RCPT TO:<${to}>`, 250, 251);
      await step('DATA', 354);
      await step(message({ from, to, subject, body, messageId }).slice(0, -2), 250);
      await step('QUIT', 221);
      socket.end();
      resolve({ messageId });
    })().catch(fail);
  });
}
