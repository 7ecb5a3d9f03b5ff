// Prompt arguments made completable, with the other arguments as completion context.
// script: {"prompts": [["team-greeting", {"department": "engineering", "name": "Ada"}]], "completions": [[{"type": "ref/prompt", "name": "team-greeting"}, "department", "e"], [{"type": "ref/prompt", "name": "team-greeting"}, "name", "A", {"department": "engineering"}], [{"type": "ref/prompt", "name": "team-greeting"}, "name", "", {"department": "sales"}], [{"type": "ref/prompt", "name": "team-greeting"}, "tone", "f"]]}
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'prompts-completable', version: '1.0.0' });

const PEOPLE = { engineering: ['Ada', 'Alan', 'Grace'], sales: ['Bob', 'Bea'] };

server.registerPrompt(
  'team-greeting',
  {
    description: 'Greets a team member',
    argsSchema: {
      department: completable(z.string(), (value) => Object.keys(PEOPLE).filter((d) => d.startsWith(value))),
      name: completable(z.string(), (value, context) =>
        (PEOPLE[context?.arguments?.department] ?? []).filter((n) => n.startsWith(value)),
      ),
      tone: z.string().optional(),
    },
  },
  ({ department, name }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Hello ${name} of ${department}` } }] }),
);

await server.connect(new StdioServerTransport());
