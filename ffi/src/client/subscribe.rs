//! The C client's resource subscriptions: `mcpf_client_subscribe` and
//! `mcpf_client_unsubscribe`, on every wire (the engine's `Client::subscribe`); the updates
//! reach the notification callback.

use std::ffi::c_char;
use std::sync::Arc;

use mcpforge::client::Client;
use mcpforge::protocol::method::Method;

use super::cancel::mcpf_client_call_options;
use super::requests::{own_timeout, within};
use super::{client_ref, mcpf_client};
use crate::boundary::{self, try_str};
use crate::status::mcpf_status;

/// Subscribes (`subscribe`) or unsubscribes `uri`, blocking until the server agreed.
///
/// # Safety
/// As for `mcpf_client_subscribe`.
unsafe fn change(
    client: *const mcpf_client,
    uri: *const c_char,
    uri_len: usize,
    options: *const mcpf_client_call_options,
    subscribe: bool,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let client = unsafe { client_ref(client) }?;
        // SAFETY: forwarded caller guarantee.
        let uri = unsafe { try_str(uri, uri_len, "uri") }?.to_owned();
        // SAFETY: forwarded caller guarantee.
        let own = unsafe { own_timeout(options) };
        let method = if subscribe { Method::ResourcesSubscribe } else { Method::ResourcesUnsubscribe };
        // SAFETY: forwarded caller guarantee.
        unsafe {
            client.call(options, move |c: Arc<Client>, call, _| async move {
                let work = async { if subscribe { c.subscribe(&uri).await } else { c.unsubscribe(&uri).await } };
                within(own, call, method.as_str(), work).await
            })
        }
    })
}

/// Asks the server to report changes of the resource `uri`: they reach the notification
/// callback as `notifications/resources/updated` (`{"uri": ...}`). On a handshake session
/// this is `resources/subscribe`; on 2026-07-28, which has no such method, the client keeps
/// one `subscriptions/listen` stream of its own for every URI subscribed this way (each
/// change opens a stream with the new set and closes the old once the server acknowledged
/// it: an update may come twice across the change, none is missed). Subscribing a URI
/// twice is one subscription. A server that does not report on `uri` gives
/// `MCPF_STATUS_SERVER_ERROR` (handshake) or `MCPF_STATUS_BAD_ANSWER` (2026-07-28); the
/// other failures are as for `mcpf_client_call_tool`.
///
/// # Safety
/// `client` is NULL or a live client; `uri` is NULL or readable per the string rules;
/// `options` is NULL or a readable `mcpf_client_call_options`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_subscribe(
    client: *const mcpf_client,
    uri: *const c_char,
    uri_len: usize,
    options: *const mcpf_client_call_options,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { change(client, uri, uri_len, options, true) }
}

/// Stops the reports `mcpf_client_subscribe` asked for (`resources/unsubscribe`, or on
/// 2026-07-28 the client's stream opened again without `uri`, closed with the last URI).
///
/// # Safety
/// As for `mcpf_client_subscribe`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_client_unsubscribe(
    client: *const mcpf_client,
    uri: *const c_char,
    uri_len: usize,
    options: *const mcpf_client_call_options,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { change(client, uri, uri_len, options, false) }
}
