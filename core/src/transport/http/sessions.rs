//! Legacy HTTP sessions: ids from the OS random source, a cap on how many exist (the least
//! recently used one is ended to make room), and an idle timeout, so memory stays bounded
//! whatever clients do. When instances share a store, a session another instance opened is
//! taken on from its record the first time one of its requests arrives here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::resume::Streams;
use crate::dispatch::connection::{Connection, ConnectionOptions};
use crate::dispatch::shared::ServerShared;
use crate::dispatch::shared_state::{StoreLink, random_u64};
use crate::dispatch::{Outbox, OutboxReader, outbox};
use crate::error::ProtocolError;
use crate::session::Session;
use crate::sync::lock;
use crate::transport::stream::queue_bytes;

/// One legacy session served over HTTP.
pub(crate) struct HttpSession {
    /// The `Mcp-Session-Id` (64 hex digits: visible ASCII, 256 bits from the OS).
    pub id: String,
    /// The session's connection: its requests, cancellations and answers.
    pub conn: Arc<Connection>,
    /// The protocol state shared with dispatch.
    pub session: Arc<Session>,
    /// Unsolicited messages (list changes, resource updates) waiting for the GET stream:
    /// a bounded backlog, oldest dropped first while no stream is open.
    pub notifications: Mutex<Option<OutboxReader>>,
    /// Tripped when the session ends (DELETE, expiry, eviction, shutdown).
    pub ended: CancellationToken,
    /// The session's resumable SSE streams.
    pub streams: Streams,
    /// The authenticated subject that created the session (bearer authorization): only it
    /// can use the session.
    subject: Option<String>,
    last_used: Mutex<Instant>,
    /// When the shared store's record last had its time to live renewed from here.
    renewed: Mutex<Instant>,
}

impl HttpSession {
    fn touch(&self) {
        *lock(&self.last_used) = Instant::now();
    }

    /// Whether the shared record's time to live is due for renewal (a quarter of it went by).
    fn renew_due(&self, ttl: Duration) -> bool {
        let mut renewed = lock(&self.renewed);
        if renewed.elapsed() < ttl / 4 {
            return false;
        }
        *renewed = Instant::now();
        true
    }

    fn idle_for(&self) -> Duration {
        lock(&self.last_used).elapsed()
    }

    fn end(&self) {
        self.ended.cancel();
        self.conn.stop();
    }
}

/// The id a host proposes for the session an `initialize` opens (see
/// [`super::HostedOptions::session_id`]), carried in the request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct ProposedSessionId(pub String);

/// The longest proposed session id accepted.
const MAX_PROPOSED_ID: usize = 256;

/// A new session id: 32 random bytes as hex.
pub(crate) fn new_id() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("operating system random source unavailable");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A connection for a legacy session, whose unsolicited messages wait in a bounded backlog
/// for the session's GET stream: the connection, the backlog and its reader.
pub(crate) fn session_connection(shared: &Arc<ServerShared>) -> (Arc<Connection>, Outbox, OutboxReader) {
    let (backlog, reader) = outbox("legacy session backlog", shared.limits.max_session_backlog, queue_bytes(shared));
    let conn = Connection::new(shared.clone(), backlog.clone(), ConnectionOptions::for_client(shared));
    (conn, backlog, reader)
}

/// Every live session.
pub(crate) struct SessionStore {
    map: Mutex<HashMap<String, Arc<HttpSession>>>,
    max: usize,
    idle_timeout: Duration,
    /// The store shared with other instances, if any.
    link: Option<Arc<StoreLink>>,
}

impl SessionStore {
    pub fn new(max: usize, idle_timeout: Duration, link: Option<Arc<StoreLink>>) -> SessionStore {
        SessionStore { map: Mutex::new(HashMap::new()), max: max.max(1), idle_timeout, link }
    }

    /// The store shared with other instances, if any.
    pub fn link(&self) -> Option<&Arc<StoreLink>> {
        self.link.as_ref()
    }

