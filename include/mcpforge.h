/*
 * mcpforge.h - the C API of the mcpforge MCP server engine, and of its client.
 *
 * Ownership and threading rules (they hold for every function below):
 *
 * 1. Every mcpf_x object is opaque. It is created by mcpf_x_new (or handed to you by a
 *    function documented as "owned") and released exactly once with its free function
 *    (mcpf_server_free, mcpf_responder_free, mcpf_token_check_free, mcpf_http_app_free,
 *    mcpf_exchange_free; for the client mcpf_client_config_free, mcpf_client_free,
 *    mcpf_client_cancel_free, mcpf_client_stream_free: each stream before its client).
 *    Freeing NULL is a no-op. An mcpf_responder * or mcpf_exchange * is a handle, never
 *    an address, and never reused: freeing it again or using it after its free is refused
 *    (MCPF_STATUS_INVALID_ARGUMENT, or a documented default for functions that return no
 *    status) without touching freed memory.
 * 2. Inputs are const pointers plus explicit lengths: UTF-8, not necessarily
 *    NUL-terminated; a length of SIZE_MAX means "NUL-terminated". The library copies what
 *    it keeps; you may free or reuse inputs as soon as the call returns.
 * 3. Fallible functions return mcpf_status; MCPF_STATUS_OK (0) is success. Out-parameters
 *    are written only on success. mcpf_last_error_message() explains the last failure on
 *    the calling thread. Strings the library hands out are borrowed, and each function
 *    says how long they stay valid; never free them. The one exception are the answers
 *    of the client-input asks (mcpf_call_elicit, _sample, _list_roots) and the JSON
 *    results of the client's calls (mcpf_client_call_tool, _list_tools, ...): they are
 *    owned by you and freed with mcpf_string_free. A client call answered with a JSON-RPC
 *    error returns MCPF_STATUS_SERVER_ERROR; mcpf_last_error_code() and
 *    mcpf_last_error_data() then give its code and data.
 * 4. Callbacks are registered as (fn, void *user_data, void (*free_user_data)(void *)).
 *    The library calls free_user_data exactly once, when the registration is dropped:
 *    - the server is freed: inside mcpf_server_free, on its thread (responders of its
 *      calls still held are revoked first, see 5);
 *    - the tool (resource, template, prompt) is removed or a completion provider is
 *      replaced: inside that call when none of its calls is running, otherwise on a
 *      library thread as soon as the last running call is answered (never inside a
 *      callback or inside your mcpf_responder_* call).
 * 5. A callback (tool, resource, prompt or completion) receives a borrowed
 *    const mcpf_call * (valid until the callback returns) and an owned mcpf_responder *.
 *    Complete the responder exactly once, now or later, from any thread, with an answer
 *    of its kind: tools mcpf_responder_ok / _text / _json / _tool_error, resources
 *    mcpf_responder_text / _json / _bytes / _contents / _resource_not_found, prompts
 *    mcpf_responder_text / _json / _prompt, completions mcpf_responder_json /
 *    _completion; any kind mcpf_responder_protocol_error (docs/results.md). An
 *    answer of the wrong kind gives MCPF_STATUS_INVALID_ARGUMENT (the client gets -32603).
 *    Completing consumes it. The pointer is a handle, never reused: completing it again
 *    returns MCPF_STATUS_INVALID_ARGUMENT and freeing it again does nothing, without
 *    touching freed memory; so do responders revoked by mcpf_server_free.
 *    mcpf_responder_free on an uncompleted responder answers the client with an internal
 *    error (-32603) instead of leaving the request hanging.
 *    mcpf_responder_call(r) gives the call view for as long as r lives. Once an ask of
 *    the call returned MCPF_STATUS_INPUT_REQUIRED, completing or freeing the responder
 *    gives the client input_required (2026-07-28 wire).
 * 6. Threads: an mcpf_server may be used from any thread. Callbacks (and the token
 *    verifier) run on the thread inside mcpf_server_run_stdio / mcpf_server_run_http, or
 *    on the engine thread of an mcpf_http_app (mounted in your own HTTP server); they
 *    must not block (hand the responder and slow work to your own thread) and must not
 *    throw. user_data must be usable from the threads you complete calls on. The
 *    client-input asks block until the client answers, so they are made from your own
 *    threads (inside a callback they return MCPF_STATUS_WOULD_BLOCK).
 *    mcpf_server_shutdown is async-signal-safe on Unix: a signal handler may call it.
 *    An mcpf_client may be used from any thread, by several at once; each call blocks its
 *    thread. Its request callbacks and its OAuth callback run on library threads and its
 *    notification callback on the client's notification thread; all may block. Their
 *    user_data is freed once the config and every client connected with it are freed. An
 *    mcpf_client_oauth_answer * is a handle like a responder: answer it exactly once, now
 *    or later, from any thread (mcpf_client_oauth_answer_json / _string / _error consume
 *    it; answering again is refused without touching freed memory).
 * 7. An mcpf_exchange (one request handed to a mounted mcpf_http_app) has one reader at
 *    a time: mcpf_exchange_next_chunk while another thread is inside it for the same
 *    exchange is refused (MCPF_STATUS_INVALID_ARGUMENT). Freeing the exchange ends a read
 *    in progress on another thread (it returns the end of the body).
 * 8. No Rust panic crosses this boundary (it becomes MCPF_STATUS_PANIC); every pointer is
 *    NULL-checked (MCPF_STATUS_NULL_PARAMETER, or a documented default for functions that
 *    return no status); invalid UTF-8 or JSON gives an error status, never undefined
 *    behaviour.
 */

#ifndef MCPFORGE_H
#define MCPFORGE_H

