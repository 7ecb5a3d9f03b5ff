/**
 * The conformance fixture: one server exposing every tool, resource and prompt the official
 * MCP conformance suite calls, with the names, arguments, schemas and texts it checks (a
 * mirror of examples/rust/src/conformance_fixture.rs). The same handlers serve 2025-11-25
 * sessions and the stateless 2026-07-28 wire: client input becomes a server->client request
 * on a session and an `input_required` result on the 2026 wire.
 *
 *   node conformance.mjs                        serve over stdio
 *   node conformance.mjs --http 127.0.0.1:PORT  serve Streamable HTTP at /mcp
 *
 * Imported, it serves nothing: it exports `server` (the end-to-end tests mount it in
 * Express and Hono).
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { McpError, ErrorCode, Server, ToolError } from 'mcpforge';
import { serve } from './cli.mjs';

const { version } = createRequire(import.meta.url)('mcpforge/package.json');

const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const WAV_EMPTY = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=';
const SIMPLE_TEXT = 'This is a simple text response for testing.';
const ERROR_TEXT = 'This tool intentionally returns an error for testing';
const STATIC_TEXT = 'This is the content of the static text resource.';
const LOG_MESSAGES = ['Tool execution started', 'Tool processing data', 'Tool execution completed'];
const STEP_DELAY_MS = 50;
const RECONNECTION_DELAY_MS = 300;
const CACHE_TTL_MS = 300_000;
const ARG1_COMPLETIONS = ['test', 'testing', 'tested'];
const FAILING_JOB_DELAY_MS = 1000;
const SLOW_COMPUTE_MAX_S = 600;

/** A no-argument input schema; lenient (unknown arguments are ignored). */
const noArgs = () => ({ type: 'object', properties: {} });

/** An object schema of required string properties. */
function stringsSchema(names) {
  return { type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])), required: names };
}

const elicit = (message, requestedSchema) => ({ method: 'elicitation/create', params: { message, requestedSchema } });
const nameRequest = (message) => elicit(message, stringsSchema(['name']));
const capitalRequest = () => ({
  method: 'sampling/createMessage',
  params: { messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }], maxTokens: 100 },
});
const confirmRequest = () =>
  elicit('Please confirm', { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] });
const rootsRequest = { method: 'roots/list', params: {} };
const userText = (text, maxTokens) => ({ messages: [{ role: 'user', content: { type: 'text', text } }], maxTokens });

/** The field of an accepted elicitation answer, as text (undefined otherwise). */
function acceptedField(answer, field) {
  if (!answer || answer.action !== 'accept' || !answer.content || !(field in answer.content)) return undefined;
  const v = answer.content[field];
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const sampledText = (answer) => (answer && answer.content && answer.content.text) || '(no text)';

function rootUris(answer) {
  if (!answer || !Array.isArray(answer.roots)) {
    throw new McpError(ErrorCode.InvalidParams, 'Invalid params: input response `client_roots` has no roots');
  }
  return answer.roots.map((r) => r.uri).join(', ');
}

const describeElicitation = (a) => `action=${a.action}, content=${JSON.stringify(a.content ?? null)}`;

const sep1034DefaultsSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', default: 'John Doe' },
    age: { type: 'integer', default: 30 },
    score: { type: 'number', default: 95.5 },
    status: { type: 'string', enum: ['active', 'inactive', 'pending'], default: 'active' },
    verified: { type: 'boolean', default: true },
  },
  required: ['name', 'age', 'score', 'status', 'verified'],
};

const sep1330EnumsSchema = {
  type: 'object',
  properties: {
    untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
    titledSingle: {
      type: 'string',
      oneOf: [
        { const: 'value1', title: 'First Option' },
        { const: 'value2', title: 'Second Option' },
        { const: 'value3', title: 'Third Option' },
      ],
    },
    legacyEnum: { type: 'string', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
    untitledMulti: { type: 'array', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
    titledMulti: {
      type: 'array',
      items: {
        anyOf: [
          { const: 'value1', title: 'First Choice' },
          { const: 'value2', title: 'Second Choice' },
          { const: 'value3', title: 'Third Choice' },
        ],
      },
    },
  },
  required: ['untitledSingle', 'titledSingle', 'legacyEnum', 'untitledMulti', 'titledMulti'],
};

const jsonSchema202012 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: {
    address: {
      $anchor: 'addressDef',
      type: 'object',
      properties: { street: { type: 'string' }, city: { type: 'string' } },
    },
  },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
    contactMethod: { type: 'string', enum: ['phone', 'email'] },
    phone: { type: 'string' },
    email: { type: 'string' },
  },
  allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
  if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
  then: { required: ['phone'] },
  else: { required: ['email'] },
  additionalProperties: false,
};

