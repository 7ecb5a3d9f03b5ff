/**
 * The Node client's side of the official MCP conformance suite: `conformance client
 * --command "node conformance_client.mjs"` starts a test server per scenario and runs this
 * program with the server's URL as its last argument, the scenario's name in
 * `MCP_CONFORMANCE_SCENARIO`, the protocol version to speak in
 * `MCP_CONFORMANCE_PROTOCOL_VERSION` and, for some scenarios, data in
 * `MCP_CONFORMANCE_CONTEXT` (JSON). Each scenario is an ordinary use of mcpforge's `Client`
 * over `StreamableHTTPClientTransport`; the suite judges what went over the wire. The
 * `auth/*` scenarios put the server behind an authorization server: the transport's
 * `authProvider` authorizes (its metadata document URL, or the pre-registered credentials
 * the context gives, else dynamic registration; the user's consent played by following the
 * redirects), then the client lists the tools and calls one. It mirrors
 * examples/rust/src/bin/conformance_client.rs. Exit status: 0 when the scenario's requests
 * succeeded, 1 when one failed, 2 on a usage error.
 */
import { Client, StreamableHTTPClientTransport } from 'mcpforge';

/** The suite's Client ID Metadata Document URL (never fetched). */
const METADATA_DOCUMENT = 'https://conformance-test.local/client-metadata.json';
const NAME = 'mcpforge-conformance-client';

/** The `authProvider` of the `auth/*` scenarios. */
function oauth(context) {
  return {
    followRedirects: true,
    clientMetadata: { client_name: NAME },
    clientMetadataUrl: METADATA_DOCUMENT,
    clientInformation: () => (context.client_id ? { client_id: context.client_id, client_secret: context.client_secret } : undefined),
  };
}

/** Arguments for a tool's required properties: a sample value of each declared type. */
function sampleArguments(schema = {}) {
  const samples = { integer: 1, number: 1, boolean: true, object: {}, array: [] };
  const properties = schema.properties ?? {};
  return Object.fromEntries((schema.required ?? []).map((name) => [name, samples[properties[name]?.type] ?? 'sample']));
}

/** Lists the tools and calls `name` without arguments. */
async function callListed(client, name) {
  const { tools } = await client.listTools();
  if (!tools.some((t) => t.name === name)) throw new Error(`the server does not list the tool ${name}`);
  await client.callTool({ name, arguments: {} });
}

/** Every list, and every tool, resource and prompt in them used once. */
async function everyFeature(client) {
  for (const tool of (await client.listTools()).tools) await client.callTool({ name: tool.name, arguments: sampleArguments(tool.inputSchema) });
  for (const resource of (await client.listResources()).resources) await client.readResource({ uri: resource.uri });
  for (const prompt of (await client.listPrompts()).prompts) await client.getPrompt({ name: prompt.name, arguments: {} });
}

async function run(client, scenario, context) {
  if (scenario.startsWith('auth/')) {
    // Every auth scenario's server has one tool; the second request shows the token (or
    // its step-up, or a migration to another authorization server) holds.
    await client.listTools();
    await client.callTool({ name: 'test-tool', arguments: {} });
    return;
  }
  switch (scenario) {
    case 'initialize':
    case 'request-metadata':
    case 'json-schema-ref-no-deref':
      await client.listTools();
      return;
    case 'tools_call':
      await client.listTools();
      await client.callTool({ name: 'add_numbers', arguments: { a: 2, b: 3 } });
      return;
    case 'elicitation-sep1034-client-defaults':
      return callListed(client, 'test_client_elicitation_defaults');
    case 'sse-retry':
      return callListed(client, 'test_reconnection');
    case 'http-standard-headers':
      return everyFeature(client);
    case 'http-custom-headers':
      await client.listTools();
      for (const call of context.toolCalls ?? []) await client.callTool({ name: call.name, arguments: call.arguments ?? {} });
      return;
    case 'http-invalid-tool-headers':
      // The client leaves out the tools with invalid annotations; every tool kept is called.
      for (const tool of (await client.listTools()).tools) await client.callTool({ name: tool.name, arguments: sampleArguments(tool.inputSchema) });
      return;
    case 'json-schema-2020-12-preservation': {
      const { tools } = await client.listTools();
      const focal = tools.find((t) => t.name === 'json_schema_2020_12_tool');
      if (!focal) throw new Error('the server does not list the tool json_schema_2020_12_tool');
      await client.callTool({ name: 'json_schema_echo', arguments: { schema: focal.inputSchema } });
      return;
    }
    case 'sep-2322-client-request-state': {
      await client.listTools();
      // Side by side: each call's input rounds stay its own.
      const names = ['test_mrtr_echo_state', 'test_mrtr_no_state', 'test_mrtr_unrelated', 'test_mrtr_no_result_type'];
      await Promise.all(names.map((name) => client.callTool({ name, arguments: {} })));
      return;
    }
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

async function main() {
  const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
  const url = process.argv[2];
  if (!scenario || !url) {
    process.stderr.write('usage: MCP_CONFORMANCE_SCENARIO=<name> node conformance_client.mjs <server-url>\n');
    return 2;
  }
  let context = {};
  try {
    context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? 'null') ?? {};
  } catch {
    context = {};
  }
  const version = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION || undefined;
  const client = new Client({ name: NAME, version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: {}, roots: {} }, protocol: version, timeout: 20_000 });
  client.setRequestHandler('sampling/createMessage', () => ({
    role: 'assistant',
    model: 'fixed',
    content: { type: 'text', text: 'a sampled answer' },
  }));
  // Accepted with no fields, so the schema's defaults apply.
  client.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: {} }));
  client.setRequestHandler('roots/list', () => ({ roots: [{ uri: 'file:///conformance', name: 'conformance' }] }));
  const transport = new StreamableHTTPClientTransport(url, scenario.startsWith('auth/') ? { authProvider: oauth(context) } : {});
  try {
    await client.connect(transport);
    await run(client, scenario, context);
    return 0;
  } catch (e) {
    process.stderr.write(`${scenario}: ${e?.message ?? e}\n`);
    return 1;
  } finally {
    await client.close();
  }
}

process.exitCode = await main();
