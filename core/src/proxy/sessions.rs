//! The per-session connections of an upstream in [`Mode::PerSession`](super::Mode):
//! one child (or HTTP session) per downstream session, opened at the session's first
//! forwarded request and offering the upstream what that client declared it answers; a
//! dead one is replaced at the next request; all of them bounded in number; and each closed
//! once its downstream session has ended (checked every `REAP_EVERY`), so no child outlives
//! the client it served.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

use super::conn::{Asks, Conn, Events, connect};
use super::upstream::Upstream;
use crate::context::RequestContext;
use crate::error::ProtocolError;
use crate::session::Session;
use crate::sync::lock;

/// How often ended sessions' children are looked for.
const REAP_EVERY: Duration = Duration::from_millis(500);

/// One session's connection, opened once.
struct Entry {
    session: Weak<Session>,
    conn: Arc<OnceCell<Arc<Conn>>>,
}

/// The per-session connections of one upstream.
pub(crate) struct SessionConns {
    upstream: Arc<Upstream>,
    /// Where a session's connection's notifications go, given its session id.
    events: Arc<dyn Fn(Option<String>) -> Events + Send + Sync>,
    /// By the session's serial number (never reused).
    open: Mutex<HashMap<u64, Entry>>,
}

impl SessionConns {
    /// The connections of `upstream`, reaped until `stop`.
    pub(crate) fn start(
        upstream: Arc<Upstream>,
        events: Arc<dyn Fn(Option<String>) -> Events + Send + Sync>,
        stop: CancellationToken,
    ) -> Arc<SessionConns> {
        let conns = Arc::new(SessionConns { upstream, events, open: Mutex::default() });
        tokio::spawn(reap(Arc::downgrade(&conns), stop));
        conns
    }

    /// How many per-session connections are open.
    pub(crate) fn len(&self) -> usize {
        lock(&self.open).len()
    }

    /// The connection of `ctx`'s session (opened now when it has none); `None` when the
    /// request has no session.
    pub(crate) async fn conn(&self, ctx: &RequestContext) -> Option<Result<Arc<Conn>, ProtocolError>> {
        let session = ctx.session_handle()?;
        let serial = session.upgrade()?.serial();
        let cell = {
            let mut open = lock(&self.open);
            let dead = open.get(&serial).and_then(|e| e.conn.get()).is_some_and(|c| c.client.is_closed());
            if dead {
                open.remove(&serial);
            }
            if !open.contains_key(&serial) && open.len() >= self.upstream.max_sessions {
                let name = &self.upstream.name;
                let max = self.upstream.max_sessions;
                return Some(Err(ProtocolError::internal(format!("upstream {name} already runs {max} sessions"))));
            }
            open.entry(serial).or_insert_with(|| Entry { session, conn: Arc::default() }).conn.clone()
        };
        let events = (self.events)(ctx.session_id().map(str::to_owned));
        let asks = Asks::of(ctx.client_capabilities());
        let opened = cell
            .get_or_try_init(|| async { connect(&self.upstream, asks, events).await.map(Arc::new) })
            .await
            .cloned()
            .map_err(|e| ProtocolError::internal(format!("upstream {} did not start: {e}", self.upstream.name)));
        Some(opened)
    }
}

/// Closes the connections of ended sessions, until `stop` or the connections are dropped.
async fn reap(conns: Weak<SessionConns>, stop: CancellationToken) {
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(REAP_EVERY) => {}
        }
        let Some(conns) = conns.upgrade() else { return };
        let ended: Vec<Entry> = {
            let mut open = lock(&conns.open);
            let gone: Vec<u64> = open.iter().filter(|(_, e)| e.session.strong_count() == 0).map(|(k, _)| *k).collect();
            gone.iter().filter_map(|k| open.remove(k)).collect()
        };
        ended.into_iter().for_each(close);
    }
    if let Some(conns) = conns.upgrade() {
        lock(&conns.open).drain().for_each(|(_, e)| close(e));
    }
}

/// Closes a connection gracefully when nothing else holds it (else the last holder's drop
/// kills its child's process group).
fn close(entry: Entry) {
    let conn = Arc::try_unwrap(entry.conn).ok().and_then(OnceCell::into_inner);
    if let Some(Ok(conn)) = conn.map(Arc::try_unwrap) {
        tokio::spawn(conn.client.close());
    }
}
