//! The handler context operations JavaScript calls on a [`NativeCall`]: what the request
//! is (one JSON description), progress, logging, cancellation state, client input on both
//! wires (`ask` resolves to an envelope the public API unpacks), the low-level
//! multi-round-trip form, and the Tasks extension's `startTask`.

use std::sync::atomic::Ordering;

use mcpforge::{HandlerError, InputRequest, LogLevel, RequestContext};
use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;
use serde_json::{Value, json};

use crate::call_state::NativeCall;
use crate::error::{ask_envelope, js_error, parse_json, parse_opt_json};

/// A client-input request from its wire form `{"method": ..., "params": {...}}`.
fn input_request(v: &Value) -> napi::Result<InputRequest> {
    let method = v.get("method").and_then(Value::as_str).unwrap_or_default();
    let params = v.get("params").cloned().unwrap_or(Value::Null);
    InputRequest::from_wire(method, params).map_err(js_error)
}

/// `[[key, request], ...]` from JSON text.
fn keyed_requests(text: &str) -> napi::Result<Vec<(String, InputRequest)>> {
    let v = parse_json(text, "input requests")?;
    let items = v.as_array().ok_or_else(|| js_error("input requests: expected an array of [key, request] pairs"))?;
    items
        .iter()
        .map(|pair| {
            let key =
                pair.get(0).and_then(Value::as_str).ok_or_else(|| js_error("input request key must be a string"))?;
            Ok((key.to_owned(), input_request(pair.get(1).unwrap_or(&Value::Null))?))
        })
        .collect()
}

/// A log level from its name.
pub(crate) fn log_level(name: &str) -> napi::Result<LogLevel> {
    LogLevel::parse(name).ok_or_else(|| {
        js_error(format!(
            "unknown log level `{name}` (debug, info, notice, warning, error, critical, alert, emergency)"
        ))
    })
}

/// The HTTP request's headers as Node's `IncomingHttpHeaders` has them: lowercase names,
/// values as latin-1 strings, a repeated header's values joined with `, ` (`set-cookie`: an
/// array).
fn node_headers(request: &mcpforge::HttpRequestInfo) -> Value {
    let mut out = serde_json::Map::new();
    for (name, value) in request.headers() {
        let text: String = value.iter().map(|&b| char::from(b)).collect();
        match out.get_mut(name) {
            Some(Value::Array(values)) => values.push(Value::String(text)),
            Some(Value::String(joined)) => {
                joined.push_str(", ");
                joined.push_str(&text);
            }
            _ if name == "set-cookie" => {
                out.insert(name.to_owned(), json!([text]));
            }
            _ => {
                out.insert(name.to_owned(), Value::String(text));
            }
        }
    }
    Value::Object(out)
}

/// Asks with an automatic key (`elicit`, `sample`, `listRoots`) and returns the answer as JSON.
async fn ask_auto(ctx: &RequestContext, request: InputRequest) -> Result<Value, HandlerError> {
    let to_value = |r: Result<Value, serde_json::Error>| r.map_err(HandlerError::from);
    match request {
        InputRequest::Elicit(e) => to_value(serde_json::to_value(ctx.elicit(e).await?)),
        InputRequest::Sample(s) => to_value(serde_json::to_value(ctx.sample(s).await?)),
        InputRequest::ListRoots => to_value(serde_json::to_value(ctx.list_roots().await?)),
    }
}

/// The JSON description of a request (see [`NativeCall::describe`]).
pub(crate) fn describe(ctx: &RequestContext) -> String {
    let auth = ctx.auth().map(|a| serde_json::to_value(a).unwrap_or(Value::Null));
    json!({
        "requestId": ctx.request_id(),
        "protocolVersion": ctx.protocol_version().as_str(),
        "meta": ctx.meta(),
        "progressToken": ctx.progress_token(),
        "clientInfo": ctx.client_info(),
        "clientCapabilities": ctx.client_capabilities(),
        "auth": auth,
        "taskId": ctx.task_id(),
        "inputResponses": ctx.input_responses(),
        "requestState": ctx.request_state(),
        "sessionId": ctx.session_id(),
        "headers": ctx.http_request().map(node_headers),
        "traceContext": ctx.trace_context().map(|t| t.to_json()),
    })
    .to_string()
}

impl NativeCall {
    /// Runs `f` on the call's context; an error once the call has ended (or for a call
    /// without one).
    fn with_ctx<R>(&self, f: impl FnOnce(&RequestContext) -> R) -> napi::Result<R> {
        self.state.with_ctx(f).ok_or_else(|| js_error("this call has no request context (or it has ended)"))
    }

