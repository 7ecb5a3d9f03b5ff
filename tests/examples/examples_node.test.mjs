/**
 * End to end: the official TypeScript SDK client drives the Node example servers
 * examples/node/business_server.mjs and examples/node/users_server.mjs (run from this scratch
 * project, where the packed `mcpforge` and zod are installed) over stdio and over Streamable
 * HTTP: every tool with good and bad input, the resources, the prompt and its completions,
 * the business server's JSON file, its `send_email` against an SMTP sink the test serves, and
 * its command-line errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const BUSINESS = fileURLToPath(new URL('./examples/business_server.mjs', import.meta.url));
const USERS = fileURLToPath(new URL('./examples/users_server.mjs', import.meta.url));
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const WAIT_MS = 20_000;

/** Rejects after `ms` unless `promise` settles first (the timer never keeps the process alive). */
function within(promise, ms, what) {
  const late = delay(ms, undefined, { ref: false }).then(() => {
    throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  });
  return Promise.race([promise, late]);
}

/** Starts `script args` as a child with stderr piped: `{ child, exited, stderr() }`. */
function start(script, args) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

/** Kills `child` if it still runs. */
function stop(child) {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * Runs `exercise(client, stderr)` against `script args` over stdio (`stderr()` is what the
 * server wrote there so far); the server stops when the client closes.
 */
async function overStdio(script, args, exercise) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [script, ...args], stderr: 'pipe' });
  let stderr = '';
  transport.stderr.on('data', (d) => {
    stderr += d;
  });
  const client = new Client({ name: 'e2e-node-examples', version: '1.0.0' });
  try {
    await within(client.connect(transport), WAIT_MS, `connect to ${script} over stdio`);
  } catch (e) {
    await transport.close();
    throw new Error(`${e.message}; server stderr: ${stderr}`);
  }
  try {
    await exercise(client, () => stderr);
  } finally {
    await within(client.close(), WAIT_MS, 'the stdio client to close');
  }
}

/**
 * Starts `script --http 127.0.0.1:0`, runs `exercise(client)` over Streamable HTTP, then
 * stops the server with SIGTERM and checks it exits cleanly.
 */
async function overHttp(script, exercise) {
  const server = start(script, ['--http', '127.0.0.1:0']);
  try {
    const url = await within(
      new Promise((resolve, reject) => {
        server.child.stderr.on('data', () => {
          const m = /serving MCP on (\S+)/.exec(server.stderr());
          if (m) resolve(m[1]);
        });
        server.child.on('exit', () => reject(new Error(`${script} exited: ${server.stderr()}`)));
      }),
      WAIT_MS,
      `${script} to listen`,
    );
    const client = new Client({ name: 'e2e-node-examples', version: '1.0.0' });
    await within(client.connect(new StreamableHTTPClientTransport(new URL(url))), WAIT_MS, 'connect over HTTP');
    try {
      await exercise(client);
    } finally {
      await within(client.close(), WAIT_MS, 'the HTTP client to close');
    }
    server.child.kill('SIGTERM');
    const { code } = await within(server.exited, WAIT_MS, `${script} to stop on SIGTERM`);
    assert.equal(code, 0, server.stderr());
  } finally {
    stop(server.child);
  }
}

/** Calls a tool and returns its result. */
const call = (client, name, args) => client.callTool({ name, arguments: args });

/** Asserts `result` is a tool error whose only text is `message`. */
function assertToolError(result, message) {
  assert.equal(result.isError, true, JSON.stringify(result));
  assert.deepEqual(result.content, [{ type: 'text', text: message }]);
}

/** Calls `tool` with each `[args, message]` of `cases` and asserts the tool error `message`. */
async function assertToolErrors(client, tool, cases) {
  for (const [args, message] of cases) assertToolError(await call(client, tool, args), message);
}

/** The start of the engine's message for arguments failing the tool's input schema. */
const invalid = (tool) => `Invalid arguments for tool ${tool}: `;

