/**
 * A users, products and orders server whose schemas are written with zod: user management
 * (`list_users`, `get_user`, `create_user`, `update_user`, `delete_user`, the role an enum
 * of admin/editor/viewer), the product catalogue (`list_products`, `get_product`), orders
 * (`create_order`, which takes the stock, `list_orders`), and the `analyze_data` prompt
 * whose `dataset` and `focus` arguments complete.
 *
 * zod is the application's dependency (`npm install mcpforge zod`): mcpforge converts each
 * schema to JSON Schema through the schema itself (zod 4.2+), so the engine validates the
 * arguments before a handler runs, and zod then parses them (defaults apply). The data is
 * an in-memory sample, reset at every start.
 *
 *   node users_server.mjs [--http HOST:PORT]
 */
import { createRequire } from 'node:module';
import { z } from 'zod';
import { ErrorCode, McpError, Server, ToolError } from 'mcpforge';
import { serve } from './cli.mjs';

const { version } = createRequire(import.meta.url)('mcpforge/package.json');

const ROLES = ['admin', 'editor', 'viewer'];
const DATASETS = ['users', 'products', 'orders'];
/** What `analyze_data` can focus on, per dataset (the `focus` argument completes from these). */
const FOCUS = {
  users: ['roles', 'email_domains', 'activity'],
  products: ['categories', 'pricing', 'stock'],
  orders: ['revenue', 'top_products', 'customers'],
};

const Role = z.enum(ROLES).describe('admin, editor or viewer.');
const UserId = z.number().int().positive().describe('The user id.');
const ProductId = z.number().int().positive().describe('The product id.');
const Name = z.string().trim().min(1).describe('Full name.');
const Email = z.email().describe('Email address.');

const User = z.object({ id: UserId, name: z.string(), email: z.string(), role: Role });
const Product = z.object({
  id: ProductId,
  name: z.string(),
  category: z.string(),
  price: z.number().describe('Price of one, in currency units.'),
  stock: z.number().int().describe('Units in stock.'),
});
const Order = z.object({
  id: z.number().int().positive(),
  user_id: UserId,
  product_id: ProductId,
  quantity: z.number().int().positive(),
  total: z.number().describe('quantity * price at the time of the order.'),
});

/** The sample data: ids are positive integers, never reused. */
const users = new Map(
  [
    { id: 1, name: 'Alice Martin', email: 'alice@example.com', role: 'admin' },
    { id: 2, name: 'Bruno Costa', email: 'bruno@example.org', role: 'editor' },
    { id: 3, name: 'Chen Wei', email: 'chen@example.com', role: 'viewer' },
  ].map((u) => [u.id, u]),
);
const products = new Map(
  [
    { id: 1, name: 'Mechanical keyboard', category: 'peripherals', price: 89.9, stock: 12 },
    { id: 2, name: 'USB-C hub', category: 'peripherals', price: 34.5, stock: 40 },
    { id: 3, name: '27" monitor', category: 'displays', price: 249, stock: 5 },
    { id: 4, name: 'Desk lamp', category: 'office', price: 19.99, stock: 0 },
  ].map((p) => [p.id, p]),
);
const orders = new Map(
  [
    { id: 1, user_id: 2, product_id: 1, quantity: 1, total: 89.9 },
    { id: 2, user_id: 3, product_id: 2, quantity: 2, total: 69 },
  ].map((o) => [o.id, o]),
);
const counters = { user: 3, order: 2 };

/** Rounds to cents. */
const cents = (x) => Math.round(x * 100) / 100;

/** `map.get(id)`, or a tool error saying which `kind` is unknown. */
function find(map, kind, id) {
  const record = map.get(id);
  if (!record) throw new ToolError(`Unknown ${kind}: ${id}`);
  return record;
}

/** Throws when `email` belongs to a user other than `exceptId` (case-insensitive). */
function checkEmailFree(email, exceptId) {
  const lower = email.toLowerCase();
  const owner = [...users.values()].find((u) => u.id !== exceptId && u.email.toLowerCase() === lower);
  if (owner) throw new ToolError(`Email ${email} is already used by user ${owner.id}`);
}

/** Throws when changing `user` away from admin would leave no admin. */
function checkKeepsAnAdmin(user, action) {
  const admins = [...users.values()].filter((u) => u.role === 'admin');
  if (user.role === 'admin' && admins.length === 1) {
    throw new ToolError(`Cannot ${action} the last admin (user ${user.id})`);
  }
}

const READ_ONLY = { readOnlyHint: true };

const server = new Server({
  name: 'mcpforge-users',
  version,
  instructions: 'Users (with roles), a product catalogue and orders. Use analyze_data to study one of them.',
});

server.tool(
  'list_users',
  {
    description: 'All users, or those with one role',
    inputSchema: { role: Role.optional().describe('Only users with this role.') },
    annotations: READ_ONLY,
  },
  ({ role }) => ({ users: [...users.values()].filter((u) => role === undefined || u.role === role) }),
);

