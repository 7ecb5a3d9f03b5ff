//! `mcpf_responder`: the owned, one-shot completion handle of a tool call, resource read,
//! prompt or completion. Completing it (with an answer of its kind or a protocol error)
//! consumes it, and a second completion is refused (the handle names an entry of
//! `handles.rs`, not memory); an answer of the wrong kind is refused; freeing it unanswered
//! answers the client with an internal error instead of leaving the request hanging.

use std::ffi::c_char;
use std::sync::{Arc, LazyLock};

use mcpforge::protocol::{CallToolResult, GetPromptResult, ResourceContents};
use mcpforge::{CompletionOutput, HandlerError, PromptOutput, ProtocolError, ResourceOutput, ToolError, ToolOutput};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::boundary::{self, Fail, try_str};
use crate::call::mcpf_call;
use crate::handles::Table;
use crate::status::mcpf_status;

/// Which request a responder answers, and so which completion functions it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `tools/call`: `mcpf_responder_ok`, `_text`, `_json`, `_bytes`, `_tool_error`.
    Tool,
    /// `resources/read`: `mcpf_responder_text`, `_json`, `_bytes`, `_contents`,
    /// `_resource_not_found`.
    Resource,
    /// `prompts/get`: `mcpf_responder_text`, `_json`, `_prompt`.
    Prompt,
    /// `completion/complete`: `mcpf_responder_json`, `_completion`.
    Completion,
}

impl Kind {
    /// The noun used in messages the client sees.
    fn noun(self) -> &'static str {
        match self {
            Kind::Tool => "tool",
            Kind::Resource => "resource",
            Kind::Prompt => "prompt",
            Kind::Completion => "completion provider",
        }
    }

    /// What the request is, for C's error messages.
    fn request(self) -> &'static str {
        match self {
            Kind::Tool => "a tool call",
            Kind::Resource => "a resource read",
            Kind::Prompt => "a prompt",
            Kind::Completion => "a completion",
        }
    }
}

/// A successful answer, one variant per [`Kind`].
pub(crate) enum Output {
    Tool(ToolOutput),
    Resource(ResourceOutput),
    Prompt(PromptOutput),
    Completion(CompletionOutput),
}

/// What the engine awaits for one call.
pub(crate) type Answer = Result<Output, HandlerError>;

/// The error the client sees when a responder is freed (or dropped) without an answer.
pub(crate) fn dropped(kind: Kind) -> HandlerError {
    ProtocolError::internal(format!("the {}'s responder was freed without an answer", kind.noun())).into()
}

/// The error the client sees when the callback delivered an answer of another kind (only
/// reachable through a library bug: the completion functions check the kind first).
pub(crate) fn mismatch(kind: Kind) -> HandlerError {
    ProtocolError::internal(format!("the {} answered with a result of another kind", kind.noun())).into()
}

/// The completion handle of one call (tool, resource read, prompt or completion): owned by
/// C from the moment the callback receives it until one of the `mcpf_responder_*`
/// completion functions or `mcpf_responder_free` consumes it. Thread-safe to move to
/// another thread. Opaque: the pointer C holds is a handle, never dereferenced.
pub struct mcpf_responder {
    _opaque: (),
}

/// What a responder handle names: where the answer goes, the call, and whose it is.
pub(crate) struct Responder {
    tx: oneshot::Sender<Answer>,
    call: Arc<mcpf_call>,
    kind: Kind,
    /// The server whose call this answers (its responders are revoked when it is freed).
    server: u64,
}

impl Responder {
    pub(crate) fn new(tx: oneshot::Sender<Answer>, call: Arc<mcpf_call>, kind: Kind, server: u64) -> Responder {
        Responder { tx, call, kind, server }
    }

    pub(crate) fn server(&self) -> u64 {
        self.server
    }

    /// Delivers the answer. A receiver that is gone (the call was cancelled or the server
    /// stopped) is not an error for C: there is nobody left to tell.
    pub(crate) fn send(self, answer: Answer) {
        let _ = self.tx.send(answer);
    }
}

/// The responders C holds (see `handles.rs`).
pub(crate) fn responders() -> &'static Table<Responder, mcpf_responder> {
    static TABLE: LazyLock<Table<Responder, mcpf_responder>> = LazyLock::new(Table::new);
    &TABLE
}

/// The responder of handle `r`, taken out of the table: refused when `r` is NULL, or was
/// completed, freed or revoked already.
fn take(r: *mut mcpf_responder) -> Result<Responder, Fail> {
    if r.is_null() {
        return Err(boundary::null("responder"));
    }
    responders().take(r).ok_or_else(|| {
        Fail::new(mcpf_status::InvalidArgument, "the responder was already completed or freed, or its server was freed")
    })
}

