//! `mcpf_call`: the borrowed, read-only view of one request a C callback receives (a
//! `tools/call`, `resources/read`, `prompts/get` or `completion/complete`: arguments, URI
//! and template variables, completion argument, request id, protocol version, progress
//! token, cancellation) plus the request-scoped emitters (progress, log).

use std::ffi::{CStr, CString, c_char};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use mcpforge::protocol::LogLevel;
use mcpforge::{Arguments, HandlerError, RequestContext};
use serde_json::Value;

use crate::boundary::{self, Fail, c_json, c_string, check_out, try_opt_str, try_ref, try_str, write_out};
use crate::status::mcpf_status;

/// One call (tool, resource read, prompt or completion), as C sees it. Borrowed: valid
/// until the callback returns, or, through `mcpf_responder_call`, until its responder is
/// completed or freed.
pub struct mcpf_call {
    pub(crate) ctx: RequestContext,
    /// The arguments as the engine has them (their text is made the first time C asks).
    args: Arguments,
    // The texts C borrows, each made on first use (most callbacks read one or two).
    request_id: OnceLock<CString>,
    protocol_version: OnceLock<CString>,
    progress_token: OnceLock<CString>,
    task_id: OnceLock<Option<CString>>,
    auth: OnceLock<Option<CString>>,
    trace_context: OnceLock<Option<CString>>,
    /// Resource reads: the URI read and the template variables (`{}` for a concrete one).
    resource: Option<(CString, CString)>,
    /// Completions: the argument's name and partial value.
    completion: Option<(CString, CString)>,
    /// The runtime serving the call: blocking client-input asks run their wait on it.
    pub(crate) runtime: tokio::runtime::Handle,
    /// Set when a client-input ask answered `MCPF_STATUS_INPUT_REQUIRED`: whatever the
    /// responder then delivers, the client gets `input_required` for this round.
    input_required: AtomicBool,
    /// The error of the last failed ask: what a responder freed unanswered sends.
    ask_error: Mutex<Option<HandlerError>>,
}

impl mcpf_call {
    /// The view of one request; must be called on the runtime serving it.
    pub(crate) fn new(ctx: RequestContext, args: Arguments) -> mcpf_call {
        mcpf_call {
            args,
            request_id: OnceLock::new(),
            protocol_version: OnceLock::new(),
            progress_token: OnceLock::new(),
            task_id: OnceLock::new(),
            auth: OnceLock::new(),
            trace_context: OnceLock::new(),
            resource: None,
            completion: None,
            runtime: tokio::runtime::Handle::current(),
            input_required: AtomicBool::new(false),
            ask_error: Mutex::new(None),
            ctx,
        }
    }

    fn arguments(&self) -> &CStr {
        self.args.json_c_str()
    }

    fn request_id(&self) -> &CString {
        self.request_id.get_or_init(|| c_json(self.ctx.request_id()))
    }

    fn protocol_version(&self) -> &CString {
        self.protocol_version.get_or_init(|| c_string(self.ctx.protocol_version().as_str().to_owned()))
    }

    fn progress_token(&self) -> &CString {
        self.progress_token.get_or_init(|| {
            c_string(self.ctx.progress_token().map(Value::to_string).unwrap_or_else(|| "null".to_owned()))
        })
    }

    /// Records that an ask of this call needs the client's answer first.
    pub(crate) fn mark_input_required(&self) {
        self.input_required.store(true, Ordering::Release);
    }

    /// Keeps the error of a failed ask for a responder freed unanswered.
    pub(crate) fn record_ask_error(&self, error: HandlerError) {
        *self.ask_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(error);
    }

    /// The error of the last failed ask, if any.
    pub(crate) fn take_ask_error(&self) -> Option<HandlerError> {
        self.ask_error.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// True once an ask of this call answered `MCPF_STATUS_INPUT_REQUIRED`.
    pub(crate) fn needs_input(&self) -> bool {
        self.input_required.load(Ordering::Acquire)
    }

    /// Adds the URI and template variables (as a JSON object) of a resource read.
    pub(crate) fn with_resource(mut self, uri: String, variables: &Value) -> mcpf_call {
        self.resource = Some((c_string(uri), c_string(variables.to_string())));
        self
    }

    /// Adds the argument name and partial value of a completion.
    pub(crate) fn with_completion(mut self, name: String, value: String) -> mcpf_call {
        self.completion = Some((c_string(name), c_string(value)));
        self
    }

    /// The id of the task this call runs as (2025-11-25 tasks, or a 2026-07-28 call that became
    /// a task), borrowed like `mcpf_call_arguments`. `MCPF_STATUS_INVALID_ARGUMENT` when the
    /// call is not running as a task.
    ///
    /// # Safety
    /// As for `mcpf_call_arguments`.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn mcpf_call_task_id(
        call: *const mcpf_call,
        out: *mut *const c_char,
        out_len: *mut usize,
    ) -> mcpf_status {
        // SAFETY: forwarded caller guarantee.
        unsafe {
            lend(call, out, out_len, |c| {
                c.task_id
                    .get_or_init(|| c.ctx.task_id().map(|id| c_string(id.to_owned())))
                    .as_deref()
                    .ok_or_else(|| not_a("running as a task"))
            })
        }
    }