/* Generated by cbindgen from ffi/src; do not edit. Regenerate with `make c-header`. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MCPF_VERSION_MAJOR 0
#define MCPF_VERSION_MINOR 1
#define MCPF_VERSION_PATCH 0

// Invalid JSON was received (-32700).
#define MCPF_ERROR_PARSE_ERROR -32700

// The JSON sent is not a valid request object (-32600).
#define MCPF_ERROR_INVALID_REQUEST -32600

// The method does not exist or its capability is not advertised (-32601).
#define MCPF_ERROR_METHOD_NOT_FOUND -32601

// Invalid method parameters (-32602).
#define MCPF_ERROR_INVALID_PARAMS -32602

// Internal error (-32603).
#define MCPF_ERROR_INTERNAL_ERROR -32603

// Resource not found (-32002; the engine sends -32602 on 2026-07-28).
#define MCPF_ERROR_RESOURCE_NOT_FOUND -32002

// URL elicitation required (-32042, 2025-11-25).
#define MCPF_ERROR_URL_ELICITATION_REQUIRED -32042

// 2026-07-28: a transport header is missing or disagrees with the body (-32020).
#define MCPF_ERROR_HEADER_MISMATCH -32020

// 2026-07-28: the request needs a client capability it did not declare (-32021).
#define MCPF_ERROR_MISSING_REQUIRED_CLIENT_CAPABILITY -32021

// 2026-07-28: the requested protocol version is not supported (-32022).
#define MCPF_ERROR_UNSUPPORTED_PROTOCOL_VERSION -32022

// mcpforge: a rate limit refused the request; `data.retryAfterMs` says when to retry (-32029).
#define MCPF_ERROR_RATE_LIMITED -32029

// `mcpf_server_notify_list_changed`: the tool list.
#define MCPF_LIST_TOOLS 1

// `mcpf_server_notify_list_changed`: the prompt list.
#define MCPF_LIST_PROMPTS 2

// `mcpf_server_notify_list_changed`: the resource list (resources and templates).
#define MCPF_LIST_RESOURCES 3

// The result of a fallible call. `MCPF_STATUS_OK` (0) is success; every other value is a
// failure whose details are in `mcpf_last_error_message()`.
//
// Values are stable: new codes are only ever appended.
enum mcpf_status
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : uint32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // Success.
  MCPF_STATUS_OK = 0,
  // A required pointer argument was NULL.
  MCPF_STATUS_NULL_PARAMETER = 1,
  // A string argument was not valid UTF-8.
  MCPF_STATUS_INVALID_UTF8 = 2,
  // A JSON argument did not parse, or did not have the required shape.
  MCPF_STATUS_INVALID_JSON = 3,
  // An argument was well-formed but not acceptable (bad name, bad schema, unknown level...).
  MCPF_STATUS_INVALID_ARGUMENT = 4,
  // The server is already running (`mcpf_server_run_stdio`/`_http` on another thread).
  MCPF_STATUS_ALREADY_RUNNING = 5,
  // An I/O or runtime failure while serving.
  MCPF_STATUS_IO = 6,
  // A bug in the library was caught at the boundary (no panic ever crosses into C).
  MCPF_STATUS_PANIC = 7,
  // Any other internal failure.
  MCPF_STATUS_INTERNAL = 8,
  // The call would block the thread that runs the server's callbacks (a blocking
  // client-input ask, or a client call, made inside a callback): make it from another
  // thread.
  MCPF_STATUS_WOULD_BLOCK = 9,
  // A client-input ask cannot be answered in this round (2026-07-28 wire): stop, and
  // complete or free the responder; the client answers and the call runs again.
  MCPF_STATUS_INPUT_REQUIRED = 10,
  // The client refused or could not answer a client-input ask (no such capability,
  // declined the request, disconnected, or the call was cancelled).
  MCPF_STATUS_ASK_FAILED = 11,
  // No tool, prompt, resource or template is registered under that name or URI.
  MCPF_STATUS_NOT_FOUND = 12,
  // Client: the server answered with a JSON-RPC error; `mcpf_last_error_code()` gives its
  // code, `mcpf_last_error_message()` its message and `mcpf_last_error_data()` its data.
  MCPF_STATUS_SERVER_ERROR = 13,
  // Client: no answer came within the call's timeout (the server was told to cancel).
  MCPF_STATUS_TIMEOUT = 14,
  // Client: the call was cancelled with `mcpf_client_cancel_trigger` (the server was told).
  MCPF_STATUS_CANCELLED = 15,
  // Client: the connection is closed (the server exited, or `mcpf_client_close` ran).
  MCPF_STATUS_CLOSED = 16,
  // Client: the server's answer breaks the protocol (an unknown version, a result of the
  // wrong shape, too many pages, structured content that does not match the tool's
  // output schema).
  MCPF_STATUS_BAD_ANSWER = 17,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum mcpf_status mcpf_status;
#else
typedef uint32_t mcpf_status;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// One call (tool, resource read, prompt or completion), as C sees it. Borrowed: valid
// until the callback returns, or, through `mcpf_responder_call`, until its responder is
// completed or freed.
typedef struct mcpf_call mcpf_call;

// A connection to one MCP server. Made by `mcpf_client_connect_stdio` or
// `mcpf_client_connect_http`, freed with `mcpf_client_free`.
typedef struct mcpf_client mcpf_client;

// A server's request being answered: borrowed by the request callback, valid until it
// returns; filled once with `mcpf_client_answer_json` or `mcpf_client_answer_error`.
typedef struct mcpf_client_answer mcpf_client_answer;

// Gives up the calls it is passed to (in `mcpf_client_call_options`) when
// `mcpf_client_cancel_trigger` is called, from any thread. Create with
// `mcpf_client_cancel_new`, free with `mcpf_client_cancel_free`. Once triggered it stays
// triggered: a call started with it fails at once.
typedef struct mcpf_client_cancel mcpf_client_cancel;

// How a client connects and calls, before it connects. Create with
// `mcpf_client_config_new`, free with `mcpf_client_config_free` (clients connected with it
// keep what they need).
typedef struct mcpf_client_config mcpf_client_config;

// The answer to one question of the OAuth flow: owned by the application from the moment
// its callback receives it until `mcpf_client_oauth_answer_json`, `_string` or `_error`
// consumes it. The pointer is a handle, never dereferenced and never reused: answering
// again is refused (`MCPF_STATUS_INVALID_ARGUMENT`) without touching freed memory.
typedef struct mcpf_client_oauth_answer mcpf_client_oauth_answer;

// An open `subscriptions/listen` stream of one client. Made by `mcpf_client_listen`,
// closed with `mcpf_client_stream_close` and freed with `mcpf_client_stream_free`.
typedef struct mcpf_client_stream mcpf_client_stream;

// One request in progress: its answer's status and headers, then its body, read with
// `mcpf_exchange_next_chunk`. Free with `mcpf_exchange_free`. Opaque: the pointer C holds
// is a handle, never dereferenced, so an exchange used or freed after its free is refused.
typedef struct mcpf_exchange mcpf_exchange;

// The MCP endpoint of a server, mounted in the program's own HTTP server. Create with
// `mcpf_http_app_new`, free with `mcpf_http_app_free` (before freeing the server).
typedef struct mcpf_http_app mcpf_http_app;

// The answer to one `initialize`, filled in by the initialize hook. Lent: valid until the
// hook returns. Starts empty (the engine's answer is sent).
typedef struct mcpf_initialize_answer mcpf_initialize_answer;

// One request as a C middleware sees it. Borrowed: valid until the callback returns.
typedef struct mcpf_middleware_request mcpf_middleware_request;

// The completion handle of one call (tool, resource read, prompt or completion): owned by
// C from the moment the callback receives it until one of the `mcpf_responder_*`
// completion functions or `mcpf_responder_free` consumes it. Thread-safe to move to
// another thread. Opaque: the pointer C holds is a handle, never dereferenced.
typedef struct mcpf_responder mcpf_responder;

// An MCP server. Create with `mcpf_server_new`, free with `mcpf_server_free`.
typedef struct mcpf_server mcpf_server;

// The pending verdict on one bearer token. Owned by C from the verifier callback until
// `mcpf_token_check_accept`, `mcpf_token_check_reject` or `mcpf_token_check_free`
// consumes it. Thread-safe to move to another thread.
typedef struct mcpf_token_check mcpf_token_check;

// What a request may see of one kind, filled in by the catalogue hook. Lent: valid until
// the hook returns. Starts empty (nothing visible).
typedef struct mcpf_visible mcpf_visible;

// A resource (or resource template) callback: as `mcpf_tool_callback`, for
// `resources/read`. `mcpf_call_uri` and `mcpf_call_variables_json` describe the read; answer
// with `mcpf_responder_text`, `_json`, `_bytes`, `_contents`, `_resource_not_found` or
// `mcpf_responder_protocol_error`.
typedef void (*mcpf_resource_callback)(const mcpf_call *call, mcpf_responder *responder, void *user_data);

// A finalizer for `user_data`, called exactly once when the registration is dropped.
typedef void (*mcpf_free_callback)(void *user_data);

// A token verifier. `token` is borrowed (valid until the callback returns, not
// NUL-terminated: use `token_len`); `check` is owned by the callback, which must complete
// or free it exactly once. It runs on the server's thread: it must not block (verify
// locally, or hand the check to your own thread for introspection).
typedef void (*mcpf_token_verifier)(const char *token, size_t token_len, mcpf_token_check *check, void *user_data);

// Log levels for `mcpf_call_log` (RFC 5424 severities, as in MCP `notifications/message`).
// A plain integer type rather than an enum so that any value C passes is defined behaviour.
typedef uint32_t mcpf_log_level;

// The kind of registered item a catalogue hook is asked about (one of `MCPF_CATALOGUE_*`).
typedef uint32_t mcpf_catalogue_kind;

// Called on an engine thread, at most once per kind and request, with the request's view
// (read with the `mcpf_middleware_request_*` getters; valid until it returns), the kind,
// and the set to fill: `mcpf_visible_add` for each visible key, or `mcpf_visible_all`.
// Adding nothing shows nothing of that kind. Keep it quick (a lookup in memory).
typedef void (*mcpf_catalogue_hook)(const mcpf_middleware_request *request, mcpf_catalogue_kind kind, mcpf_visible *visible, void *user_data);

// Answers the server's requests of one method. `method` and `params_json` (the request's
// params, JSON; `{}` when it had none) are borrowed until the callback returns, as is
// `answer`, which the callback fills before it returns (left empty, the server gets the
// error -32603). It runs on a library thread, never the one of a client call, and may
// block; it must not unwind.
typedef void (*mcpf_client_request_callback)(const char *method, size_t method_len, const char *params_json, size_t params_json_len, mcpf_client_answer *answer, void *user_data);

// Receives the server's notifications (`notifications/message`, `notifications/progress`,
// the list changes, resource updates, ...). `method` and `params_json` (JSON, `{}` when
// there were none) are borrowed until it returns. It runs on the client's notification
// thread, one notification at a time in the order they came; it may block and may call the
// client's functions (`mcpf_client_free` included). It must not unwind.
typedef void (*mcpf_client_notification_callback)(const char *method, size_t method_len, const char *params_json, size_t params_json_len, void *user_data);

// Asks the application one step of the OAuth flow. `question` is `"oauth/authorize"`
// (`params_json` `{"url": ..., "redirectUri": ...}`: send the user to `url`; answer with
// the full URL the authorization server redirected to, a JSON string, e.g. with
// `mcpf_client_oauth_answer_string`), `"oauth/tokens"` (`{"resource": ...}`: the tokens
// kept for that MCP endpoint, the JSON object given to an earlier save, or `null`) or
// `"oauth/saveTokens"` (`{"resource": ..., "tokens": {...} or null}`: keep them, or forget
// them on null; answer anything, e.g. `null`). The last two come only with `"store": true`.
// `question` and `params_json` are borrowed until the callback returns; `answer` is owned:
// answer it exactly once, before returning or later from any thread. It runs on a library
// thread, never the one of a client call, and may block; it must not unwind. An answer
// that does not come in time (the authorization's `authorizeTimeout`, 300 s; 10 s for the
// store) counts as a failure (a load as no tokens); a later answer is accepted and dropped.
typedef void (*mcpf_client_oauth_callback)(const char *question, size_t question_len, const char *params_json, size_t params_json_len, mcpf_client_oauth_answer *answer, void *user_data);

// Options of one client call; pass NULL for the client's defaults.
typedef struct {
  // How long the call waits for its answer, in milliseconds (for a list, all its pages
  // together, each page also bounded by the client's timeout); 0: the client's timeout
  // (`"timeout_ms"` of its config).
  uint64_t timeout_ms;
  // Cancels the call when triggered; NULL: none. Borrowed for the call's start only.
  const mcpf_client_cancel *cancel;
} mcpf_client_call_options;

// One unexpected failure, lent to the error hook: every pointer is a NUL-terminated UTF-8
// string valid until the hook returns (copy what you keep).
typedef struct {
  // `"panic"`, `"internal"` or `"timeout"` (more kinds may be added: treat others as
  // internal).
  const char *kind;
  // The request's method (`"tools/call"`, `"resources/read"`, ...).
  const char *method;
  // What the request named (the tool or prompt name, the resource URI); NULL when the
  // method names nothing.
  const char *name;
  // The full message, as the client would read it unmasked.
  const char *message;
  // The error's `data` as JSON text; NULL when it has none.
  const char *data_json;
  // The request's JSON-RPC id as JSON text (`7`, `"abc"`).
  const char *request_id_json;
} mcpf_failure;

// Called on an engine thread once per unexpected failure, after the library logged it and
// before the client's answer is written. Keep it quick (queue slow reports elsewhere).
typedef void (*mcpf_error_hook)(const mcpf_failure *failure, void *user_data);

// Called on an engine thread once per `initialize` (a repeated one on a session included),
// before the connection's next message is read, with the handshake as JSON text
// (`{"params":{...},"answer":{...},"repeated":false,"authInfo":{...}}`, `authInfo` only
// with a bearer grant; NUL-terminated, valid until the hook returns) and the answer to
// fill. Keep it quick: the client waits for it.
typedef void (*mcpf_initialize_hook)(const char *handshake_json, size_t handshake_len, mcpf_initialize_answer *answer, void *user_data);

// The form `mcpf_server_metrics` writes the metrics in (one of the `MCPF_METRICS_*`).
typedef uint32_t mcpf_metrics_format;

// Called before the rest of the chain, on an engine thread, with the request's view
// (valid until it returns). It decides with `mcpf_middleware_request_set_arguments`,
// `_deny` or `_tool_error`; doing nothing continues. Keep it quick: it holds an engine
// thread (a lookup in memory, not a network round trip).
typedef void (*mcpf_middleware_before)(mcpf_middleware_request *request, void *user_data);

// Called after the rest of the chain answered (or after this middleware's own `before`
// denied), on an engine thread, with the request's view (read-only, valid until it
// returns), the result as JSON text (`result_json`, NUL-terminated, `result_len` bytes;
// NULL for an error), the JSON-RPC error (`error_code` 0 and `error_message` NULL on
// success) and how long the rest of the chain took, in microseconds.
typedef void (*mcpf_middleware_after)(const mcpf_middleware_request *request, const char *result_json, size_t result_len, int64_t error_code, const char *error_message, uint64_t duration_us, void *user_data);

// One request header for `mcpf_http_app_handle`: a name and a value, each a pointer and a
// length (the value's bytes are sent as given; names are ASCII).
typedef struct {
  // The header name (any case).
  const char *name;
  // Its length in bytes (`SIZE_MAX`: NUL-terminated).
  size_t name_len;
  // The header value.
  const char *value;
  // Its length in bytes (`SIZE_MAX`: NUL-terminated).
  size_t value_len;
} mcpf_header;

// A tool callback. `call` is borrowed (valid until the callback returns); `responder` is
// owned by the callback, which must complete or free it exactly once, now or later, from
// any thread. It runs on the server's runtime thread: it must not block (hand slow work
// and the responder to another thread) and must not unwind (no C++ exceptions).
typedef void (*mcpf_tool_callback)(const mcpf_call *call, mcpf_responder *responder, void *user_data);

// A prompt callback: as `mcpf_tool_callback`, for `prompts/get`. `mcpf_call_arguments`
// gives the prompt's arguments; answer with `mcpf_responder_text`, `_json`, `_prompt` or
// `mcpf_responder_protocol_error`.
typedef void (*mcpf_prompt_callback)(const mcpf_call *call, mcpf_responder *responder, void *user_data);

// A completion callback: as `mcpf_tool_callback`, for `completion/complete`.
// `mcpf_call_completion_argument` gives the argument; answer with
// `mcpf_responder_completion`, `_json` or `mcpf_responder_protocol_error`.
typedef void (*mcpf_completion_callback)(const mcpf_call *call, mcpf_responder *responder, void *user_data);

// Debug detail.
#define MCPF_LOG_LEVEL_DEBUG 0

// Informational.
#define MCPF_LOG_LEVEL_INFO 1

// Normal but significant.
#define MCPF_LOG_LEVEL_NOTICE 2

// Warning.
#define MCPF_LOG_LEVEL_WARNING 3

// Error.
#define MCPF_LOG_LEVEL_ERROR 4

// Critical.
#define MCPF_LOG_LEVEL_CRITICAL 5

// Action must be taken immediately.
#define MCPF_LOG_LEVEL_ALERT 6

// The system is unusable.
#define MCPF_LOG_LEVEL_EMERGENCY 7

// Tools, by name.
#define MCPF_CATALOGUE_TOOLS 0

// Concrete resources, by URI.
#define MCPF_CATALOGUE_RESOURCES 1

// Resource templates, by their URI template as registered.
#define MCPF_CATALOGUE_RESOURCE_TEMPLATES 2

// Prompts, by name.
#define MCPF_CATALOGUE_PROMPTS 3

// `{"series": [{"method", "name", "outcomes": {"ok", "tool_error", "error",
// "internal_error", "rate_limited", "timeout", "cancelled"}, "inFlight", "count",
// "sumSeconds", "buckets": [{"le", "count"}]}]}` (buckets cumulative, the last `"+Inf"`).
#define MCPF_METRICS_JSON 0

// The Prometheus text exposition format, as `GET /metrics` serves it.
#define MCPF_METRICS_PROMETHEUS 1

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

// Registers an MCP app from `app_json`: `{"uri": "ui://...", "html"?: ..., "name"?,
// "title"?, "description"?, "csp"?: {"connectDomains": [...], "resourceDomains": [...],
// "frameDomains": [...], "baseUriDomains": [...]}, "permissions"?: ["camera", ...],
// "domain"?, "prefersBorder"?}`, and advertises the `io.modelcontextprotocol/ui`
// extension. Without `"html"`, `callback` (else NULL) answers each read of the app as a
// resource reader does (`mcpf_server_add_resource`), with the same `user_data`
// ownership. The app is served as `text/html;profile=mcp-app` with its `_meta.ui`. A tool
// shows its results in the app with `"ui": "ui://..."` in its `mcpf_server_add_tool_json`
// definition. `MCPF_STATUS_INVALID_JSON` for JSON that is not an app,
// `MCPF_STATUS_INVALID_ARGUMENT` for a URI that is not `ui://`, an unknown permission, or
// neither HTML nor callback.
//
// # Safety
// `server` is NULL or a live server; `app_json` is NULL or readable per the string rules;
// `callback` and `free_user_data` are NULL or valid functions of those signatures.
mcpf_status mcpf_server_add_app(mcpf_server *server, const char *app_json, size_t app_json_len, mcpf_resource_callback callback, void *user_data, mcpf_free_callback free_user_data);

// Serves every skill in the directory `path` (UTF-8, `SIZE_MAX`: NUL-terminated): each
// subdirectory holding a `SKILL.md`, named as its skill, with the files under it
// (symbolic links and hidden files skipped; at most 512 files and 16 MiB a skill).
// `MCPF_STATUS_INVALID_ARGUMENT` names what could not be read or is not a valid skill.
//
// # Safety
// `server` is NULL or a live server; `path` is NULL or readable per the string rules.
mcpf_status mcpf_server_add_skills_dir(mcpf_server *server, const char *path, size_t path_len);

// Serves one skill: `skill_md` is the text of its `SKILL.md` (YAML frontmatter with
// `name` and `description` first), `files_json` NULL or a JSON object mapping each other
// file's relative path to its text (`{"references/FORMS.md": "..."}`).
//
// # Safety
// `server` is NULL or a live server; the strings are NULL or readable per the string rules.
mcpf_status mcpf_server_add_skill(mcpf_server *server, const char *skill_md, size_t skill_md_len, const char *files_json, size_t files_json_len);

// Stops serving the skill called `name` and its files. `MCPF_STATUS_NOT_FOUND` when no
// such skill is served.
//
// # Safety
// `server` is NULL or a live server; `name` is NULL or readable per the string rules.
mcpf_status mcpf_server_remove_skill(mcpf_server *server, const char *name, size_t name_len);

// Asks the user for input (`elicitation/create`). `request_json` is the request's params:
// `{"message": ..., "requestedSchema": {...}}` (form mode) or `{"mode": "url", ...}`.
// Blocks the calling thread until the client answers, so call it from your own thread
// (inside a callback it fails with `MCPF_STATUS_WOULD_BLOCK`).
//
// On success `*out` receives the client's answer as owned JSON text
// (`{"action": "accept", "content": {...}}`, `*out_len` bytes plus a NUL), to be freed with
// `mcpf_string_free`. `MCPF_STATUS_INPUT_REQUIRED` (2026-07-28 wire, first round): stop
// and complete or free the responder; the call runs again with the answer.
// `MCPF_STATUS_ASK_FAILED`: the client lacks the capability, refused, disconnected, or
// the call was cancelled (see `mcpf_last_error_message`); freeing the responder then
// answers the client with that failure (on the 2026 wire a missing capability is the
// JSON-RPC error -32021), or complete it with an answer of your own.
//
// Code that runs before an ask runs again in the next round on the 2026 wire: keep it
// free of side effects, or make them idempotent.
//
// # Safety
// `call` is NULL or a live `mcpf_call` (keep its responder alive while asking);
// `request_json` is NULL or readable per the string rules; `out`/`out_len` are NULL or
// writable.
mcpf_status mcpf_call_elicit(const mcpf_call *call, const char *request_json, size_t request_json_len, char **out, size_t *out_len);

// Asks the client's model for a message (`sampling/createMessage`). `request_json` is the
// request's params (`{"messages": [...], "maxTokens": 100, ...}`); the answer is the
// `CreateMessageResult` as owned JSON text. Rules as for `mcpf_call_elicit`.
//
// # Safety
// As for `mcpf_call_elicit`.
mcpf_status mcpf_call_sample(const mcpf_call *call, const char *request_json, size_t request_json_len, char **out, size_t *out_len);

// Asks the client under a key of your choosing: `method` is `"elicitation/create"`,
// `"sampling/createMessage"` or `"roots/list"`, `params_json` its params (NULL for
// `roots/list`). On the 2026-07-28 wire the key names the request in the
// `input_required` result's `inputRequests` and the client's `inputResponses`, so use a
// stable key per ask; the other functions number their asks (`elicitation-0`, ...) in
// call order. The answer is the client's result as owned JSON text. Rules as for
// `mcpf_call_elicit`.
//
// On the 2026 wire you may keep asking after a first `MCPF_STATUS_INPUT_REQUIRED`:
// every unanswered ask of the round goes into the same `input_required`.
//
// # Safety
// `call` is NULL or a live `mcpf_call`; strings are NULL or readable per the string
// rules; `out`/`out_len` are NULL or writable.
mcpf_status mcpf_call_ask(const mcpf_call *call, const char *key, size_t key_len, const char *method, size_t method_len, const char *params_json, size_t params_json_len, char **out, size_t *out_len);

// Asks the client for its roots (`roots/list`); the answer is `{"roots": [...]}` as owned
// JSON text. Rules as for `mcpf_call_elicit`.
//
// # Safety
// `call` is NULL or a live `mcpf_call`; `out`/`out_len` are NULL or writable.
mcpf_status mcpf_call_list_roots(const mcpf_call *call, char **out, size_t *out_len);

// Frees a string the library handed out as owned (the answers of `mcpf_call_elicit`,
// `mcpf_call_sample`, `mcpf_call_list_roots`). Freeing NULL is a no-op.
//
// # Safety
// `s` is NULL or an owned string from this library, not yet freed.
void mcpf_string_free(char *s);

// Sets the verifier of bearer tokens for `mcpf_server_run_http` with an `"auth"` option
// (replacing an earlier one; takes effect at the next run). Thread-safe.
//
// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
// NULL) exactly once, when the verifier is replaced or the server freed (or, if a check is
// still alive, with the last of them). On failure nothing is kept.
//
// # Safety
// `server` is NULL or a live server; `callback` and `free_user_data` are NULL or valid
// functions of those signatures.
mcpf_status mcpf_server_set_token_verifier(mcpf_server *server, mcpf_token_verifier callback, void *user_data, mcpf_free_callback free_user_data);

// Accepts the token. `grant_json` (NULL: an anonymous grant) describes what it grants:
// `{"subject": "user-1", "scopes": ["read"], "client_id": ..., "extra": {...}}`, all fields
// optional. Legacy sessions and 2026 `requestState` are bound to `subject`; the HTTP
// option `required_scopes` is checked against `scopes`. Consumes `check` even on failure
// (a grant that does not parse refuses the token). Callable from any thread.
//
// # Safety
// `check` is NULL or an uncompleted check (invalid afterwards); `grant_json` is NULL or
// readable per the string rules.
mcpf_status mcpf_token_check_accept(mcpf_token_check *check, const char *grant_json, size_t grant_json_len);

// Refuses the token: the client gets 401 `invalid_token` with `message` as the
// `error_description` (never put the token in it; NULL: a generic message). Consumes
// `check` even on failure. Callable from any thread.
//
// # Safety
// `check` is NULL or an uncompleted check (invalid afterwards); `message` is NULL or
// readable per the string rules.
mcpf_status mcpf_token_check_reject(mcpf_token_check *check, const char *message, size_t message_len);

// Frees a check without a verdict: the token is refused. Freeing NULL is a no-op.
//
// # Safety
// `check` is NULL or an uncompleted check (invalid afterwards).
void mcpf_token_check_free(mcpf_token_check *check);

// The id of the task this call runs as (2025-11-25 tasks, or a 2026-07-28 call that became
// a task), borrowed like `mcpf_call_arguments`. `MCPF_STATUS_INVALID_ARGUMENT` when the
// call is not running as a task.
//
// # Safety
// As for `mcpf_call_arguments`.
mcpf_status mcpf_call_task_id(const mcpf_call *call, const char **out, size_t *out_len);

// What the caller's bearer token grants, when the request came over HTTP with a token
// verifier (`mcpf_server_set_token_verifier`), as JSON text borrowed like
// `mcpf_call_arguments`: `{"subject": "...", "scopes": [...], "clientId": "...",
// "extra": {...}}` (absent fields omitted). `MCPF_STATUS_NOT_FOUND` when the request
// carries no grant (stdio, or HTTP without authorization).
//
// # Safety
// As for `mcpf_call_arguments`.
mcpf_status mcpf_call_auth(const mcpf_call *call, const char **out, size_t *out_len);

// Where the request sits in a distributed trace, as JSON text borrowed like
// `mcpf_call_arguments`: `{"traceparent": "00-...-...-01", "tracestate": "...",
// "traceId": "...", "spanId": "...", "sampled": true}` (`tracestate` only when there is
// one). It is the engine's span for the request when OpenTelemetry export is on (the
// `OTEL_EXPORTER_OTLP_*` variables), a child of the client's span; otherwise the
// client's W3C context from `_meta` as it arrived. `MCPF_STATUS_NOT_FOUND` when there is
// neither.
//
// # Safety
// As for `mcpf_call_arguments`.
mcpf_status mcpf_call_trace_context(const mcpf_call *call, const char **out, size_t *out_len);

// Turns the call into a task, for a tool registered with `"deferTask": true` (see
// `mcpf_server_add_tool_json`): such a tool first runs inside the request (its asks are
// answered in rounds of that request); this call returns `MCPF_STATUS_INPUT_REQUIRED` —
// stop, and complete or free the responder — and the client receives the new task, while
// the callback runs again from the start as the task, the earlier asks now answered and
// this call returning `MCPF_STATUS_OK`. It returns `MCPF_STATUS_OK` at once when the call
// is not going to be a task (the client does not use tasks, or the tool does not defer).
// Safe from any thread.
//
// # Safety
// `call` is NULL or a live `mcpf_call`.
mcpf_status mcpf_call_start_task(const mcpf_call *call);

// The call's arguments as JSON text, always an object: a tool's arguments (already
// validated against its input schema), a prompt's arguments (string values; required ones
// checked by the engine), a completion's `context.arguments` (string values, often `{}`),
// `{}` for a resource read. Borrowed: `*out` is NUL-terminated, `*out_len` excludes the NUL, and both
// are valid as long as `call` is. Outputs are written only on success.
//
// # Safety
// `call` is NULL or a live `mcpf_call`; `out` and `out_len` are NULL or writable.
mcpf_status mcpf_call_arguments(const mcpf_call *call, const char **out, size_t *out_len);

// The JSON-RPC id of the request as JSON text (`7` or `"abc"`). Borrowed like
// `mcpf_call_arguments`.
//
// # Safety
// As for `mcpf_call_arguments`.
mcpf_status mcpf_call_request_id(const mcpf_call *call, const char **out, size_t *out_len);

// The protocol version of this request (`"2025-11-25"`, `"2026-07-28"`, ...). Borrowed like
// `mcpf_call_arguments`.
//
// # Safety
// As for `mcpf_call_arguments`.
mcpf_status mcpf_call_protocol_version(const mcpf_call *call, const char **out, size_t *out_len);

// The request's progress token as JSON text, or `null` when the client did not ask for
// progress. Borrowed like `mcpf_call_arguments`.
//
// # Safety
// As for `mcpf_call_arguments`.
mcpf_status mcpf_call_progress_token(const mcpf_call *call, const char **out, size_t *out_len);

// The URI of a resource read (the concrete URI the client asked for, also when a template
// matched it). Borrowed like `mcpf_call_arguments`. `MCPF_STATUS_INVALID_ARGUMENT` when
// the call is not a resource read.
//
// # Safety
// As for `mcpf_call_arguments`.
mcpf_status mcpf_call_uri(const mcpf_call *call, const char **out, size_t *out_len);

// The variables a resource template matched, as a JSON object of (percent-decoded)
// strings, e.g. `{"id":"42"}`; `{}` for a concrete resource. Borrowed like
// `mcpf_call_arguments`. `MCPF_STATUS_INVALID_ARGUMENT` when the call is not a resource
// read.
//
// # Safety
// As for `mcpf_call_arguments`.
mcpf_status mcpf_call_variables_json(const mcpf_call *call, const char **out, size_t *out_len);

// The argument being completed: its name and the partial value typed so far (possibly
// empty). Both are borrowed like `mcpf_call_arguments` (NUL-terminated, lengths exclude
// the NUL). `MCPF_STATUS_INVALID_ARGUMENT` when the call is not a completion. Outputs are
// written only on success.
//
// # Safety
// `call` is NULL or a live `mcpf_call`; the four out-pointers are NULL or writable.
mcpf_status mcpf_call_completion_argument(const mcpf_call *call, const char **name, size_t *name_len, const char **value, size_t *value_len);

// True once the request was cancelled (by the client, a timeout or shutdown); a cancelled
// call's answer is discarded, so long work should poll this and stop early. Returns false
// when `call` is NULL. Safe from any thread.
//
// # Safety
// `call` is NULL or a live `mcpf_call`.
bool mcpf_call_is_cancelled(const mcpf_call *call);

// Sends `notifications/progress` if the client asked for progress (otherwise does nothing
// and succeeds). `total` is NaN when unknown; `message` may be NULL (length ignored), else
// UTF-8 of `message_len` bytes (`SIZE_MAX`: NUL-terminated). Values that do not increase
// are dropped, as the protocol requires. Safe from any thread.
//
// # Safety
// `call` is NULL or a live `mcpf_call`; `message` is NULL or readable as described.
mcpf_status mcpf_call_report_progress(const mcpf_call *call, double progress, double total, const char *message, size_t message_len);

// Sends a log message (`notifications/message`, the text as `data`) if the client's
// logging level lets it through. `level` is one of the `MCPF_LOG_LEVEL_*` constants
// (others give `MCPF_STATUS_INVALID_ARGUMENT`). Safe from any thread.
//
// # Safety
// `call` is NULL or a live `mcpf_call`; `message` is NULL or readable as described for
// string inputs.
mcpf_status mcpf_call_log(const mcpf_call *call, mcpf_log_level level, const char *message, size_t message_len);

// Makes `hook` the server's catalogue hook, replacing any (see docs/hooks.md): it decides
// which registered tools, resources, templates and prompts each request that starts
// afterwards may see. Lists then hold only those, and anything else named by a call, read,
// `prompts/get`, completion or subscription is answered as for an unknown name. A NULL
// `hook` removes it (everything is visible again). Thread-safe.
//
// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
// NULL) exactly once, when the hook is replaced or removed and no request is using it any
// more, or when the server is freed. With a NULL `hook`, `user_data` is not kept.
//
// # Safety
// `server` is NULL or a live server; `hook` and `free_user_data` are NULL or valid
// functions of those signatures; `user_data` is usable from any thread.
mcpf_status mcpf_server_set_catalogue(mcpf_server *server, mcpf_catalogue_hook hook, void *user_data, mcpf_free_callback free_user_data);

// Adds `key` (a tool or prompt name, a resource URI, a URI template as registered) to what
// the request may see. Only inside the catalogue hook that lent `visible`.
//
// # Safety
// `visible` is NULL or the set a running catalogue hook received; `key` is NULL or
// readable per the string rules.
mcpf_status mcpf_visible_add(mcpf_visible *visible, const char *key, size_t key_len);

// Lets the request see every registered item of the kind the hook was asked about.
//
// # Safety
// `visible` is NULL or the set a running catalogue hook received.
mcpf_status mcpf_visible_all(mcpf_visible *visible);

// What the client learnt of the server when it connected, as JSON:
// `{"protocolVersion": ..., "serverInfo": {...}, "capabilities": {...}, "instructions":
// ... or null}`. `*out` is borrowed: valid until the client is freed (never free it);
// `*out_len` is its length.
//
// # Safety
// `client` is NULL or a live client; `out`/`out_len` are NULL or writable.
mcpf_status mcpf_client_session(const mcpf_client *client, const char **out, size_t *out_len);

// What a child server (`mcpf_client_connect_stdio`) wrote to its stderr: its last 64 KiB,
// as owned text (free it with `mcpf_string_free`). `MCPF_STATUS_INVALID_ARGUMENT` for a
// client over HTTP.
//
// # Safety
// `client` is NULL or a live client; `out`/`out_len` are NULL or writable.
mcpf_status mcpf_client_stderr(const mcpf_client *client, char **out, size_t *out_len);

// Ends the connection gracefully: calls still waiting on other threads return
// `MCPF_STATUS_CLOSED`; a child server's stdin is closed, the child waited for (its exit
// grace, 5 s by default) and then killed with its process group; an HTTP session is
// deleted. Later calls return `MCPF_STATUS_CLOSED`; closing again does nothing. Blocks
// until done. The client is still to be freed.
//
// # Safety
// `client` is NULL or a live client.
mcpf_status mcpf_client_close(const mcpf_client *client);

// Closes the client (as `mcpf_client_close`, unless done already), stops its notification
// thread (waiting for a callback running on it, unless this is that callback), and frees
// it: a child server never outlives it. The config's callbacks' `free_user_data` run here
// when the config was freed before. NULL: nothing.
//
// # Safety
// `client` is NULL or a client not yet freed, with no call of it running on another
// thread (close it first to end them) and not freed from one of its request callbacks.
void mcpf_client_free(mcpf_client *client);

// Answers the server's request with `result_json` (the result object, e.g. a sampling
// result `{"role": "assistant", "content": {...}, "model": ...}`, an elicitation result
// `{"action": "accept", "content": {...}}`, or `{"roots": [...]}`), copied.
// `MCPF_STATUS_INVALID_JSON` when it does not parse, `MCPF_STATUS_INVALID_ARGUMENT` when
// the request is answered already.
//
// # Safety
// `answer` is NULL or the answer a running request callback was given;
// `result_json` is NULL or readable per the string rules.
mcpf_status mcpf_client_answer_json(mcpf_client_answer *answer, const char *result_json, size_t result_json_len);

// Answers the server's request with a JSON-RPC error (`code`, e.g.
// `MCPF_ERROR_INVALID_PARAMS`, and `message`, copied): a refusal, such as a user who
// declines to share roots. `MCPF_STATUS_INVALID_ARGUMENT` when answered already.
//
// # Safety
// As for `mcpf_client_answer_json`.
mcpf_status mcpf_client_answer_error(mcpf_client_answer *answer, int64_t code, const char *message, size_t message_len);

// Creates a cancel object; `*out` receives it, owned by the caller (free it with
// `mcpf_client_cancel_free` once no call is starting with it).
//
// # Safety
// `out` is NULL or writable.
mcpf_status mcpf_client_cancel_new(mcpf_client_cancel **out);

// Gives up every call running with `cancel`, and every later one: each returns
// `MCPF_STATUS_CANCELLED`, and the server gets `notifications/cancelled` with `reason`
// (UTF-8 of `reason_len` bytes, `SIZE_MAX`: NUL-terminated; NULL: "cancelled by the
// application"). Thread-safe; a second trigger does nothing.
//
// # Safety
// `cancel` is NULL or a live cancel object; `reason` is NULL or readable per the string
// rules.
mcpf_status mcpf_client_cancel_trigger(const mcpf_client_cancel *cancel, const char *reason, size_t reason_len);

// Frees a cancel object (NULL: nothing). Calls already running with it keep what they
// need: triggering is over for them once it is freed.
//
// # Safety
// `cancel` is NULL or a cancel object not yet freed, which no other thread is using.
void mcpf_client_cancel_free(mcpf_client_cancel *cancel);

// Creates a client config. `name` and `version` (the `clientInfo` the server sees) are
// copied. `options_json` (NULL: defaults) is an object of optional fields: `"protocol"`
// (`"auto"`, the default: `server/discover`, then the handshake when the server does not
// speak 2026-07-28; `"legacy"`: the handshake at the newest version; or a version such as
// `"2025-06-18"` or `"2026-07-28"`), `"timeout_ms"` (60000: how long a call waits, restarted
// by progress), `"reset_on_progress"` (true), `"max_total_ms"` (600000: the longest wait,
// progress or not). Unknown fields give `MCPF_STATUS_INVALID_ARGUMENT`. On success `*out`
// receives a config the caller owns (free it with `mcpf_client_config_free`).
//
// # Safety
// Strings are NULL (`options_json` only) or readable per the string rules; `out` is NULL
// or writable.
mcpf_status mcpf_client_config_new(const char *name, size_t name_len, const char *version, size_t version_len, const char *options_json, size_t options_json_len, mcpf_client_config **out);

// Answers the server's `method` requests with `callback` in the clients connected from now
// on (replacing a callback registered for it before): `"sampling/createMessage"` (the
// client then declares `sampling`), `"elicitation/create"` (`elicitation`, form and URL
// mode), `"roots/list"` (`roots` with `listChanged`; send
// `notifications/roots/list_changed` with `mcpf_client_notify` when they change), or any
// other method. Without a callback a request is answered with -32601 (and `ping` by the
// library).
//
// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
// NULL) exactly once, when the config and every client connected with it are freed (or
// when the callback is replaced and no client uses it); on failure nothing is kept.
//
// # Safety
// `config` is NULL or a live config not used by another thread meanwhile; `method` is
// NULL or readable per the string rules; `callback`/`free_user_data` are NULL or valid.
mcpf_status mcpf_client_config_on_request(mcpf_client_config *config, const char *method, size_t method_len, mcpf_client_request_callback callback, void *user_data, mcpf_free_callback free_user_data);

// Calls `callback` with every notification the server sends to the clients connected from
// now on (replacing a callback set before), on each client's notification thread (see
// `mcpf_client_notification_callback`). `user_data` ownership is as for
// `mcpf_client_config_on_request`.
//
// # Safety
// As for `mcpf_client_config_on_request`.
mcpf_status mcpf_client_config_on_notification(mcpf_client_config *config, mcpf_client_notification_callback callback, void *user_data, mcpf_free_callback free_user_data);

// Has the clients connected from now on with this config ask their OAuth steps through
// `callback` (replacing one set before; see `mcpf_client_oauth_callback`): the user's part
// of the authorization unless the `"oauth"` option says `"followRedirects": true`, and the
// token store when it says `"store": true`. `user_data` ownership is as for
// `mcpf_client_config_on_request`.
//
// # Safety
// `config` is NULL or a live config not used by another thread meanwhile;
// `callback`/`free_user_data` are NULL or valid.
mcpf_status mcpf_client_config_on_oauth(mcpf_client_config *config, mcpf_client_oauth_callback callback, void *user_data, mcpf_free_callback free_user_data);

// Frees a config (NULL: nothing). Clients connected with it are not affected.
//
// # Safety
// `config` is NULL or a config not yet freed, which no other thread is using.
void mcpf_client_config_free(mcpf_client_config *config);

// Starts `argv[0]` (looked up in `PATH`) with the arguments `argv[1..argc]` (NUL-terminated
// UTF-8 strings, copied) as a child process in a process group of its own, and connects to
// it over its stdin and stdout with `config`. `options_json` (NULL: defaults) is an object
// of optional fields: `"env"` (`{"NAME": "value"}`, set on top of this process's
// environment), `"cwd"` (the child's working directory), `"exit_grace_ms"` (5000: how long
// closing waits for the child to exit before killing its group). The child's stderr is kept
// (`mcpf_client_stderr`).
//
// On success `*out` receives the connected client, owned by the caller (free it with
// `mcpf_client_free`: the child and everything it started are killed by then at the
// latest). Failures: `MCPF_STATUS_IO` (the child could not start, or the connection
// failed), `MCPF_STATUS_TIMEOUT`, `MCPF_STATUS_CLOSED` (the child exited),
// `MCPF_STATUS_SERVER_ERROR` (the server refused `initialize`), `MCPF_STATUS_BAD_ANSWER`
// (no protocol version in common); the child is killed.
//
// # Safety
// `config` is NULL or a live config; `argv` is NULL or `argc` readable pointers to
// NUL-terminated strings; `options_json` is NULL or readable per the string rules; `out` is
// NULL or writable.
mcpf_status mcpf_client_connect_stdio(const mcpf_client_config *config, const char *const *argv, size_t argc, const char *options_json, size_t options_json_len, mcpf_client **out);

// Connects to the Streamable HTTP endpoint `url` (`http://host:port/path` or `https://`,
// copied) with `config`; a `ws://` or `wss://` URL connects over WebSocket instead (the
// `mcp` subprotocol, one message per text frame; a socket that drops fails the calls in
// flight with `MCPF_STATUS_CLOSED` and is not reopened). `options_json` (NULL: defaults) is
// an object of optional fields: `"headers"` (`{"Authorization": "Bearer ..."}`, sent with
// every request, or with the WebSocket upgrade); `"root_certificates"` (a list, each PEM
// text or the path of a PEM file, read at connect: certificates trusted for `https://` and
// `wss://` besides the system's store, by the connection and by the OAuth exchanges);
// `"oauth"` (HTTP only; authorize when the server asks: the engine's OAuth
// settings, camelCase: `clientName`, `redirectUri`, `scopes`, `clientId`, `clientSecret`,
// `issuer`, `clientMetadataUrl`, `followRedirects` (no user: follow the authorization
// server's redirects), `store` (the tokens kept by the application, not in memory),
// `offlineAccess`, `authorizeTimeout` in seconds; the application's steps go to the
// config's `mcpf_client_config_on_oauth` callback). On success `*out` receives
// the connected client, owned by the caller (`mcpf_client_free`). Failures as for
// `mcpf_client_connect_stdio`; over HTTP a request that reaches no server (connection
// refused, a broken stream) fails as the engine reports it: `MCPF_STATUS_SERVER_ERROR` with
// -32603 and the reason in the message.
//
// # Safety
// `config` is NULL or a live config; strings are NULL (`options_json` only) or readable
// per the string rules; `out` is NULL or writable.
mcpf_status mcpf_client_connect_http(const mcpf_client_config *config, const char *url, size_t url_len, const char *options_json, size_t options_json_len, mcpf_client **out);

// Opens a `subscriptions/listen` stream (the 2026-07-28 wire only) for
// `notifications_json`, the request's `notifications` object as the wire spells it:
// `{"resourceSubscriptions": [uri, ...], "toolsListChanged": true, "promptsListChanged":
// true, "resourcesListChanged": true, "taskIds": [id, ...]}` (each optional; `taskIds`
// declares the Tasks extension). Blocks until the server acknowledged it (within the call's
// timeout), then `*out` receives the stream, owned by the caller: close it with
// `mcpf_client_stream_close` and free it with `mcpf_client_stream_free`, before the client
// is freed. The stream's notifications (`notifications/resources/updated`,
// `notifications/*/list_changed`, `notifications/tasks`, each with the stream's
// `subscriptionId` in `_meta`) reach the client's notification callback like any other.
// A handshake session (before 2026-07-28) gives `MCPF_STATUS_BAD_ANSWER` without sending
// anything (use `mcpf_client_subscribe` there); an unknown key or a value of the wrong type
// `MCPF_STATUS_INVALID_ARGUMENT`; other failures as for `mcpf_client_call_tool`.
//
// # Safety
// `client` is NULL or a live client; `notifications_json` is NULL or readable per the
// string rules; `options` is NULL or a readable `mcpf_client_call_options`; `out` is NULL
// or writable.
mcpf_status mcpf_client_listen(const mcpf_client *client, const char *notifications_json, size_t notifications_json_len, const mcpf_client_call_options *options, mcpf_client_stream **out);

// What the server agreed to send on `stream`: its acknowledgement's `notifications`
// object (what it does not support, or the caller may not see, is left out), as JSON.
// `*out` is borrowed: valid until the stream is freed (never free it).
//
// # Safety
// `stream` is NULL or a live stream; `out`/`out_len` are NULL or writable.
mcpf_status mcpf_client_stream_honored(const mcpf_client_stream *stream, const char **out, size_t *out_len);

// Whether `stream` is still open: false once it was closed, or the server ended it (when
// it stops), or the client was closed. NULL: false.
//
// # Safety
// `stream` is NULL or a live stream.
bool mcpf_client_stream_is_open(const mcpf_client_stream *stream);

// Closes `stream`: its request is cancelled on the server (`notifications/cancelled`), and
// blocks until it ended. The stream's later notifications are dropped; those the client's
// notification thread already holds may still reach the callback. Closing again does
// nothing. The stream is still to be freed.
//
// # Safety
// `stream` is NULL or a live stream, whose client is not freed yet.
mcpf_status mcpf_client_stream_close(const mcpf_client_stream *stream);

// Closes `stream` (as `mcpf_client_stream_close`, unless done already) and frees it.
// NULL: nothing.
//
// # Safety
// `stream` is NULL or a stream not yet freed, whose client is not freed yet, and not used
// on another thread meanwhile.
void mcpf_client_stream_free(mcpf_client_stream *stream);

// `tasks/update` (2026-07-28): answers to the `inputRequests` of the task `task_id`,
// `responses_json` a JSON object by the requests' keys (each value the result the request
// asked for, as the request callbacks would give it). Blocks until the server acknowledged
// them. `mcpf_client_wait_task` answers a task's questions with the request callbacks on
// its own; this is for a caller that follows the task itself (`mcpf_client_get_task`, or
// `notifications/tasks` on a listen stream naming it). An unknown task, or one not waiting
// for input, is the server's error (`MCPF_STATUS_SERVER_ERROR`); a handshake session has
// no such method (the server's error too). Rules as for `mcpf_client_call_tool`.
//
// # Safety
// `client` is NULL or a live client; `task_id` and `responses_json` are NULL or readable
// per the string rules; `options` is NULL or a readable `mcpf_client_call_options`.
mcpf_status mcpf_client_update_task(const mcpf_client *client, const char *task_id, size_t task_id_len, const char *responses_json, size_t responses_json_len, const mcpf_client_call_options *options);

// Answers an OAuth question with `json` (copied): the tokens object or `null` for
// `oauth/tokens`, anything for `oauth/saveTokens`, the redirect URL as a JSON string for
// `oauth/authorize`. Consumes `answer`, even when `json` does not parse
// (`MCPF_STATUS_INVALID_JSON`: the question then fails); `MCPF_STATUS_INVALID_ARGUMENT`
// when it was answered already.
//
// # Safety
// `answer` is any value (a handle a callback was given, answered or not, or NULL); `json`
// is NULL or readable per the string rules.
mcpf_status mcpf_client_oauth_answer_json(mcpf_client_oauth_answer *answer, const char *json, size_t json_len);

// Answers an OAuth question with the string `text` (copied): the URL the authorization
// server redirected to, for `oauth/authorize`. Consumes `answer`; as for
// `mcpf_client_oauth_answer_json`.
//
// # Safety
// As for `mcpf_client_oauth_answer_json`.
mcpf_status mcpf_client_oauth_answer_string(mcpf_client_oauth_answer *answer, const char *text, size_t text_len);

// Fails an OAuth question with `message` (copied): the user declined, the store could not
// be read. The authorization fails with it (a failed load counts as no tokens, a failed
// save is logged). Consumes `answer`; as for `mcpf_client_oauth_answer_json`.
//
// # Safety
// As for `mcpf_client_oauth_answer_json`.
mcpf_status mcpf_client_oauth_answer_error(mcpf_client_oauth_answer *answer, const char *message, size_t message_len);

// `ping`. `MCPF_STATUS_BAD_ANSWER` on the 2026-07-28 wire, which has no `ping`.
//
// # Safety
// `client` is NULL or a live client; `options` is NULL or a readable
// `mcpf_client_call_options`.
mcpf_status mcpf_client_ping(const mcpf_client *client, const mcpf_client_call_options *options);

// `tools/list`, every page: `*out` receives the tools as an owned JSON array (free it with
// `mcpf_string_free`), `*out_len` its length. The client remembers each tool's
// `outputSchema` to check `mcpf_client_call_tool`'s results against. The list functions
// below follow the same rules; a server that keeps paging past 100 pages gives
// `MCPF_STATUS_BAD_ANSWER`.
//
// # Safety
// `client` is NULL or a live client; `options` is NULL or a readable
// `mcpf_client_call_options`; `out`/`out_len` are NULL or writable.
mcpf_status mcpf_client_list_tools(const mcpf_client *client, const mcpf_client_call_options *options, char **out, size_t *out_len);

// `resources/list`, every page (see `mcpf_client_list_tools`).
//
// # Safety
// As for `mcpf_client_list_tools`.
mcpf_status mcpf_client_list_resources(const mcpf_client *client, const mcpf_client_call_options *options, char **out, size_t *out_len);

// `resources/templates/list`, every page (see `mcpf_client_list_tools`).
//
// # Safety
// As for `mcpf_client_list_tools`.
mcpf_status mcpf_client_list_resource_templates(const mcpf_client *client, const mcpf_client_call_options *options, char **out, size_t *out_len);

// `prompts/list`, every page (see `mcpf_client_list_tools`).
//
// # Safety
// As for `mcpf_client_list_tools`.
mcpf_status mcpf_client_list_prompts(const mcpf_client *client, const mcpf_client_call_options *options, char **out, size_t *out_len);

// `tools/call` of the tool `name` with `arguments_json` (a JSON object; NULL: `{}`): `*out`
// receives the result (`{"content": [...], "structuredContent"?: ..., "isError"?: true}`)
// as owned JSON text (free it with `mcpf_string_free`). A tool's own failure is a result
// with `"isError": true` and `MCPF_STATUS_OK`; an unknown tool or invalid arguments are the
// server's JSON-RPC error, `MCPF_STATUS_SERVER_ERROR` (`mcpf_last_error_code()`). When
// `mcpf_client_list_tools` saw the tool's `outputSchema`, a result whose
// `structuredContent` is missing or does not match gives `MCPF_STATUS_BAD_ANSWER`.
// Every call may also fail with `MCPF_STATUS_TIMEOUT`, `MCPF_STATUS_CANCELLED`,
// `MCPF_STATUS_CLOSED` or `MCPF_STATUS_IO`, and with `MCPF_STATUS_WOULD_BLOCK` when made
// inside a C server's callback (hand it to a thread of your own: the server's thread must
// not wait).
//
// # Safety
// `client` is NULL or a live client; strings are NULL (`arguments_json` only) or readable
// per the string rules; `options` is NULL or a readable `mcpf_client_call_options`;
// `out`/`out_len` are NULL or writable.
mcpf_status mcpf_client_call_tool(const mcpf_client *client, const char *name, size_t name_len, const char *arguments_json, size_t arguments_json_len, const mcpf_client_call_options *options, char **out, size_t *out_len);

// `resources/read` of `uri`: `*out` receives the result (`{"contents": [...]}`) as owned
// JSON text. An unknown resource is `MCPF_STATUS_SERVER_ERROR` (-32002, or -32602 on the
// 2026-07-28 wire). Rules as for `mcpf_client_call_tool`.
//
// # Safety
// As for `mcpf_client_call_tool`.
mcpf_status mcpf_client_read_resource(const mcpf_client *client, const char *uri, size_t uri_len, const mcpf_client_call_options *options, char **out, size_t *out_len);

// `prompts/get` of the prompt `name` with `arguments_json` (a JSON object of strings;
// NULL: `{}`): `*out` receives the result (`{"messages": [...]}`) as owned JSON text.
// Rules as for `mcpf_client_call_tool`.
//
// # Safety
// As for `mcpf_client_call_tool`.
mcpf_status mcpf_client_get_prompt(const mcpf_client *client, const char *name, size_t name_len, const char *arguments_json, size_t arguments_json_len, const mcpf_client_call_options *options, char **out, size_t *out_len);

// `completion/complete`: completions of the argument `argument_json`
// (`{"name": ..., "value": ...}`) of `ref_json` (`{"type": "ref/prompt", "name": ...}` or
// `{"type": "ref/resource", "uri": ...}`), with the arguments already chosen in
// `context_json` (an object; NULL: none). `*out` receives the result
// (`{"completion": {"values": [...], ...}}`) as owned JSON text. Rules as for
// `mcpf_client_call_tool`.
//
// # Safety
// As for `mcpf_client_call_tool`.
mcpf_status mcpf_client_complete(const mcpf_client *client, const char *ref_json, size_t ref_json_len, const char *argument_json, size_t argument_json_len, const char *context_json, size_t context_json_len, const mcpf_client_call_options *options, char **out, size_t *out_len);

// Sets the level of the log messages the server sends (`"debug"`, `"info"`, `"notice"`,
// `"warning"`, `"error"`, `"critical"`, `"alert"`, `"emergency"`; others give
// `MCPF_STATUS_INVALID_ARGUMENT`): `logging/setLevel` on the handshake wire; on
// 2026-07-28 the level goes in every later request instead (nothing is sent now).
// `options`' cancel object applies, its `timeout_ms` does not (the client's timeout does).
//
// # Safety
// `client` is NULL or a live client; `level` is NULL or readable per the string rules;
// `options` is NULL or a readable `mcpf_client_call_options`.
mcpf_status mcpf_client_set_logging_level(const mcpf_client *client, const char *level, size_t level_len, const mcpf_client_call_options *options);

// Sends any request: `method` with `params_json` (a JSON object; NULL: `{}`), e.g.
// `resources/subscribe`. `*out` receives its result as owned JSON text. Rules as for
// `mcpf_client_call_tool`.
//
// # Safety
// As for `mcpf_client_call_tool`.
mcpf_status mcpf_client_request(const mcpf_client *client, const char *method, size_t method_len, const char *params_json, size_t params_json_len, const mcpf_client_call_options *options, char **out, size_t *out_len);

// Sends a notification: `method` (e.g. `"notifications/roots/list_changed"`) with
// `params_json` (a JSON object; NULL: none). Blocks until it is handed to the transport.
//
// # Safety
// `client` is NULL or a live client; strings are NULL (`params_json` only) or readable per
// the string rules.
mcpf_status mcpf_client_notify(const mcpf_client *client, const char *method, size_t method_len, const char *params_json, size_t params_json_len);

// Asks the server to report changes of the resource `uri`: they reach the notification
// callback as `notifications/resources/updated` (`{"uri": ...}`). On a handshake session
// this is `resources/subscribe`; on 2026-07-28, which has no such method, the client keeps
// one `subscriptions/listen` stream of its own for every URI subscribed this way (each
// change opens a stream with the new set and closes the old once the server acknowledged
// it: an update may come twice across the change, none is missed). Subscribing a URI
// twice is one subscription. A server that does not report on `uri` gives
// `MCPF_STATUS_SERVER_ERROR` (handshake) or `MCPF_STATUS_BAD_ANSWER` (2026-07-28); the
// other failures are as for `mcpf_client_call_tool`.
//
// # Safety
// `client` is NULL or a live client; `uri` is NULL or readable per the string rules;
// `options` is NULL or a readable `mcpf_client_call_options`.
mcpf_status mcpf_client_subscribe(const mcpf_client *client, const char *uri, size_t uri_len, const mcpf_client_call_options *options);

// Stops the reports `mcpf_client_subscribe` asked for (`resources/unsubscribe`, or on
// 2026-07-28 the client's stream opened again without `uri`, closed with the last URI).
//
// # Safety
// As for `mcpf_client_subscribe`.
mcpf_status mcpf_client_unsubscribe(const mcpf_client *client, const char *uri, size_t uri_len, const mcpf_client_call_options *options);

// `tools/call` of `name` with `arguments_json` (a JSON object; NULL: `{}`) asked as a
// task, kept by the server `ttl_ms` after it ends (0: the server's choice). `*out`
// receives, as owned JSON text, the task (`{"taskId", "status", "pollInterval"?, ...}`;
// `*done` false) or, when a 2026-07-28 server chose to answer at once, the tool's result
// (`*done` true; checked against the tool's `outputSchema` as `mcpf_client_call_tool`
// does). On 2025-11-25 the tool must allow tasks (its `execution.taskSupport`), else the
// server's error; on 2026-07-28 the request declares the Tasks extension and the server
// decides. Protocols before 2025-11-25 have no tasks: the server answers at once or
// refuses. `done` may be NULL. Rules as for `mcpf_client_call_tool`.
//
// # Safety
// `client` is NULL or a live client; strings are NULL (`arguments_json` only) or readable
// per the string rules; `options` is NULL or a readable `mcpf_client_call_options`;
// `out`/`out_len` are NULL or writable, `done` NULL or writable.
mcpf_status mcpf_client_call_tool_as_task(const mcpf_client *client, const char *name, size_t name_len, const char *arguments_json, size_t arguments_json_len, uint64_t ttl_ms, const mcpf_client_call_options *options, char **out, size_t *out_len, bool *done);

// `tasks/get` of `task_id`: `*out` receives the task's state as owned JSON text (on
// 2026-07-28 with its `result` or `error` once it ended, and the `inputRequests` it waits
// for). An unknown task is `MCPF_STATUS_SERVER_ERROR`. Rules as for
// `mcpf_client_call_tool`.
//
// # Safety
// `client` is NULL or a live client; `task_id` is NULL or readable per the string rules;
// `options` is NULL or a readable `mcpf_client_call_options`; `out`/`out_len` are NULL or
// writable.
mcpf_status mcpf_client_get_task(const mcpf_client *client, const char *task_id, size_t task_id_len, const mcpf_client_call_options *options, char **out, size_t *out_len);

// `tasks/cancel` of `task_id`: `*out` receives the cancelled task on 2025-11-25 (a task
// that already ended is the server's error, `MCPF_STATUS_SERVER_ERROR`), an empty
// acknowledgement (`{}`) on 2026-07-28. Rules as for `mcpf_client_get_task`.
//
// # Safety
// As for `mcpf_client_get_task`.
mcpf_status mcpf_client_cancel_task(const mcpf_client *client, const char *task_id, size_t task_id_len, const mcpf_client_call_options *options, char **out, size_t *out_len);

// Waits for the result of the task `task_json` (as `mcpf_client_call_tool_as_task` or
// `mcpf_client_get_task` gave it; at least its `taskId`): `*out` receives what
// `tools/call` would have given, as owned JSON text. On 2025-11-25 with `tasks/result`
// (the server's questions meanwhile reach the request callbacks); on 2026-07-28 polling
// `tasks/get` at the interval the server suggests (kept between 10 ms and 30 s) and
// answering the task's `inputRequests` once each with the request callbacks. The wait
// lasts at most the config's `max_total_ms`, or the call's `timeout_ms` when it sets one
// (`MCPF_STATUS_TIMEOUT`). A failed task is its error (`MCPF_STATUS_SERVER_ERROR`), a
// cancelled one `MCPF_STATUS_BAD_ANSWER`. Rules as for `mcpf_client_call_tool`.
//
// # Safety
// `client` is NULL or a live client; `task_json` is NULL or readable per the string rules;
// `options` is NULL or a readable `mcpf_client_call_options`; `out`/`out_len` are NULL or
// writable.
mcpf_status mcpf_client_wait_task(const mcpf_client *client, const char *task_json, size_t task_json_len, const mcpf_client_call_options *options, char **out, size_t *out_len);

// `tasks/list` (2025-11-25), every page: `*out` receives the tasks as an owned JSON array.
// The 2026-07-28 wire has no such method (the server's error). Rules as for
// `mcpf_client_list_tools`.
//
// # Safety
// As for `mcpf_client_list_tools`.
mcpf_status mcpf_client_list_tasks(const mcpf_client *client, const mcpf_client_call_options *options, char **out, size_t *out_len);

// The message of the last call that failed on this thread, or `""` if none has. After
// `MCPF_STATUS_SERVER_ERROR` it is the server's JSON-RPC error message, as sent.
//
// The string is borrowed: it is NUL-terminated, owned by the library, and valid until the
// next `mcpf_` call on this thread fails (never free it). Successful calls leave it as it
// is, so read it right after the failing call.
const char *mcpf_last_error_message(void);

// The JSON-RPC error code of the last call that failed on this thread when it failed with
// `MCPF_STATUS_SERVER_ERROR` (a server's answer to a client call, e.g.
// `MCPF_ERROR_INVALID_PARAMS`); 0 after any other failure. Kept as
// `mcpf_last_error_message` is.
int64_t mcpf_last_error_code(void);

// The `data` of the server's JSON-RPC error, as JSON text, when the last call that failed
// on this thread failed with `MCPF_STATUS_SERVER_ERROR` and the error had data; `""`
// otherwise. Borrowed and kept as `mcpf_last_error_message` is (never free it).
const char *mcpf_last_error_data(void);

// Makes `hook` the server's error hook, replacing any (see docs/hooks.md): it is told of
// every unexpected failure of a request that starts afterwards, also while serving. A NULL
// `hook` removes it. What the client reads is decided by the `mask_error_details` option,
// not by the hook. Thread-safe.
//
// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
// NULL) exactly once, when the hook is replaced or removed and no request is using it any
// more, or when the server is freed. With a NULL `hook`, `user_data` is not kept. On
// failure nothing is kept.
//
// # Safety
// `server` is NULL or a live server; `hook` and `free_user_data` are NULL or valid
// functions of those signatures; `user_data` is usable from any thread.
mcpf_status mcpf_server_set_error_hook(mcpf_server *server, mcpf_error_hook hook, void *user_data, mcpf_free_callback free_user_data);

// Makes `hook` the server's initialize hook, replacing any (see docs/hooks.md): it decides
// the answer to each client's `initialize` from the handshakes that start afterwards, on
// every transport. The session is served at the `protocolVersion` the answer names when
// the server serves it. A NULL `hook` removes it. Thread-safe.
//
// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
// NULL) exactly once, when the hook is replaced or removed and no handshake is using it any
// more, or when the server is freed. With a NULL `hook`, `user_data` is not kept.
//
// # Safety
// `server` is NULL or a live server; `hook` and `free_user_data` are NULL or valid
// functions of those signatures; `user_data` is usable from any thread.
mcpf_status mcpf_server_set_initialize_hook(mcpf_server *server, mcpf_initialize_hook hook, void *user_data, mcpf_free_callback free_user_data);

// Answers the `initialize` with `result_json`, a JSON object (the handshake's `answer`
// changed, or one of your own), sent as it is. `MCPF_STATUS_INVALID_JSON` when it is not
// JSON, `MCPF_STATUS_INVALID_ARGUMENT` when it is not an object (the answer is unchanged
// then). Only inside the initialize hook that lent `answer`; a later call replaces an
// earlier one.
//
// # Safety
// `answer` is NULL or the answer a running initialize hook received; `result_json` is NULL
// or readable per the string rules.
mcpf_status mcpf_initialize_answer_json(mcpf_initialize_answer *answer, const char *result_json, size_t result_len);

// Refuses the `initialize` with the JSON-RPC error `{code, message, data}` (`data_json`
// NULL: none); no session is opened. Only inside the initialize hook that lent `answer`; a
// later call replaces an earlier one.
//
// # Safety
// `answer` is NULL or the answer a running initialize hook received; `message` and
// `data_json` are NULL or readable per the string rules (`message` is required).
mcpf_status mcpf_initialize_answer_error(mcpf_initialize_answer *answer, int64_t code, const char *message, size_t message_len, const char *data_json, size_t data_len);

// Removes the tool called `name` (UTF-8, `SIZE_MAX`: NUL-terminated), enabled or disabled.
// Thread-safe, at any time; while the server runs, clients are told the tool list changed and new calls of the
// tool fail (calls already running finish). Its `free_user_data` runs now, or when the
// last of its calls is answered. `MCPF_STATUS_NOT_FOUND` when no such tool is registered.
//
// # Safety
// `server` is NULL or a live server; `name` is NULL or readable per the string rules.
mcpf_status mcpf_server_remove_tool(mcpf_server *server, const char *name, size_t name_len);

// Removes the prompt called `name`; as `mcpf_server_remove_tool`.
//
// # Safety
// As for `mcpf_server_remove_tool`.
mcpf_status mcpf_server_remove_prompt(mcpf_server *server, const char *name, size_t name_len);

// Removes the concrete resource at `uri`; as `mcpf_server_remove_tool` (clients are told
// the resource list changed).
//
// # Safety
// As for `mcpf_server_remove_tool`.
mcpf_status mcpf_server_remove_resource(mcpf_server *server, const char *uri, size_t uri_len);

// Removes the resource template registered with the template string `uri_template`; as
// `mcpf_server_remove_tool` (clients are told the resource list changed).
//
// # Safety
// As for `mcpf_server_remove_tool`.
mcpf_status mcpf_server_remove_resource_template(mcpf_server *server, const char *uri_template, size_t uri_template_len);

// Disables the tool called `name` (UTF-8, `SIZE_MAX`: NUL-terminated) without removing it:
// it is left out of `tools/list` and a call of it is answered exactly as for a tool that
// is not registered, for every client, until `mcpf_server_enable_tool`. It stays
// registered: its name stays taken, its callback and `user_data` are kept (calls already
// running finish), and `mcpf_server_remove_tool` removes it. Thread-safe, at any time;
// while the server runs, clients are told the tool list changed (disabling a disabled
// tool changes nothing). `MCPF_STATUS_NOT_FOUND` when no such tool is registered.
//
// # Safety
// `server` is NULL or a live server; `name` is NULL or readable per the string rules.
mcpf_status mcpf_server_disable_tool(mcpf_server *server, const char *name, size_t name_len);

// Enables a tool disabled with `mcpf_server_disable_tool`: listed again, in its place in
// registration order, and callable; as `mcpf_server_disable_tool` (enabling an enabled
// tool changes nothing).
//
// # Safety
// As for `mcpf_server_disable_tool`.
mcpf_status mcpf_server_enable_tool(mcpf_server *server, const char *name, size_t name_len);

// Disables the prompt called `name`: not listed, and `prompts/get` (and a completion of its
// arguments) answered as for a prompt that is not registered; as `mcpf_server_disable_tool`.
//
// # Safety
// As for `mcpf_server_disable_tool`.
mcpf_status mcpf_server_disable_prompt(mcpf_server *server, const char *name, size_t name_len);

// Enables a prompt disabled with `mcpf_server_disable_prompt`; as `mcpf_server_enable_tool`.
//
// # Safety
// As for `mcpf_server_disable_tool`.
mcpf_status mcpf_server_enable_prompt(mcpf_server *server, const char *name, size_t name_len);

// Disables the concrete resource at `uri`: not listed, and reading it is answered as for a
// resource that is not registered (a resource template the URI matches reads it instead,
// if there is one); as `mcpf_server_disable_tool` (clients are told the resource list
// changed).
//
// # Safety
// As for `mcpf_server_disable_tool`.
mcpf_status mcpf_server_disable_resource(mcpf_server *server, const char *uri, size_t uri_len);

// Enables a resource disabled with `mcpf_server_disable_resource`; as
// `mcpf_server_enable_tool`.
//
// # Safety
// As for `mcpf_server_disable_tool`.
mcpf_status mcpf_server_enable_resource(mcpf_server *server, const char *uri, size_t uri_len);

// Disables the resource template registered with the template string `uri_template`: not
// listed (nor the resources its lister returns), no URI is read through it, and completions
// of its variables are answered as for an unknown template; as `mcpf_server_disable_tool`
// (clients are told the resource list changed).
//
// # Safety
// As for `mcpf_server_disable_tool`.
mcpf_status mcpf_server_disable_resource_template(mcpf_server *server, const char *uri_template, size_t uri_template_len);

// Enables a resource template disabled with `mcpf_server_disable_resource_template`; as
// `mcpf_server_enable_tool`.
//
// # Safety
// As for `mcpf_server_disable_tool`.
mcpf_status mcpf_server_enable_resource_template(mcpf_server *server, const char *uri_template, size_t uri_template_len);

// Tells the clients subscribed to `uri` that the resource changed
// (`notifications/resources/updated` to legacy sessions that subscribed and to 2026 listen
// streams that listed it). Thread-safe; a no-op while the server is not running (no client
// is connected then).
//
// # Safety
// `server` is NULL or a live server; `uri` is NULL or readable per the string rules.
mcpf_status mcpf_server_notify_resource_updated(mcpf_server *server, const char *uri, size_t uri_len);

// Tells clients a list changed when it depends on something outside the server's
// registrations (registering and removing notify by themselves): `list` is
// `MCPF_LIST_TOOLS`, `MCPF_LIST_PROMPTS` or `MCPF_LIST_RESOURCES` (anything else:
// `MCPF_STATUS_INVALID_ARGUMENT`). Thread-safe; a no-op while the server is not running.
//
// # Safety
// `server` is NULL or a live server.
mcpf_status mcpf_server_notify_list_changed(mcpf_server *server, uint32_t list);

// A snapshot of the server's request metrics (kept when the options JSON of
// `mcpf_server_new_with_options` has `"metrics": true` or a `"metrics_address"`): requests
// by method, name (tool, prompt, resource URI or the matching template's pattern,
// `unknown` for a name not registered) and outcome, with a duration histogram and the
// requests in flight. Callable from any thread, while the server serves or not.
//
// On success `*out` receives owned text (`*out_len` bytes plus a NUL) to free with
// `mcpf_string_free`. `MCPF_STATUS_NOT_FOUND`: the server keeps no metrics;
// `MCPF_STATUS_INVALID_ARGUMENT`: `format` is not one of the `MCPF_METRICS_*`.
//
// # Safety
// `server` is NULL or a live server; `out`/`out_len` are NULL or writable.
mcpf_status mcpf_server_metrics(const mcpf_server *server, mcpf_metrics_format format, char **out, size_t *out_len);

// Adds a middleware at the inner end of the chain around every request the server
// routes (after the handshake; see docs/hooks.md): `before` runs on the way in and may
// decide instead of continuing, `after` on the way out and sees the result or error. Either
// may be NULL, not both. The first middleware added is the outermost. Takes effect for
// requests that start afterwards, also while serving. Thread-safe.
//
// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
// NULL) exactly once, when the server is freed. On failure nothing is kept.
//
// # Safety
// `server` is NULL or a live server; `before`, `after` and `free_user_data` are NULL or
// valid functions of those signatures; `user_data` is usable from any thread.
mcpf_status mcpf_server_add_middleware(mcpf_server *server, mcpf_middleware_before before, mcpf_middleware_after after, void *user_data, mcpf_free_callback free_user_data);

// The method (`tools/call`, `tools/list`, ...), lent as by `mcpf_call_arguments`.
//
// # Safety
// `request` is NULL or the view a running middleware callback received; `out`/`out_len`
// are NULL or writable.
mcpf_status mcpf_middleware_request_method(const mcpf_middleware_request *request, const char **out, size_t *out_len);

// What the request names: the tool (`tools/call`) or prompt (`prompts/get`), the resource
// URI (`resources/read`, `_subscribe`, `_unsubscribe`), the prompt or template a completion
// is for; `MCPF_STATUS_NOT_FOUND` for other methods. Lent as `mcpf_middleware_request_method`.
//
// # Safety
// As for `mcpf_middleware_request_method`.
mcpf_status mcpf_middleware_request_name(const mcpf_middleware_request *request, const char **out, size_t *out_len);

// The protocol version the request is served in (`"2025-11-25"`, `"2026-07-28"`, ...).
//
// # Safety
// As for `mcpf_middleware_request_method`.
mcpf_status mcpf_middleware_request_protocol_version(const mcpf_middleware_request *request, const char **out, size_t *out_len);

// The arguments of a `tools/call` or `prompts/get` as JSON text (an object), as passed on
// (after a rewrite, the new ones); `MCPF_STATUS_NOT_FOUND` for other methods or when the
// client sent none.
//
// # Safety
// As for `mcpf_middleware_request_method`.
mcpf_status mcpf_middleware_request_arguments(const mcpf_middleware_request *request, const char **out, size_t *out_len);

// What the caller's bearer token grants, as JSON text in the form `mcpf_call_auth` gives;
// `MCPF_STATUS_NOT_FOUND` without a grant (stdio, or HTTP without authorization).
//
// # Safety
// As for `mcpf_middleware_request_method`.
mcpf_status mcpf_middleware_request_auth(const mcpf_middleware_request *request, const char **out, size_t *out_len);

// The client's `Implementation` (`{"name": ..., "version": ...}`) as JSON text: from
// `initialize` in a legacy session, from the request's `_meta` on the 2026-07-28 wire;
// `MCPF_STATUS_NOT_FOUND` when the client did not say.
//
// # Safety
// As for `mcpf_middleware_request_method`.
mcpf_status mcpf_middleware_request_client_info(const mcpf_middleware_request *request, const char **out, size_t *out_len);

// The request's `_meta` as JSON text (progress token, trace context, and on 2026-07-28 the
// protocol version and client capabilities); `MCPF_STATUS_NOT_FOUND` without one.
//
// # Safety
// As for `mcpf_middleware_request_method`.
mcpf_status mcpf_middleware_request_meta(const mcpf_middleware_request *request, const char **out, size_t *out_len);

// The whole request as JSON text, in the engine's one form of it for every language (the
// members `id`, `method`, `name`, `params`, `protocolVersion`, `authInfo`, `clientInfo`,
// `sessionId`, absent ones left out; docs/c.md, Middleware), lent as
// `mcpf_middleware_request_method`; after `mcpf_middleware_request_set_arguments`, with the
// new arguments.
//
// # Safety
// As for `mcpf_middleware_request_method`.
mcpf_status mcpf_middleware_request_json(const mcpf_middleware_request *request, const char **out, size_t *out_len);

// Replaces the arguments of a `tools/call` or `prompts/get` with `arguments_json` (an
// object) before the rest of the chain sees them; the engine still validates them against
// the tool's input schema. Only in `before`; `MCPF_STATUS_INVALID_ARGUMENT` for other
// methods, `MCPF_STATUS_INVALID_JSON` when the text is not an object.
//
// # Safety
// `request` is NULL or the view a running `before` callback received; `arguments_json` is
// NULL or readable per the string rules.
mcpf_status mcpf_middleware_request_set_arguments(mcpf_middleware_request *request, const char *arguments_json, size_t arguments_json_len);

// Answers the request with a JSON-RPC error instead of continuing: `code` (e.g.
// `MCPF_ERROR_INVALID_PARAMS`, or an application code) and `message` (NULL: "request
// denied"). Only in `before`.
//
// # Safety
// `request` is NULL or the view a running `before` callback received; `message` is NULL
// or readable per the string rules.
mcpf_status mcpf_middleware_request_deny(mcpf_middleware_request *request, int64_t code, const char *message, size_t message_len);

// Answers a `tools/call` with a tool result whose `isError` is true and whose text is
// `message` (what the model reads), instead of continuing. Only in `before`, and only for
// `tools/call` (`MCPF_STATUS_INVALID_ARGUMENT` otherwise: use `_deny`).
//
// # Safety
// `request` is NULL or the view a running `before` callback received; `message` is
// readable per the string rules.
mcpf_status mcpf_middleware_request_tool_error(mcpf_middleware_request *request, const char *message, size_t message_len);

// Makes the server's MCP endpoint an HTTP application to mount in an HTTP server the
// program already runs. `options_json` is as for `mcpf_server_run_http` (`"bind"` and the
// connection limits are the host server's business and not used; `"path"`, default
// `"/mcp"`, is matched against each request's target). One engine thread starts; every
// callback of the server runs on it, as with `mcpf_server_run_http`. It serves until
// `mcpf_server_shutdown` (running requests finish within the grace period) or
// `mcpf_http_app_free`. The server cannot also run stdio or HTTP meanwhile
// (`MCPF_STATUS_ALREADY_RUNNING`). On success `*out` receives an application the caller
// owns.
//
// # Safety
// `server` is NULL or a live server that outlives the application; `options_json` is NULL
// or readable per the string rules; `out` is NULL or writable.
mcpf_status mcpf_http_app_new(mcpf_server *server, const char *options_json, size_t options_json_len, mcpf_http_app **out);

// Stops the application's engine thread and frees it. Requests still in progress are
// abandoned; exchanges not freed yet read their end. Call it before `mcpf_server_free`, and
// not from a callback. NULL is a no-op.
//
// # Safety
// `app` is NULL or an application from `mcpf_http_app_new` not freed before, whose server
// is still live.
void mcpf_http_app_free(mcpf_http_app *app);

// Hands one request the host server received to the engine and blocks until the answer's
// head is ready. `method` (`"POST"`), `target` (path and query, relative to where the
// endpoint is mounted: `"/mcp"`), the headers as received (`Content-Length`,
// `Transfer-Encoding` and `Connection` are ignored: the body is given whole) and the whole
// body (stop collecting one byte past the `"max_body_bytes"` option: the engine answers
// 413). On success `*out` receives the exchange, which the caller owns: read its status,
// headers and body, then free it. An invalid method, target or header is
// `MCPF_STATUS_INVALID_ARGUMENT`; `MCPF_STATUS_WOULD_BLOCK` inside a callback;
// `MCPF_STATUS_IO` once the application stopped. The request has no client address: every
// client without a verified token counts as one for the per-client bounds
// (`mcpf_http_app_handle_from` gives the address).
//
// # Safety
// `app` is NULL or a live application; `method`/`target` are readable per the string
// rules; `headers` is NULL (with `header_count` 0) or points to `header_count` headers whose
// strings are readable per the string rules; `body` is NULL (with `body_len` 0) or readable
// for `body_len` bytes; `out` is NULL or writable.
mcpf_status mcpf_http_app_handle(const mcpf_http_app *app, const char *method, size_t method_len, const char *target, size_t target_len, const mcpf_header *headers, size_t header_count, const uint8_t *body, size_t body_len, mcpf_exchange **out);

// `mcpf_http_app_handle` for a request from the client at `client_address`: the TCP peer
// of the connection your server received it on, as text (`"192.0.2.7"`, `"192.0.2.7:51000"`,
// `"2001:db8::7"`, `"[2001:db8::7]:51000"`; an IPv4-mapped IPv6 address is its IPv4
// address). The bounds kept per client (`"max_sessions_per_client"`, the `"per_client"`
// rate limit of requests without a session) count a client without a verified token by
// it, as on the engine's own listener. NULL is no address (a unix socket), as with
// `mcpf_http_app_handle`; text that is not an IP address is `MCPF_STATUS_INVALID_ARGUMENT`.
// Give the peer, never a forwarded-for header the client wrote.
//
// # Safety
// As for `mcpf_http_app_handle`; `client_address` is NULL or readable per the string rules.
mcpf_status mcpf_http_app_handle_from(const mcpf_http_app *app, const char *client_address, size_t client_address_len, const char *method, size_t method_len, const char *target, size_t target_len, const mcpf_header *headers, size_t header_count, const uint8_t *body, size_t body_len, mcpf_exchange **out);

// The answer's HTTP status (0 for NULL or an exchange freed already). Thread-safe.
//
// # Safety
// `exchange` is any value: a live exchange, NULL, or one freed already.
uint16_t mcpf_exchange_status(const mcpf_exchange *exchange);

// How many headers the answer has (0 for NULL or an exchange freed already). Thread-safe.
//
// # Safety
// `exchange` is any value: a live exchange, NULL, or one freed already.
size_t mcpf_exchange_header_count(const mcpf_exchange *exchange);

// The answer's header number `index` (from 0): its lowercase name and its value, each a
// pointer and a length (not NUL-terminated), owned by the exchange and valid until it is
// freed. `MCPF_STATUS_NOT_FOUND` past the last header; `MCPF_STATUS_INVALID_ARGUMENT` for
// an exchange freed already.
//
// # Safety
// `exchange` is any value: a live exchange, NULL, or one freed already; the
// out-parameters are NULL or writable.
mcpf_status mcpf_exchange_header(const mcpf_exchange *exchange, size_t index, const char **name, size_t *name_len, const char **value, size_t *value_len);

// Blocks until the next piece of the answer's body: `*data` and `*len` give it (owned by
// the exchange, valid until the next call or the free), or `*data` is NULL and `*len` 0 at
// its end. A JSON answer is one chunk; an SSE stream is one chunk per event, each when it
// is ready, so write each to the client as it comes. One reader at a time: a call while
// another thread is inside this one for the same exchange is refused
// (`MCPF_STATUS_INVALID_ARGUMENT`), as is an exchange freed already; freeing the exchange
// from another thread ends a read in progress (`*data` NULL). `MCPF_STATUS_WOULD_BLOCK`
// inside a callback.
//
// # Safety
// `exchange` is any value: a live exchange, NULL, or one freed already; `data`/`len` are
// NULL or writable.
mcpf_status mcpf_exchange_next_chunk(mcpf_exchange *exchange, const uint8_t **data, size_t *len);

// Frees an exchange. Before the end of its body this is the client going away: the
// request is abandoned (cancelled where the protocol says a disconnect cancels), and a
// read in progress on another thread ends. NULL is a no-op (`MCPF_STATUS_OK`). The
// pointer is a handle, never reused: freeing it again, or using it after the free, is
// refused with `MCPF_STATUS_INVALID_ARGUMENT` without touching freed memory.
//
// # Safety
// `exchange` is any value: a live exchange, NULL, or one freed already.
mcpf_status mcpf_exchange_free(mcpf_exchange *exchange);

// Completes a tool call with a full `CallToolResult` given as JSON text
// (`{"content":[...], "structuredContent":..., "isError":...}`).
//
// Always consumes `r`, even on failure: if the text is not valid UTF-8
// (`MCPF_STATUS_INVALID_UTF8`), not a `CallToolResult` (`MCPF_STATUS_INVALID_JSON`), or `r`
// answers something other than a tool call (`MCPF_STATUS_INVALID_ARGUMENT`), the client
// receives an internal error (-32603) and `r` is freed anyway. Callable from any thread.
//
// # Safety
// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
// (refused, `MCPF_STATUS_INVALID_ARGUMENT`);
// `result_json` is NULL or readable for `result_json_len` bytes (`SIZE_MAX`: NUL-terminated).
mcpf_status mcpf_responder_ok(mcpf_responder *r, const char *result_json, size_t result_json_len);

// Completes a call with text: for a tool call one text content block, for a resource read
// text contents (the resource's registered MIME type, else `text/plain`), for a prompt one
// user message (docs/results.md). Consumes `r` (see `mcpf_responder_ok` for the failure
// rules; a completion responder gives `MCPF_STATUS_INVALID_ARGUMENT`). Callable from any
// thread.
//
// # Safety
// As for `mcpf_responder_ok`.
mcpf_status mcpf_responder_text(mcpf_responder *r, const char *text, size_t text_len);

// Completes a call with a JSON value given as its text, which becomes what the same value
// becomes in every language (docs/results.md). For a tool call: an object, array, number
// or boolean becomes one text block holding that JSON (and, for a tool with an
// `outputSchema`, its `structuredContent`: an object as is, any other value as
// `{"result": value}`); a JSON string is as `mcpf_responder_text`; `null` is an empty
// result. For a resource read: contents objects as given, `null` as not found, any other
// value its JSON text. For a prompt: messages, or a whole result. For a completion: an
// array of values or `{values, total, hasMore}`. Consumes `r` (see `mcpf_responder_ok`
// for the failure rules: text that is not JSON gives `MCPF_STATUS_INVALID_JSON`). Callable
// from any thread.
//
// # Safety
// As for `mcpf_responder_ok`.
mcpf_status mcpf_responder_json(mcpf_responder *r, const char *value_json, size_t value_json_len);

// Completes a tool call with a tool error: a result with `isError: true` and `message` as its
// text, which the model sees. Consumes `r` (see `mcpf_responder_ok` for the failure
// rules). Callable from any thread.
//
// # Safety
// As for `mcpf_responder_ok`.
mcpf_status mcpf_responder_tool_error(mcpf_responder *r, const char *message, size_t message_len);

// Fails the request with a JSON-RPC error `{code, message}` (e.g. -32602 invalid params).
// Accepted by every kind of responder (tool, resource, prompt, completion). Consumes `r` (see `mcpf_responder_ok` for the failure rules). Callable from any thread.
//
// # Safety
// As for `mcpf_responder_ok`.
mcpf_status mcpf_responder_protocol_error(mcpf_responder *r, int64_t code, const char *message, size_t message_len);

// Completes a resource read with its contents: a JSON array of `ResourceContents`
// (`[{"uri":"...","mimeType":"text/plain","text":"..."}]` or with `"blob"` as base64),
// sent as given; an item without a `uri` (or with an empty one) gets the URI read, as in
// every language (docs/results.md), and an empty array is "not found".
// Consumes `r`, even on failure (see `mcpf_responder_ok` for the rules; a responder that
// does not answer a resource read gives `MCPF_STATUS_INVALID_ARGUMENT`). Callable from any
// thread.
//
// # Safety
// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
// (refused, `MCPF_STATUS_INVALID_ARGUMENT`);
// `contents_json` is NULL or readable per the string rules.
mcpf_status mcpf_responder_contents(mcpf_responder *r, const char *contents_json, size_t contents_json_len);

// Completes a resource read or a tool call with `data_len` bytes, base64-encoded by the
// engine. A resource's contents carry its registered MIME type, else
// `application/octet-stream`; a tool's bytes become one content block by the type they
// show (an image, audio, else an embedded resource; docs/results.md). Consumes `r` (see
// `mcpf_responder_ok` for the failure rules; a responder of a prompt or completion gives
// `MCPF_STATUS_INVALID_ARGUMENT`). Callable from any thread.
//
// # Safety
// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
// (refused, `MCPF_STATUS_INVALID_ARGUMENT`); `data` is readable for `data_len` bytes (NULL
// only with `data_len` 0).
mcpf_status mcpf_responder_bytes(mcpf_responder *r, const uint8_t *data, size_t data_len);

// Answers a resource read with "resource not found" for the call's URI: -32002 on
// sessions before 2026-07-28, -32602 from 2026-07-28 on, with `data.uri` in both. Consumes
// `r` (a responder that does not answer a resource read gives
// `MCPF_STATUS_INVALID_ARGUMENT`, and the client an internal error). Callable from any
// thread.
//
// # Safety
// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
// (refused, `MCPF_STATUS_INVALID_ARGUMENT`).
mcpf_status mcpf_responder_resource_not_found(mcpf_responder *r);

// Completes a prompt with a `GetPromptResult` given as JSON text
// (`{"description":"...","messages":[{"role":"user","content":{"type":"text","text":"..."}}]}`).
// Consumes `r`, even on failure (see `mcpf_responder_ok` for the rules; a responder that
// does not answer a prompt gives `MCPF_STATUS_INVALID_ARGUMENT`). Callable from any thread.
//
// # Safety
// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
// (refused, `MCPF_STATUS_INVALID_ARGUMENT`);
// `result_json` is NULL or readable per the string rules.
mcpf_status mcpf_responder_prompt(mcpf_responder *r, const char *result_json, size_t result_json_len);

// Completes a completion request with suggestions: a JSON array of strings (the engine
// sends at most 100, setting `total` and `hasMore` when there are more). Consumes `r`, even
// on failure (see `mcpf_responder_ok` for the rules; a responder that does not answer a
// completion gives `MCPF_STATUS_INVALID_ARGUMENT`). Callable from any thread.
//
// # Safety
// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
// (refused, `MCPF_STATUS_INVALID_ARGUMENT`);
// `values_json` is NULL or readable per the string rules.
mcpf_status mcpf_responder_completion(mcpf_responder *r, const char *values_json, size_t values_json_len);

// Frees a responder without answering: the client receives an internal error (-32603)
// rather than waiting forever, or, when a client-input ask of this call failed, that
// ask's error (e.g. -32021 for a missing client capability on the 2026 wire). Freeing
// NULL is a no-op. Callable from any thread.
//
// # Safety
// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
// (refused, `MCPF_STATUS_INVALID_ARGUMENT`).
void mcpf_responder_free(mcpf_responder *r);

// The call this responder answers, so code that completes it later (on another thread)
// can still read the arguments and report progress or cancellation. Borrowed: valid until
// `r` is completed or freed. Returns NULL when `r` is NULL.
//
// # Safety
// `r` is NULL or a live responder.
const mcpf_call *mcpf_responder_call(const mcpf_responder *r);

// Creates a server. `name` and `version` are UTF-8 of the given lengths (`SIZE_MAX`:
// NUL-terminated) and are copied. On success `*out` receives a server the caller owns and
// must free with `mcpf_server_free`; on failure `*out` is left untouched.
//
// # Safety
// `name`/`version` are NULL or readable per the string rules; `out` is NULL or writable.
mcpf_status mcpf_server_new(const char *name, size_t name_len, const char *version, size_t version_len, mcpf_server **out);

// Creates a server with options: `options_json` is the engine's JSON form of the server
// options (NULL: defaults), every field optional, unknown fields refused
// (`MCPF_STATUS_INVALID_ARGUMENT` naming the field; `MCPF_STATUS_INVALID_JSON` when it does
// not parse): `"title"`, `"description"`, `"website_url"`, `"instructions"`, `"logging"`
// (true), `"protocol_versions"` (`["2025-11-25", ...]`), `"state_key"` (shared by instances
// that resume each other's 2026 requests), `"cache_ttl_ms"`, `"cache_scope"`
// (`"public"`/`"private"`), `"limits"` (`{"max_message_size", "max_in_flight",
// "max_in_flight_per_connection", "request_timeout_ms" (null: none), "shutdown_grace_ms",
// "page_size", "request_state_ttl_ms", "max_queued_messages", "max_session_backlog"}`),
// `"rate_limits"` (`{"per_client": RATE, "tools": {"name" or "*": RATE}}`, each RATE
// `{"requests", "per_ms", "burst"}`: token buckets; a refused request gets the error
// `MCPF_ERROR_RATE_LIMITED` with `data.retryAfterMs`),
// `"tasks"` (`{"ttl_ms", "poll_interval_ms", "max_tasks"}`), `"experimental"`,
// `"extensions"` (id -> settings), `"enable_tools"`/`"enable_resources"`/`"enable_prompts"`,
// `"mask_error_details"` (clients read only that a request failed, not an internal error's
// message; see `mcpf_server_set_error_hook`), `"unknown_tool_result"` (a call of an unknown
// tool is an `isError` result instead of -32602), `"sdk_resource_errors"` (a failed
// `resources/read` answers as the official SDKs: -32602 `Unknown resource: URI` on every
// version, `data.uri` on every error), `"invalid_output_result"` (a result failing its
// `outputSchema` is an `isError` result instead of -32603), `"resource_meta_in_contents"` (a
// read's contents carry the resource's `_meta`), `"metrics"` (keep request metrics per method
// and name), `"metrics_address"` (`"127.0.0.1:9464"`: serve `GET /metrics` there while
// serving stdio). The same form Python and Node take (camelCase names are accepted too). Otherwise as
// `mcpf_server_new`. The first server of a process also starts the engine's logging on
// stderr (filtered by `MCPFORGE_LOG`, default `warn`) and, when the standard
// `OTEL_EXPORTER_OTLP_*` variables ask for it, the export of request spans.
//
// # Safety
// As for `mcpf_server_new`; `options_json` is NULL or readable per the string rules.
mcpf_status mcpf_server_new_with_options(const char *name, size_t name_len, const char *version, size_t version_len, const char *options_json, size_t options_json_len, mcpf_server **out);

// Sets the `instructions` the server sends at initialization (copied; replaces earlier
// instructions; clients get them from their next `initialize` or `server/discover`, also
// while the server runs). Thread-safe.
//
// # Safety
// `server` is NULL or a live server; `text` is NULL or readable per the string rules.
mcpf_status mcpf_server_set_instructions(mcpf_server *server, const char *text, size_t text_len);

// Registers a tool. Thread-safe; callable while the server runs (clients are then told
// the list changed). A name already registered is refused (`MCPF_STATUS_INVALID_ARGUMENT`):
// to replace a tool, `mcpf_server_remove_tool` it first.
//
// `name` is 1-128 of `A-Z a-z 0-9 _ - . /`; `description` may be NULL; `input_schema_json`
// is a JSON Schema object with root `"type": "object"` (NULL means `{"type":"object"}`).
// All strings are copied. `callback` must not be NULL. For a title, an output schema or
// annotations, use `mcpf_server_add_tool_json`.
//
// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
// NULL) exactly once when the tool is dropped: removed, or the server freed (or, if a
// responder of the server's calls is still alive, when the last one is completed or
// freed). On failure nothing is kept and `free_user_data` is not called.
//
// # Safety
// `server` is NULL or a live server; strings are NULL or readable per the string rules;
// `callback` and `free_user_data` are NULL or valid functions of those signatures.
mcpf_status mcpf_server_add_tool(mcpf_server *server, const char *name, size_t name_len, const char *description, size_t description_len, const char *input_schema_json, size_t input_schema_json_len, mcpf_tool_callback callback, void *user_data, mcpf_free_callback free_user_data);

// Registers a tool from its full definition as JSON text, as `tools/list` shows it:
// `{"name": ..., "title"?: ..., "description"?: ..., "inputSchema": {...},
// "outputSchema"?: {...}, "annotations"?: {"readOnlyHint": true, ...},
// "execution"?: {"taskSupport": "optional"}, "_meta"?: {...}}`. Two more members are read
// by the library and never listed: `"deferTask": true` makes a task tool run inside the
// request until it calls `mcpf_call_start_task` (so it can ask first), and
// `"requiredScopes": ["files:write", ...]` names the OAuth scopes an HTTP caller's token
// needs, on top of the server's: without them the tool is left out of `tools/list` and
// its call refused with 403 `insufficient_scope` (docs/auth.md); `"ui": "ui://..."` (or
// `{"resourceUri": ..., "visibility": ["model", "app"]}`) links the tool to an MCP app
// (`mcpf_server_add_app`), written into its `_meta.ui`.
// With an `outputSchema`, results' `structuredContent` is validated against it: answer
// with `mcpf_responder_json` (an object is the structured content; text from
// `mcpf_responder_text` or any other JSON value becomes `{"result": value}`), or with a
// full result from `mcpf_responder_ok`. Otherwise as `mcpf_server_add_tool` (same
// name rules, same `user_data` ownership); a definition that does not parse gives
// `MCPF_STATUS_INVALID_JSON`, one the engine refuses `MCPF_STATUS_INVALID_ARGUMENT`.
//
// # Safety
// `server` is NULL or a live server; `tool_json` is NULL or readable per the string rules;
// `callback` and `free_user_data` are NULL or valid functions of those signatures.
mcpf_status mcpf_server_add_tool_json(mcpf_server *server, const char *tool_json, size_t tool_json_len, mcpf_tool_callback callback, void *user_data, mcpf_free_callback free_user_data);

// Registers a concrete resource (a URI already registered is refused). Thread-safe;
// callable while the server runs (clients are then told the list changed).
//
// `uri` is an absolute URI and `name` non-empty; `description` and `mime_type` may be
// NULL (their lengths are then ignored). All strings are copied. `callback` must not be
// NULL. For each `resources/read` of `uri` it receives a call (`mcpf_call_uri`;
// `mcpf_call_variables_json` gives `{}`) and a responder to complete with
// `mcpf_responder_text`, `_json`, `_bytes`, `_contents`, `_resource_not_found` or
// `mcpf_responder_protocol_error` (docs/results.md says what each answer becomes).
//
// `user_data` ownership is as for `mcpf_server_add_tool`: on success the library calls
// `free_user_data(user_data)` (if not NULL) exactly once when the resource is dropped
// (removed, or the server freed); on failure nothing is kept and it is not called.
//
// # Safety
// `server` is NULL or a live server; strings are NULL or readable per the string rules;
// `callback` and `free_user_data` are NULL or valid functions of those signatures.
mcpf_status mcpf_server_add_resource(mcpf_server *server, const char *uri, size_t uri_len, const char *name, size_t name_len, const char *description, size_t description_len, const char *mime_type, size_t mime_type_len, mcpf_resource_callback callback, void *user_data, mcpf_free_callback free_user_data);

// Registers a resource template (a template string already registered is refused).
// Thread-safe; callable while the server runs (clients are then told the list changed).
//
// `uri_template` is an RFC 6570 URI template (`"file:///notes/{id}"`) and `name`
// non-empty; `description` and `mime_type` may be NULL. All strings are copied.
// `callback` must not be NULL. For each `resources/read` whose URI matches the template
// (and is not a concrete resource) it receives a call (`mcpf_call_uri` gives the URI,
// `mcpf_call_variables_json` the matched variables, e.g. `{"id":"42"}`) and a responder
// to complete as for `mcpf_server_add_resource`.
//
// `user_data` ownership is as for `mcpf_server_add_tool`.
//
// # Safety
// As for `mcpf_server_add_resource`.
mcpf_status mcpf_server_add_resource_template(mcpf_server *server, const char *uri_template, size_t uri_template_len, const char *name, size_t name_len, const char *description, size_t description_len, const char *mime_type, size_t mime_type_len, mcpf_resource_callback callback, void *user_data, mcpf_free_callback free_user_data);

// Registers a prompt (a name already registered is refused). Thread-safe; callable
// while the server runs (clients are then told the list changed).
//
// `name` is non-empty; `description` may be NULL; `arguments_json` is a JSON array of
// `{"name": ..., "description"?: ..., "required"?: bool}` (NULL: no arguments). All strings
// are copied. `callback` must not be NULL. For each `prompts/get` (after the engine has
// rejected requests missing a required argument with -32602) it receives a call
// (`mcpf_call_arguments` gives the arguments as a JSON object of strings) and a responder
// to complete with `mcpf_responder_text`, `_json`, `_prompt` or
// `mcpf_responder_protocol_error` (docs/results.md says what each answer becomes).
//
// `user_data` ownership is as for `mcpf_server_add_tool`.
//
// # Safety
// `server` is NULL or a live server; strings are NULL or readable per the string rules;
// `callback` and `free_user_data` are NULL or valid functions of those signatures.
mcpf_status mcpf_server_add_prompt(mcpf_server *server, const char *name, size_t name_len, const char *description, size_t description_len, const char *arguments_json, size_t arguments_json_len, mcpf_prompt_callback callback, void *user_data, mcpf_free_callback free_user_data);

// Registers a completion provider for one prompt's arguments or one resource template's
// variables (or replaces the provider for the same reference). Thread-safe; callable while
// the server runs. The server advertises the `completions` capability once one is
// registered (at the next initialize).
//
// `ref_type` is `"ref/prompt"` (then `ref_name_or_uri` is the prompt name) or
// `"ref/resource"` (then it is the template string, as registered); anything else gives
// `MCPF_STATUS_INVALID_ARGUMENT`. Strings are copied. `callback` must not be NULL. For each
// `completion/complete` of that reference it receives a call
// (`mcpf_call_completion_argument` gives the argument's name and partial value,
// `mcpf_call_arguments` the already-resolved other arguments) and a responder to complete
// with `mcpf_responder_completion`, `_json` or `mcpf_responder_protocol_error`. Completions of
// references without a provider get an empty list.
//
// `user_data` ownership is as for `mcpf_server_add_tool`.
//
// # Safety
// `server` is NULL or a live server; strings are NULL or readable per the string rules;
// `callback` and `free_user_data` are NULL or valid functions of those signatures.
mcpf_status mcpf_server_add_completion(mcpf_server *server, const char *ref_type, size_t ref_type_len, const char *ref_name_or_uri, size_t ref_name_or_uri_len, mcpf_completion_callback callback, void *user_data, mcpf_free_callback free_user_data);

// Asks the server to stop: a running `mcpf_server_run_stdio`/`_http` finishes its
// in-flight calls and returns; a later one returns at once (shutdown is final). Thread-safe,
// callable from callbacks, idempotent, and on Unix async-signal-safe for a valid `server`
// (it only sets a flag and writes one byte to a socket), so a signal handler may call it;
// on Windows call it from a console control handler (`SetConsoleCtrlHandler`).
//
// # Safety
// `server` is NULL or a live server.
mcpf_status mcpf_server_shutdown(mcpf_server *server);

// Frees a server and every registration, calling their `free_user_data` here, on this
// thread. Responders of its calls that C still holds are revoked first: completing or
// freeing them afterwards returns `MCPF_STATUS_INVALID_ARGUMENT` (or does nothing) and
// touches nothing of the server. Freeing NULL is a no-op. Must not be called while
// `mcpf_server_run_stdio`/`_http` is running on it.
//
// # Safety
// `server` is NULL or a server from `mcpf_server_new`, not yet freed and not running.
void mcpf_server_free(mcpf_server *server);

// Serves MCP over this process's stdin/stdout, blocking the calling thread until stdin
// closes, SIGINT/SIGTERM arrives, or `mcpf_server_shutdown` is called (from another
// thread, a callback or a signal handler). Callbacks run on this thread. While serving, the engine
// owns fds 0 and 1 and points stdout at stderr, so stray `printf`s cannot corrupt the
// protocol stream. Returns `MCPF_STATUS_OK` on a clean end, `MCPF_STATUS_ALREADY_RUNNING`
// if another thread is serving this server, `MCPF_STATUS_IO` on a transport failure.
//
// # Safety
// `server` is NULL or a live server that is not freed before this returns.
mcpf_status mcpf_server_run_stdio(mcpf_server *server);

// Serves MCP over Streamable HTTP (both eras, plus the 2024-11-05 HTTP+SSE endpoints unless
// disabled), blocking the calling thread until `mcpf_server_shutdown` is called or, unless
// `"handle_signals": false`, SIGINT/SIGTERM arrives; in-flight calls then finish. Callbacks
// run on this thread, as with `mcpf_server_run_stdio`.
//
// `options_json` (NULL: all defaults) is an object of optional fields: `"bind"`
// (`"127.0.0.1:3000"`; port 0 picks a free port, see `mcpf_server_http_port`), `"path"`
// (`"/mcp"`), `"allowed_hosts"` and `"allowed_origins"` (DNS-rebinding protection;
// defaults: the loopback names; `[]` disables the check), `"max_body_bytes"` (4 MiB),
// `"legacy_sessions"` (true), `"session_idle_timeout_ms"` (600000), `"max_sessions"`
// (10000), `"sse_keepalive_ms"` (15000), `"legacy_sse"` (true), `"metrics"` (false: serve
// Prometheus text at `/metrics`), `"handle_signals"` (true), `"shared_store"`
// (`"redis://host:port/db"`: the instances of a server given the same store share their
// legacy sessions; default: the environment variable `MCPFORGE_SHARED_STORE`) and `"auth"`:
// `{"resource": "http://127.0.0.1:3000/mcp", "authorization_servers": [...],
// "scopes_supported": [...], "required_scopes": [...], "resource_name": ...}` to require
// bearer tokens, checked by the verifier set with `mcpf_server_set_token_verifier`. Unknown
// fields are refused (`MCPF_STATUS_INVALID_ARGUMENT`), so typos do not pass silently.
//
// Returns `MCPF_STATUS_OK` on a clean end, `MCPF_STATUS_IO` when the address cannot be
// bound or serving fails, `MCPF_STATUS_ALREADY_RUNNING` as for stdio.
//
// # Safety
// `server` is NULL or a live server that is not freed before this returns;
// `options_json` is NULL or readable per the string rules.
mcpf_status mcpf_server_run_http(mcpf_server *server, const char *options_json, size_t options_json_len);

// The TCP port `mcpf_server_run_http` listens on (useful with port 0). Thread-safe.
// `MCPF_STATUS_INVALID_ARGUMENT` when the server is not serving HTTP (yet).
//
// # Safety
// `server` is NULL or a live server; `out` is NULL or writable.
mcpf_status mcpf_server_http_port(const mcpf_server *server, uint16_t *out);

// The name of a status code (`"MCPF_STATUS_INVALID_JSON"`), as a static NUL-terminated
// string owned by the library (never free it). Unknown values give
// `"MCPF_STATUS_UNKNOWN"`.
//
// `status` is a `uint32_t` rather than `mcpf_status` so that any integer is a valid input.
const char *mcpf_status_str(uint32_t status);

// The protocol versions the engine serves, as JSON text in the form every binding reads
// them in: `{"all": [...], "handshake": [...], "latest": "2025-11-25", "stateless":
// "2026-07-28"}` (every version, newest first; the handshake versions, newest first; the
// newest handshake version, what clients offer by default; the stateless wire's). A static
// NUL-terminated string owned by the library: never free it.
const char *mcpf_protocol_versions(void);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* MCPFORGE_H */