/// Consumes `r` and answers with what `make` builds; `expects` (when given) is the only
/// kind of request the completion function `func` may answer. When the kind does not match
/// or `make` fails, the client gets an internal error and C gets the status. A handle that
/// is NULL, already consumed or revoked is refused without effect.
fn finish(
    r: *mut mcpf_responder,
    expects: Option<Kind>,
    func: &str,
    make: impl FnOnce(&Responder) -> Result<Answer, Fail>,
) -> mcpf_status {
    boundary::run(|| {
        let r = take(r)?;
        let decoded = match expects {
            Some(kind) if kind != r.kind => Err(Fail::new(
                mcpf_status::InvalidArgument,
                format!("{func} answers {}, but this responder answers {}", kind.request(), r.kind.request()),
            )),
            _ => make(&r),
        };
        match decoded {
            Ok(answer) => {
                r.send(answer);
                Ok(())
            }
            Err(fail) => {
                let noun = r.kind.noun();
                r.send(Err(ProtocolError::internal(format!("the {noun} answered badly: {}", fail.message)).into()));
                Err(fail)
            }
        }
    })
}

/// [`finish`] with a decoded string argument.
///
/// # Safety
/// `r` is NULL or an uncompleted responder; `text` is NULL or readable per the string rules.
unsafe fn complete(
    r: *mut mcpf_responder,
    text: *const c_char,
    len: usize,
    what: &str,
    expects: Option<Kind>,
    func: &str,
    make: impl FnOnce(&str, Kind) -> Result<Answer, Fail>,
) -> mcpf_status {
    finish(r, expects, func, |r| {
        // SAFETY: forwarded caller guarantee (`text` is only read here).
        unsafe { try_str(text, len, what) }.and_then(|t| make(t, r.kind))
    })
}

/// Completes a tool call with a full `CallToolResult` given as JSON text
/// (`{"content":[...], "structuredContent":..., "isError":...}`).
///
/// Always consumes `r`, even on failure: if the text is not valid UTF-8
/// (`MCPF_STATUS_INVALID_UTF8`), not a `CallToolResult` (`MCPF_STATUS_INVALID_JSON`), or `r`
/// answers something other than a tool call (`MCPF_STATUS_INVALID_ARGUMENT`), the client
/// receives an internal error (-32603) and `r` is freed anyway. Callable from any thread.
///
/// # Safety
/// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
/// (refused, `MCPF_STATUS_INVALID_ARGUMENT`);
/// `result_json` is NULL or readable for `result_json_len` bytes (`SIZE_MAX`: NUL-terminated).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_ok(
    r: *mut mcpf_responder,
    result_json: *const c_char,
    result_json_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        complete(r, result_json, result_json_len, "result_json", Some(Kind::Tool), "mcpf_responder_ok", |text, _| {
            serde_json::from_str::<CallToolResult>(text)
                .map(|res| Ok(Output::Tool(ToolOutput::Result(res))))
                .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("result_json is not a CallToolResult: {e}")))
        })
    }
}

/// Completes a call with text: for a tool call one text content block, for a resource read
/// text contents (the resource's registered MIME type, else `text/plain`), for a prompt one
/// user message (docs/results.md). Consumes `r` (see `mcpf_responder_ok` for the failure
/// rules; a completion responder gives `MCPF_STATUS_INVALID_ARGUMENT`). Callable from any
/// thread.
///
/// # Safety
/// As for `mcpf_responder_ok`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_text(
    r: *mut mcpf_responder,
    text: *const c_char,
    text_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        complete(r, text, text_len, "text", None, "mcpf_responder_text", |t, kind| match kind {
            Kind::Tool => Ok(Ok(Output::Tool(ToolOutput::Text(t.to_owned())))),
            Kind::Resource => Ok(Ok(Output::Resource(ResourceOutput::Text(t.to_owned())))),
            Kind::Prompt => Ok(Ok(Output::Prompt(PromptOutput::Text(t.to_owned())))),
            Kind::Completion => Err(Fail::new(
                mcpf_status::InvalidArgument,
                "mcpf_responder_text does not answer a completion: use mcpf_responder_completion",
            )),
        })
    }
}

