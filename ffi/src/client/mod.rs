//! `mcpf_client`: the engine's MCP client (`mcpforge::client::Client`) for C. A C program
//! has no async runtime, so each client owns one (one worker thread) and every call blocks
//! its calling thread until the answer, a timeout, a cancellation or the end of the
//! connection; calls may be made from several threads at once. This module owns the object,
//! how a call waits, how engine errors become statuses, and closing and freeing;
//! `config.rs`, `connect.rs`, `requests.rs`, `subscribe.rs`, `listen.rs`, `tasks.rs`,
//! `cancel.rs`, `answer.rs`, `notify.rs` and `oauth.rs` the rest.

mod answer;
mod cancel;
mod config;
mod connect;
mod listen;
mod notify;
mod oauth;
mod requests;
mod subscribe;
mod tasks;

use std::ffi::{CString, c_char};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use mcpforge::client::transport::child::StderrTail;
use mcpforge::client::{CallOptions, CancelReason, Client, ClientError};
use tokio_util::sync::CancellationToken;

pub use answer::{mcpf_client_answer, mcpf_client_request_callback};
pub use cancel::{mcpf_client_call_options, mcpf_client_cancel};
pub use config::{mcpf_client_config, mcpf_client_config_on_oauth};
pub use listen::mcpf_client_stream;
pub use notify::mcpf_client_notification_callback;
pub use oauth::{
    mcpf_client_oauth_answer, mcpf_client_oauth_answer_error, mcpf_client_oauth_answer_json,
    mcpf_client_oauth_answer_string, mcpf_client_oauth_callback,
};

use crate::boundary::{self, Fail, check_out, give_string, try_box, try_ref, write_out};
use crate::status::mcpf_status;
use notify::Pump;

/// How long closing waits for calls still running on other threads to let go of the
/// connection before it ends it at once instead.
const CLOSE_WAIT: Duration = Duration::from_secs(2);
/// How long freeing waits for the client's runtime threads to finish.
const RUNTIME_STOP: Duration = Duration::from_secs(2);

/// A connection to one MCP server. Made by `mcpf_client_connect_stdio` or
/// `mcpf_client_connect_http`, freed with `mcpf_client_free`.
pub struct mcpf_client {
    runtime: Option<tokio::runtime::Runtime>,
    handle: tokio::runtime::Handle,
    client: Mutex<Option<Arc<Client>>>,
    /// Tripped by `mcpf_client_close`: calls still waiting return `MCPF_STATUS_CLOSED`.
    closing: CancellationToken,
    /// The config's call options (a call's own timeout replaces `timeout`).
    call: CallOptions,
    /// What `mcpf_client_session` lends.
    session: CString,
    pump: Option<Pump>,
    stderr: Option<StderrTail>,
}

impl mcpf_client {
    fn client(&self) -> Result<Arc<Client>, Fail> {
        lock(&self.client).clone().ok_or_else(closed)
    }

    /// Runs `work` on the client's runtime and blocks this thread until it ends. Waiting on
    /// a plain channel (not the runtime's `block_on`) lets any thread call, a request
    /// callback's included.
    fn wait<T: Send + 'static>(&self, work: impl Future<Output = Result<T, Fail>> + Send + 'static) -> Result<T, Fail> {
        wait_on(&self.handle, work)
    }

    /// Runs one call: `work` gets the connection, the call's options and its cancel reason;
    /// the call ends early when `options->cancel` is triggered or the client is closed.
    ///
    /// # Safety
    /// `options` is NULL or a readable `mcpf_client_call_options` (see `cancel::read`).
    unsafe fn call<T, F>(
        &self,
        options: *const mcpf_client_call_options,
        work: impl FnOnce(Arc<Client>, CallOptions, CancelReason) -> F,
    ) -> Result<T, Fail>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, ClientError>> + Send + 'static,
    {
        // SAFETY: forwarded caller guarantee.
        let spec = unsafe { cancel::read(options) }?;
        let client = self.client()?;
        let call = match spec.timeout {
            Some(timeout) => CallOptions { timeout, max_total: self.call.max_total.max(timeout), ..self.call },
            None => self.call,
        };
        let future = work(client, call, spec.reason);
        let (token, closing) = (spec.token, self.closing.clone());
        self.wait(async move {
            // Cancelled or closed: `future` is dropped, and the engine sends the server
            // `notifications/cancelled` with the reason the trigger set.
            tokio::select! {
                result = future => result.map_err(failed),
                () = token.cancelled() => Err(Fail::new(mcpf_status::Cancelled, "the call was cancelled")),
                () = closing.cancelled() => Err(closed()),
            }
        })
    }

    /// Ends the connection gracefully (once; later calls find it closed).
    fn close(&self) -> Result<(), Fail> {
        let Some(client) = lock(&self.client).take() else { return Ok(()) };
        self.closing.cancel();
        self.wait(async move {
            let deadline = tokio::time::Instant::now() + CLOSE_WAIT;
            let mut client = client;
            loop {
                match Arc::try_unwrap(client) {
                    Ok(alone) => break alone.close().await,
                    Err(shared) if tokio::time::Instant::now() < deadline => {
                        client = shared;
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    // Dropped: the connection ends (the child's group killed) when the last
                    // call lets go.
                    Err(_) => break,
                }
            }
            Ok(())
        })
    }
}

