//! The server's notifications as a C client receives them: one thread per client (named
//! `mcpf-client-notify`) takes each from the engine's bounded channel, in order, and calls
//! the notification callback with its method and params as JSON. The callback may block;
//! meanwhile up to 256 notifications wait, and later ones are dropped (and counted).

use std::ffi::{c_char, c_void};
use std::sync::Arc;
use std::thread::JoinHandle;

use mcpforge::client::Notification;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::boundary::{self, Fail, c_json, c_string};
use crate::user_data::{UserData, mcpf_free_callback};

/// Receives the server's notifications (`notifications/message`, `notifications/progress`,
/// the list changes, resource updates, ...). `method` and `params_json` (JSON, `{}` when
/// there were none) are borrowed until it returns. It runs on the client's notification
/// thread, one notification at a time in the order they came; it may block and may call the
/// client's functions (`mcpf_client_free` included). It must not unwind.
pub type mcpf_client_notification_callback = Option<
    unsafe extern "C" fn(
        method: *const c_char,
        method_len: usize,
        params_json: *const c_char,
        params_json_len: usize,
        user_data: *mut c_void,
    ),
>;

/// A registered notification callback and its `user_data`.
pub(crate) struct CNotify {
    callback: unsafe extern "C" fn(*const c_char, usize, *const c_char, usize, *mut c_void),
    data: UserData,
}

impl CNotify {
    /// Takes ownership of `user_data` (freed with the last reference); a NULL callback is
    /// refused before anything is kept.
    pub(crate) fn new(
        callback: mcpf_client_notification_callback,
        user_data: *mut c_void,
        free_user_data: mcpf_free_callback,
    ) -> Result<CNotify, Fail> {
        let callback = callback.ok_or_else(|| boundary::null("callback"))?;
        Ok(CNotify { callback, data: UserData::new(user_data, free_user_data) })
    }

    fn deliver(&self, notification: &Notification) {
        let params = if notification.params.is_null() { c_string("{}") } else { c_json(&notification.params) };
        let method = c_string(notification.method.as_str());
        // SAFETY: the callback C registered, given strings that live until it returns, and
        // the user_data registered with it.
        unsafe {
            (self.callback)(
                method.as_ptr(),
                method.as_bytes().len(),
                params.as_ptr(),
                params.as_bytes().len(),
                self.data.ptr,
            );
        }
    }
}

/// The notification thread of one client.
pub(crate) struct Pump {
    stop: CancellationToken,
    thread: Option<JoinHandle<()>>,
}

impl Pump {
    /// Starts the thread: it waits on `runtime` for each notification of `channel`.
    pub(crate) fn start(
        runtime: tokio::runtime::Handle,
        mut channel: mpsc::Receiver<Notification>,
        callback: Arc<CNotify>,
    ) -> std::io::Result<Pump> {
        let stop = CancellationToken::new();
        let stopping = stop.clone();
        let thread = std::thread::Builder::new().name("mcpf-client-notify".into()).spawn(move || {
            // Checked before each wait: a client freed inside the callback has stopped its
            // runtime by the time the callback returns.
            while !stopping.is_cancelled() {
                let next = runtime.block_on(async {
                    tokio::select! {
                        n = channel.recv() => n,
                        () = stopping.cancelled() => None,
                    }
                });
                let Some(notification) = next else { break };
                callback.deliver(&notification);
            }
        })?;
        Ok(Pump { stop, thread: Some(thread) })
    }

    /// Stops the thread and waits for it (unless this is that thread: a callback freeing
    /// its client; the thread then ends when the callback returns).
    pub(crate) fn stop(mut self) {
        self.stop.cancel();
        if let Some(thread) = self.thread.take() {
            if thread.thread().id() != std::thread::current().id() {
                let _ = thread.join();
            }
        }
    }
}