/** Asserts `result` carries `expected` as structured content and as its JSON text. */
function assertStructured(result, expected) {
  assert.equal(result.isError, undefined, JSON.stringify(result));
  assert.deepEqual(result.structuredContent, expected);
  assert.equal(result.content.length, 1);
  assert.deepEqual(JSON.parse(result.content[0].text), expected);
}

/** The JSON value of a tool's single text block (tools without an output schema). */
function jsonText(result) {
  assert.equal(result.isError, undefined, JSON.stringify(result));
  assert.equal(result.content.length, 1);
  return JSON.parse(result.content[0].text);
}

/** Asserts `promise` rejects with the JSON-RPC error `code` and a message containing `message`. */
async function assertRpcError(promise, code, message) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.includes(message), e.message);
    return true;
  });
}

/** The JSON text of a resource with its URI and MIME type. */
async function readJson(client, uri) {
  const { contents } = await client.readResource({ uri });
  assert.equal(contents.length, 1);
  assert.equal(contents[0].uri, uri);
  assert.equal(contents[0].mimeType, 'application/json');
  return JSON.parse(contents[0].text);
}

/** Creates a customer and checks the answer; returns the customer. */
async function createCustomer(client, name, email, id) {
  const result = await call(client, 'create_customer', { name, email });
  const customer = result.structuredContent;
  assert.match(customer?.created_at ?? '', RFC3339, JSON.stringify(result));
  assertStructured(result, { id, name: name.trim(), email: email.trim(), created_at: customer.created_at });
  return customer;
}

/** Places an order and checks the answer; returns the order. */
async function placeOrder(client, args, expected) {
  const result = await call(client, 'place_order', args);
  const order = result.structuredContent;
  assert.match(order?.created_at ?? '', RFC3339, JSON.stringify(result));
  assertStructured(result, { ...expected, created_at: order.created_at });
  return order;
}

