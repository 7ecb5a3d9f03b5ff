//! C middleware: a `before` and an `after` callback around every request the engine routes
//! (`mcpf_server_add_middleware`), and `mcpf_middleware_request`, the view of the request
//! they get: what it is, and in `before` the decisions (rewrite the arguments, deny with a
//! JSON-RPC error, answer with a tool error).

use std::ffi::{CStr, CString, c_char, c_void};
use std::sync::OnceLock;
use std::time::Instant;

use mcpforge::{Answer, BoxFuture, Middleware, MiddlewareRequest, MiddlewareResult, Next, ProtocolError};
use serde_json::{Map, Value};

use crate::boundary::{self, Fail, c_json, c_string, check_out, try_opt_str, try_ref, try_str, write_out};
use crate::server::mcpf_server;
use crate::status::mcpf_status;
use crate::user_data::{UserData, mcpf_free_callback};

/// Called before the rest of the chain, on an engine thread, with the request's view
/// (valid until it returns). It decides with `mcpf_middleware_request_set_arguments`,
/// `_deny` or `_tool_error`; doing nothing continues. Keep it quick: it holds an engine
/// thread (a lookup in memory, not a network round trip).
pub type mcpf_middleware_before =
    Option<unsafe extern "C" fn(request: *mut mcpf_middleware_request, user_data: *mut c_void)>;

/// Called after the rest of the chain answered (or after this middleware's own `before`
/// denied), on an engine thread, with the request's view (read-only, valid until it
/// returns), the result as JSON text (`result_json`, NUL-terminated, `result_len` bytes;
/// NULL for an error), the JSON-RPC error (`error_code` 0 and `error_message` NULL on
/// success) and how long the rest of the chain took, in microseconds.
pub type mcpf_middleware_after = Option<
    unsafe extern "C" fn(
        request: *const mcpf_middleware_request,
        result_json: *const c_char,
        result_len: usize,
        error_code: i64,
        error_message: *const c_char,
        duration_us: u64,
        user_data: *mut c_void,
    ),
>;

/// One request as a C middleware sees it. Borrowed: valid until the callback returns.
pub struct mcpf_middleware_request {
    req: MiddlewareRequest,
    method: CString,
    name: Option<CString>,
    version: CString,
    // The JSON texts C borrows, made on first use.
    arguments: OnceLock<Option<CString>>,
    auth: OnceLock<Option<CString>>,
    client_info: OnceLock<Option<CString>>,
    meta: OnceLock<Option<CString>>,
    json: OnceLock<Option<CString>>,
    /// Whether `before` is running (decisions are allowed).
    deciding: bool,
    /// What `before` decided instead of continuing.
    answer: Option<MiddlewareResult>,
}

impl mcpf_middleware_request {
    /// The view of `req` for a middleware's `before` (decisions allowed; see
    /// [`mcpf_middleware_request::read_only`] for other callbacks).
    pub(crate) fn new(req: MiddlewareRequest) -> mcpf_middleware_request {
        mcpf_middleware_request {
            method: c_string(req.method()),
            name: req.name().map(c_string),
            version: c_string(req.protocol_version().as_str()),
            req,
            arguments: OnceLock::new(),
            auth: OnceLock::new(),
            client_info: OnceLock::new(),
            meta: OnceLock::new(),
            json: OnceLock::new(),
            deciding: true,
            answer: None,
        }
    }

    /// The view of `req` for a callback that only reads it (the catalogue hook).
    pub(crate) fn read_only(req: MiddlewareRequest) -> mcpf_middleware_request {
        mcpf_middleware_request { deciding: false, ..mcpf_middleware_request::new(req) }
    }
}

/// The C middleware behind the engine's `Middleware`.
struct CMiddleware {
    before: mcpf_middleware_before,
    after: mcpf_middleware_after,
    user_data: UserData,
}