    /// What the caller's bearer token grants, when the request came over HTTP with a token
    /// verifier (`mcpf_server_set_token_verifier`), as JSON text borrowed like
    /// `mcpf_call_arguments`: `{"subject": "...", "scopes": [...], "clientId": "...",
    /// "extra": {...}}` (absent fields omitted). `MCPF_STATUS_NOT_FOUND` when the request
    /// carries no grant (stdio, or HTTP without authorization).
    ///
    /// # Safety
    /// As for `mcpf_call_arguments`.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn mcpf_call_auth(
        call: *const mcpf_call,
        out: *mut *const c_char,
        out_len: *mut usize,
    ) -> mcpf_status {
        // SAFETY: forwarded caller guarantee.
        unsafe {
            lend(call, out, out_len, |c| {
                c.auth
                    .get_or_init(|| c.ctx.auth().map(c_json))
                    .as_deref()
                    .ok_or_else(|| Fail::new(mcpf_status::NotFound, "the request carries no authorization grant"))
            })
        }
    }

    /// Where the request sits in a distributed trace, as JSON text borrowed like
    /// `mcpf_call_arguments`: `{"traceparent": "00-...-...-01", "tracestate": "...",
    /// "traceId": "...", "spanId": "...", "sampled": true}` (`tracestate` only when there is
    /// one). It is the engine's span for the request when OpenTelemetry export is on (the
    /// `OTEL_EXPORTER_OTLP_*` variables), a child of the client's span; otherwise the
    /// client's W3C context from `_meta` as it arrived. `MCPF_STATUS_NOT_FOUND` when there is
    /// neither.
    ///
    /// # Safety
    /// As for `mcpf_call_arguments`.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn mcpf_call_trace_context(
        call: *const mcpf_call,
        out: *mut *const c_char,
        out_len: *mut usize,
    ) -> mcpf_status {
        // SAFETY: forwarded caller guarantee.
        unsafe {
            lend(call, out, out_len, |c| {
                c.trace_context
                    .get_or_init(|| c.ctx.trace_context().map(|t| c_json(&t.to_json())))
                    .as_deref()
                    .ok_or_else(|| Fail::new(mcpf_status::NotFound, "the request carries no trace context"))
            })
        }
    }

    /// Turns the call into a task, for a tool registered with `"deferTask": true` (see
    /// `mcpf_server_add_tool_json`): such a tool first runs inside the request (its asks are
    /// answered in rounds of that request); this call returns `MCPF_STATUS_INPUT_REQUIRED` —
    /// stop, and complete or free the responder — and the client receives the new task, while
    /// the callback runs again from the start as the task, the earlier asks now answered and
    /// this call returning `MCPF_STATUS_OK`. It returns `MCPF_STATUS_OK` at once when the call
    /// is not going to be a task (the client does not use tasks, or the tool does not defer).
    /// Safe from any thread.
    ///
    /// # Safety
    /// `call` is NULL or a live `mcpf_call`.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn mcpf_call_start_task(call: *const mcpf_call) -> mcpf_status {
        boundary::run(|| {
            // SAFETY: forwarded caller guarantee.
            let call = unsafe { try_ref(call, "call") }?;
            match call.ctx.start_task() {
                Ok(()) => Ok(()),
                Err(_) => {
                    call.mark_input_required();
                    Err(Fail::new(
                        mcpf_status::InputRequired,
                        "the call becomes a task: complete or free the responder now; it runs again as the task",
                    ))
                }
            }
        })
    }

    /// The URI of a resource read.
    pub(crate) fn uri(&self) -> Option<&str> {
        self.resource.as_ref().and_then(|(uri, _)| uri.to_str().ok())
    }
}

