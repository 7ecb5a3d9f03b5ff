//! The connections of an upstream run per session or per user ([`Pool`]):
//! in [`Mode::PerSession`](super::Mode) one child (or HTTP session) per downstream session,
//! offering the upstream what that client declared it answers, closed once its session has
//! ended; in [`Mode::PerUser`](super::Mode) one per authenticated user (the subject of the
//! request's bearer grant), shared by that user's sessions, a request without a user
//! refused. Each is opened at its owner's first forwarded request, replaced at the next one
//! when it died or failed its health checks, closed once idle past the upstream's idle
//! timeout, and all of them are bounded in number. Ended sessions and idle children are looked for every `REAP_EVERY`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

use super::conn::{Asks, Audience, AudienceEvents, Conn, connect};
use super::health;
use super::supervisor::close;
use super::upstream::{Mode, Upstream};
use crate::context::RequestContext;
use crate::error::ProtocolError;
use crate::session::Session;
use crate::sync::lock;

/// How often ended sessions' and idle children are looked for.
const REAP_EVERY: Duration = Duration::from_millis(250);

/// Whom one connection serves.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Owner {
    /// A downstream session, by its serial number (never reused).
    Session(u64),
    /// An authenticated user, by subject.
    User(String),
}

/// One owner's connection, opened once.
struct Entry {
    /// The session it serves, per session: it is closed once that one ends.
    session: Option<Weak<Session>>,
    audience: Audience,
    conn: Arc<OnceCell<Arc<Conn>>>,
}

impl Entry {
    /// Whether it is to be closed now: its session ended, it died, or it sat idle past `idle`.
    fn spent(&self, idle: Option<Duration>) -> bool {
        if self.session.as_ref().is_some_and(|s| s.strong_count() == 0) {
            return true;
        }
        self.conn.get().is_some_and(|c| c.is_done() || idle.is_some_and(|idle| c.activity.idle_past(idle)))
    }
}

/// The per-session or per-user connections of one upstream.
pub(crate) struct Pool {
    upstream: Arc<Upstream>,
    /// Where a connection's notifications go, given the sessions it serves.
    events: AudienceEvents,
    open: Mutex<HashMap<Owner, Entry>>,
}

impl Pool {
    /// The connections of `upstream`, reaped until `stop`.
    pub(crate) fn start(upstream: Arc<Upstream>, events: AudienceEvents, stop: CancellationToken) -> Arc<Pool> {
        let pool = Arc::new(Pool { upstream, events, open: Mutex::default() });
        tokio::spawn(reap(Arc::downgrade(&pool), stop));
        pool
    }

    /// How many connections are open.
    pub(crate) fn len(&self) -> usize {
        lock(&self.open).len()
    }

    /// Whom `ctx`'s request is served for: `None` for a request with no session per session
    /// (over HTTP, a stateless one; otherwise the only client of a stdio or in-process
    /// connection); an error for a request without an authenticated user per user.
    fn owner(&self, ctx: &RequestContext) -> Option<Result<Owner, ProtocolError>> {
        if self.upstream.mode == Mode::PerUser {
            return Some(match ctx.auth().and_then(|auth| auth.subject.clone()) {
                Some(subject) => Ok(Owner::User(subject)),
                None => Err(ProtocolError::internal(format!(
                    "upstream {} runs one process per user and this request has no authenticated user \
                     (serve it over HTTP with bearer authorization)",
                    self.upstream.name
                ))),
            });
        }
        let session = ctx.session_handle()?.upgrade()?;
        Some(Ok(Owner::Session(session.serial())))
    }

    /// The connection of `ctx`'s owner (opened now when it has none); `None` when the
    /// request has no session per session.
    pub(crate) async fn conn(&self, ctx: &RequestContext) -> Option<Result<Arc<Conn>, ProtocolError>> {
        let owner = match self.owner(ctx)? {
            Ok(owner) => owner,
            Err(e) => return Some(Err(e)),
        };
        let per_session = matches!(owner, Owner::Session(_));
        let (cell, audience) = {
            let mut open = lock(&self.open);
            if open.get(&owner).is_some_and(|e| e.conn.get().is_some_and(|c| c.is_done())) {
                open.remove(&owner);
            }
            if !open.contains_key(&owner) && open.len() >= self.upstream.max_sessions {
                let (name, max) = (&self.upstream.name, self.upstream.max_sessions);
                let per = if per_session { "session" } else { "user" };
                return Some(Err(ProtocolError::internal(format!(
                    "upstream {name} already runs {max} processes (one per {per})"
                ))));
            }
            let session = ctx.session_handle();
            let entry = open.entry(owner).or_insert_with(|| Entry {
                session: if per_session { session.clone() } else { None },
                audience: if per_session { Audience::default() } else { Audience::closed() },
                conn: Arc::default(),
            });
            if let (Some(id), Some(session)) = (ctx.session_id(), session) {
                entry.audience.join(id, session);
            }
            (entry.conn.clone(), entry.audience.clone())
        };
        let events = (self.events)(audience);
        // A per-user child's asks go to whichever of the user's clients is calling.
        let asks = if per_session { Asks::of(ctx.client_capabilities()) } else { Asks::ALL };
        let opened = cell
            .get_or_try_init(|| async {
                let conn = Arc::new(connect(&self.upstream, asks, events).await?);
                if let Some(check) = self.upstream.health {
                    health::watch(self.upstream.name.clone(), &conn, check);
                }
                Ok::<_, crate::client::ClientError>(conn)
            })
            .await
            .cloned()
            .map_err(|e| ProtocolError::internal(format!("upstream {} did not start: {e}", self.upstream.name)));
        Some(opened)
    }
}

/// Closes the connections of ended sessions and idle ones, until `stop` or the
/// connections are dropped.
async fn reap(pool: Weak<Pool>, stop: CancellationToken) {
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(REAP_EVERY) => {}
        }
        let Some(pool) = pool.upgrade() else { return };
        let idle = pool.upstream.idle_after();
        let spent: Vec<Entry> = {
            let mut open = lock(&pool.open);
            let gone: Vec<Owner> = open.iter().filter(|(_, e)| e.spent(idle)).map(|(k, _)| k.clone()).collect();
            gone.iter().filter_map(|k| open.remove(k)).collect()
        };
        if !spent.is_empty() {
            tracing::debug!(upstream = %pool.upstream.name, stopped = spent.len(), "stopping ended or idle children");
        }
        spent.into_iter().for_each(finish);
    }
    if let Some(pool) = pool.upgrade() {
        lock(&pool.open).drain().for_each(|(_, e)| finish(e));
    }
}

/// Closes an entry's connection gracefully when nothing else holds it (else the last
/// holder's drop kills its child's process group).
fn finish(entry: Entry) {
    let conn = Arc::try_unwrap(entry.conn).ok().and_then(OnceCell::into_inner);
    if let Some(conn) = conn {
        close(conn);
    }
}