    /// Registers a session whose connection went through `initialize`, for `subject` (the
    /// authenticated caller, if any); returns it with its new id: `proposed` when given (a
    /// host's id), else one drawn from the OS. A proposed id that is not 1 to 256 visible
    /// ASCII characters, or that names a live session, is refused (`Err` says why, for the
    /// log: never with the id, which may be another client's live session).
    pub fn create(
        &self,
        conn: Arc<Connection>,
        session: Arc<Session>,
        notifications: OutboxReader,
        subject: Option<&str>,
        proposed: Option<String>,
    ) -> Result<Arc<HttpSession>, String> {
        if let Some(p) = &proposed {
            if p.is_empty() || p.len() > MAX_PROPOSED_ID || !p.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(format!(
                    "the proposed session id ({} bytes) is not 1 to {MAX_PROPOSED_ID} visible ASCII characters",
                    p.len()
                ));
            }
        }
        let mut map = lock(&self.map);
        let id = match proposed {
            // Checked under the lock that inserts it: two requests cannot both take an id.
            Some(p) if map.contains_key(&p) => {
                return Err("the proposed session id names a live session".to_owned());
            }
            Some(p) => p,
            None => new_id(),
        };
        session.set_id(&id);
        Ok(self.insert_locked(&mut map, id, conn, session, notifications, subject))
    }

    /// Adds a session to the map, ending the least recently used one when full.
    fn insert_locked(
        &self,
        map: &mut HashMap<String, Arc<HttpSession>>,
        id: String,
        conn: Arc<Connection>,
        session: Arc<Session>,
        notifications: OutboxReader,
        subject: Option<&str>,
    ) -> Arc<HttpSession> {
        // Stream ids from a random point when instances share the session, so that theirs
        // never meet.
        let streams = match &self.link {
            Some(link) => {
                let streams = Streams::new((random_u64() >> 2).max(1));
                streams.mirror_to(link.clone(), &id);
                streams
            }
            None => Streams::default(),
        };
        let s = Arc::new(HttpSession {
            id,
            conn,
            session,
            notifications: Mutex::new(Some(notifications)),
            ended: CancellationToken::new(),
            streams,
            subject: subject.map(str::to_owned),
            last_used: Mutex::new(Instant::now()),
            renewed: Mutex::new(Instant::now()),
        });
        if map.len() >= self.max {
            self.expire_locked(map);
        }
        while map.len() >= self.max {
            let Some(oldest) = map.values().max_by_key(|s| s.idle_for()).map(|s| s.id.clone()) else { break };
            if let Some(old) = map.remove(&oldest) {
                tracing::info!("session limit reached: ending the least recently used session");
                self.end_here(&old);
            }
        }
        if let Some(link) = &self.link {
            link.mirror(&s.id, &s.session, s.ended.clone());
        }
        map.insert(s.id.clone(), s.clone());
        s
    }

    /// Ends this instance's copy of a session (its record, if shared, stays for the others).
    fn end_here(&self, s: &HttpSession) {
        if let Some(link) = &self.link {
            link.release(&s.id);
        }
        s.end();
    }

    /// The session with this id, if `subject` opened it: the live one here, or, when
    /// instances share a store, one taken on from its record (another instance opened it,
    /// or served it before it went away). `Ok(None)`: unknown, ended, or another subject's.
    ///
    /// # Errors
    /// The shared store could not be read.
    pub async fn find(
        &self,
        shared: &Arc<ServerShared>,
        id: &str,
        subject: Option<&str>,
    ) -> Result<Option<Arc<HttpSession>>, ProtocolError> {
        if let Some(s) = self.get(id, subject) {
            return Ok(Some(s));
        }
        let Some(link) = &self.link else { return Ok(None) };
        let Some((record, state)) = link.load(id).await? else { return Ok(None) };
        if record.subject.as_deref() != subject {
            return Ok(None);
        }
        let Some(version) = record.protocol_version() else {
            tracing::warn!(version = %record.version, "a shared session's version is not served here");
            return Ok(None);
        };
        let (conn, backlog, reader) = session_connection(shared);
        let session = Arc::new(Session::new(version, record.capabilities, record.client_info, backlog));
        session.apply(state);
        session.set_id(id);
        conn.adopt_session(session.clone());
        let s = {
            let mut map = lock(&self.map);
            // Another request of the same session may have taken it on meanwhile.
            let taken = map.get(id).filter(|s| s.subject.as_deref() == subject && !s.ended.is_cancelled()).cloned();
            if let Some(s) = taken {
                conn.stop();
                return Ok(Some(s));
            }
            shared.hub.add_session(Arc::downgrade(&session));
            tracing::debug!("a session opened elsewhere is served here");
            self.insert_locked(&mut map, id.to_owned(), conn, session, reader, subject)
        };
        // A change saved between the first read and the copy's registration for the bus's
        // news is in the record now; later ones come over the bus.
        if let Some((_, state)) = link.load(id).await? {
            s.session.apply(state);
        }
        Ok(Some(s))
    }

    /// The live session here with this id, if `subject` created it (and marks it used).
    /// Another subject's session is as unknown as an ended one.
    pub fn get(&self, id: &str, subject: Option<&str>) -> Option<Arc<HttpSession>> {
        let s = {
            let mut map = lock(&self.map);
            let s = map.get(id)?.clone();
            if s.ended.is_cancelled() {
                // Ended by another instance.
                map.remove(id);
                self.end_here(&s);
                return None;
            }
            s
        };
        if s.subject.as_deref() != subject {
            return None;
        }
        s.touch();
        if let Some(link) = &self.link {
            if s.renew_due(self.idle_timeout) {
                link.touch(id);
            }
        }
        Some(s)
    }

    /// Ends a session `subject` created, here and, when instances share a store, everywhere;
    /// false if there was none.
    ///
    /// # Errors
    /// The shared store could not be reached.
    pub async fn remove(
        &self,
        shared: &Arc<ServerShared>,
        id: &str,
        subject: Option<&str>,
    ) -> Result<bool, ProtocolError> {
        if self.find(shared, id, subject).await?.is_none() {
            return Ok(false);
        }
        let Some(s) = lock(&self.map).remove(id) else { return Ok(false) };
        s.end();
        if let Some(link) = &self.link {
            link.end(id).await?;
        }
        Ok(true)
    }

    /// How many sessions are live.
    pub fn len(&self) -> usize {
        lock(&self.map).len()
    }

    fn expire_locked(&self, map: &mut HashMap<String, Arc<HttpSession>>) {
        map.retain(|_, s| {
            let keep = !s.ended.is_cancelled() && (s.idle_for() < self.idle_timeout || s.conn.in_flight() > 0);
            if !keep {
                self.end_here(s);
            }
            keep
        });
    }

    /// Ends sessions idle for longer than the timeout (those with requests in flight stay),
    /// and those another instance ended.
    pub fn expire(&self) {
        self.expire_locked(&mut lock(&self.map));
    }

    /// Ends every session (shutdown): their running requests get the grace period, then
    /// are cancelled (and answered).
    pub async fn shutdown(&self) {
        let sessions: Vec<Arc<HttpSession>> = lock(&self.map).drain().map(|(_, s)| s).collect();
        for s in &sessions {
            if let Some(link) = &self.link {
                link.release(&s.id);
            }
            s.ended.cancel();
        }
        futures_util::future::join_all(sessions.iter().map(|s| s.conn.shutdown())).await;
    }
}
