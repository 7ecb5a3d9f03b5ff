/**
 * Resources, resource templates, prompts and completions: what handlers return and how it
 * maps to results, not-found and error cases, and the official-SDK spellings
 * (`registerResource`, `registerPrompt`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withServer } from './helpers.mjs';
import { resourceNotFound, ErrorCode, McpError } from '../lib/index.mjs';

function setup(server) {
  server.resource('readme', 'file:///readme.md', { mimeType: 'text/markdown', description: 'Read me' }, (uri) => `# ${uri.pathname}`);
  server.resource('logo', 'file:///logo.png', { mimeType: 'image/png' }, () => Buffer.from([1, 2, 3]));
  server.registerResource('full', 'file:///full.json', { mimeType: 'application/json' }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'application/json', text: '{"a":1}' }],
  }));
  server.resource('gone', 'file:///gone', {}, (uri) => {
    throw resourceNotFound(uri.href);
  });
  server.resource('wrong', 'file:///wrong', {}, () => 42);
  server.resourceTemplate('user', 'users://{id}/profile', { mimeType: 'application/json' }, (uri, { id }) =>
    JSON.stringify({ id, uri: uri.href }),
  );
  server.prompt('plain', { description: 'One message' }, () => 'hello');
  server.registerPrompt(
    'review',
    { description: 'Review', arguments: [{ name: 'code', required: true }, { name: 'language' }] },
    async ({ code, language = 'js' }) => ({
      description: 'review',
      messages: [{ role: 'user', content: { type: 'text', text: `Review ${language}: ${code}` } }],
    }),
  );
  server.prompt('schema_args', { argsSchema: { type: 'object', properties: { topic: { type: 'string', description: 'T' } }, required: ['topic'] } }, ({ topic }) => [
    { role: 'assistant', content: { type: 'text', text: topic } },
  ]);
  server.completion({ type: 'ref/prompt', name: 'review' }, ({ argument }) =>
    ['javascript', 'java', 'python'].filter((v) => v.startsWith(argument.value)),
  );
  server.completion({ type: 'ref/resource', uri: 'users://{id}/profile' }, async ({ argument, context }) => ({
    values: [`${argument.name}-1`],
    total: 1,
    hasMore: false,
    ...(context ? {} : {}),
  }));
}

test('resources map text, bytes and full contents', async () => {
  await withServer(setup, async (_s, c) => {
    const { resources } = await c.listResources();
    assert.deepEqual(resources.map((r) => r.uri).sort(), ['file:///full.json', 'file:///gone', 'file:///logo.png', 'file:///readme.md', 'file:///wrong']);
    assert.deepEqual((await c.readResource('file:///readme.md')).contents, [
      { uri: 'file:///readme.md', mimeType: 'text/markdown', text: '# /readme.md' },
    ]);
    // Bytes take the registered MIME type (application/octet-stream without one), as in every language.
    assert.deepEqual((await c.readResource('file:///logo.png')).contents, [{ uri: 'file:///logo.png', mimeType: 'image/png', blob: 'AQID' }]);
    assert.equal((await c.readResource('file:///full.json')).contents[0].text, '{"a":1}');
  });
});

test('resource errors: not found, unknown URI; any other value is its JSON text', async () => {
  await withServer(setup, async (_s, c) => {
    await assert.rejects(c.readResource('file:///gone'), (e) => e.code === ErrorCode.ResourceNotFound && e.data.uri === 'file:///gone');
    await assert.rejects(c.readResource('file:///nowhere'), (e) => e.code === ErrorCode.ResourceNotFound);
    // A value that is not text, bytes or contents is sent as its JSON text (docs/results.md).
    assert.deepEqual((await c.readResource('file:///wrong')).contents, [{ uri: 'file:///wrong', mimeType: 'application/json', text: '42' }]);
  });
});

test('templates match and pass their variables', async () => {
  await withServer(setup, async (_s, c) => {
    const { resourceTemplates } = await c.listResourceTemplates();
    assert.equal(resourceTemplates[0].uriTemplate, 'users://{id}/profile');
    const r = await c.readResource('users://42/profile');
    assert.deepEqual(JSON.parse(r.contents[0].text), { id: '42', uri: 'users://42/profile' });
    assert.equal(r.contents[0].mimeType, 'application/json');
  });
});

test('a template can be removed: by its handle or by name, once', async () => {
  await withServer(setup, async (server, c) => {
    const handle = server.resourceTemplate('note', 'notes://{id}', {}, (_uri, { id }) => `note ${id}`);
    assert.equal((await c.readResource('notes://7')).contents[0].text, 'note 7');
    assert.equal(handle.remove(), true);
    assert.equal(server.removeResourceTemplate('notes://{id}'), false);
    await assert.rejects(c.readResource('notes://7'), (e) => e.code === ErrorCode.ResourceNotFound);
    assert.equal(server.removeResourceTemplate('users://{id}/profile'), true);
    assert.deepEqual((await c.listResourceTemplates()).resourceTemplates, []);
  });
});

test('a template with a list: resources/list adds what it returns, with the template metadata', async () => {
  await withServer(
    (server) => {
      server.resource('readme', 'file:///readme', {}, () => 'readme');
      server.resourceTemplate(
        'note',
        'notes://{name}',
        {
          mimeType: 'text/plain',
          list: (ctx) => ({ resources: [{ uri: 'notes://a', name: 'a', description: `for ${ctx.protocolVersion}` }] }),
        },
        (_uri, { name }) => `note ${name}`,
      );
      server.resourceTemplate('bare', 'bare://{x}', { list: async () => [{ uri: 'bare://1', name: 'one' }] }, () => 'bare');
    },
    async (_s, c) => {
      const { resources } = await c.listResources();
      assert.deepEqual(resources, [
        { uri: 'file:///readme', name: 'readme' },
        { uri: 'notes://a', name: 'a', description: 'for 2025-11-25', mimeType: 'text/plain' },
        { uri: 'bare://1', name: 'one' },
      ]);
      const { resourceTemplates } = await c.listResourceTemplates();
      assert.deepEqual(resourceTemplates.map((t) => Object.keys(t).sort()), [['mimeType', 'name', 'uriTemplate'], ['name', 'uriTemplate']]);
    },
  );
});

test('a list that throws fails resources/list; a list that is not a function is refused', async () => {
  await withServer(
    (server) => {
      server.resourceTemplate('note', 'notes://{name}', { list: () => { throw new McpError(ErrorCode.InternalError, 'store offline'); } }, () => 'x');
      assert.throws(() => server.resourceTemplate('bad', 'bad://{x}', { list: 'nope' }, () => 'x'), /must be a function/);
    },
    async (_s, c) => {
      await assert.rejects(c.listResources(), (e) => e.code === ErrorCode.InternalError && /store offline/.test(e.message));
    },
  );
});

test('prompts: strings, messages, full results and their arguments', async () => {
  await withServer(setup, async (_s, c) => {
    const { prompts } = await c.listPrompts();
    const review = prompts.find((p) => p.name === 'review');
    assert.deepEqual(review.arguments, [{ name: 'code', required: true }, { name: 'language', required: false }]);
    assert.deepEqual(prompts.find((p) => p.name === 'schema_args').arguments, [{ name: 'topic', description: 'T', required: true }]);
    assert.deepEqual((await c.getPrompt('plain')).messages, [{ role: 'user', content: { type: 'text', text: 'hello' } }]);
    assert.equal((await c.getPrompt('review', { code: 'x()' })).messages[0].content.text, 'Review js: x()');
    assert.equal((await c.getPrompt('schema_args', { topic: 'rust' })).messages[0].role, 'assistant');
    await assert.rejects(c.getPrompt('review', {}), (e) => e.code === ErrorCode.InvalidParams);
  });
});

test('completions per prompt and per template', async () => {
  await withServer(setup, async (_s, c) => {
    const r = await c.complete({ type: 'ref/prompt', name: 'review' }, { name: 'language', value: 'ja' });
    assert.deepEqual(r.completion.values, ['javascript', 'java']);
    const t = await c.complete({ type: 'ref/resource', uri: 'users://{id}/profile' }, { name: 'id', value: '' });
    assert.deepEqual(t.completion, { values: ['id-1'], total: 1, hasMore: false });
  });
});

test('a resource, prompt or completion that throws unexpectedly is an internal error', async () => {
  await withServer(
    (server) => {
      server.resource('boom', 'file:///boom', {}, () => {
        throw new TypeError('disk on fire');
      });
      server.resourceTemplate('pages', 'pages://{n}', { list: () => { throw new Error('index lost'); } }, () => 'x');
      server.prompt('explode', {}, () => {
        throw new RangeError('too far');
      });
      server.completion({ type: 'ref/prompt', name: 'explode' }, () => {
        throw new Error('no values');
      });
    },
    async (_s, c) => {
      const internal = (pattern) => (e) => e.code === ErrorCode.InternalError && pattern.test(e.message);
      await assert.rejects(c.readResource('file:///boom'), internal(/TypeError: disk on fire/));
      await assert.rejects(c.listResources(), internal(/index lost/));
      await assert.rejects(c.getPrompt('explode', {}), internal(/RangeError: too far/));
      await assert.rejects(c.complete({ type: 'ref/prompt', name: 'explode' }, { name: 'x', value: '' }), internal(/no values/));
    },
  );
});
