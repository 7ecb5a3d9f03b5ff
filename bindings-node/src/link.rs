//! `NativeLink`: one connection of the engine whose messages JavaScript carries, for a
//! transport of another package (the official SDK's `InMemoryTransport`, a custom
//! `Transport`): JavaScript writes the client's messages in and takes the server's out of
//! the connection's output queue, one line of JSON text each ([`mcpforge::Link`]: stdio's
//! framing and size limit in, the bounded output queue out). Taking needs no wait, so a
//! notification a synchronous call queued (a list change) goes out before that call returns
//! to the application, behind the messages queued before it.

use std::sync::Arc;

use mcpforge::{Link, Server};
use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;

use crate::error::js_error;

/// The JavaScript end of a connection the engine serves.
#[napi]
pub struct NativeLink {
    link: Arc<Link>,
}

impl NativeLink {
    /// Opens a link to `server` (its session called `session_id`, when given) and starts
    /// serving it (within the addon's runtime).
    pub(crate) fn open(server: &Server, session_id: Option<String>) -> NativeLink {
        NativeLink { link: Arc::new(server.open_link(session_id.as_deref())) }
    }
}

#[napi]
impl NativeLink {
    /// Hands one client message (JSON text, no newline) to the engine; resolves once it was
    /// taken in (waiting while the engine is behind). Fails once the link is closed.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn write<'e>(&self, env: &'e Env, message: String) -> napi::Result<PromiseRaw<'e, ()>> {
        let link = self.link.clone();
        env.spawn_future(async move {
            let mut line = message.into_bytes();
            line.push(b'\n');
            link.write(&line).await.map_err(js_error)
        })
    }

    /// Hands one client message (JSON text, no newline) to the engine on this thread, when
    /// no other write is in progress (true; false: not taken, `write` it): what needs no wait
    /// (`notifications/initialized`, a response, `initialize`, a request's start) is taken in
    /// before this returns, as the official SDK's server takes a message the moment an
    /// in-memory transport delivers it; what must wait goes on in the engine's runtime.
    #[napi]
    pub fn write_now(&self, message: String) -> napi::Result<bool> {
        let mut line = message.into_bytes();
        line.push(b'\n');
        // Within the runtime: taking a message in starts tasks (a request's, a store's update).
        napi::bindgen_prelude::within_runtime_if_available(|| match self.link.write_now(line) {
            None => Ok(false),
            Some(Ok(())) => Ok(true),
            Some(Err(e)) => Err(js_error(e)),
        })
    }

    /// Resolves once the engine has a message to take (true), or to false once the
    /// connection ended and every message was taken.
    #[napi(ts_return_type = "Promise<boolean>")]
    pub fn ready<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, bool>> {
        let link = self.link.clone();
        env.spawn_future(async move { Ok(link.ready().await) })
    }

    /// Every message the engine has queued now (JSON text each), oldest first, without
    /// waiting.
    #[napi]
    pub fn take(&self) -> Vec<String> {
        std::iter::from_fn(|| self.link.take())
            .map(|m| String::from_utf8(m).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
            .collect()
    }

    /// Ends the client's side: the engine finishes the requests in flight (within the
    /// shutdown grace period), then ends the connection (`ready` resolves to false once
    /// their answers were taken).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, ()>> {
        let link = self.link.clone();
        env.spawn_future(async move { link.close().await.map_err(js_error) })
    }
}