/// Completes a call with a JSON value given as its text, which becomes what the same value
/// becomes in every language (docs/results.md). For a tool call: an object, array, number
/// or boolean becomes one text block holding that JSON (and, for a tool with an
/// `outputSchema`, its `structuredContent`: an object as is, any other value as
/// `{"result": value}`); a JSON string is as `mcpf_responder_text`; `null` is an empty
/// result. For a resource read: contents objects as given, `null` as not found, any other
/// value its JSON text. For a prompt: messages, or a whole result. For a completion: an
/// array of values or `{values, total, hasMore}`. Consumes `r` (see `mcpf_responder_ok`
/// for the failure rules: text that is not JSON gives `MCPF_STATUS_INVALID_JSON`). Callable
/// from any thread.
///
/// # Safety
/// As for `mcpf_responder_ok`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_json(
    r: *mut mcpf_responder,
    value_json: *const c_char,
    value_json_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        complete(r, value_json, value_json_len, "value_json", None, "mcpf_responder_json", |t, kind| {
            let not_json =
                |e: serde_json::Error| Fail::new(mcpf_status::InvalidJson, format!("value_json is not JSON: {e}"));
            if kind == Kind::Tool {
                return serde_json::from_str::<serde::de::IgnoredAny>(t)
                    .map(|_| Ok(Output::Tool(ToolOutput::JsonText(t.to_owned()))))
                    .map_err(not_json);
            }
            let v: Value = serde_json::from_str(t).map_err(not_json)?;
            Ok(Ok(match kind {
                Kind::Resource => Output::Resource(ResourceOutput::Json(v)),
                Kind::Prompt => Output::Prompt(PromptOutput::Json(v)),
                _ => Output::Completion(CompletionOutput::Json(v)),
            }))
        })
    }
}

/// Completes a tool call with a tool error: a result with `isError: true` and `message` as its
/// text, which the model sees. Consumes `r` (see `mcpf_responder_ok` for the failure
/// rules). Callable from any thread.
///
/// # Safety
/// As for `mcpf_responder_ok`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_tool_error(
    r: *mut mcpf_responder,
    message: *const c_char,
    message_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        complete(r, message, message_len, "message", Some(Kind::Tool), "mcpf_responder_tool_error", |m, _| {
            Ok(Err(ToolError::new(m).into()))
        })
    }
}

/// Fails the request with a JSON-RPC error `{code, message}` (e.g. -32602 invalid params).
/// Accepted by every kind of responder (tool, resource, prompt, completion). Consumes `r` (see `mcpf_responder_ok` for the failure rules). Callable from any thread.
///
/// # Safety
/// As for `mcpf_responder_ok`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_protocol_error(
    r: *mut mcpf_responder,
    code: i64,
    message: *const c_char,
    message_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        complete(r, message, message_len, "message", None, "mcpf_responder_protocol_error", |m, _| {
            Ok(Err(HandlerError::Protocol(ProtocolError::new(code, m))))
        })
    }
}

/// Completes a resource read with its contents: a JSON array of `ResourceContents`
/// (`[{"uri":"...","mimeType":"text/plain","text":"..."}]` or with `"blob"` as base64),
/// sent as given; an item without a `uri` (or with an empty one) gets the URI read, as in
/// every language (docs/results.md), and an empty array is "not found".
/// Consumes `r`, even on failure (see `mcpf_responder_ok` for the rules; a responder that
/// does not answer a resource read gives `MCPF_STATUS_INVALID_ARGUMENT`). Callable from any
/// thread.
///
/// # Safety
/// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
/// (refused, `MCPF_STATUS_INVALID_ARGUMENT`);
/// `contents_json` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_contents(
    r: *mut mcpf_responder,
    contents_json: *const c_char,
    contents_json_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        complete(
            r,
            contents_json,
            contents_json_len,
            "contents_json",
            Some(Kind::Resource),
            "mcpf_responder_contents",
            |t, _| {
                let invalid = |e: serde_json::Error| {
                    Fail::new(
                        mcpf_status::InvalidJson,
                        format!("contents_json is not an array of ResourceContents: {e}"),
                    )
                };
                let mut items: Vec<Value> = serde_json::from_str(t).map_err(invalid)?;
                // A missing `uri` is an empty one, which the engine fills with the URI read.
                for item in &mut items {
                    if let Value::Object(obj) = item {
                        obj.entry("uri").or_insert_with(|| Value::from(""));
                    }
                }
                serde_json::from_value::<Vec<ResourceContents>>(Value::Array(items))
                    .map(|c| Ok(Output::Resource(c.into())))
                    .map_err(invalid)
            },
        )
    }
}

/// Completes a resource read or a tool call with `data_len` bytes, base64-encoded by the
/// engine. A resource's contents carry its registered MIME type, else
/// `application/octet-stream`; a tool's bytes become one content block by the type they
/// show (an image, audio, else an embedded resource; docs/results.md). Consumes `r` (see
/// `mcpf_responder_ok` for the failure rules; a responder of a prompt or completion gives
/// `MCPF_STATUS_INVALID_ARGUMENT`). Callable from any thread.
///
/// # Safety
/// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
/// (refused, `MCPF_STATUS_INVALID_ARGUMENT`); `data` is readable for `data_len` bytes (NULL
/// only with `data_len` 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_bytes(r: *mut mcpf_responder, data: *const u8, data_len: usize) -> mcpf_status {
    finish(r, None, "mcpf_responder_bytes", |r| {
        if !matches!(r.kind, Kind::Resource | Kind::Tool) {
            let request = r.kind.request();
            return Err(Fail::new(
                mcpf_status::InvalidArgument,
                format!(
                    "mcpf_responder_bytes answers a resource read or a tool call, but this responder answers {request}"
                ),
            ));
        }
        if data.is_null() && data_len > 0 {
            return Err(boundary::null("data"));
        }
        let bytes: &[u8] = if data_len == 0 {
            &[]
        } else {
            // SAFETY: the caller guarantees `data` is readable for `data_len` bytes, and it
            // is not NULL (checked above).
            unsafe { std::slice::from_raw_parts(data, data_len) }
        };
        Ok(Ok(match r.kind {
            Kind::Tool => Output::Tool(ToolOutput::Bytes(bytes.to_vec())),
            _ => Output::Resource(ResourceOutput::bytes(bytes)),
        }))
    })
}

