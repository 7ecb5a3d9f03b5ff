/**
 * A customers-and-orders server: an assistant registers customers, places orders for them
 * and looks both up, through tools (`create_customer`, `list_customers`, `get_customer`,
 * `place_order`, `list_orders`, `get_order`, `send_email`) and resources
 * (`business://customers`, `business://orders`, `business://customers/{id}`,
 * `business://orders/{id}`).
 *
 * `send_email` sends a plain-text message through the SMTP relay given by `--smtp-host` and
 * `--smtp-port` (smtp.mjs). The recipient and the subject are attacker text bound for the
 * message's headers: a CR, LF or any other control character in them is refused before
 * anything is sent (it would start a header of the sender's choosing, such as `Bcc:`).
 *
 * The store lives in memory; with `--data FILE` it is loaded from FILE at startup (when FILE
 * exists) and written back after every change (to a temporary file renamed over FILE, so a
 * crash never leaves half a file). Writes are synchronous: handlers run one at a time on
 * the JavaScript thread, so the file always holds a state the server answered with.
 *
 * Production hooks (docs/hooks.md) instead of wrappers around each tool: an audit middleware
 * writes one JSON line per tool call to stderr (tool, duration, outcome; never the
 * arguments), the error hook one per unexpected error with its stack (clients read only that
 * the tool failed), a rate limit per client (600 requests a minute, 30 writes a minute), and
 * request metrics per tool (`/metrics` over HTTP). `--read-only` hides the tools that write
 * through the catalogue hook: they are neither listed nor callable.
 *
 *   node business_server.mjs [--data FILE] [--read-only] [--smtp-host HOST] [--smtp-port PORT]
 *                            [--mail-from ADDRESS] [--http HOST:PORT]
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Server, ToolError, resourceNotFound } from 'mcpforge';
import { listenOptions } from './cli.mjs';
import { sendMail } from './smtp.mjs';

const { version } = createRequire(import.meta.url)('mcpforge/package.json');

const USAGE =
  'usage: business_server.mjs [--data FILE] [--read-only] [--smtp-host HOST] [--smtp-port PORT] [--mail-from ADDRESS] [--http HOST:PORT]';

/** A deliberately simple address check: something@domain.tld, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** An address fit for an SMTP envelope and a header: one plain local@domain, nothing to escape. */
const MAILBOX = /^[^\s@,;<>"()[\]\\]+@[^\s@,;<>"()[\]\\]+$/;

/** Control characters (CR and LF among them): never in a header. */
const CONTROL = /[\x00-\x1f\x7f]/;

/** `value` checked to be safe in a header (no control characters, at most `limit` characters). */
function headerText(what, value, limit) {
  if (CONTROL.test(value)) throw new ToolError(`The ${what} must not contain line breaks or control characters`);
  if (value.length > limit) throw new ToolError(`The ${what} is longer than ${limit} characters`);
  return value;
}

/** Rounds to cents (amounts are currency units with two decimals). */
const cents = (x) => Math.round(x * 100) / 100;

/** Customers and orders, in memory, optionally persisted to a JSON file. */
class BusinessStore {
  customers = new Map();
  orders = new Map();
  #file;

  /** Loads `file` when given and present; a file that does not parse stops the server. */
  constructor(file) {
    this.#file = file;
    if (!file || !existsSync(file)) return;
    const data = JSON.parse(readFileSync(file, 'utf8'));
    BusinessStore.#load(this.customers, data.customers, 'customer');
    BusinessStore.#load(this.orders, data.orders, 'order');
  }