/** Everything the business server does, against an empty store. */
async function exerciseBusiness(client) {
  assert.equal(client.getServerVersion().name, 'mcpforge-business');
  const { tools } = await client.listTools();
  assert.deepEqual(
    tools.map((t) => t.name),
    ['create_customer', 'list_customers', 'get_customer', 'place_order', 'list_orders', 'get_order', 'send_email'],
  );
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  for (const name of ['create_customer', 'get_customer', 'place_order', 'get_order']) {
    assert.equal(byName[name].outputSchema.type, 'object', name);
  }
  assert.deepEqual(byName.create_customer.inputSchema.required, ['name', 'email']);
  assert.equal(byName.list_orders.annotations.readOnlyHint, true);

  assert.deepEqual(jsonText(await call(client, 'list_customers', {})), { customers: [] });
  const ada = await createCustomer(client, 'Ada Lovelace', 'ada@example.com', 1);
  const bob = await createCustomer(client, ' Bob Stone ', 'bob@example.org', 2);
  await assertToolErrors(client, 'create_customer', [
    [{ name: 'Eve', email: 'not-an-email' }, 'Invalid email address: not-an-email'],
    [{ name: 'Eve', email: 'eve@localhost' }, 'Invalid email address: eve@localhost'],
    [{ name: 'Ada again', email: 'ADA@example.com' }, 'A customer with email ADA@example.com already exists (id 1)'],
    [{ name: '   ', email: 'x@example.com' }, 'The name must not be blank'],
    [{ name: 'Eve' }, `${invalid('create_customer')}"email" is a required property`],
  ]);
  assert.deepEqual(jsonText(await call(client, 'list_customers', {})), { customers: [ada, bob] });
  assertStructured(await call(client, 'get_customer', { customer_id: 2 }), bob);
  assertToolError(await call(client, 'get_customer', { customer_id: 3 }), 'Unknown customer: 3');

  const lines = [
    { name: 'Widget', quantity: 3, unit_price: 2.5 },
    { name: 'Gadget', quantity: 1, unit_price: 0.1 },
  ];
  const first = await placeOrder(
    client,
    { customer_id: 1, items: lines },
    { id: 1, customer_id: 1, items: lines, amount: 7.6 },
  );
  const second = await placeOrder(
    client,
    { customer_id: 2, amount: 120 },
    { id: 2, customer_id: 2, items: [], amount: 120 },
  );
  const exactlyOne = 'Give either items or amount (exactly one of them)';
  await assertToolErrors(client, 'place_order', [
    [{ customer_id: 1, amount: -5 }, `${invalid('place_order')}/amount: -5 is less than or equal to the minimum of 0`],
    [{ customer_id: 1, amount: 0 }, `${invalid('place_order')}/amount: 0 is less than or equal to the minimum of 0`],
    [{ customer_id: 99, amount: 5 }, 'Unknown customer: 99'],
    [{ customer_id: 1 }, exactlyOne],
    [{ customer_id: 1, items: lines, amount: 7.6 }, exactlyOne],
    [
      { customer_id: 1, items: [{ name: 'Dust', quantity: 1, unit_price: 0.001 }] },
      'The amount must be positive (got 0)',
    ],
    [
      { customer_id: 1, items: [{ name: 'Nothing', quantity: 0, unit_price: 1 }] },
      `${invalid('place_order')}/items/0/quantity: 0 is less than the minimum of 1`,
    ],
  ]);

  assert.deepEqual(jsonText(await call(client, 'list_orders', {})), { orders: [first, second] });
  assert.deepEqual(jsonText(await call(client, 'list_orders', { customer_id: 2 })), { orders: [second] });
  assertToolError(await call(client, 'list_orders', { customer_id: 5 }), 'Unknown customer: 5');
  assertStructured(await call(client, 'get_order', { order_id: 1 }), first);
  assertToolError(await call(client, 'get_order', { order_id: 9 }), 'Unknown order: 9');

  const { resources } = await client.listResources();
  assert.deepEqual(
    resources.map((r) => r.uri),
    ['business://customers', 'business://orders'],
  );
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.deepEqual(
    resourceTemplates.map((t) => t.uriTemplate),
    ['business://customers/{id}', 'business://orders/{id}'],
  );
  assert.deepEqual(await readJson(client, 'business://customers'), [ada, bob]);
  assert.deepEqual(await readJson(client, 'business://orders'), [first, second]);
  assert.deepEqual(await readJson(client, 'business://customers/1'), { ...ada, orders: [first] });
  assert.deepEqual(await readJson(client, 'business://orders/2'), second);
  for (const uri of ['business://customers/3', 'business://customers/abc', 'business://orders/0']) {
    await assertRpcError(client.readResource({ uri }), -32002, `Resource not found: ${uri}`);
  }
  const completeId = (uri, value) =>
    client.complete({ ref: { type: 'ref/resource', uri }, argument: { name: 'id', value } });
  assert.deepEqual((await completeId('business://customers/{id}', '')).completion.values, ['1', '2']);
  assert.deepEqual((await completeId('business://orders/{id}', '2')).completion.values, ['2']);
  assert.deepEqual((await completeId('business://orders/{id}', '7')).completion.values, []);
}

test('business_server over stdio', async () => {
  await overStdio(BUSINESS, [], exerciseBusiness);
});

test('business_server over Streamable HTTP', async () => {
  await overHttp(BUSINESS, exerciseBusiness);
});

test('business_server --read-only hides the writing tools; every tool call is audited', async () => {
  await overStdio(BUSINESS, ['--read-only'], async (client, stderr) => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ['list_customers', 'get_customer', 'list_orders', 'get_order']);
    await assert.rejects(
      call(client, 'create_customer', { name: 'Ada Lovelace', email: 'ada@example.com' }),
      /Unknown tool: create_customer/,
    );
    assert.deepEqual(jsonText(await call(client, 'list_customers', {})), { customers: [] });
    assert.equal((await call(client, 'get_customer', { customer_id: 9 })).isError, true);
    const audit = await within(
      (async () => {
        for (;;) {
          const lines = stderr()
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l))
            .filter((e) => e.message === 'tool call');
          if (lines.length >= 3) return lines;
          await delay(20);
        }
      })(),
      WAIT_MS,
      'the audit lines',
    );
    // The refused call of a hidden tool is audited too: the middleware wraps every request.
    assert.deepEqual(
      audit.map((e) => [e.tool, e.ok]),
      [
        ['create_customer', false],
        ['list_customers', true],
        ['get_customer', false],
      ],
    );
    assert.ok(audit.every((e) => RFC3339.test(e.time) && e.ms >= 0));
  });
});

