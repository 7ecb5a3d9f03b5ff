// The published servers scripts/real-servers-node.mjs drives, pinned, and how: the command
// line and environment of each (`work` is a fresh folder of its own per run), the arguments
// that serve it over Streamable HTTP and its endpoint's path (`http`, where it offers it), the resources
// it subscribes to, and the deterministic calls of each tool, prompts and completions, in
// order. A tool listed but not in `calls` is reported as uncalled (a tool that needs the
// network, starts timers that outlive the session, or reads the environment). A server
// marked `bundled` carries its own copy of the SDK inside its one-file build, so no
// `overrides` entry reaches it: it is driven through the gateway and by mcpforge's client,
// never compared on the drop-in (where both sides would run the same bundled SDK).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The release of every server that names none of its own (each depends on
 * @modelcontextprotocol/sdk ^1.30.0).
 */
export const VERSION = '2026.8.31';

const entity = (name, type, observations) => ({ name, entityType: type, observations });

export const SERVERS = {
  memory: {
    package: '@modelcontextprotocol/server-memory',
    bin: 'dist/index.js',
    env: (work) => ({ MEMORY_FILE_PATH: join(work, 'memory.jsonl') }),
    subscribe: ['memory://knowledge-graph'],
    reads: ['memory://knowledge-graph'],
    calls: () => [
      ['create_entities', { entities: [entity('Ada', 'person', ['wrote notes']), entity('Engine', 'machine', ['analytical'])] }],
      ['create_relations', { relations: [{ from: 'Ada', to: 'Engine', relationType: 'described' }] }],
      ['add_observations', { observations: [{ entityName: 'Ada', contents: ['born 1815'] }] }],
      ['read_graph', {}],
      ['search_nodes', { query: 'Engine' }],
      ['open_nodes', { names: ['Ada', 'Nobody'] }],
      ['delete_observations', { deletions: [{ entityName: 'Ada', observations: ['born 1815'] }] }],
      ['delete_relations', { relations: [{ from: 'Ada', to: 'Engine', relationType: 'described' }] }],
      ['delete_entities', { entityNames: ['Engine'] }],
      ['create_entities', { entities: 'not a list' }],
    ],
  },
  'sequential-thinking': {
    package: '@modelcontextprotocol/server-sequential-thinking',
    bin: 'dist/index.js',
    env: () => ({ DISABLE_THOUGHT_LOGGING: 'true' }),
    calls: () => [
      ['sequentialthinking', { thought: 'First, list the parts.', nextThoughtNeeded: true, thoughtNumber: 1, totalThoughts: 2 }],
      ['sequentialthinking', { thought: 'Revise the first.', nextThoughtNeeded: true, thoughtNumber: 2, totalThoughts: 3, isRevision: true, revisesThought: 1 }],
      ['sequentialthinking', { thought: 'A branch.', nextThoughtNeeded: false, thoughtNumber: 3, totalThoughts: 3, branchFromThought: 2, branchId: 'b' }],
      ['sequentialthinking', { thought: 'no number', nextThoughtNeeded: false }],
    ],
  },
  filesystem: {
    package: '@modelcontextprotocol/server-filesystem',
    bin: 'dist/index.js',
    args: (work) => [join(work, 'root')],
    // The server asks for the client's roots once initialized and then takes them as its
    // allowed directories, checking each on disk: the calls start once that is done, so that
    // neither side's first call races it. A client the server never asks (through the
    // gateway, which does not pass on asks made outside a call) goes on after 5 s.
    ready: async (client, work, t, options) => {
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const asked = Date.now() + 5_000;
      while (!t.asked.includes('roots/list')) {
        if (Date.now() > asked) return;
        await sleep(50);
      }
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const listed = await client.callTool({ name: 'list_allowed_directories', arguments: {} }, undefined, options);
        if (listed.content?.[0]?.text === `Allowed directories:\n${work}`) return;
        await sleep(50);
      }
      throw new Error('the filesystem server did not take the roots within 10 s of asking for them');
    },
    prepare: (work) => {
      mkdirSync(join(work, 'root', 'sub'), { recursive: true });
      writeFileSync(join(work, 'root', 'a.txt'), 'alpha\nbeta\ngamma\n');
      writeFileSync(join(work, 'root', 'sub', 'b.md'), '# B\n');
    },
    calls: (work) => {
      const at = (p) => join(work, 'root', p);
      return [
        ['list_allowed_directories', {}],
        ['read_text_file', { path: at('a.txt') }],
        ['read_text_file', { path: at('a.txt'), head: 2 }],
        ['read_file', { path: at('sub/b.md') }],
        ['read_multiple_files', { paths: [at('a.txt'), at('missing.txt')] }],
        ['write_file', { path: at('c.txt'), content: 'written\n' }],
        ['edit_file', { path: at('c.txt'), edits: [{ oldText: 'written', newText: 'edited' }], dryRun: true }],
        ['edit_file', { path: at('c.txt'), edits: [{ oldText: 'written', newText: 'edited' }] }],
        ['create_directory', { path: at('new/deeper') }],
        ['list_directory', { path: at('') }],
        ['list_directory_with_sizes', { path: at(''), sortBy: 'name' }],
        ['directory_tree', { path: at('') }],
        ['move_file', { source: at('c.txt'), destination: at('new/c.txt') }],
        ['search_files', { path: at(''), pattern: '**/*.md' }],
        ['get_file_info', { path: at('a.txt') }],
        ['read_media_file', { path: at('a.txt') }],
        ['read_text_file', { path: join(work, 'outside.txt') }],
      ];
    },
  },
  // On the SDK 2.x server package (it pins @modelcontextprotocol/server 2.0.0), served over
  // stdio through a telemetry wrapper of the stdio transport, and over HTTP by
  // `createMcpHandler` behind Express. Both tools ask a remote service, so none is called;
  // the call without arguments is refused before it reaches one.
  context7: {
    package: '@upstash/context7-mcp',
    version: '4.1.1',
    bin: 'dist/index.js',
    http: { args: ['--transport', 'http', '--port', '0'], path: '/mcp' },
    calls: () => [['query-docs', {}]],
  },
  // Published example servers of MCP Apps (the ext-apps repository's), on the SDK 2.x: each
  // a tool linked to its `ui://` app through `_meta.ui`, and the app as a resource of the
  // MCP Apps MIME type (read: the first resources listed are read).
  'apps-basic': {
    package: '@modelcontextprotocol/server-basic-vanillajs',
    version: '2.0.3',
    bin: 'dist/index.js',
    bundled: true,
    args: () => ['--stdio'],
    calls: () => [['get-time', {}]],
  },
  'apps-scenario-modeler': {
    package: '@modelcontextprotocol/server-scenario-modeler',
    version: '2.0.3',
    bin: 'dist/index.js',
    bundled: true,
    args: () => ['--stdio'],
    calls: () => [
      ['get-scenario-data', {}],
      ['get-scenario-data', { customInputs: { startingMRR: 50000, monthlyGrowthRate: 5, monthlyChurnRate: 2, grossMargin: 80, fixedCosts: 30000 } }],
      ['get-scenario-data', { customInputs: 'not an object' }],
    ],
  },
  everything: {
    package: '@modelcontextprotocol/server-everything',
    bin: 'dist/index.js',
    args: () => ['stdio'],
    http: { args: ['streamableHttp'], path: '/mcp' },
    calls: () => [
      ['echo', { message: 'hello' }],
      ['get-sum', { a: 2, b: 3 }],
      ['get-annotated-message', { messageType: 'success', includeImage: true }],
      ['get-tiny-image', {}],
      ['get-resource-links', { count: 2 }],
      ['get-resource-reference', { resourceType: 'Text', resourceId: 2 }],
      ['get-structured-content', { location: 'New York' }],
      ['trigger-long-running-operation', { duration: 1, steps: 2 }],
      ['trigger-sampling-request', { prompt: 'Say hi', maxTokens: 10 }],
      ['trigger-elicitation-request', {}],
      ['get-roots-list', {}],
      ['echo', {}],
    ],
    prompts: [
      ['simple-prompt', {}],
      ['args-prompt', { city: 'Paris', state: 'TX' }],
      ['completable-prompt', { department: 'Engineering', name: 'Alice' }],
      ['resource-prompt', { resourceType: 'Text', resourceId: '3' }],
    ],
    completions: [
      [{ type: 'ref/prompt', name: 'completable-prompt' }, { name: 'department', value: 'E' }],
      [{ type: 'ref/prompt', name: 'completable-prompt' }, { name: 'name', value: '' }],
      [{ type: 'ref/prompt', name: 'nope' }, { name: 'x', value: '' }],
    ],
    subscribe: ['demo://resource/static/document/architecture.md'],
  },
};