impl Middleware for CMiddleware {
    fn handle<'a>(&'a self, req: MiddlewareRequest, next: Next) -> BoxFuture<'a, MiddlewareResult> {
        Box::pin(async move {
            let mut view = mcpf_middleware_request::new(req);
            if let Some(before) = self.before {
                // SAFETY: `view` outlives the call and is not touched elsewhere meanwhile;
                // `user_data` is the pointer C registered.
                unsafe { before(&mut view, self.user_data.ptr) };
            }
            view.deciding = false;
            let started = Instant::now();
            let answer = match view.answer.take() {
                Some(answer) => answer,
                None if self.after.is_none() => return next.run(view.req).await,
                None => next.run(view.req.clone()).await,
            };
            if let Some(after) = self.after {
                let elapsed = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                let (result, error) = match &answer {
                    Ok(a) => (Some(c_string(a.to_json_text())), None),
                    Err(e) => (None, Some((e.code, c_string(e.message.as_str())))),
                };
                let (ptr, len) = result.as_ref().map_or((std::ptr::null(), 0), |r| (r.as_ptr(), r.as_bytes().len()));
                let (code, message) = error.as_ref().map_or((0, std::ptr::null()), |(c, m)| (*c, m.as_ptr()));
                // SAFETY: every pointer stays valid until the call returns; `user_data` is
                // the pointer C registered.
                unsafe { after(&view, ptr, len, code, message, elapsed, self.user_data.ptr) };
            }
            answer
        })
    }
}

/// Adds a middleware at the inner end of the chain around every request the server
/// routes (after the handshake; see docs/hooks.md): `before` runs on the way in and may
/// decide instead of continuing, `after` on the way out and sees the result or error. Either
/// may be NULL, not both. The first middleware added is the outermost. Takes effect for
/// requests that start afterwards, also while serving. Thread-safe.
///
/// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
/// NULL) exactly once, when the server is freed. On failure nothing is kept.
///
/// # Safety
/// `server` is NULL or a live server; `before`, `after` and `free_user_data` are NULL or
/// valid functions of those signatures; `user_data` is usable from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_add_middleware(
    server: *mut mcpf_server,
    before: mcpf_middleware_before,
    after: mcpf_middleware_after,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        if before.is_none() && after.is_none() {
            return Err(Fail::new(mcpf_status::NullParameter, "before and after must not both be NULL"));
        }
        let link = CMiddleware { before, after, user_data: UserData::new(user_data, free_user_data) };
        server.engine.add_middleware(link);
        Ok(())
    })
}

/// Lends one text of the view: `*out` NUL-terminated, `*out_len` without the NUL, both valid
/// until the callback returns; `MCPF_STATUS_NOT_FOUND` when the request has no such part.
///
/// # Safety
/// `request` is NULL or a view passed to a running callback; `out`/`out_len` are NULL or
/// writable.
unsafe fn lend(
    request: *const mcpf_middleware_request,
    out: *mut *const c_char,
    out_len: *mut usize,
    field: fn(&mcpf_middleware_request) -> Option<&CStr>,
    missing: &str,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { lend_by(request, out, out_len, field, missing) }
}

/// [`lend`] with any field reader.
///
/// # Safety
/// As for [`lend`].
unsafe fn lend_by(
    request: *const mcpf_middleware_request,
    out: *mut *const c_char,
    out_len: *mut usize,
    field: impl Fn(&mcpf_middleware_request) -> Option<&CStr>,
    missing: &str,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let request = unsafe { try_ref(request, "request") }?;
        check_out(out, "out")?;
        check_out(out_len, "out_len")?;
        let s = field(request).ok_or_else(|| Fail::new(mcpf_status::NotFound, missing))?;
        // SAFETY: both checked non-NULL above; writable per the caller.
        unsafe {
            write_out(out, s.as_ptr(), "out")?;
            write_out(out_len, s.to_bytes().len(), "out_len")
        }
    })
}

/// A cached JSON text of the view (`cell`), made by `make` the first time C asks.
type Cached = fn(&mcpf_middleware_request) -> (&OnceLock<Option<CString>>, fn(&MiddlewareRequest) -> Option<CString>);

