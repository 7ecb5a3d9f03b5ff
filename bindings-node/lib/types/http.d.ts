/**
 * Serving over HTTP: `listen({ http })`'s options, bearer-token authorization, and the
 * handlers that mount the MCP endpoint in an HTTP server of the application's own
 * (`httpHandler()` for Node, `fetchHandler()` for web-standard runtimes).
 */

import type { Awaitable, Json } from './schema.js';

/** What a bearer token grants (returned by the verifier, seen by handlers as `ctx.authInfo`). */
export interface AuthInfo {
  subject?: string;
  scopes?: string[];
  clientId?: string;
  extra?: Json;
}

/** The engine's JWT verifier (docs/auth.md): signed tokens checked against the issuer's keys. */
export interface JwtVerifierOptions {
  issuer: string;
  jwksUri?: string;
  audience?: string | string[];
  algorithms?: string[];
  sharedSecret?: string;
  clockSkew?: number;
  scopeClaim?: string;
  subjectClaim?: string;
  clientIdClaim?: string;
  jwksRefetchInterval?: number;
  cacheTtl?: number;
}

/** The engine's RFC 7662 introspection verifier (docs/auth.md), for opaque tokens. */
export interface IntrospectionOptions {
  endpoint: string;
  clientId?: string;
  clientSecret?: string;
  issuer?: string;
  audience?: string | string[];
  clockSkew?: number;
  scopeClaim?: string;
  subjectClaim?: string;
  clientIdClaim?: string;
  cacheTtl?: number;
}

/** The identity provider behind the engine's OAuth proxy (docs/auth.md). */
export interface ProxyUpstreamOptions {
  /** Without it, `authorizationEndpoint`, `tokenEndpoint` and `userinfoEndpoint` are required. */
  issuer?: string;
  clientId: string;
  clientSecret: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  jwksUri?: string;
  userinfoEndpoint?: string;
  subjectClaim?: string;
  scopes?: string[];
  extraAuthorizeParams?: Record<string, string>;
}

/** The engine's OAuth proxy (docs/auth.md): the server is the authorization server clients see. */
export interface ProxyOptions {
  upstream: ProxyUpstreamOptions;
  issuer?: string;
  signingSecret?: string;
  tokenLifetime?: number;
  refreshTokenLifetime?: number;
  /** Requests per client address across the proxy's routes; `null` turns the limit off. */
  rateLimit?: { requests: number; perMs: number; burst?: number } | null;
  /** Only these upstream subjects may log in (docs/auth.md). */
  allowedSubjects?: string[];
  /** Only users with a verified e-mail address in these domains may log in (docs/auth.md). */
  allowedEmailDomains?: string[];
  /** Clients identified by the URL of their metadata document (docs/auth.md). */
  clientMetadataDocuments?: ClientMetadataDocumentOptions;
}

/** Client ID Metadata Documents at the engine's OAuth proxy (docs/auth.md). */
export interface ClientMetadataDocumentOptions {
  /** Default true. */
  enabled?: boolean;
  /** For tests only: documents served by a loopback address (plain http too). */
  allowLoopback?: boolean;
}

/** Bearer-token authorization of the HTTP transport: a `verifier`, or `jwt`/`introspection`/`proxy`. */
export interface AuthOptions {
  /** Verifies a token: resolve the grant, or throw (an error with `requiredScopes` answers 403). */
  verifier?: (token: string) => Awaitable<AuthInfo>;
  /** The engine verifies JWTs itself (no `verifier`). */
  jwt?: JwtVerifierOptions;
  /** The engine introspects opaque tokens itself (no `verifier`). */
  introspection?: IntrospectionOptions;
  /** The engine is the OAuth proxy and verifies its own tokens (no `verifier`). */
  proxy?: ProxyOptions;
  /** This server's canonical URL as clients use it (the protected-resource metadata's `resource`). */
  resource: string;
  authorizationServers?: string[];
  scopesSupported?: string[];
  requiredScopes?: string[];
  resourceName?: string;
}