const customHeaderSchema = {
  type: 'object',
  properties: { region: { type: 'string', description: 'Deployment region', 'x-mcp-header': 'Region' } },
  required: ['region'],
};

export const server = new Server({
  name: 'mcp-conformance-test-server',
  version,
  title: 'MCP conformance test server',
  description: 'Every fixture of the official MCP conformance suite, on mcpforge (Node)',
  instructions: 'A conformance fixture: the tools, resources and prompts the MCP conformance suite calls.',
  cacheTtlMs: CACHE_TTL_MS,
  cacheScope: 'public',
});

// The first listed tool is called with {} by the header-validation scenario.
server.tool('test_simple_text', { description: 'Returns a simple text response', inputSchema: noArgs() }, () => SIMPLE_TEXT);
server.tool(
  'test_custom_header',
  { description: 'Echoes `region`, which also travels in the Mcp-Param-Region header', inputSchema: customHeaderSchema },
  ({ region }) => `Region: ${region ?? ''}`,
);

// Content tools.
server.tool('test_image_content', { description: 'Returns one PNG image', inputSchema: noArgs() }, () => ({
  content: [{ type: 'image', data: PNG_1X1, mimeType: 'image/png' }],
}));
server.tool('test_audio_content', { description: 'Returns one WAV audio clip', inputSchema: noArgs() }, () => ({
  content: [{ type: 'audio', data: WAV_EMPTY, mimeType: 'audio/wav' }],
}));
server.tool('test_embedded_resource', { description: 'Returns an embedded text resource', inputSchema: noArgs() }, () => ({
  content: [
    {
      type: 'resource',
      resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' },
    },
  ],
}));
server.tool(
  'test_multiple_content_types',
  { description: 'Returns text, an image and an embedded resource', inputSchema: noArgs() },
  () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG_1X1, mimeType: 'image/png' },
      {
        type: 'resource',
        resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' },
      },
    ],
  }),
);
server.tool('test_error_handling', { description: 'Always returns an isError result', inputSchema: noArgs() }, () => {
  throw new ToolError(ERROR_TEXT);
});

// Tools that stream notifications or take time.
server.tool(
  'test_tool_with_logging',
  { description: 'Sends three info log messages, 50 ms apart, then answers', inputSchema: noArgs() },
  async (_args, ctx) => {
    for (const [i, message] of LOG_MESSAGES.entries()) {
      if (i > 0) await sleep(STEP_DELAY_MS);
      ctx.log('info', message, 'conformance');
    }
    return 'Logging test completed';
  },
);
server.tool(
  'test_tool_with_progress',
  { description: 'Reports progress 0, 50 and 100 of 100, 50 ms apart, then answers', inputSchema: noArgs() },
  async (_args, ctx) => {
    for (const [i, step] of [0, 50, 100].entries()) {
      if (i > 0) await sleep(STEP_DELAY_MS);
      ctx.reportProgress(step, 100, `Completed step ${i} of 3`);
    }
    return 'Progress test completed';
  },
);
server.tool(
  'test_reconnection',
  { description: 'Works briefly before answering (the HTTP layer tests stream resumption meanwhile)', inputSchema: noArgs() },
  async () => {
    await sleep(RECONNECTION_DELAY_MS);
    return 'Reconnection test completed';
  },
);