  /** Fills `map` from a stored array of records, each with a positive integer `id`. */
  static #load(map, records = [], kind) {
    if (!Array.isArray(records)) throw new Error(`the ${kind}s are not an array`);
    for (const r of records) {
      if (!Number.isInteger(r?.id) || r.id < 1) throw new Error(`a ${kind} has no positive integer id`);
      map.set(r.id, r);
    }
  }

  /** The next free id of `map` (ids are positive integers, never reused while stored). */
  static #nextId(map) {
    let max = 0;
    for (const id of map.keys()) max = Math.max(max, id);
    return max + 1;
  }

  /** Writes the store to its file, if it has one. */
  #save() {
    if (!this.#file) return;
    const data = { customers: [...this.customers.values()], orders: [...this.orders.values()] };
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
    renameSync(tmp, this.#file);
  }

  /** The customer `id`, or a tool error naming it. */
  customer(id) {
    const c = this.customers.get(id);
    if (!c) throw new ToolError(`Unknown customer: ${id}`);
    return c;
  }

  /** The order `id`, or a tool error naming it. */
  order(id) {
    const o = this.orders.get(id);
    if (!o) throw new ToolError(`Unknown order: ${id}`);
    return o;
  }

  /** Adds a customer after checking the name and the email (unique, case-insensitive). */
  addCustomer(name, email) {
    const trimmedName = name.trim();
    const trimmedEmail = email.trim();
    if (!trimmedName) throw new ToolError('The name must not be blank');
    if (!EMAIL.test(trimmedEmail)) throw new ToolError(`Invalid email address: ${email}`);
    const lower = trimmedEmail.toLowerCase();
    const taken = [...this.customers.values()].find((c) => c.email.toLowerCase() === lower);
    if (taken) throw new ToolError(`A customer with email ${trimmedEmail} already exists (id ${taken.id})`);
    const id = BusinessStore.#nextId(this.customers);
    const customer = { id, name: trimmedName, email: trimmedEmail, created_at: new Date().toISOString() };
    this.customers.set(id, customer);
    this.#save();
    return customer;
  }

  /** Places an order for an existing customer: `items` (the amount is their total) or `amount`. */
  addOrder(customerId, items, amount) {
    this.customer(customerId);
    if ((items === undefined) === (amount === undefined)) {
      throw new ToolError('Give either items or amount (exactly one of them)');
    }
    const lines = (items ?? []).map((i) => ({ ...i, name: i.name.trim() }));
    if (lines.some((i) => !i.name)) throw new ToolError('Every item needs a name');
    const total = cents(items ? lines.reduce((sum, i) => sum + i.quantity * i.unit_price, 0) : amount);
    if (!(total > 0)) throw new ToolError(`The amount must be positive (got ${total})`);
    const id = BusinessStore.#nextId(this.orders);
    const order = { id, customer_id: customerId, items: lines, amount: total, created_at: new Date().toISOString() };
    this.orders.set(id, order);
    this.#save();
    return order;
  }

  /** The orders, oldest first; only those of `customerId` when given (which must exist). */
  listOrders(customerId) {
    if (customerId !== undefined) this.customer(customerId);
    return [...this.orders.values()].filter((o) => customerId === undefined || o.customer_id === customerId);
  }
}

/** Reads the command line: `{ data, readOnly, listen }`, or exits with the usage. */
function commandLine() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        data: { type: 'string' },
        'read-only': { type: 'boolean' },
        'smtp-host': { type: 'string' },
        'smtp-port': { type: 'string', default: '25' },
        'mail-from': { type: 'string', default: 'business@localhost' },
        http: { type: 'string' },
      },
    }));
  } catch (e) {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const smtpPort = Number(values['smtp-port']);
  if (!Number.isInteger(smtpPort) || smtpPort < 1 || smtpPort > 65535 || !MAILBOX.test(values['mail-from'])) {
    process.stderr.write(`--smtp-port must be a port and --mail-from an address\n${USAGE}\n`);
    process.exit(2);
  }
  const listen = listenOptions(values.http === undefined ? [] : ['--http', values.http]);
  if (listen.http) listen.http.metrics = true;
  const mail = { host: values['smtp-host'], port: smtpPort, from: values['mail-from'] };
  return { data: values.data, readOnly: values['read-only'] === true, mail, listen };
}

/** The tools that change something: hidden with `--read-only`, limited to 30 calls a minute. */
const WRITES = ['create_customer', 'place_order', 'send_email'];

