//! One handler call's state, shared between the engine side (`callback.rs`) and JavaScript,
//! which answers it by id (`calls.rs`) and runs its context operations on its
//! [`NativeCall`] (`context.rs`); and the calls in flight, by id: a call is registered when
//! it starts and taken out when the engine stops waiting for it ([`CallState`]'s end).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use mcpforge::{ProtocolError, RequestContext};
use napi_derive::napi;
use rustc_hash::FxBuildHasher;
use serde_json::Value;
use tokio::sync::oneshot;

/// How a handler's answer reads.
#[derive(Debug)]
pub(crate) enum Reply {
    /// A plain string (a text block, resource text, prompt text...).
    Text(String),
    /// JSON text of a value the engine or this crate maps (`ToolOutput::JsonText`, contents...).
    Json(String),
    /// JSON text of a complete `CallToolResult`.
    Result(String),
    /// Raw bytes (a `Uint8Array`, `Buffer` or `ArrayBuffer`), base64-encoded by the engine:
    /// a resource's binary contents, or a tool's bytes (`ToolOutput::Bytes`).
    Bytes(Vec<u8>),
    /// The handler threw: a tool error (message, structured data).
    ToolError(String, Option<Value>),
    /// The handler threw an `McpError`: a JSON-RPC error.
    Protocol(ProtocolError),
    /// The handler stopped at a client-input ask the client has not answered yet.
    InputRequired,
}

/// What one call shares between the engine side and JavaScript, which answers it by id
/// (`calls.rs`) and runs its context operations on its [`NativeCall`].
pub(crate) struct CallState {
    /// Identifies the call to JavaScript (answers, `abort`).
    pub id: u32,
    /// The engine's context (`None` for token verification), until the call ended: the JS
    /// object answering the call lives until its garbage collector frees it, and must not
    /// keep the request's state (its HTTP headers, output queue, session) alive that long.
    ctx: Mutex<Option<RequestContext>>,
    /// Whether the request was cancelled, as it stood when the call ended.
    cancelled_at_end: AtomicBool,
    reply: Mutex<Option<oneshot::Sender<Reply>>>,
    /// Set when an ask of this call answered `input_required`: whatever the handler does
    /// next (rethrow, catch), the call then ends with `input_required`.
    pub input_required: AtomicBool,
    /// A middleware call's rest of the chain (taken once by `NativeCall::next`).
    pub next: Mutex<Option<(mcpforge::Next, mcpforge::MiddlewareRequest)>>,
}

impl CallState {
    /// Call `id` with its context, the sender of its answer and a middleware's rest of the
    /// chain (all `None`: an ended call's state, see [`CallState::ended`]).
    pub(crate) fn new(
        id: u32,
        ctx: Option<RequestContext>,
        reply: Option<oneshot::Sender<Reply>>,
        next: Option<(mcpforge::Next, mcpforge::MiddlewareRequest)>,
    ) -> CallState {
        CallState {
            id,
            ctx: Mutex::new(ctx),
            cancelled_at_end: AtomicBool::new(false),
            reply: Mutex::new(reply),
            input_required: AtomicBool::new(false),
            next: Mutex::new(next),
        }
    }

    /// The state of call `id` as an ended call has it: no context, no answer awaited.
    pub(crate) fn ended(id: u32) -> CallState {
        CallState::new(id, None, None, None)
    }

    /// Delivers the answer; false when the call was already answered. A request waiting on
    /// this thread's event loop (stdio) goes on in this turn of the loop.
    pub(crate) fn answer(&self, reply: Reply) -> bool {
        let sender = self.reply.lock().unwrap_or_else(|e| e.into_inner()).take();
        sender.is_some_and(|s| s.send(reply).is_ok())
    }

    /// Runs `f` on the call's context; `None` when it has none or the call has ended.
    pub fn with_ctx<R>(&self, f: impl FnOnce(&RequestContext) -> R) -> Option<R> {
        self.ctx.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map(f)
    }

    /// True once the request was cancelled (after the call ended: whether it had been).
    pub fn is_cancelled(&self) -> bool {
        self.with_ctx(RequestContext::is_cancelled).unwrap_or_else(|| self.cancelled_at_end.load(Ordering::Acquire))
    }

    /// Lets go of the context once the engine has stopped waiting for the call, and takes
    /// the call out of the calls in flight.
    pub(crate) fn end(&self) {
        if let Some(ctx) = self.ctx.lock().unwrap_or_else(|e| e.into_inner()).take() {
            self.cancelled_at_end.store(ctx.is_cancelled(), Ordering::Release);
        }
        forget(self.id);
    }
}

/// A handler call's context operations, as JavaScript runs them (in `context.rs`), fetched
/// by `callObject(id)` when a handler first uses one; the call is answered by its id
/// (`calls.rs`).
#[napi]
pub struct NativeCall {
    pub(crate) state: Arc<CallState>,
}

#[napi]
impl NativeCall {
    /// The call's id (the one JavaScript answers it by).
    #[napi(getter)]
    pub fn id(&self) -> u32 {
        self.state.id
    }
}

/// Every call in flight in this process (all servers, all JavaScript threads), by id.
static CALLS: LazyLock<Mutex<HashMap<u32, Arc<CallState>, FxBuildHasher>>> =
    LazyLock::new(|| Mutex::new(HashMap::with_hasher(FxBuildHasher)));

/// The id the next call is given (0 is none: the `dispatch` of an abort or a release).
static NEXT_ID: AtomicU32 = AtomicU32::new(1);

fn calls() -> std::sync::MutexGuard<'static, HashMap<u32, Arc<CallState>, FxBuildHasher>> {
    CALLS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Registers a call made by `make(id)` under a fresh id (an id still in use after the
/// counter wrapped is skipped).
pub(crate) fn register(make: impl FnOnce(u32) -> CallState) -> Arc<CallState> {
    let mut calls = calls();
    let id = loop {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        if id != 0 && !calls.contains_key(&id) {
            break id;
        }
    };
    let call = Arc::new(make(id));
    calls.insert(id, call.clone());
    call
}

/// Takes call `id` out: the engine no longer waits for it.
pub(crate) fn forget(id: u32) {
    calls().remove(&id);
}

/// Call `id`, while the engine waits for it.
pub(crate) fn find(id: u32) -> Option<Arc<CallState>> {
    calls().get(&id).cloned()
}

/// How many calls are in flight.
pub(crate) fn in_flight() -> usize {
    calls().len()
}