// Client input with the high-level API.
server.tool(
  'test_sampling',
  {
    description: "Asks the client's model to answer a prompt",
    inputSchema: {
      type: 'object',
      properties: { prompt: { type: 'string', description: 'The prompt to send to the model' } },
      required: ['prompt'],
    },
  },
  async ({ prompt }, ctx) => `LLM response: ${sampledText(await ctx.sample(userText(prompt ?? '', 100)))}`,
);
server.tool(
  'test_elicitation',
  {
    description: 'Asks the user for a username and an email',
    inputSchema: {
      type: 'object',
      properties: { message: { type: 'string', description: 'The message shown to the user' } },
      required: ['message'],
    },
  },
  async ({ message }, ctx) => {
    const answer = await ctx.elicit({ message: message ?? '', requestedSchema: stringsSchema(['username', 'email']) });
    return `User response: ${describeElicitation(answer)}`;
  },
);
server.tool(
  'test_elicitation_sep1034_defaults',
  { description: 'Elicits a form whose fields carry defaults (SEP-1034)', inputSchema: noArgs() },
  async (_args, ctx) => {
    const answer = await ctx.elicit({ message: 'Please review and update the form fields', requestedSchema: sep1034DefaultsSchema });
    return `Elicitation completed: ${describeElicitation(answer)}`;
  },
);
server.tool(
  'test_elicitation_sep1330_enums',
  { description: 'Elicits a form with the five enum forms (SEP-1330)', inputSchema: noArgs() },
  async (_args, ctx) => {
    const answer = await ctx.elicit({ message: 'Please select options', requestedSchema: sep1330EnumsSchema });
    return `Elicitation completed: ${describeElicitation(answer)}`;
  },
);
server.tool(
  'json_schema_2020_12_tool',
  { description: 'Declares a JSON Schema 2020-12 input schema (passed through verbatim)', inputSchema: jsonSchema202012 },
  (args) => `Received: ${JSON.stringify(args)}`,
);

// The 2026-07-28 diagnostic tools of the `server-stateless` scenario.
server.tool(
  'test_missing_capability',
  { description: "Needs the client's sampling capability (-32021 when it is not declared)", inputSchema: noArgs() },
  async (_args, ctx) => `Sampling answered: ${sampledText(await ctx.sample(userText('Requires the sampling capability', 10)))}`,
);
server.tool(
  'test_streaming_elicitation',
  {
    description: 'Asks for a name through the response (input_required on 2026-07-28, never a server request)',
    inputSchema: noArgs(),
  },
  async (_args, ctx) => {
    ctx.reportProgress(0, 1, 'asking for a name');
    const answer = await ctx.elicit({ message: 'What is your name?', requestedSchema: stringsSchema(['name']) });
    const name = answer.content && typeof answer.content.name === 'string' ? answer.content.name : 'unknown';
    return `Streaming elicitation completed (name: ${name})`;
  },
);
server.tool(
  'test_logging_tool',
  { description: 'Logs one info message (sent only when the request asked for logs)', inputSchema: noArgs() },
  (_args, ctx) => {
    ctx.log('info', 'test_logging_tool ran', 'conformance');
    return 'Logging tool completed';
  },
);
server.tool('test_trigger_tool_change', { description: 'Announces that the tool list changed', inputSchema: noArgs() }, (_a, ctx) => {
  ctx.server.notifyToolsChanged();
  return 'Tool list change notified';
});
server.tool(
  'test_trigger_prompt_change',
  { description: 'Announces that the prompt list changed', inputSchema: noArgs() },
  (_a, ctx) => {
    ctx.server.notifyPromptsChanged();
    return 'Prompt list change notified';
  },
);