server.tool(
  'get_user',
  { description: 'One user by id', inputSchema: { user_id: UserId }, outputSchema: User, annotations: READ_ONLY },
  ({ user_id }) => find(users, 'user', user_id),
);

server.tool(
  'create_user',
  {
    description: 'Create a user (role defaults to viewer; the email must not be in use)',
    inputSchema: { name: Name, email: Email, role: Role.default('viewer') },
    outputSchema: User,
  },
  ({ name, email, role }) => {
    checkEmailFree(email);
    const user = { id: ++counters.user, name, email, role };
    users.set(user.id, user);
    return user;
  },
);

server.tool(
  'update_user',
  {
    description: "Change a user's name, email or role (at least one)",
    inputSchema: { user_id: UserId, name: Name.optional(), email: Email.optional(), role: Role.optional() },
    outputSchema: User,
    annotations: { idempotentHint: true },
  },
  ({ user_id, ...changes }) => {
    const user = find(users, 'user', user_id);
    if (Object.keys(changes).length === 0) throw new ToolError('Nothing to update: give name, email or role');
    if (changes.email !== undefined) checkEmailFree(changes.email, user_id);
    if (changes.role !== undefined && changes.role !== 'admin') checkKeepsAnAdmin(user, 'demote');
    Object.assign(user, changes);
    return user;
  },
);

server.tool(
  'delete_user',
  {
    description: 'Delete a user (their past orders are kept); the last admin cannot be deleted',
    inputSchema: { user_id: UserId },
    outputSchema: User,
    annotations: { destructiveHint: true },
  },
  ({ user_id }) => {
    const user = find(users, 'user', user_id);
    checkKeepsAnAdmin(user, 'delete');
    users.delete(user_id);
    return user;
  },
);

server.tool(
  'list_products',
  {
    description: 'The product catalogue, optionally one category or only what is in stock',
    inputSchema: {
      category: z.string().optional().describe('Only this category.'),
      in_stock: z.boolean().default(false).describe('Only products with stock left.'),
    },
    annotations: READ_ONLY,
  },
  ({ category, in_stock }) => ({
    products: [...products.values()].filter(
      (p) => (category === undefined || p.category === category) && (!in_stock || p.stock > 0),
    ),
  }),
);

server.tool(
  'get_product',
  {
    description: 'One product by id',
    inputSchema: { product_id: ProductId },
    outputSchema: Product,
    annotations: READ_ONLY,
  },
  ({ product_id }) => find(products, 'product', product_id),
);

server.tool(
  'create_order',
  {
    description: 'Order a product for a user: takes the quantity from stock, the total is quantity * price',
    inputSchema: {
      user_id: UserId,
      product_id: ProductId,
      quantity: z.number().int().positive().default(1).describe('How many (default 1).'),
    },
    outputSchema: Order,
  },
  ({ user_id, product_id, quantity }) => {
    find(users, 'user', user_id);
    const product = find(products, 'product', product_id);
    if (product.stock < quantity) {
      throw new ToolError(`Not enough stock for ${product.name}: ${product.stock} left, ${quantity} ordered`);
    }
    product.stock -= quantity;
    const order = { id: ++counters.order, user_id, product_id, quantity, total: cents(quantity * product.price) };
    orders.set(order.id, order);
    return order;
  },
);

server.tool(
  'list_orders',
  {
    description: 'All orders, or those of one user',
    inputSchema: { user_id: UserId.optional().describe('Only the orders of this user.') },
    annotations: READ_ONLY,
  },
  ({ user_id }) => ({ orders: [...orders.values()].filter((o) => user_id === undefined || o.user_id === user_id) }),
);

/** The store of each dataset. */
const DATA = { users, products, orders };

server.prompt(
  'analyze_data',
  {
    title: 'Analyze a dataset',
    description: 'Ask for an analysis of the users, products or orders, optionally focused on one aspect',
    argsSchema: {
      dataset: z.enum(DATASETS).describe('users, products or orders.'),
      focus: z.string().optional().describe('What to look at, e.g. roles, pricing or revenue.'),
    },
  },
  ({ dataset, focus }) => {
    if (!DATASETS.includes(dataset)) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown dataset: ${dataset} (expected ${DATASETS.join(', ')})`);
    }
    const records = [...DATA[dataset].values()];
    const aspect = focus ? `, focusing on ${focus}` : '';
    return [
      {
        role: 'user',
        content: {
          type: 'text',
          text:
            `Analyze the ${dataset} dataset${aspect}. Summarize what stands out and suggest one action.\n\n` +
            `${records.length} records (JSON):\n${JSON.stringify(records, null, 2)}`,
        },
      },
    ];
  },
);

server.completion({ type: 'ref/prompt', name: 'analyze_data' }, ({ argument, context }) => {
  const dataset = context?.arguments?.dataset;
  const focus = Object.hasOwn(FOCUS, dataset ?? '') ? FOCUS[dataset] : Object.values(FOCUS).flat();
  const candidates = argument.name === 'dataset' ? DATASETS : argument.name === 'focus' ? focus : [];
  return candidates.filter((v) => v.startsWith(argument.value));
});

await serve(server);