/// [`mcpf_client::wait`] on a runtime handle. Refused on the thread of a current-thread
/// runtime (a C server's callbacks run on one): blocking it would stall that server, and
/// deadlock it when the call needs the server's own answer.
fn wait_on<T: Send + 'static>(
    handle: &tokio::runtime::Handle,
    work: impl Future<Output = Result<T, Fail>> + Send + 'static,
) -> Result<T, Fail> {
    let inside = tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor());
    if inside.is_ok_and(|flavor| flavor == tokio::runtime::RuntimeFlavor::CurrentThread) {
        return Err(Fail::new(
            mcpf_status::WouldBlock,
            "client calls block until the answer: make them from your own thread, not inside a server's callback",
        ));
    }
    let (done, result) = std::sync::mpsc::sync_channel(1);
    handle.spawn(async move {
        let _ = done.send(work.await);
    });
    result.recv().unwrap_or_else(|_| Err(Fail::new(mcpf_status::Closed, "the client's runtime stopped")))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn closed() -> Fail {
    Fail::new(mcpf_status::Closed, "the connection is closed")
}

/// The status and message of an engine client error (a server's JSON-RPC error keeps its
/// code, message and data).
fn failed(e: ClientError) -> Fail {
    let status = match &e {
        ClientError::Server(error) => {
            let data = error.data.as_ref().map(ToString::to_string).unwrap_or_default();
            return Fail {
                status: mcpf_status::ServerError,
                message: error.message.clone(),
                rpc: Some((error.code, data)),
            };
        }
        ClientError::Timeout { .. } => mcpf_status::Timeout,
        ClientError::Closed => mcpf_status::Closed,
        ClientError::Transport(_) => mcpf_status::Io,
        ClientError::Protocol(_) | ClientError::OutputSchema { .. } => mcpf_status::BadAnswer,
    };
    Fail::new(status, e.to_string())
}

/// The client behind a pointer.
///
/// # Safety
/// `client` is NULL or a live client.
unsafe fn client_ref<'a>(client: *const mcpf_client) -> Result<&'a mcpf_client, Fail> {
    // SAFETY: forwarded caller guarantee.
    unsafe { try_ref(client, "client") }
}

/// What the client learnt of the server when it connected, as JSON:
/// `{"protocolVersion": ..., "serverInfo": {...}, "capabilities": {...}, "instructions":
/// ... or null}`. `*out` is borrowed: valid until the client is freed (never free it);
/// `*out_len` is its length.
///
/// # Safety
/// `client` is NULL or a live client; `out`/`out_len` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_session(
    client: *const mcpf_client,
    out: *mut *const c_char,
    out_len: *mut usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let client = unsafe { client_ref(client) }?;
        check_out(out, "out")?;
        // SAFETY: forwarded caller guarantee.
        unsafe {
            write_out(out_len, client.session.as_bytes().len(), "out_len")?;
            write_out(out, client.session.as_ptr(), "out")
        }
    })
}

/// What a child server (`mcpf_client_connect_stdio`) wrote to its stderr: its last 64 KiB,
/// as owned text (free it with `mcpf_string_free`). `MCPF_STATUS_INVALID_ARGUMENT` for a
/// client over HTTP.
///
/// # Safety
/// `client` is NULL or a live client; `out`/`out_len` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_stderr(
    client: *const mcpf_client,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let client = unsafe { client_ref(client) }?;
        check_out(out, "out")?;
        let tail = client
            .stderr
            .as_ref()
            .ok_or_else(|| Fail::new(mcpf_status::InvalidArgument, "the client has no child process"))?;
        // SAFETY: forwarded caller guarantee.
        unsafe { give_string(tail.contents(), out, out_len) }
    })
}

/// Ends the connection gracefully: calls still waiting on other threads return
/// `MCPF_STATUS_CLOSED`; a child server's stdin is closed, the child waited for (its exit
/// grace, 5 s by default) and then killed with its process group; an HTTP session is
/// deleted. Later calls return `MCPF_STATUS_CLOSED`; closing again does nothing. Blocks
/// until done. The client is still to be freed.
///
/// # Safety
/// `client` is NULL or a live client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_close(client: *const mcpf_client) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        unsafe { client_ref(client) }?.close()
    })
}

/// Closes the client (as `mcpf_client_close`, unless done already), stops its notification
/// thread (waiting for a callback running on it, unless this is that callback), and frees
/// it: a child server never outlives it. The config's callbacks' `free_user_data` run here
/// when the config was freed before. NULL: nothing.
///
/// # Safety
/// `client` is NULL or a client not yet freed, with no call of it running on another
/// thread (close it first to end them) and not freed from one of its request callbacks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_free(client: *mut mcpf_client) {
    boundary::guard((), || {
        // SAFETY: forwarded caller guarantee.
        let Ok(mut client) = (unsafe { try_box(client, "client") }) else { return };
        let _ = client.close();
        if let Some(pump) = client.pump.take() {
            pump.stop();
        }
        if let Some(runtime) = client.runtime.take() {
            runtime.shutdown_timeout(RUNTIME_STOP);
        }
    });
}

#[cfg(test)]
mod tests {
    use mcpforge::ProtocolError;
    use mcpforge::client::ClientError;
    use serde_json::json;

    use super::failed;
    use crate::status::mcpf_status;

    #[test]
    fn a_servers_error_keeps_its_code_message_and_data() {
        let error = ProtocolError { code: -32602, message: "Unknown tool: nope".into(), data: Some(json!({ "a": 1 })) };
        let fail = failed(ClientError::Server(error));
        assert_eq!(fail.status, mcpf_status::ServerError);
        assert_eq!(fail.message, "Unknown tool: nope");
        assert_eq!(fail.rpc, Some((-32602, r#"{"a":1}"#.to_owned())));
        let timeout = failed(ClientError::Timeout { method: "ping".into(), after: std::time::Duration::from_secs(1) });
        assert_eq!((timeout.status, timeout.rpc), (mcpf_status::Timeout, None));
        assert_eq!(failed(ClientError::Closed).status, mcpf_status::Closed);
        assert_eq!(failed(ClientError::Protocol("x".into())).status, mcpf_status::BadAnswer);
    }
}