// Multi-round-trip tools (SEP-2322) with the input keys the suite answers.
server.tool(
  'test_input_required_result_elicitation',
  { description: "Asks for the user's name (`user_name`), then greets them", inputSchema: noArgs() },
  async (_args, ctx) => `Hello, ${acceptedField(await ctx.ask('user_name', nameRequest('What is your name?')), 'name') ?? 'stranger'}!`,
);
server.tool(
  'test_input_required_result_sampling',
  { description: "Asks the client's model a question (`capital_question`)", inputSchema: noArgs() },
  async (_args, ctx) => `Sampling response: ${sampledText(await ctx.ask('capital_question', capitalRequest()))}`,
);
server.tool(
  'test_input_required_result_list_roots',
  { description: "Asks for the client's roots (`client_roots`)", inputSchema: noArgs() },
  async (_args, ctx) => `Client roots: ${rootUris(await ctx.ask('client_roots', rootsRequest))}`,
);
server.tool(
  'test_input_required_result_request_state',
  { description: 'Asks for a confirmation (`confirm`) carrying its own request state (low-level API)', inputSchema: noArgs() },
  (_args, ctx) => {
    // The first run stops with input_required carrying the state; the retry checks that the
    // state came back (the engine verified its seal) and answers.
    const ask = () => ctx.inputRequired({ confirm: confirmRequest() }, { step: 'confirm' });
    const state = ctx.requestState;
    if (state === undefined) throw ask();
    if (JSON.stringify(state) !== JSON.stringify({ step: 'confirm' })) {
      throw new McpError(ErrorCode.InvalidParams, 'Invalid params: requestState does not carry the confirmation step');
    }
    const answer = ctx.inputResponses.confirm;
    if (answer === undefined) throw ask();
    if (!answer || typeof answer.action !== 'string') {
      throw new McpError(ErrorCode.InvalidParams, `Invalid params: malformed input response for elicitation/create: ${JSON.stringify(answer)}`);
    }
    return `state-ok: confirmed=${acceptedField(answer, 'ok') ?? 'false'}`;
  },
);
server.tool(
  'test_input_required_result_multiple_inputs',
  { description: 'Asks for a name, a model greeting and the roots in one round', inputSchema: noArgs() },
  async (_args, ctx) => {
    const [name, greeting, roots] = await ctx.askAll({
      user_name: nameRequest('What is your name?'),
      greeting: { method: 'sampling/createMessage', params: userText('Generate a greeting', 50) },
      client_roots: rootsRequest,
    });
    return `Name: ${acceptedField(name, 'name') ?? 'stranger'}; greeting: ${sampledText(greeting)}; roots: ${rootUris(roots)}`;
  },
);
server.tool(
  'test_input_required_result_multi_round',
  { description: 'Asks for a name (`step1`), then a favorite color (`step2`), in two rounds', inputSchema: noArgs() },
  async (_args, ctx) => {
    const name = acceptedField(await ctx.ask('step1', nameRequest('Step 1: What is your name?')), 'name') ?? 'stranger';
    const color = acceptedField(
      await ctx.ask('step2', elicit('Step 2: What is your favorite color?', stringsSchema(['color']))),
      'color',
    );
    return `${name} likes ${color ?? 'no color'}`;
  },
);
server.tool(
  'test_input_required_result_tampered_state',
  { description: 'Asks for a confirmation; its sealed request state refuses tampering', inputSchema: noArgs() },
  async (_args, ctx) => `Signed state verified (ok: ${acceptedField(await ctx.ask('confirm', confirmRequest()), 'ok') ?? 'false'})`,
);
server.tool(
  'test_input_required_result_capabilities',
  { description: 'Asks only for the kinds of input the client declared', inputSchema: noArgs() },
  async (_args, ctx) => {
    const caps = ctx.clientCapabilities;
    const asks = {};
    if (caps.elicitation && (caps.elicitation.form || !caps.elicitation.url)) asks.user_name = nameRequest('What is your name?');
    if (caps.sampling) asks.capital_question = capitalRequest();
    if (caps.roots) asks.client_roots = rootsRequest;
    const keys = Object.keys(asks);
    if (keys.length === 0) return 'The client declared no input capability; nothing to ask';
    await ctx.askAll(asks);
    return `Answered: ${keys.join(', ')}`;
  },
);

// Tasks extension tools.
const taskInputRequest = (message) =>
  elicit(message, { type: 'object', properties: { name: { type: 'string' }, confirm: { type: 'boolean' } } });