/// Log levels for `mcpf_call_log` (RFC 5424 severities, as in MCP `notifications/message`).
/// A plain integer type rather than an enum so that any value C passes is defined behaviour.
pub type mcpf_log_level = u32;
/// Debug detail.
pub const MCPF_LOG_LEVEL_DEBUG: mcpf_log_level = 0;
/// Informational.
pub const MCPF_LOG_LEVEL_INFO: mcpf_log_level = 1;
/// Normal but significant.
pub const MCPF_LOG_LEVEL_NOTICE: mcpf_log_level = 2;
/// Warning.
pub const MCPF_LOG_LEVEL_WARNING: mcpf_log_level = 3;
/// Error.
pub const MCPF_LOG_LEVEL_ERROR: mcpf_log_level = 4;
/// Critical.
pub const MCPF_LOG_LEVEL_CRITICAL: mcpf_log_level = 5;
/// Action must be taken immediately.
pub const MCPF_LOG_LEVEL_ALERT: mcpf_log_level = 6;
/// The system is unusable.
pub const MCPF_LOG_LEVEL_EMERGENCY: mcpf_log_level = 7;

/// Lends one of the call's NUL-terminated strings through `(out, out_len)`.
///
/// # Safety
/// `call` is NULL or a live `mcpf_call`; `out`/`out_len` are NULL or writable.
unsafe fn lend(
    call: *const mcpf_call,
    out: *mut *const c_char,
    out_len: *mut usize,
    field: fn(&mcpf_call) -> Result<&CStr, Fail>,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let call = unsafe { try_ref(call, "call") }?;
        check_out(out, "out")?;
        check_out(out_len, "out_len")?;
        let s = field(call)?;
        // SAFETY: both checked non-NULL above; writable per the caller.
        unsafe {
            write_out(out, s.as_ptr(), "out")?;
            write_out(out_len, s.to_bytes().len(), "out_len")
        }
    })
}

/// The call's arguments as JSON text, always an object: a tool's arguments (already
/// validated against its input schema), a prompt's arguments (string values; required ones
/// checked by the engine), a completion's `context.arguments` (string values, often `{}`),
/// `{}` for a resource read. Borrowed: `*out` is NUL-terminated, `*out_len` excludes the NUL, and both
/// are valid as long as `call` is. Outputs are written only on success.
///
/// # Safety
/// `call` is NULL or a live `mcpf_call`; `out` and `out_len` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_arguments(
    call: *const mcpf_call,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { lend(call, out, out_len, |c| Ok(c.arguments())) }
}

/// The JSON-RPC id of the request as JSON text (`7` or `"abc"`). Borrowed like
/// `mcpf_call_arguments`.
///
/// # Safety
/// As for `mcpf_call_arguments`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_request_id(
    call: *const mcpf_call,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { lend(call, out, out_len, |c| Ok(c.request_id().as_c_str())) }
}

/// The protocol version of this request (`"2025-11-25"`, `"2026-07-28"`, ...). Borrowed like
/// `mcpf_call_arguments`.
///
/// # Safety
/// As for `mcpf_call_arguments`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_protocol_version(
    call: *const mcpf_call,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { lend(call, out, out_len, |c| Ok(c.protocol_version().as_c_str())) }
}

/// The request's progress token as JSON text, or `null` when the client did not ask for
/// progress. Borrowed like `mcpf_call_arguments`.
///
/// # Safety
/// As for `mcpf_call_arguments`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_progress_token(
    call: *const mcpf_call,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { lend(call, out, out_len, |c| Ok(c.progress_token().as_c_str())) }
}

fn not_a(what: &str) -> Fail {
    Fail::new(mcpf_status::InvalidArgument, format!("the call is not {what}"))
}

/// The URI of a resource read (the concrete URI the client asked for, also when a template
/// matched it). Borrowed like `mcpf_call_arguments`. `MCPF_STATUS_INVALID_ARGUMENT` when
/// the call is not a resource read.
///
/// # Safety
/// As for `mcpf_call_arguments`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_uri(
    call: *const mcpf_call,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        lend(call, out, out_len, |c| {
            c.resource.as_ref().map(|r| r.0.as_c_str()).ok_or_else(|| not_a("a resource read"))
        })
    }
}

/// The variables a resource template matched, as a JSON object of (percent-decoded)
/// strings, e.g. `{"id":"42"}`; `{}` for a concrete resource. Borrowed like
/// `mcpf_call_arguments`. `MCPF_STATUS_INVALID_ARGUMENT` when the call is not a resource
/// read.
///
/// # Safety
/// As for `mcpf_call_arguments`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_variables_json(
    call: *const mcpf_call,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        lend(call, out, out_len, |c| {
            c.resource.as_ref().map(|r| r.1.as_c_str()).ok_or_else(|| not_a("a resource read"))
        })
    }
}

