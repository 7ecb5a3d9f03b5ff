//! Who a request's client is, for the bounds kept per client (legacy sessions): the
//! authenticated subject when bearer authorization is on, else the remote address (an IPv6
//! client by its /64 prefix, which one host usually holds whole), kept as a keyed 64-bit
//! hash, so a key costs eight bytes whatever the subject's length and a client cannot aim
//! at another client's key.
//!
//! The remote address is the TCP peer: the engine's listener sets it for the requests of
//! each connection; a router mounted elsewhere gets it from axum's `ConnectInfo` when its
//! server provides one. Behind a reverse proxy every client has the proxy's address (a
//! forwarded-for header is client-chosen text and is not trusted).

use std::cell::Cell;
use std::future::Future;
use std::hash::BuildHasher;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use axum::extract::ConnectInfo;
use axum::http::Extensions;

thread_local! {
    /// The remote address of the connection whose future this thread is polling: set for
    /// the length of each poll, which costs less than a task-local's scope (a connection's
    /// future is polled at least twice a request).
    static PEER: Cell<Option<SocketAddr>> = const { Cell::new(None) };
}

/// Runs `serving` (everything a connection does) with `peer` as its requests' remote address.
pub(crate) fn with_peer<F: Future>(peer: SocketAddr, serving: F) -> impl Future<Output = F::Output> {
    WithPeer { inner: serving, peer }
}

pin_project_lite::pin_project! {
    /// A future that sees `peer` as its requests' remote address while it is polled.
    struct WithPeer<F> {
        #[pin]
        inner: F,
        peer: SocketAddr,
    }
}

impl<F: Future> Future for WithPeer<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        // Put back when the poll ends, a panic's unwinding included: another connection's
        // future may be polled next on this thread, or this one inside another's poll.
        let _outer = Restore(PEER.replace(Some(*this.peer)));
        this.inner.poll(cx)
    }
}

/// Puts the address that was set before a poll back.
struct Restore(Option<SocketAddr>);

impl Drop for Restore {
    fn drop(&mut self) {
        PEER.set(self.0);
    }
}

/// The remote address of the request being served, if known: the engine's listener's, else
/// the `ConnectInfo` a host server put in `extensions`.
pub(crate) fn peer(extensions: &Extensions) -> Option<SocketAddr> {
    PEER.get().or_else(|| extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0))
}

/// A client, as the per-client bounds count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ClientId(u64);

impl ClientId {
    /// The client of a request from `subject` (authenticated) at `peer`: `None` when
    /// neither is known (a host that hands requests over without their address), and then
    /// only the global bounds apply.
    pub(crate) fn of(subject: Option<&str>, peer: Option<SocketAddr>) -> Option<ClientId> {
        // The process's own random key: the same client maps to the same id here only.
        static KEY: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
        let key = KEY.get_or_init(std::collections::hash_map::RandomState::new);
        if let Some(subject) = subject {
            return Some(ClientId(key.hash_one(("subject", subject))));
        }
        Some(ClientId(key.hash_one(("host", crate::identity::host(peer?.ip())))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_told_apart_by_subject_then_address() {
        let at = |a: &str| Some(a.parse::<SocketAddr>().unwrap());
        assert_eq!(ClientId::of(None, None), None);
        // Any port of one address is one client; the subject wins over the address.
        assert_eq!(ClientId::of(None, at("127.0.0.1:1")), ClientId::of(None, at("127.0.0.1:2")));
        assert_ne!(ClientId::of(None, at("127.0.0.1:1")), ClientId::of(None, at("127.0.0.2:1")));
        assert_eq!(ClientId::of(Some("alice"), at("127.0.0.1:1")), ClientId::of(Some("alice"), at("10.0.0.1:1")));
        assert_ne!(ClientId::of(Some("alice"), None), ClientId::of(Some("bob"), None));
        // An IPv6 host is its /64; a mapped IPv4 address is that IPv4 address.
        assert_eq!(ClientId::of(None, at("[2001:db8::1]:1")), ClientId::of(None, at("[2001:db8::ffff]:1")));
        assert_ne!(ClientId::of(None, at("[2001:db8::1]:1")), ClientId::of(None, at("[2001:db8:0:1::1]:1")));
        assert_eq!(ClientId::of(None, at("[::ffff:127.0.0.1]:1")), ClientId::of(None, at("127.0.0.1:9")));
    }
}