/** Where and how Streamable HTTP listens. */
export interface HttpListenOptions {
  /** Default `127.0.0.1` (never all interfaces by default). */
  host?: string;
  /** Default 3000; 0 picks a free port (see `onListening`). */
  port?: number;
  /** Default `/mcp`. */
  path?: string;
  allowedHosts?: string[];
  allowedOrigins?: string[];
  maxBody?: number;
  legacySessions?: boolean;
  /**
   * Serve legacy (2025) requests without keeping sessions: `initialize` is answered without
   * an `Mcp-Session-Id`, and every other request stands alone, on a session made for it and
   * ended with it. The server cannot ask such a client for input, nor send it anything
   * outside its requests. The official SDKs' stateless mode; the 2026-07-28 wire is
   * unchanged. Default false.
   */
  sessionless?: boolean;
  sessionIdleTimeoutMs?: number;
  maxSessions?: number;
  /** At most this many legacy sessions per client (subject, else address): its own least recently used is ended. Default: a tenth of `maxSessions`. */
  maxSessionsPerClient?: number;
  sseKeepaliveMs?: number;
  /**
   * Whether a legacy session's request is cancelled when its client closes the connection
   * carrying its answer: `'unresumable'` (default) while the answer's stream has carried no
   * event id the client could resume from, `'never'` (the 2025 specification's words taken
   * literally), or `'always'` (as on the 2026-07-28 wire, which always cancels).
   */
  cancelOnDisconnect?: 'never' | 'unresumable' | 'always';
  /** Serve the 2024-11-05 HTTP+SSE transport alongside (`GET ssePath`, `POST messagesPath`). Default true. */
  legacySse?: boolean;
  /** Path of the HTTP+SSE event stream. Default `/sse`. */
  ssePath?: string;
  /**
   * Path the HTTP+SSE transport takes messages at (`POST ...?sessionId=`). Default
   * `/messages`. The `endpoint` event names it relative to `ssePath`, so both keep working
   * under a mount prefix.
   */
  messagesPath?: string;
  metrics?: boolean;
  /** Serve MCP over WebSocket at the same path too (subprotocol `mcp`). Default false. */
  websocket?: boolean;
  /** At most this many open connections (the longest idle is closed to make room; 503 when all are busy). */
  maxConnections?: number;
  /** A new connection must send its first request head within this. Default 10,000. */
  headerTimeoutMs?: number;
  /** A connection with no request in progress this long is closed. Default 60,000. */
  idleTimeoutMs?: number;
  /** A request body must arrive within this. Default 30,000. */
  bodyTimeoutMs?: number;
  /**
   * A store shared with the server's other instances (`redis://host:port/db`): a legacy
   * session opened on one instance is served by any of them. Default: the environment
   * variable `MCPFORGE_SHARED_STORE`, if set.
   */
  sharedStore?: string;
  /**
   * The server card (SEP-2127) at `<path>/server-card` and `/.well-known/mcp/server-card`:
   * on by default (identity and remotes); `false` turns it off (docs/http.md).
   */
  serverCard?: boolean | ServerCardOptions;
  /** Serve HTTPS: the certificate chain's PEM file (the server's own certificate first); with `tlsKey`. */
  tlsCert?: string;
  /** Serve HTTPS: the private key's PEM file; with `tlsCert` (docs/http.md, "HTTPS"). */
  tlsKey?: string;
  auth?: AuthOptions;
  /** Called once bound, with the actual address. */
  onListening?: (address: HttpAddress) => void;
  /**
   * Keep where the server listens unsaid (by default one line on stderr,
   * `mcpforge: serving MCP on <url> (Ctrl-C to stop)`). Default false.
   */
  quiet?: boolean;
  /**
   * Default false: each connection runs on Node's event loop once accepted, so a request
   * wakes one thread once (the lowest latency one request at a time). True: the engine's
   * own threads read, dispatch and write in parallel with JavaScript, each call crossing to
   * the JavaScript thread and back. With `websocket` on, connections always run on the
   * engine's threads.
   */
  engineThreads?: boolean;
}

