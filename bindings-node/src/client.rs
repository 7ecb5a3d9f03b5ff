//! `NativeMemoryClient`: the engine's in-memory client (a real MCP client over an
//! in-process pipe, through the same framing and dispatch as stdio) for JavaScript tests.
//! The public `TestClient` in `lib/` adds the handshake and the method helpers.

use std::sync::Arc;
use std::time::Duration;

use mcpforge::{BoxFuture, MemoryClient, ProtocolError, Server};
use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;
use serde_json::{Value, json};
use tokio::sync::{RwLock, watch};

use crate::error::{js_error, parse_json};

/// Longest a single `nextMessage` wait may be.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// An in-memory client connected to a `NativeServer`.
#[napi]
pub struct NativeMemoryClient {
    /// Requests share the client (read lock); taking messages and closing need it alone.
    inner: Arc<RwLock<Option<MemoryClient>>>,
    /// Set by `close`: requests still waiting (e.g. for a cancelled call) give up at once.
    closing: watch::Sender<bool>,
}

impl NativeMemoryClient {
    /// Connects to `server`; `responses` maps server->client methods to canned results.
    pub(crate) fn connect(server: &Server, responses: Value) -> NativeMemoryClient {
        let client = server.connect_memory();
        if let Value::Object(map) = responses {
            client.on_request(move |method, _params| {
                map.get(method).cloned().ok_or_else(|| ProtocolError::method_not_found(method))
            });
        }
        NativeMemoryClient { inner: Arc::new(RwLock::new(Some(client))), closing: watch::channel(false).0 }
    }

    /// Runs `op` on the shared client; fails when the client is or gets closed.
    fn with_client<'e, T, F>(&self, env: &'e Env, op: F) -> napi::Result<PromiseRaw<'e, T>>
    where
        T: napi::bindgen_prelude::ToNapiValue + Send + 'static,
        F: for<'c> FnOnce(&'c MemoryClient) -> BoxFuture<'c, napi::Result<T>> + Send + 'static,
    {
        let inner = self.inner.clone();
        let mut closing = self.closing.subscribe();
        env.spawn_future(async move {
            let guard = inner.read().await;
            let client = guard.as_ref().ok_or_else(closed)?;
            tokio::select! {
                r = op(client) => r,
                _ = closing.wait_for(|c| *c) => Err(closed()),
            }
        })
    }
}

fn closed() -> napi::Error {
    js_error("the test client is closed")
}

#[napi]
impl NativeMemoryClient {
    /// Sends a request (`params` JSON) and resolves to the whole response message as JSON
    /// (`{"jsonrpc", "id", "result"}` or `{..., "error"}`).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn request<'e>(&self, env: &'e Env, method: String, params: String) -> napi::Result<PromiseRaw<'e, String>> {
        let params = parse_json(&params, "request params")?;
        self.with_client(env, move |c| Box::pin(async move { Ok(c.request_raw(&method, params).await.to_string()) }))
    }

    /// Sends a request with an explicit id (JSON), answering for the caller as the
    /// engine's test client does (`MemoryClient::request_answering`): with `responses`, a
    /// 2026-07-28 `input_required` result is answered from them and the request sent again
    /// with the same id. Resolves to the final response message as JSON.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn request_answering<'e>(
        &self,
        env: &'e Env,
        id: String,
        method: String,
        params: String,
    ) -> napi::Result<PromiseRaw<'e, String>> {
        let id = parse_json(&id, "request id")?;
        let params = parse_json(&params, "request params")?;
        self.with_client(env, move |c| {
            Box::pin(async move { Ok(c.request_answering(id, &method, params).await.to_string()) })
        })
    }

    /// Sends a notification (`params` JSON).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn notify<'e>(&self, env: &'e Env, method: String, params: String) -> napi::Result<PromiseRaw<'e, ()>> {
        let params = parse_json(&params, "notification params")?;
        self.with_client(env, move |c| Box::pin(async move { c.notify(&method, params).await.map_err(js_error) }))
    }

    /// Writes one raw line (for testing bad input).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn send_raw<'e>(&self, env: &'e Env, line: String) -> napi::Result<PromiseRaw<'e, ()>> {
        self.with_client(env, move |c| Box::pin(async move { c.send_raw(&line).await.map_err(js_error) }))
    }

    /// The next notification or server request (JSON), or `null` after `timeoutMs` (at most
    /// 60 s). Waits for requests in flight on this client to finish first.
    #[napi(ts_return_type = "Promise<string | null>")]
    pub fn next_message<'e>(&self, env: &'e Env, timeout_ms: u32) -> napi::Result<PromiseRaw<'e, Option<String>>> {
        let inner = self.inner.clone();
        let wait = Duration::from_millis(u64::from(timeout_ms)).min(MAX_WAIT);
        env.spawn_future(async move {
            let taken = tokio::time::timeout(wait, async {
                let mut guard = inner.write().await;
                let client = guard.as_mut().ok_or_else(closed)?;
                Ok::<_, napi::Error>(client.next_message(wait).await)
            })
            .await;
            match taken {
                Ok(message) => Ok(message?.map(|m| m.to_string())),
                Err(_) => Ok(None),
            }
        })
    }

    /// Every message already received and not yet taken, as a JSON array.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn drain_messages<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, String>> {
        let inner = self.inner.clone();
        env.spawn_future(async move {
            let mut guard = inner.write().await;
            let client = guard.as_mut().ok_or_else(closed)?;
            Ok(json!(client.drain_messages()).to_string())
        })
    }

    /// Closes the client (the server sees EOF) and waits for its serve loop to end.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, ()>> {
        let inner = self.inner.clone();
        self.closing.send_replace(true);
        env.spawn_future(async move {
            let client = inner.write().await.take();
            match client {
                Some(c) => c.close().await.map_err(js_error),
                None => Ok(()),
            }
        })
    }
}
