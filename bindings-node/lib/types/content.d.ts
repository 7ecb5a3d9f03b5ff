/**
 * What handlers answer with, in its wire form: content blocks, tool results, resource
 * contents, prompt messages and completions.
 */

import type { JsonSchema } from './schema.js';

/** A content block of a tool result or prompt message. */
export type ContentBlock =
  | { type: 'text'; text: string; annotations?: JsonSchema; _meta?: JsonSchema }
  | { type: 'image'; data: string; mimeType: string; annotations?: JsonSchema; _meta?: JsonSchema }
  | { type: 'audio'; data: string; mimeType: string; annotations?: JsonSchema; _meta?: JsonSchema }
  | { type: 'resource'; resource: ResourceContents; annotations?: JsonSchema; _meta?: JsonSchema }
  | { type: 'resource_link'; uri: string; name: string; mimeType?: string; description?: string; [key: string]: unknown };

/** The result of `tools/call`. */
export interface CallToolResult {
  content: ContentBlock[];
  structuredContent?: { [key: string]: unknown };
  isError?: boolean;
  _meta?: { [key: string]: unknown };
}

/** One item of a `resources/read` result. */
export interface ResourceContents {
  uri: string;
  mimeType?: string;
  text?: string;
  blob?: string;
  _meta?: { [key: string]: unknown };
}

/** One prompt message. */
export interface PromptMessage {
  role: 'user' | 'assistant';
  content: ContentBlock;
}

/** The result of `prompts/get`. */
export interface GetPromptResult {
  description?: string;
  messages: PromptMessage[];
  _meta?: { [key: string]: unknown };
}

/** Completion suggestions. */
export interface Completion {
  values: string[];
  total?: number;
  hasMore?: boolean;
}