server.tool(
  'greet',
  {
    description: 'Greets `name` (always synchronous)',
    inputSchema: { type: 'object', properties: { name: { type: 'string', description: 'Who to greet' } } },
  },
  ({ name }) => `Hello, ${name ?? 'stranger'}!`,
);
server.tool(
  'slow_compute',
  {
    description: 'Works for `seconds` seconds, then answers with `label` (a task when possible)',
    inputSchema: {
      type: 'object',
      properties: {
        seconds: { type: 'number', minimum: 0, description: 'How long to work' },
        label: { type: 'string', description: 'Echoed in the result' },
      },
    },
    execution: { taskSupport: 'optional' },
  },
  async ({ seconds = 0, label = 'compute' }, ctx) => {
    await sleep(Math.min(seconds, SLOW_COMPUTE_MAX_S) * 1000, undefined, { signal: ctx.signal }).catch(() => {});
    return `Computed ${label} in ${seconds} s`;
  },
);
server.tool(
  'failing_job',
  {
    description: 'Works for a second, then fails with a tool error (runs only as a task)',
    inputSchema: noArgs(),
    execution: { taskSupport: 'required' },
  },
  async () => {
    await sleep(FAILING_JOB_DELAY_MS);
    throw new ToolError('failing_job failed on purpose');
  },
);
server.tool(
  'protocol_error_job',
  { description: 'Fails with a JSON-RPC error (a failed task)', inputSchema: noArgs(), execution: { taskSupport: 'optional' } },
  async () => {
    await sleep(STEP_DELAY_MS);
    throw new McpError(ErrorCode.InternalError, 'Internal error: protocol_error_job failed on purpose');
  },
);
server.tool(
  'confirm_delete',
  {
    description: 'Asks the user to confirm deleting `filename` (waits for input as a task)',
    inputSchema: { type: 'object', properties: { filename: { type: 'string', description: 'The file to delete' } } },
    execution: { taskSupport: 'optional' },
  },
  async ({ filename = 'the file' }, ctx) => {
    const answer = await ctx.elicit({
      message: `Delete ${filename}?`,
      requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean' } }, required: ['confirm'] },
    });
    return acceptedField(answer, 'confirm') === 'true' ? `Deleted ${filename}` : `Kept ${filename}`;
  },
);
server.tool(
  'multi_input',
  {
    description: 'Asks for two inputs at once (`first`, `second`; waits for both as a task)',
    inputSchema: noArgs(),
    execution: { taskSupport: 'optional' },
  },
  async (_args, ctx) => {
    const answers = await ctx.askAll({ first: taskInputRequest('First input?'), second: taskInputRequest('Second input?') });
    return `Inputs received: ${answers.map((a) => acceptedField(a, 'name') ?? '(none)').join(', ')}`;
  },
);
server.tool(
  'test_tool_with_task',
  {
    description: "Asks for the user's name (`user_name`) in the request, then greets them as a task",
    inputSchema: noArgs(),
    execution: { taskSupport: 'required' },
    deferTask: true,
  },
  async (_args, ctx) => {
    const name = acceptedField(await ctx.ask('user_name', nameRequest('What is your name?')), 'name') ?? 'stranger';
    ctx.startTask();
    await sleep(STEP_DELAY_MS);
    return ctx.taskId ? `Hello, ${name}! (task ${ctx.taskId})` : `Hello, ${name}!`;
  },
);

// Resources.
server.resource(
  'Static Text Resource',
  'test://static-text',
  { description: 'A static text resource for testing', mimeType: 'text/plain' },
  () => STATIC_TEXT,
);
server.resource(
  'Static Binary Resource',
  'test://static-binary',
  { description: 'A static binary resource (a PNG image) for testing', mimeType: 'image/png' },
  (uri) => ({ contents: [{ uri: uri.href, mimeType: 'image/png', blob: PNG_1X1 }] }),
);
server.resource(
  'Watched Resource',
  'test://watched-resource',
  { description: 'A resource clients can subscribe to', mimeType: 'text/plain' },
  () => 'This is a watched resource content.',
);
server.resource(
  'Example Resource',
  'test://example-resource',
  { description: 'The resource test_prompt_with_embedded_resource is called with', mimeType: 'text/plain' },
  () => 'Embedded resource content for testing.',
);
server.resourceTemplate(
  'Template Resource',
  'test://template/{id}/data',
  { description: 'A resource template with an `id` parameter', mimeType: 'application/json' },
  (_uri, { id }) => JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
);