/// Lends the JSON text `cached` names (see [`lend`]).
///
/// # Safety
/// As for [`lend`].
unsafe fn lend_json(
    request: *const mcpf_middleware_request,
    out: *mut *const c_char,
    out_len: *mut usize,
    cached: Cached,
    missing: &str,
) -> mcpf_status {
    fn field(r: &mcpf_middleware_request, cached: Cached) -> Option<&CStr> {
        let (cell, make) = cached(r);
        cell.get_or_init(|| make(&r.req)).as_deref()
    }
    // SAFETY: forwarded caller guarantee.
    unsafe { lend_by(request, out, out_len, |r| field(r, cached), missing) }
}

/// The method (`tools/call`, `tools/list`, ...), lent as by `mcpf_call_arguments`.
///
/// # Safety
/// `request` is NULL or the view a running middleware callback received; `out`/`out_len`
/// are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_middleware_request_method(
    request: *const mcpf_middleware_request,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { lend(request, out, out_len, |r| Some(&r.method), "") }
}

/// What the request names: the tool (`tools/call`) or prompt (`prompts/get`), the resource
/// URI (`resources/read`, `_subscribe`, `_unsubscribe`), the prompt or template a completion
/// is for; `MCPF_STATUS_NOT_FOUND` for other methods. Lent as `mcpf_middleware_request_method`.
///
/// # Safety
/// As for `mcpf_middleware_request_method`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_middleware_request_name(
    request: *const mcpf_middleware_request,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { lend(request, out, out_len, |r| r.name.as_deref(), "the request names nothing") }
}

/// The protocol version the request is served in (`"2025-11-25"`, `"2026-07-28"`, ...).
///
/// # Safety
/// As for `mcpf_middleware_request_method`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_middleware_request_protocol_version(
    request: *const mcpf_middleware_request,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { lend(request, out, out_len, |r| Some(&r.version), "") }
}

/// The arguments of a `tools/call` or `prompts/get` as JSON text (an object), as passed on
/// (after a rewrite, the new ones); `MCPF_STATUS_NOT_FOUND` for other methods or when the
/// client sent none.
///
/// # Safety
/// As for `mcpf_middleware_request_method`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_middleware_request_arguments(
    request: *const mcpf_middleware_request,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        lend_json(
            request,
            out,
            out_len,
            |r| (&r.arguments, |q| q.arguments().map(c_json)),
            "the request has no arguments",
        )
    }
}

/// What the caller's bearer token grants, as JSON text in the form `mcpf_call_auth` gives;
/// `MCPF_STATUS_NOT_FOUND` without a grant (stdio, or HTTP without authorization).
///
/// # Safety
/// As for `mcpf_middleware_request_method`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_middleware_request_auth(
    request: *const mcpf_middleware_request,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        lend_json(
            request,
            out,
            out_len,
            |r| (&r.auth, |q| q.auth().map(c_json)),
            "the request carries no authorization grant",
        )
    }
}

/// The client's `Implementation` (`{"name": ..., "version": ...}`) as JSON text: from
/// `initialize` in a legacy session, from the request's `_meta` on the 2026-07-28 wire;
/// `MCPF_STATUS_NOT_FOUND` when the client did not say.
///
/// # Safety
/// As for `mcpf_middleware_request_method`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_middleware_request_client_info(
    request: *const mcpf_middleware_request,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        lend_json(
            request,
            out,
            out_len,
            |r| (&r.client_info, |q| q.client_info().map(c_json)),
            "the client sent no client info",
        )
    }
}

/// The request's `_meta` as JSON text (progress token, trace context, and on 2026-07-28 the
/// protocol version and client capabilities); `MCPF_STATUS_NOT_FOUND` without one.
///
/// # Safety
/// As for `mcpf_middleware_request_method`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_middleware_request_meta(
    request: *const mcpf_middleware_request,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { lend_json(request, out, out_len, |r| (&r.meta, |q| q.meta().map(c_json)), "the request has no _meta") }
}