/** The server card's options (each optional; see docs/http.md, "Server card"). */
export interface ServerCardOptions {
  /** Serve the card. Default true. */
  enabled?: boolean;
  /** Reverse-DNS name with one `/` (`com.example/weather`). Default: derived from the public URL and the server's name. */
  name?: string;
  /** The URL clients connect to. Default: the `auth` resource, else the bound address and path. */
  publicUrl?: string;
  /** The card's `repository` (`{ url, source, subfolder?, id? }`). */
  repository?: { url: string; source: string; subfolder?: string; id?: string };
  /** Also list capabilities, tools, resources and prompts as an anonymous client sees them. Default false. */
  catalogue?: boolean;
  /** Also serve the card as the MCP resource `mcp://server-card.json`. Default false. */
  resource?: boolean;
  /** `Cache-Control` max-age. Default 3,600,000. */
  maxAgeMs?: number;
  /** The card is built again after this long, or when the registry changes. Default 60,000. */
  refreshMs?: number;
  /** Largest card body; past it the listings are left out. Default 262,144. */
  maxBytes?: number;
}

/** A bound HTTP address. */
export interface HttpAddress {
  host: string;
  port: number;
  url: string;
}

/** Options of `httpHandler()` and `fetchHandler()`: the HTTP options without the listener's. */
export type MountOptions = Omit<
  HttpListenOptions,
  | 'host'
  | 'port'
  | 'onListening'
  | 'quiet'
  | 'engineThreads'
  | 'websocket'
  | 'maxConnections'
  | 'headerTimeoutMs'
  | 'idleTimeoutMs'
  | 'bodyTimeoutMs'
  | 'tlsCert'
  | 'tlsKey'
>;

/**
 * A Node request handler (Express, `node:http`). Behind a body parser it reads the raw body
 * the parser kept in `req.rawBody`, else `parsedBody` (or `req.body`) written back as JSON.
 */
export type NodeMcpHandler = (
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
  parsedBody?: unknown,
) => Promise<void>;

/**
 * A client's address, which a web `Request` does not carry: an IP address as text
 * (`'127.0.0.1'`, `'::ffff:127.0.0.1'`, `'[::1]:5000'`), or an object with it and an optional
 * port (Bun's `server.requestIP(request)`, Node's `socket.address()`). Give the TCP peer, not
 * a header the client wrote. Not an IP address: no address.
 */
export type ClientAddress = string | { address: string; port?: number };

/** What a fetch handler may be told about a request besides the `Request` itself. */
export interface FetchMcpOptions {
  /**
   * The client's address, by which the per-client bounds (`maxSessionsPerClient`, rate
   * limits of requests without a session) count a client without a verified token. Without
   * it, all such clients count as one.
   */
  clientAddress?: ClientAddress | null;
}

/**
 * A web-standard request handler (Hono, Bun, Deno, any `fetch` runtime). The second argument
 * gives the client's address (Hono on Node: `{ clientAddress: c.env.incoming.socket.remoteAddress }`;
 * Bun: `{ clientAddress: server.requestIP(request) }`; Deno: `{ clientAddress: info.remoteAddr.hostname }`).
 */
export type FetchMcpHandler = (request: Request, options?: FetchMcpOptions) => Promise<Response>;

/** Options of `listen()`: stdio without `http`. */
export interface ListenOptions {
  http?: HttpListenOptions;
  /** Close the server on SIGINT/SIGTERM while listening (default true). */
  handleSignals?: boolean;
  /**
   * After such a signal closed the server and every request was answered, `listen()`
   * returns and the process exits 1 s later at the latest (with `process.exitCode`, 0 unless
   * set), even if handlers left timers or sockets behind. Default true; false leaves ending
   * the process to the application.
   */
  exitOnSignal?: boolean;
  /** How stdio is served (ignored with `http`). */
  stdio?: StdioListenOptions;
}

/** Options of `listen()` over stdio. */
export interface StdioListenOptions {
  /**
   * Default false: the connection runs on Node's event loop, so a call wakes one thread
   * once (the lowest latency one call at a time). True: the engine's own threads read,
   * dispatch and write in parallel with JavaScript, each call crossing to the JavaScript
   * thread and back (more calls per second when many are in flight at once and the
   * JavaScript thread is the busy one).
   */
  engineThreads?: boolean;
}
