/**
 * The errors handlers throw and clients see: JSON-RPC and MCP error codes, `McpError`,
 * `ToolError`, the input-required signal.
 */

/** JSON-RPC and MCP error codes. */
export declare const ErrorCode: {
  readonly ParseError: -32700;
  readonly InvalidRequest: -32600;
  readonly MethodNotFound: -32601;
  readonly InvalidParams: -32602;
  readonly InternalError: -32603;
  readonly ResourceNotFound: -32002;
  readonly UrlElicitationRequired: -32042;
  readonly HeaderMismatch: -32020;
  readonly MissingRequiredClientCapability: -32021;
  readonly UnsupportedProtocolVersion: -32022;
  /** A rate limit refused the request; `data.retryAfterMs` says when to retry. */
  readonly RateLimited: -32029;
};

/** A JSON-RPC error: the request cannot be processed. */
export declare class McpError extends Error {
  constructor(code: number, message: string, data?: unknown);
  readonly code: number;
  readonly data?: unknown;
}

/** A tool failure the model sees (`isError: true`). */
export declare class ToolError extends Error {
  constructor(message: string, data?: unknown);
  readonly data?: unknown;
  /** Set when a client input (`elicit`, `sample`, `listRoots`, `ask`) failed because the client answered with this JSON-RPC error. */
  readonly refusal?: { code: number; message: string; data?: unknown };
}

/** Thrown by an unanswered ask on the 2026-07-28 wire: let it propagate. */
export declare class InputRequiredError extends Error {
  constructor();
}

/** The error for a resource that does not exist. */
export declare function resourceNotFound(uri: string): McpError;
