//! The error hook: one callback per server told of every unexpected failure of a request (a
//! handler or middleware that panicked, a request that ended in an internal error, a request
//! that ran past its timeout), with what failed and the full message, after the log line.
//! What the client reads is decided apart from it, by `mask_error_details`.

use std::panic::AssertUnwindSafe;

use serde_json::Value;

use crate::jsonrpc::RequestId;

/// What kind of unexpected failure ended a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureKind {
    /// A handler or middleware panicked; the message is the panic's. The client reads only
    /// that the handler failed.
    Panic,
    /// The request ended with an internal error (-32603) that the handler, a binding or the
    /// engine produced: for example a C responder freed without an answer, or a handler that
    /// returned [`crate::ProtocolError::internal`].
    Internal,
    /// The request ran past the request timeout (`Limits::request_timeout`).
    Timeout,
}

impl FailureKind {
    /// `"panic"`, `"internal"` or `"timeout"`.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Panic => "panic",
            FailureKind::Internal => "internal",
            FailureKind::Timeout => "timeout",
        }
    }
}

/// One unexpected failure, as the error hook sees it (borrowed for the call).
#[derive(Debug)]
#[non_exhaustive]
pub struct Failure<'a> {
    /// What went wrong.
    pub kind: FailureKind,
    /// The request's method (`tools/call`, `resources/read`, ...).
    pub method: &'a str,
    /// What the request named: the tool or prompt name, the resource URI, the completion's
    /// reference; `None` for methods that name nothing.
    pub name: Option<&'a str>,
    /// The request's JSON-RPC id.
    pub id: &'a RequestId,
    /// The full message: the panic's text, or the internal error's message before masking.
    pub message: &'a str,
    /// The internal error's `data`, before masking.
    pub data: Option<&'a Value>,
}

/// Told of every unexpected failure of a server's requests (see the module docs). Runs on
/// the engine thread that served the request, after the error is logged and before the
/// client's answer is written: keep it quick (hand slow work, such as a network report, to
/// another task). A panic in the hook is logged and ignored.
pub trait ErrorHook: Send + Sync + 'static {
    /// One failure.
    fn failed(&self, failure: &Failure<'_>);
}

impl<F> ErrorHook for F
where
    F: Fn(&Failure<'_>) + Send + Sync + 'static,
{
    fn failed(&self, failure: &Failure<'_>) {
        self(failure)
    }
}

/// Hands `failure` to `hook`, containing a panicking hook. A panic is logged first, hook or
/// not; internal errors and timeouts reach only the hook (a binding that turned its own
/// failure into an internal error has logged it in its language already).
pub(crate) fn report(hook: Option<&dyn ErrorHook>, failure: &Failure<'_>) {
    if failure.kind == FailureKind::Panic {
        // What the client chose (method, name, id) is cut to a bound, as in request spans.
        use crate::telemetry::bounded;
        tracing::error!(
            method = &*bounded(failure.method),
            name = &*bounded(failure.name.unwrap_or("")),
            request = &*bounded(&failure.id.to_string()),
            panic = failure.message,
            "handler panicked"
        );
    }
    if let Some(hook) = hook
        && std::panic::catch_unwind(AssertUnwindSafe(|| hook.failed(failure))).is_err()
    {
        tracing::error!("the error hook panicked");
    }
}