/** One JSON line on stderr (the log of this server). */
const logLine = (entry) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);

const CUSTOMER_ID = { type: 'integer', minimum: 1, description: 'The customer id.' };
const ORDER_ID = { type: 'integer', minimum: 1, description: 'The order id.' };
const TIMESTAMP = { type: 'string', description: 'When it was created (RFC 3339, UTC).' };

const CUSTOMER = {
  type: 'object',
  properties: { id: CUSTOMER_ID, name: { type: 'string' }, email: { type: 'string' }, created_at: TIMESTAMP },
  required: ['id', 'name', 'email', 'created_at'],
  additionalProperties: false,
};

const ITEM = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, description: 'What is ordered.' },
    quantity: { type: 'integer', minimum: 1, description: 'How many.' },
    unit_price: { type: 'number', exclusiveMinimum: 0, description: 'Price of one, in currency units.' },
  },
  required: ['name', 'quantity', 'unit_price'],
  additionalProperties: false,
};

const ORDER = {
  type: 'object',
  properties: {
    id: ORDER_ID,
    customer_id: CUSTOMER_ID,
    items: { type: 'array', items: ITEM },
    amount: { type: 'number', description: 'The total, in currency units.' },
    created_at: TIMESTAMP,
  },
  required: ['id', 'customer_id', 'items', 'amount', 'created_at'],
  additionalProperties: false,
};

/** An input schema with the given properties, all of `required` needed, nothing else allowed. */
const input = (properties, required = []) => ({ type: 'object', properties, required, additionalProperties: false });

const READ_ONLY = { readOnlyHint: true };

const options = commandLine();
let store;
try {
  store = new BusinessStore(options.data);
} catch (e) {
  process.stderr.write(`business_server: cannot load ${options.data}: ${e.message}\n`);
  process.exit(1);
}

const server = new Server({
  name: 'mcpforge-business',
  version,
  instructions:
    'Customers and their orders. Create a customer before placing orders for it; amounts are in currency units.',
  metrics: true,
  maskErrorDetails: true,
  rateLimits: {
    perClient: { requests: 600, perMs: 60_000 },
    tools: Object.fromEntries(WRITES.map((name) => [name, { requests: 30, perMs: 60_000 }])),
  },
  // The error hook replaces the default stderr report with one JSON line carrying the stack.
  logger: { error() {} },
  onError: (error, { kind, name }) => logLine({ level: 'error', message: 'unexpected error', kind, name, stack: error?.stack }),
});

// Audit: one line per tool call, whatever its outcome.
server.use(async (context, next) => {
  if (context.method !== 'tools/call') return next();
  const started = performance.now();
  let ok = false;
  try {
    const result = await next();
    ok = !result.isError;
    return result;
  } finally {
    logLine({ level: 'info', message: 'tool call', tool: context.name, ms: Math.round((performance.now() - started) * 1000) / 1000, ok });
  }
});

/** The names of the tools registered below, for the read-only catalogue. */
const toolNames = [];
const tool = (name, ...rest) => {
  toolNames.push(name);
  return server.tool(name, ...rest);
};

if (options.readOnly) {
  server.catalogue((_context, kind) => (kind === 'tools' ? toolNames.filter((name) => !WRITES.includes(name)) : null));
}

tool(
  'create_customer',
  {
    description: 'Register a new customer (the email must be valid and not used by another customer)',
    inputSchema: input(
      {
        name: { type: 'string', minLength: 1, description: 'Full name.' },
        email: { type: 'string', description: 'Email address, e.g. ada@example.com.' },
      },
      ['name', 'email'],
    ),
    outputSchema: CUSTOMER,
  },
  ({ name, email }) => store.addCustomer(name, email),
);

tool(
  'list_customers',
  { description: 'All customers, oldest first', inputSchema: input({}), annotations: READ_ONLY },
  () => ({ customers: [...store.customers.values()] }),
);

