/**
 * MCP Apps and skills through the Node API and the real engine: an app with static HTML and
 * one read by a handler, a tool linked with `ui`, skills given in code (text and bytes) and
 * read from a directory, and what the engine refuses thrown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from '../lib/index.mjs';
import { withServer } from './helpers.mjs';

const APP_MIME = 'text/html;profile=mcp-app';
const SKILL_MD = '---\nname: greeter\ndescription: Greets people by name\n---\nSay hello.\n';

function skillsDir() {
  const root = mkdtempSync(join(tmpdir(), 'mcpforge-skills-'));
  mkdirSync(join(root, 'counter', 'scripts'), { recursive: true });
  writeFileSync(join(root, 'counter', 'SKILL.md'), '---\nname: counter\ndescription: Counts things\n---\n');
  writeFileSync(join(root, 'counter', 'scripts', 'count.py'), 'print(3)\n');
  return root;
}

test('apps are read with their MIME type and _meta.ui; a tool links to one', async () => {
  const setup = (server) => {
    server.app('ui://greet/view.html', { html: '<p>hi</p>', csp: { connectDomains: ['https://a.example'] }, permissions: ['camera'] });
    server.app('ui://greet/live.html', { prefersBorder: false }, (uri) => `<p>${uri.href}</p>`);
    server.tool('greet', { description: 'Greets', ui: { resourceUri: 'ui://greet/view.html', visibility: ['app'] } }, () => 'hello');
  };
  await withServer(setup, async (_s, c) => {
    const { tools } = await c.listTools();
    assert.deepEqual(tools[0]._meta.ui, { resourceUri: 'ui://greet/view.html', visibility: ['app'] });
    const [view] = (await c.readResource('ui://greet/view.html')).contents;
    assert.equal(view.mimeType, APP_MIME);
    assert.equal(view.text, '<p>hi</p>');
    assert.deepEqual(view._meta.ui, { csp: { connectDomains: ['https://a.example'] }, permissions: { camera: {} } });
    const [live] = (await c.readResource('ui://greet/live.html')).contents;
    assert.equal(live.text, '<p>ui://greet/live.html</p>');
    assert.deepEqual(live._meta.ui, { prefersBorder: false });
  });
});

test('skills from code and from a directory are listed, got and read', async () => {
  const root = skillsDir();
  const setup = (server) => {
    server.skill(SKILL_MD, { 'references/names.txt': 'ada\n', 'logo.bin': new Uint8Array([0, 255]) });
    server.skillsDir(root);
  };
  try {
    await withServer(setup, async (_s, c) => {
      const listed = await c.request('skills/list', {});
      assert.deepEqual(listed.skills.map((s) => s.frontmatter.name), ['counter', 'greeter']);
      const got = await c.request('skills/get', { uri: 'skill://greeter/SKILL.md' });
      const sizes = Object.fromEntries(got.skill.resources.map((f) => [f.uri, f.size]));
      assert.deepEqual(sizes, {
        'skill://greeter/SKILL.md': Buffer.byteLength(SKILL_MD),
        'skill://greeter/references/names.txt': 4,
        'skill://greeter/logo.bin': 2,
      });
      const [logo] = (await c.readResource('skill://greeter/logo.bin')).contents;
      assert.deepEqual([...Buffer.from(logo.blob, 'base64')], [0, 255]);
      const [script] = (await c.readResource('skill://counter/scripts/count.py')).contents;
      assert.equal(script.text, 'print(3)\n');
      await assert.rejects(c.request('skills/get', { uri: 'skill://nope/SKILL.md' }), (e) => e.code === -32602);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('what the engine refuses is thrown', async () => {
  const server = new Server({ name: 'refusals', version: '1.0.0' });
  try {
    assert.throws(() => server.app('https://not-an-app', { html: '<p></p>' }), /ui:\/\//);
    assert.throws(() => server.app('ui://x', { html: '', permissions: ['usb'] }), /permission/);
    assert.throws(() => server.skill('---\nname: Not Valid\ndescription: d\n---\n'), /name/);
    assert.throws(() => server.skillsDir(join(tmpdir(), 'mcpforge-no-such-dir')), /skills directory/);
    server.skill(SKILL_MD);
    assert.throws(() => server.skill(SKILL_MD), /greeter/);
    assert.equal(server.removeSkill('greeter'), true);
    assert.equal(server.removeSkill('greeter'), false);
  } finally {
    await server.close();
  }
});