/// The argument being completed: its name and the partial value typed so far (possibly
/// empty). Both are borrowed like `mcpf_call_arguments` (NUL-terminated, lengths exclude
/// the NUL). `MCPF_STATUS_INVALID_ARGUMENT` when the call is not a completion. Outputs are
/// written only on success.
///
/// # Safety
/// `call` is NULL or a live `mcpf_call`; the four out-pointers are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_completion_argument(
    call: *const mcpf_call,
    name: *mut *const c_char,
    name_len: *mut usize,
    value: *mut *const c_char,
    value_len: *mut usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let call = unsafe { try_ref(call, "call") }?;
        check_out(name, "name")?;
        check_out(name_len, "name_len")?;
        check_out(value, "value")?;
        check_out(value_len, "value_len")?;
        let (n, v) = call.completion.as_ref().ok_or_else(|| not_a("a completion"))?;
        // SAFETY: all checked non-NULL above; writable per the caller.
        unsafe {
            write_out(name, n.as_ptr(), "name")?;
            write_out(name_len, n.as_bytes().len(), "name_len")?;
            write_out(value, v.as_ptr(), "value")?;
            write_out(value_len, v.as_bytes().len(), "value_len")
        }
    })
}

/// True once the request was cancelled (by the client, a timeout or shutdown); a cancelled
/// call's answer is discarded, so long work should poll this and stop early. Returns false
/// when `call` is NULL. Safe from any thread.
///
/// # Safety
/// `call` is NULL or a live `mcpf_call`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_is_cancelled(call: *const mcpf_call) -> bool {
    boundary::guard(false, || {
        // SAFETY: forwarded caller guarantee.
        unsafe { try_ref(call, "call") }.map(|c| c.ctx.is_cancelled()).unwrap_or(false)
    })
}

/// Sends `notifications/progress` if the client asked for progress (otherwise does nothing
/// and succeeds). `total` is NaN when unknown; `message` may be NULL (length ignored), else
/// UTF-8 of `message_len` bytes (`SIZE_MAX`: NUL-terminated). Values that do not increase
/// are dropped, as the protocol requires. Safe from any thread.
///
/// # Safety
/// `call` is NULL or a live `mcpf_call`; `message` is NULL or readable as described.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_report_progress(
    call: *const mcpf_call,
    progress: f64,
    total: f64,
    message: *const c_char,
    message_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let call = unsafe { try_ref(call, "call") }?;
        // SAFETY: forwarded caller guarantee.
        let message = unsafe { try_opt_str(message, message_len, "message") }?;
        if !progress.is_finite() {
            return Err(Fail::new(mcpf_status::InvalidArgument, "progress must be a finite number"));
        }
        let total = (!total.is_nan()).then_some(total);
        call.ctx.report_progress(progress, total, message);
        Ok(())
    })
}

/// Sends a log message (`notifications/message`, the text as `data`) if the client's
/// logging level lets it through. `level` is one of the `MCPF_LOG_LEVEL_*` constants
/// (others give `MCPF_STATUS_INVALID_ARGUMENT`). Safe from any thread.
///
/// # Safety
/// `call` is NULL or a live `mcpf_call`; `message` is NULL or readable as described for
/// string inputs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_call_log(
    call: *const mcpf_call,
    level: mcpf_log_level,
    message: *const c_char,
    message_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let call = unsafe { try_ref(call, "call") }?;
        // SAFETY: forwarded caller guarantee.
        let message = unsafe { try_str(message, message_len, "message") }?;
        let level = match level {
            MCPF_LOG_LEVEL_DEBUG => LogLevel::Debug,
            MCPF_LOG_LEVEL_INFO => LogLevel::Info,
            MCPF_LOG_LEVEL_NOTICE => LogLevel::Notice,
            MCPF_LOG_LEVEL_WARNING => LogLevel::Warning,
            MCPF_LOG_LEVEL_ERROR => LogLevel::Error,
            MCPF_LOG_LEVEL_CRITICAL => LogLevel::Critical,
            MCPF_LOG_LEVEL_ALERT => LogLevel::Alert,
            MCPF_LOG_LEVEL_EMERGENCY => LogLevel::Emergency,
            other => return Err(Fail::new(mcpf_status::InvalidArgument, format!("unknown log level {other}"))),
        };
        call.ctx.log(level, message, None);
        Ok(())
    })
}