tool(
  'get_customer',
  {
    description: 'One customer by id',
    inputSchema: input({ customer_id: CUSTOMER_ID }, ['customer_id']),
    outputSchema: CUSTOMER,
    annotations: READ_ONLY,
  },
  ({ customer_id }) => store.customer(customer_id),
);

tool(
  'place_order',
  {
    description:
      'Place an order for an existing customer: either `items` (the amount is their total) or a positive `amount`',
    inputSchema: input(
      {
        customer_id: CUSTOMER_ID,
        items: { type: 'array', items: ITEM, minItems: 1, description: 'The order lines.' },
        amount: { type: 'number', exclusiveMinimum: 0, description: 'The total, when there are no items.' },
      },
      ['customer_id'],
    ),
    outputSchema: ORDER,
  },
  ({ customer_id, items, amount }) => store.addOrder(customer_id, items, amount),
);

tool(
  'list_orders',
  {
    description: 'All orders, oldest first, or those of one customer',
    inputSchema: input({ customer_id: { ...CUSTOMER_ID, description: 'Only the orders of this customer.' } }),
    annotations: READ_ONLY,
  },
  ({ customer_id }) => ({ orders: store.listOrders(customer_id) }),
);

tool(
  'get_order',
  {
    description: 'One order by id',
    inputSchema: input({ order_id: ORDER_ID }, ['order_id']),
    outputSchema: ORDER,
    annotations: READ_ONLY,
  },
  ({ order_id }) => store.order(order_id),
);

tool(
  'send_email',
  {
    description: 'Send a plain-text e-mail through the configured SMTP server',
    inputSchema: input(
      {
        to: { type: 'string', description: "The recipient's address." },
        subject: { type: 'string', minLength: 1, description: 'One line.' },
        body: { type: 'string', maxLength: 100_000, description: 'The message, plain text.' },
      },
      ['to', 'subject', 'body'],
    ),
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
  },
  async ({ to, subject, body }) => {
    const { host, port, from } = options.mail;
    if (!host) throw new ToolError('No SMTP server is configured (--smtp-host)');
    const recipient = headerText('recipient', to.trim(), 254);
    if (!EMAIL.test(recipient) || !MAILBOX.test(recipient)) throw new ToolError(`Invalid recipient address: ${recipient}`);
    headerText('subject', subject, 200);
    try {
      const { messageId } = await sendMail({ host, port, from, to: recipient, subject, body });
      return { sent: true, to: recipient, subject, message_id: messageId };
    } catch (e) {
      throw new ToolError(`Sending failed: ${e.message}`);
    }
  },
);

const JSON_TYPE = { mimeType: 'application/json' };
const asJson = (value) => JSON.stringify(value, null, 2);

server.resource('customers', 'business://customers', { ...JSON_TYPE, description: 'Every customer' }, () =>
  asJson([...store.customers.values()]),
);

server.resource('orders', 'business://orders', { ...JSON_TYPE, description: 'Every order' }, () =>
  asJson([...store.orders.values()]),
);

/** Registers `business://{kind}/{id}` reading `find(id)`, and completion of its `id` from `ids()`. */
function recordTemplate(kind, description, find, ids) {
  const uriTemplate = `business://${kind}/{id}`;
  server.resourceTemplate(kind.replace(/s$/, ''), uriTemplate, { ...JSON_TYPE, description }, (uri, { id }) => {
    const record = /^[1-9]\d*$/.test(id) ? find(Number(id)) : undefined;
    if (!record) throw resourceNotFound(uri.href);
    return asJson(record);
  });
  server.completion({ type: 'ref/resource', uri: uriTemplate }, ({ argument }) =>
    [...ids()].map(String).filter((id) => id.startsWith(argument.value)),
  );
}

recordTemplate(
  'customers',
  'One customer with its orders',
  (id) => {
    const customer = store.customers.get(id);
    return customer && { ...customer, orders: store.listOrders(id) };
  },
  () => store.customers.keys(),
);

recordTemplate('orders', 'One order', (id) => store.orders.get(id), () => store.orders.keys());

await server.listen(options.listen);
