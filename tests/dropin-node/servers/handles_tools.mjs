// Tool handles: disable, enable, update (description, schema, callback, rename) and remove.
// script: {"tools": [["beta", {}], ["unlock", {}], ["beta", {}], ["rework", {}], ["gamma", {"n": 3}], ["alpha", {}], ["lock", {}], ["gamma", {"n": 1}]], "relist": true}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'handles-tools', version: '1.0.0' });

const text = (t) => ({ content: [{ type: 'text', text: t }] });
const alpha = server.registerTool('alpha', { description: 'Alpha' }, () => text('alpha'));
const beta = server.registerTool('beta', { description: 'Beta' }, () => text('beta'));
beta.disable();

server.registerTool('unlock', {}, () => {
  beta.enable();
  return text(`beta enabled: ${beta.enabled}`);
});

server.registerTool('rework', {}, () => {
  beta.update({ name: 'gamma', description: 'Gamma', paramsSchema: { n: z.number() }, callback: ({ n }) => text(`gamma ${n * 2}`) });
  alpha.remove();
  return text('reworked');
});

server.registerTool('lock', {}, () => {
  beta.update({ enabled: false });
  return text('locked');
});

await server.connect(new StdioServerTransport());