    /// Resolves the ask's envelope in JavaScript; an `input_required` outcome marks the call.
    fn spawn_ask<'e, F>(&self, env: &'e Env, ask: F) -> napi::Result<PromiseRaw<'e, String>>
    where
        F: std::future::Future<Output = Result<Value, HandlerError>> + Send + 'static,
    {
        let state = self.state.clone();
        env.spawn_future(async move {
            let result = ask.await;
            if matches!(result, Err(HandlerError::InputRequired)) {
                state.input_required.store(true, Ordering::Release);
            }
            Ok(ask_envelope(result))
        })
    }
}

#[napi]
impl NativeCall {
    /// Everything about the request, as JSON: `requestId`, `protocolVersion`, `meta`,
    /// `progressToken`, `clientInfo`, `clientCapabilities`, `auth`, `taskId`,
    /// `inputResponses`, `requestState`, `sessionId`, `headers` (HTTP requests: Node's
    /// `IncomingHttpHeaders` form), and `traceContext`.
    #[napi]
    pub fn describe(&self) -> napi::Result<String> {
        self.with_ctx(describe)
    }

    /// True once the request was cancelled (by the client, a timeout or shutdown).
    #[napi]
    pub fn is_cancelled(&self) -> bool {
        self.state.is_cancelled()
    }

    /// Sends `notifications/progress` when the client asked for progress (nothing once the
    /// call has ended).
    #[napi]
    pub fn report_progress(&self, progress: f64, total: Option<f64>, message: Option<String>) -> napi::Result<()> {
        // Once the call has ended there is nobody to tell: dropped, like a log line below.
        self.state.with_ctx(|ctx| ctx.report_progress(progress, total, message.as_deref()));
        Ok(())
    }

    /// Sends a notification of the application's own `method` with `params` (JSON text of
    /// an object, or none) on this request's stream (nothing once the call has ended).
    #[napi]
    pub fn notify(&self, method: String, params: Option<String>) -> napi::Result<()> {
        let params = parse_opt_json(params.as_deref(), "notification params")?;
        self.state.with_ctx(|ctx| ctx.notify(&method, params.as_ref()));
        Ok(())
    }

    /// Sends `notifications/message` at `level` with `data` (JSON text) if the client's level
    /// lets it through (nothing once the call has ended).
    #[napi]
    pub fn log(&self, level: String, data: String, logger: Option<String>) -> napi::Result<()> {
        let level = log_level(&level)?;
        let data = parse_json(&data, "log data")?;
        self.state.with_ctx(|ctx| ctx.log(level, data, logger.as_deref()));
        Ok(())
    }

    /// Asks the client for one input (`request` is `{"method", "params"}` JSON). With a
    /// `key` the answer is the raw result for that key (stable across 2026 rounds);
    /// without one the engine numbers the asks. Resolves to the ask envelope.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn ask<'e>(&self, env: &'e Env, key: Option<String>, request: String) -> napi::Result<PromiseRaw<'e, String>> {
        let request = input_request(&parse_json(&request, "input request")?)?;
        let ctx = self.with_ctx(RequestContext::clone)?;
        self.spawn_ask(env, async move {
            match key {
                Some(key) => ctx.ask(&key, request).await,
                None => ask_auto(&ctx, request).await,
            }
        })
    }

    /// Asks for several inputs at once (`[[key, request], ...]` JSON); the envelope's
    /// answer is the array of answers in order.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn ask_all<'e>(&self, env: &'e Env, requests: String) -> napi::Result<PromiseRaw<'e, String>> {
        let requests = keyed_requests(&requests)?;
        let ctx = self.with_ctx(RequestContext::clone)?;
        self.spawn_ask(env, async move { ctx.ask_all(requests).await.map(Value::Array) })
    }

    /// Low-level multi-round-trip form: records the asks (`[[key, request], ...]` JSON) and
    /// the application state (JSON) for the next round; the handler then ends the call with
    /// `input_required`.
    #[napi]
    pub fn set_input_required(&self, requests: String, state: Option<String>) -> napi::Result<()> {
        let requests = keyed_requests(&requests)?;
        let state = parse_opt_json(state.as_deref(), "request state")?;
        let _ = self.with_ctx(|ctx| ctx.input_required(requests, state))?;
        self.state.input_required.store(true, Ordering::Release);
        Ok(())
    }

    /// Tasks extension: true when the handler must stop now (the engine creates the task
    /// and runs the handler again as the task); false when it goes on.
    #[napi]
    pub fn start_task(&self) -> napi::Result<bool> {
        match self.with_ctx(RequestContext::start_task)? {
            Ok(()) => Ok(false),
            Err(_) => {
                self.state.input_required.store(true, Ordering::Release);
                Ok(true)
            }
        }
    }
}
