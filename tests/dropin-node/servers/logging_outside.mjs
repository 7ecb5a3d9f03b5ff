// A log message sent outside any handler (from a timer a tool started, after it answered) reaches the client.
// script: {"tools": [["schedule", {}], ["wait", {}]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'logging-outside', version: '1.0.0' }, { capabilities: { logging: {} } });

let announced;
const sent = new Promise((resolve) => {
  announced = resolve;
});

server.registerTool('schedule', { description: 'Answers, then logs from a timer' }, async () => {
  setTimeout(async () => {
    await server.sendLoggingMessage({ level: 'notice', logger: 'timer', data: 'sent from a timer' });
    announced();
  }, 10);
  return { content: [{ type: 'text', text: 'scheduled' }] };
});

server.registerTool('wait', { description: 'Answers once the timer logged' }, async () => {
  await sent;
  return { content: [{ type: 'text', text: 'after the log' }] };
});

await server.connect(new StdioServerTransport());