/// Answers a resource read with "resource not found" for the call's URI: -32002 on
/// sessions before 2026-07-28, -32602 from 2026-07-28 on, with `data.uri` in both. Consumes
/// `r` (a responder that does not answer a resource read gives
/// `MCPF_STATUS_INVALID_ARGUMENT`, and the client an internal error). Callable from any
/// thread.
///
/// # Safety
/// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
/// (refused, `MCPF_STATUS_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_resource_not_found(r: *mut mcpf_responder) -> mcpf_status {
    finish(r, Some(Kind::Resource), "mcpf_responder_resource_not_found", |r| {
        let uri = r.call.uri().unwrap_or_default();
        Ok(Err(ProtocolError::resource_not_found(uri).into()))
    })
}

/// Completes a prompt with a `GetPromptResult` given as JSON text
/// (`{"description":"...","messages":[{"role":"user","content":{"type":"text","text":"..."}}]}`).
/// Consumes `r`, even on failure (see `mcpf_responder_ok` for the rules; a responder that
/// does not answer a prompt gives `MCPF_STATUS_INVALID_ARGUMENT`). Callable from any thread.
///
/// # Safety
/// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
/// (refused, `MCPF_STATUS_INVALID_ARGUMENT`);
/// `result_json` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_prompt(
    r: *mut mcpf_responder,
    result_json: *const c_char,
    result_json_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        complete(r, result_json, result_json_len, "result_json", Some(Kind::Prompt), "mcpf_responder_prompt", |t, _| {
            serde_json::from_str::<GetPromptResult>(t)
                .map(|p| Ok(Output::Prompt(p.into())))
                .map_err(|e| Fail::new(mcpf_status::InvalidJson, format!("result_json is not a GetPromptResult: {e}")))
        })
    }
}

/// Completes a completion request with suggestions: a JSON array of strings (the engine
/// sends at most 100, setting `total` and `hasMore` when there are more). Consumes `r`, even
/// on failure (see `mcpf_responder_ok` for the rules; a responder that does not answer a
/// completion gives `MCPF_STATUS_INVALID_ARGUMENT`). Callable from any thread.
///
/// # Safety
/// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
/// (refused, `MCPF_STATUS_INVALID_ARGUMENT`);
/// `values_json` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_completion(
    r: *mut mcpf_responder,
    values_json: *const c_char,
    values_json_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        complete(
            r,
            values_json,
            values_json_len,
            "values_json",
            Some(Kind::Completion),
            "mcpf_responder_completion",
            |t, _| {
                serde_json::from_str::<Vec<String>>(t).map(|v| Ok(Output::Completion(v.into()))).map_err(|e| {
                    Fail::new(mcpf_status::InvalidJson, format!("values_json is not an array of strings: {e}"))
                })
            },
        )
    }
}

/// Frees a responder without answering: the client receives an internal error (-32603)
/// rather than waiting forever, or, when a client-input ask of this call failed, that
/// ask's error (e.g. -32021 for a missing client capability on the 2026 wire). Freeing
/// NULL is a no-op. Callable from any thread.
///
/// # Safety
/// `r` is any value: a live responder, or NULL, or one completed, freed or revoked already
/// (refused, `MCPF_STATUS_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_free(r: *mut mcpf_responder) {
    boundary::guard((), || {
        if r.is_null() {
            return;
        }
        if let Some(r) = responders().take(r) {
            let error = r.call.take_ask_error().unwrap_or_else(|| dropped(r.kind));
            r.send(Err(error));
        }
    })
}

/// The call this responder answers, so code that completes it later (on another thread)
/// can still read the arguments and report progress or cancellation. Borrowed: valid until
/// `r` is completed or freed. Returns NULL when `r` is NULL.
///
/// # Safety
/// `r` is NULL or a live responder.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_responder_call(r: *const mcpf_responder) -> *const mcpf_call {
    boundary::guard(std::ptr::null(), || responders().with(r, |r| Arc::as_ptr(&r.call)).unwrap_or(std::ptr::null()))
}