/// The whole request as JSON text, in the engine's one form of it for every language (the
/// members `id`, `method`, `name`, `params`, `protocolVersion`, `authInfo`, `clientInfo`,
/// `sessionId`, absent ones left out; docs/c.md, Middleware), lent as
/// `mcpf_middleware_request_method`; after `mcpf_middleware_request_set_arguments`, with the
/// new arguments.
///
/// # Safety
/// As for `mcpf_middleware_request_method`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_middleware_request_json(
    request: *const mcpf_middleware_request,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { lend_json(request, out, out_len, |r| (&r.json, |q| Some(c_json(q))), "") }
}

/// The view to decide on: only inside `before`, and only once.
///
/// # Safety
/// `request` is NULL or the view a running `before` callback received.
unsafe fn deciding<'a>(request: *mut mcpf_middleware_request) -> Result<&'a mut mcpf_middleware_request, Fail> {
    // SAFETY: forwarded caller guarantee: the view is live and only this callback uses it.
    let request = unsafe { request.as_mut() }.ok_or_else(|| boundary::null("request"))?;
    if !request.deciding {
        return Err(Fail::new(mcpf_status::InvalidArgument, "decisions are made in the before callback"));
    }
    if request.answer.is_some() {
        return Err(Fail::new(mcpf_status::InvalidArgument, "the request was already answered"));
    }
    Ok(request)
}

/// Replaces the arguments of a `tools/call` or `prompts/get` with `arguments_json` (an
/// object) before the rest of the chain sees them; the engine still validates them against
/// the tool's input schema. Only in `before`; `MCPF_STATUS_INVALID_ARGUMENT` for other
/// methods, `MCPF_STATUS_INVALID_JSON` when the text is not an object.
///
/// # Safety
/// `request` is NULL or the view a running `before` callback received; `arguments_json` is
/// NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_middleware_request_set_arguments(
    request: *mut mcpf_middleware_request,
    arguments_json: *const c_char,
    arguments_json_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let request = unsafe { deciding(request) }?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_str(arguments_json, arguments_json_len, "arguments_json") }?;
        let new: Map<String, Value> = serde_json::from_str(text)
            .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("arguments_json is not a JSON object: {e}")))?;
        let slot = request
            .req
            .arguments_mut()
            .ok_or_else(|| Fail::new(mcpf_status::InvalidArgument, "only tools/call and prompts/get have arguments"))?;
        *slot = new;
        request.arguments.take();
        request.json.take();
        Ok(())
    })
}

/// Answers the request with a JSON-RPC error instead of continuing: `code` (e.g.
/// `MCPF_ERROR_INVALID_PARAMS`, or an application code) and `message` (NULL: "request
/// denied"). Only in `before`.
///
/// # Safety
/// `request` is NULL or the view a running `before` callback received; `message` is NULL
/// or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_middleware_request_deny(
    request: *mut mcpf_middleware_request,
    code: i64,
    message: *const c_char,
    message_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let request = unsafe { deciding(request) }?;
        // SAFETY: forwarded caller guarantee.
        let message = unsafe { try_opt_str(message, message_len, "message") }?.unwrap_or("request denied");
        request.answer = Some(Err(ProtocolError::new(code, message)));
        Ok(())
    })
}

/// Answers a `tools/call` with a tool result whose `isError` is true and whose text is
/// `message` (what the model reads), instead of continuing. Only in `before`, and only for
/// `tools/call` (`MCPF_STATUS_INVALID_ARGUMENT` otherwise: use `_deny`).
///
/// # Safety
/// `request` is NULL or the view a running `before` callback received; `message` is
/// readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_middleware_request_tool_error(
    request: *mut mcpf_middleware_request,
    message: *const c_char,
    message_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let request = unsafe { deciding(request) }?;
        if request.req.method() != "tools/call" {
            return Err(Fail::new(mcpf_status::InvalidArgument, "a tool error answers tools/call only"));
        }
        // SAFETY: forwarded caller guarantee.
        let message = unsafe { try_str(message, message_len, "message") }?;
        request.answer = Some(Ok(Answer::tool_error(message)));
        Ok(())
    })
}