test('business_server keeps its store in the --data file across restarts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcpforge-business-'));
  const file = join(dir, 'store.json');
  try {
    let ada;
    let order;
    await overStdio(BUSINESS, ['--data', file], async (client) => {
      ada = await createCustomer(client, 'Ada Lovelace', 'ada@example.com', 1);
      order = await placeOrder(
        client,
        { customer_id: 1, amount: 42.5 },
        { id: 1, customer_id: 1, items: [], amount: 42.5 },
      );
    });
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { customers: [ada], orders: [order] });
    await overStdio(BUSINESS, ['--data', file], async (client) => {
      assert.deepEqual(jsonText(await call(client, 'list_customers', {})), { customers: [ada] });
      assertStructured(await call(client, 'get_order', { order_id: 1 }), order);
      const bob = await createCustomer(client, 'Bob Stone', 'bob@example.org', 2);
      assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { customers: [ada, bob], orders: [order] });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * An SMTP sink on 127.0.0.1 (just enough of RFC 5321 for one client): every command is
 * accepted and each message (envelope and data, dot-stuffing undone) kept in `messages`.
 */
async function smtpSink() {
  const messages = [];
  const server = createServer((socket) => {
    let buffer = '';
    let envelope = { from: null, to: [] };
    let data = null; // the lines of the message while in DATA
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data !== null) {
          if (line === '.') {
            messages.push({ ...envelope, data: data.join('\n') });
            data = null;
            socket.write('250 queued\r\n');
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-sink\r\n250 8BITMIME\r\n');
        else if (verb === 'DATA') {
          data = [];
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else {
          if (verb === 'MAIL') envelope = { from: /<(.*)>/.exec(line)[1], to: [] };
          if (verb === 'RCPT') envelope.to.push(/<(.*)>/.exec(line)[1]);
          socket.write('250 ok\r\n');
        }
      }
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, messages, close: () => new Promise((resolve) => server.close(resolve)) };
}

test('business_server send_email goes through the SMTP server; header injection is refused', async () => {
  const sink = await smtpSink();
  try {
    const args = ['--smtp-host', '127.0.0.1', '--smtp-port', String(sink.port), '--mail-from', 'shop@example.com'];
    await overStdio(BUSINESS, args, async (client) => {
      const sent = jsonText(
        await call(client, 'send_email', { to: 'ada@example.com', subject: 'Your order: café', body: 'Thanks!\n.\nAda' }),
      );
      assert.equal(sent.sent, true);
      assert.equal(sent.to, 'ada@example.com');
      assert.match(sent.message_id, /^<[0-9a-f-]{36}@example\.com>$/);
      await assertToolErrors(client, 'send_email', [
        [
          { to: 'ada@example.com\r\nBcc: eve@example.com', subject: 'x', body: 'x' },
          'The recipient must not contain line breaks or control characters',
        ],
        [{ to: 'ada@example.com', subject: 'Hi\nBcc: eve@example.com', body: 'x' }, 'The subject must not contain line breaks or control characters'],
        [{ to: 'ada@example.com, eve@example.com', subject: 'x', body: 'x' }, 'Invalid recipient address: ada@example.com, eve@example.com'],
        [{ to: 'ada@example.com', subject: 'x'.repeat(201), body: 'x' }, 'The subject is longer than 200 characters'],
      ]);
    });
    assert.equal(sink.messages.length, 1); // the refused ones never reached the SMTP server
    const [mail] = sink.messages;
    assert.equal(mail.from, 'shop@example.com');
    assert.deepEqual(mail.to, ['ada@example.com']);
    const [head, body] = mail.data.split('\n\n');
    const headers = Object.fromEntries(head.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
    assert.equal(headers.To, 'ada@example.com');
    assert.equal(headers.Subject, `=?UTF-8?B?${Buffer.from('Your order: café').toString('base64')}?=`);
    assert.equal(headers.Bcc, undefined);
    assert.equal(body, 'Thanks!\n.\nAda');
  } finally {
    await sink.close();
  }
  await overStdio(BUSINESS, [], async (client) => {
    assertToolError(await call(client, 'send_email', { to: 'a@example.com', subject: 's', body: 'b' }), 'No SMTP server is configured (--smtp-host)');
  });
});

test('business_server refuses a broken --data file and a bad command line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcpforge-business-'));
  try {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"customers": {}}');
    const cases = [
      {
        args: ['--data', file],
        code: 1,
        message: `business_server: cannot load ${file}: the customers are not an array`,
      },
      { args: ['--bogus'], code: 2, message: 'usage: business_server.mjs [--data FILE] [--read-only] [--smtp-host HOST]' },
      { args: ['--smtp-port', 'x'], code: 2, message: '--smtp-port must be a port and --mail-from an address' },
      { args: ['--mail-from', 'a@b.c\r\nBcc: e@f.g'], code: 2, message: '--smtp-port must be a port and --mail-from an address' },
      { args: ['--http', 'nowhere'], code: 2, message: '--http nowhere: expected HOST:PORT, e.g. 127.0.0.1:3000' },
    ];
    for (const { args, code, message } of cases) {
      const server = start(BUSINESS, args);
      try {
        const exit = await within(server.exited, WAIT_MS, `business_server ${args.join(' ')} to exit`);
        assert.equal(exit.code, code, server.stderr());
        assert.ok(server.stderr().includes(message), server.stderr());
      } finally {
        stop(server.child);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

const ALICE = { id: 1, name: 'Alice Martin', email: 'alice@example.com', role: 'admin' };
const BRUNO = { id: 2, name: 'Bruno Costa', email: 'bruno@example.org', role: 'editor' };
const CHEN = { id: 3, name: 'Chen Wei', email: 'chen@example.com', role: 'viewer' };
const KEYBOARD = { id: 1, name: 'Mechanical keyboard', category: 'peripherals', price: 89.9, stock: 12 };
const HUB = { id: 2, name: 'USB-C hub', category: 'peripherals', price: 34.5, stock: 40 };
const MONITOR = { id: 3, name: '27" monitor', category: 'displays', price: 249, stock: 5 };
const LAMP = { id: 4, name: 'Desk lamp', category: 'office', price: 19.99, stock: 0 };
const ORDERS = [
  { id: 1, user_id: 2, product_id: 1, quantity: 1, total: 89.9 },
  { id: 2, user_id: 3, product_id: 2, quantity: 2, total: 69 },
];

/** The users server's tools, against its sample data. */
async function exerciseUserTools(client) {
  assert.equal(client.getServerVersion().name, 'mcpforge-users');
  const { tools } = await client.listTools();
  assert.deepEqual(
    tools.map((t) => t.name),
    [
      'list_users',
      'get_user',
      'create_user',
      'update_user',
      'delete_user',
      'list_products',
      'get_product',
      'create_order',
      'list_orders',
    ],
  );
  const create = tools.find((t) => t.name === 'create_user');
  assert.deepEqual(create.inputSchema.properties.role.enum, ['admin', 'editor', 'viewer']);
  assert.equal(create.inputSchema.properties.role.default, 'viewer');
  assert.deepEqual(create.inputSchema.required, ['name', 'email']);
  assert.equal(create.outputSchema.type, 'object');

  assert.deepEqual(jsonText(await call(client, 'list_users', {})), { users: [ALICE, BRUNO, CHEN] });
  assert.deepEqual(jsonText(await call(client, 'list_users', { role: 'editor' })), { users: [BRUNO] });
  const notARole = (role) => `/role: "${role}" is not one of "admin", "editor" or "viewer"`;
  assertToolError(await call(client, 'list_users', { role: 'owner' }), `${invalid('list_users')}${notARole('owner')}`);
  assertStructured(await call(client, 'get_user', { user_id: 2 }), BRUNO);
  assertToolError(await call(client, 'get_user', { user_id: 42 }), 'Unknown user: 42');

  const dana = { id: 4, name: 'Dana Scott', email: 'dana@example.com', role: 'viewer' };
  assertStructured(await call(client, 'create_user', { name: ' Dana Scott ', email: 'dana@example.com' }), dana);
  const erin = { id: 5, name: 'Erin Hale', email: 'erin@example.net', role: 'admin' };
  assertStructured(
    await call(client, 'create_user', { name: 'Erin Hale', email: 'erin@example.net', role: 'admin' }),
    erin,
  );
  await assertToolErrors(client, 'create_user', [
    [{ name: 'Frank', email: 'frank@example.com', role: 'owner' }, `${invalid('create_user')}${notARole('owner')}`],
    [{ name: 'Frank', role: 'editor' }, `${invalid('create_user')}"email" is a required property`],
    [
      { name: '  ', email: 'frank@example.com' },
      `${invalid('create_user')}name: Too small: expected string to have >=1 characters`,
    ],
    [{ name: 'Copy', email: 'ALICE@example.com' }, 'Email ALICE@example.com is already used by user 1'],
  ]);
  // zod's email check is a pattern in the JSON Schema, so the engine names the pattern.
  const badEmail = await call(client, 'create_user', { name: 'Frank', email: 'frank-at-example.com' });
  assert.equal(badEmail.isError, true);
  assert.ok(
    badEmail.content[0].text.startsWith(`${invalid('create_user')}/email: "frank-at-example.com" does not match "^`),
    badEmail.content[0].text,
  );

  const chenEditor = { ...CHEN, name: 'Chen W.', role: 'editor' };
  assertStructured(await call(client, 'update_user', { user_id: 3, name: 'Chen W.', role: 'editor' }), chenEditor);
  await assertToolErrors(client, 'update_user', [
    [{ user_id: 42, role: 'admin' }, 'Unknown user: 42'],
    [{ user_id: 3 }, 'Nothing to update: give name, email or role'],
    [{ user_id: 3, role: 'superuser' }, `${invalid('update_user')}${notARole('superuser')}`],
    [{ user_id: 3, email: 'bruno@example.org' }, 'Email bruno@example.org is already used by user 2'],
  ]);

  assertStructured(await call(client, 'delete_user', { user_id: 4 }), dana);
  assertToolError(await call(client, 'delete_user', { user_id: 4 }), 'Unknown user: 4');
  assertStructured(await call(client, 'delete_user', { user_id: 5 }), erin);
  await assertToolErrors(client, 'delete_user', [
    [{ user_id: 1 }, 'Cannot delete the last admin (user 1)'],
    [{ user_id: 0 }, `${invalid('delete_user')}/user_id: 0 is less than or equal to the minimum of 0`],
  ]);
  assertToolError(
    await call(client, 'update_user', { user_id: 1, role: 'viewer' }),
    'Cannot demote the last admin (user 1)',
  );
  assert.deepEqual(jsonText(await call(client, 'list_users', {})), { users: [ALICE, BRUNO, chenEditor] });

  assert.deepEqual(jsonText(await call(client, 'list_products', {})), { products: [KEYBOARD, HUB, MONITOR, LAMP] });
  assert.deepEqual(
    jsonText(await call(client, 'list_products', { in_stock: true })),
    { products: [KEYBOARD, HUB, MONITOR] },
  );
  assert.deepEqual(jsonText(await call(client, 'list_products', { category: 'office' })), { products: [LAMP] });
  assertStructured(await call(client, 'get_product', { product_id: 3 }), MONITOR);
  assertToolError(await call(client, 'get_product', { product_id: 9 }), 'Unknown product: 9');

  const order = { id: 3, user_id: 2, product_id: 3, quantity: 2, total: 498 };
  assertStructured(await call(client, 'create_order', { user_id: 2, product_id: 3, quantity: 2 }), order);
  assertStructured(await call(client, 'get_product', { product_id: 3 }), { ...MONITOR, stock: 3 });
  await assertToolErrors(client, 'create_order', [
    [{ user_id: 2, product_id: 3, quantity: 4 }, 'Not enough stock for 27" monitor: 3 left, 4 ordered'],
    [{ user_id: 42, product_id: 1 }, 'Unknown user: 42'],
    [{ user_id: 2, product_id: 9 }, 'Unknown product: 9'],
    [{ user_id: 2, product_id: 4 }, 'Not enough stock for Desk lamp: 0 left, 1 ordered'],
    [
      { user_id: 2, product_id: 1, quantity: -1 },
      `${invalid('create_order')}/quantity: -1 is less than or equal to the minimum of 0`,
    ],
  ]);
  const one = { id: 4, user_id: 3, product_id: 2, quantity: 1, total: 34.5 };
  assertStructured(await call(client, 'create_order', { user_id: 3, product_id: 2 }), one);
  assert.deepEqual(jsonText(await call(client, 'list_orders', {})), { orders: [...ORDERS, order, one] });
  assert.deepEqual(jsonText(await call(client, 'list_orders', { user_id: 3 })), { orders: [ORDERS[1], one] });
}

/** The users server's prompt and its completions. */
async function exerciseUserPrompt(client) {
  const { prompts } = await client.listPrompts();
  assert.deepEqual(prompts, [
    {
      name: 'analyze_data',
      title: 'Analyze a dataset',
      description: 'Ask for an analysis of the users, products or orders, optionally focused on one aspect',
      arguments: [
        { name: 'dataset', description: 'users, products or orders.', required: true },
        { name: 'focus', description: 'What to look at, e.g. roles, pricing or revenue.', required: false },
      ],
    },
  ]);
  const prompt = await client.getPrompt({ name: 'analyze_data', arguments: { dataset: 'products', focus: 'pricing' } });
  assert.equal(prompt.messages.length, 1);
  assert.equal(prompt.messages[0].role, 'user');
  const text = prompt.messages[0].content.text;
  const intro = 'Analyze the products dataset, focusing on pricing. Summarize what stands out and suggest one action.';
  assert.ok(text.startsWith(`${intro}\n\n4 records (JSON):\n`), text);
  // exerciseUserTools ordered two monitors and one hub.
  const stocked = [KEYBOARD, { ...HUB, stock: 39 }, { ...MONITOR, stock: 3 }, LAMP];
  assert.deepEqual(JSON.parse(text.slice(text.indexOf('['))), stocked);
  const plain = await client.getPrompt({ name: 'analyze_data', arguments: { dataset: 'orders' } });
  assert.ok(plain.messages[0].content.text.startsWith('Analyze the orders dataset. Summarize'));
  await assertRpcError(
    client.getPrompt({ name: 'analyze_data', arguments: { dataset: 'pets' } }),
    -32602,
    'Unknown dataset: pets (expected users, products, orders)',
  );
  await assertRpcError(
    client.getPrompt({ name: 'analyze_data', arguments: {} }),
    -32602,
    'Missing required arguments for prompt analyze_data: `dataset`',
  );

  const complete = async (name, value, context) =>
    (
      await client.complete({
        ref: { type: 'ref/prompt', name: 'analyze_data' },
        argument: { name, value },
        ...(context ? { context: { arguments: context } } : {}),
      })
    ).completion.values;
  assert.deepEqual(await complete('dataset', ''), ['users', 'products', 'orders']);
  assert.deepEqual(await complete('dataset', 'p'), ['products']);
  assert.deepEqual(await complete('dataset', 'x'), []);
  assert.deepEqual(await complete('focus', '', { dataset: 'orders' }), ['revenue', 'top_products', 'customers']);
  assert.deepEqual(await complete('focus', 'st', { dataset: 'products' }), ['stock']);
  assert.deepEqual(await complete('focus', 'r'), ['roles', 'revenue']);
}

/** Everything the users server does, against its sample data. */
async function exerciseUsers(client) {
  await exerciseUserTools(client);
  await exerciseUserPrompt(client);
}

test('users_server over stdio', async () => {
  await overStdio(USERS, [], exerciseUsers);
});

test('users_server over Streamable HTTP', async () => {
  await overHttp(USERS, exerciseUsers);
});