// Prompts.
server.prompt('test_simple_prompt', { description: 'A simple prompt without arguments' }, () => 'This is a simple prompt for testing.');
server.prompt(
  'test_prompt_with_arguments',
  {
    description: 'A prompt with two required arguments',
    arguments: [
      { name: 'arg1', description: 'First test argument', required: true },
      { name: 'arg2', description: 'Second test argument', required: true },
    ],
  },
  ({ arg1, arg2 }) => `Prompt with arguments: arg1='${arg1 ?? ''}', arg2='${arg2 ?? ''}'`,
);
server.prompt(
  'test_prompt_with_embedded_resource',
  {
    description: 'A prompt embedding the resource it is given',
    arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
  },
  ({ resourceUri }) => [
    {
      role: 'user',
      content: {
        type: 'resource',
        resource: { uri: resourceUri ?? '', mimeType: 'text/plain', text: 'Embedded resource content for testing.' },
      },
    },
    { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
  ],
);
server.prompt('test_prompt_with_image', { description: 'A prompt with an image' }, () => [
  { role: 'user', content: { type: 'image', data: PNG_1X1, mimeType: 'image/png' } },
  { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
]);
server.prompt(
  'test_input_required_result_prompt',
  { description: 'Asks the user for context (`user_context`) before rendering' },
  async (_args, ctx) => {
    const answer = await ctx.ask('user_context', elicit('What context should the prompt use?', stringsSchema(['context'])));
    return `Answer using this context: ${acceptedField(answer, 'context') ?? 'no context'}`;
  },
);
server.completion({ type: 'ref/prompt', name: 'test_prompt_with_arguments' }, ({ argument }) =>
  argument.name === 'arg1' ? ARG1_COMPLETIONS.filter((v) => v.startsWith(argument.value)) : [],
);

// Tracing: tests/telemetry checks that the request's span continues the client's trace in every
// language (not part of the suite).
server.tool(
  'trace_context',
  { description: "Tracing: returns the traceparent of the request's span (empty when none)", inputSchema: { type: 'object' } },
  (_args, ctx) => ctx.traceContext?.traceparent ?? '',
);

// The result vocabulary: the shape_* tools return one kind of value each; tests/results checks
// that the same value gives the same CallToolResult in every language (not part of the suite).
const SHAPES = {
  shape_text: 'Result vocabulary: returns the text hello',
  shape_number: 'Result vocabulary: returns the number 42',
  shape_object: 'Result vocabulary: returns an object',
  shape_list: 'Result vocabulary: returns a list',
  shape_empty: 'Result vocabulary: returns nothing',
  shape_content: 'Result vocabulary: returns an image and a text block',
  shape_result: 'Result vocabulary: returns a full result',
  shape_typed_object: 'Result vocabulary: returns an object under its output schema',
  shape_typed_text: 'Result vocabulary: returns text under a wrapped output schema',
  shape_typed_list: 'Result vocabulary: returns a list under a wrapped output schema',
  shape_tool_error: 'Result vocabulary: fails with a tool error',
  shape_bytes_png: 'Result vocabulary: returns the bytes of a PNG image',
  shape_bytes_wav: 'Result vocabulary: returns the bytes of a WAV clip',
  shape_bytes_other: 'Result vocabulary: returns bytes of no known type',
  shape_bytes_empty: 'Result vocabulary: returns no bytes',
};
const shape = (name, value, outputSchema) =>
  server.tool(
    name,
    { description: SHAPES[name], inputSchema: { type: 'object' }, ...(outputSchema ? { outputSchema } : {}) },
    value,
  );
const wrapped = (inner) => ({ type: 'object', properties: { result: inner }, required: ['result'] });
shape('shape_text', () => 'hello');
shape('shape_number', () => 42);
shape('shape_object', () => ({ a: 1, b: [true, null] }));
shape('shape_list', () => [1, 'two']);
shape('shape_empty', () => undefined);
shape('shape_content', () => ({
  content: [
    { type: 'image', data: 'aGk=', mimeType: 'image/png' },
    { type: 'text', text: 'caption' },
  ],
}));
shape('shape_result', () => ({ content: [{ type: 'text', text: 'done' }], structuredContent: { ok: true } }));
shape('shape_typed_object', () => ({ a: 1 }), {
  type: 'object',
  properties: { a: { type: 'integer' } },
  required: ['a'],
});
shape('shape_typed_text', () => 'hello', wrapped({ type: 'string' }));
shape('shape_typed_list', () => [1, 2], wrapped({ type: 'array', items: { type: 'integer' } }));
shape('shape_tool_error', () => {
  throw new ToolError('nope');
});
// The first bytes of a PNG image and of a WAV clip: a Buffer, a Uint8Array, an ArrayBuffer.
shape('shape_bytes_png', () => Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
shape('shape_bytes_wav', () => new Uint8Array(Buffer.from('RIFF$\0\0\0WAVEfmt ', 'latin1')));
shape('shape_bytes_other', () => new Uint8Array([0x00, 0xff, 0x68, 0x69]).buffer);
shape('shape_bytes_empty', () => new Uint8Array(0));

// The shape:// resources, shape_prompt_* prompts and their completion: one kind of value each too.
const SHAPE_BYTES = Buffer.from([0x00, 0xff, 0x68, 0x69]);
const shapeResource = (uri, name, description, read, mimeType) =>
  server.resource(name, uri, { description: `Result vocabulary: returns ${description}`, ...(mimeType ? { mimeType } : {}) }, read);
shapeResource('shape://text', 'shape_text', 'the text hello', () => 'hello');
shapeResource('shape://typed-text', 'shape_typed_text', 'markdown text', () => '# hello', 'text/markdown');
shapeResource('shape://bytes', 'shape_bytes', 'bytes', () => SHAPE_BYTES);
shapeResource('shape://typed-bytes', 'shape_typed_bytes', 'PNG bytes', () => SHAPE_BYTES, 'image/png');
shapeResource('shape://json', 'shape_json', 'an object', () => ({ a: 1, b: [true, null] }));
shapeResource('shape://list', 'shape_list', 'a list', () => [1, 'two']);
shapeResource('shape://contents', 'shape_contents', 'contents, the first without a URI', () => ({
  contents: [
    { mimeType: 'text/csv', text: 'a,b' },
    { uri: 'shape://contents/part', mimeType: 'image/png', blob: 'aGk=' },
  ],
}));
shapeResource('shape://none', 'shape_none', 'nothing (not found)', () => undefined);
server.prompt(
  'shape_prompt_text',
  {
    description: 'Result vocabulary: renders the text hello',
    arguments: [{ name: 'word', description: "A word (the result vocabulary's completion suggests some)" }],
  },
  () => 'hello',
);
server.prompt('shape_prompt_list', { description: 'Result vocabulary: renders a list of messages' }, () => [
  'hello',
  { role: 'assistant', content: 'hi there' },
  { type: 'image', data: 'aGk=', mimeType: 'image/png' },
]);
server.prompt('shape_prompt_result', { description: 'Result vocabulary: renders a whole result' }, () => ({
  description: 'A whole result',
  messages: [{ role: 'assistant', content: { type: 'text', text: 'done' } }],
}));
server.prompt('shape_prompt_none', { description: 'Result vocabulary: renders nothing (an error)' }, () => undefined);
// By argument name: words, mixed values, 150 numbers (100 are sent), or nothing.
server.completion({ type: 'ref/prompt', name: 'shape_prompt_text' }, ({ argument }) => {
  if (argument.name === 'word') return ['hello', 'help', 'helm'];
  if (argument.name === 'mixed') return ['a', 1, 2.5, true];
  if (argument.name === 'many') return Array.from({ length: 150 }, (_, i) => i);
  return undefined;
});

// MCP Apps and skills, as in every language's fixture (tests/apps_skills).
const APP_URI = 'ui://conformance/app.html';
server.app(APP_URI, {
  html: '<!doctype html><html><body><p id="result">waiting</p></body></html>',
  name: 'conformance app',
  csp: { connectDomains: ['https://api.example.com'] },
  prefersBorder: true,
});
server.tool(
  'test_app_tool',
  { description: 'MCP Apps: answers a text that its app shows', inputSchema: noArgs(), ui: APP_URI },
  () => 'shown in the app',
);
// The repository's skills, beside this file or from the repository root (a copy of this file
// elsewhere, as the end-to-end scratch project has, serves none).
const SKILLS = [fileURLToPath(new URL('../data/skills', import.meta.url)), 'examples/data/skills'].find((d) => existsSync(d));
if (SKILLS !== undefined) server.skillsDir(SKILLS);

// WebSocket too: the cross-language WebSocket tests drive the fixtures.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await serve(server, { websocket: true });
}
