//! Legacy HTTP sessions: ids from the OS random source, a cap on how many exist (the least
//! recently used one is ended to make room) and on how many one client holds (its own least
//! recently used one is ended, never another client's), and an idle timeout, so memory
//! stays bounded and no client can end the others' sessions, whatever clients do. When instances share a store, a session another instance opened is
//! taken on from its record the first time one of its requests arrives here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::budget::{BudgetPlace, SessionBudget};
use super::client::ClientId;
use super::resume::Streams;
use crate::dispatch::connection::{Connection, ConnectionOptions};
use crate::dispatch::shared::ServerShared;
use crate::dispatch::shared_state::{StoreLink, random_u64};
use crate::dispatch::{Outbox, OutboxReader, outbox};
use crate::error::ProtocolError;
use crate::session::Session;
use crate::sync::lock;

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
    /// The authenticated identity that created the session (bearer authorization: issuer,
    /// subject and client id together, see [`super::auth::Caller::owner`]): only it can use
    /// the session.
    subject: Option<String>,
    /// The client the session counts against (see [`SessionStore::create`]).
    client: Option<ClientId>,
    /// When the session was last used (shared with its place in a [`SessionBudget`]).
    last_used: Arc<Mutex<Instant>>,
    /// Its place in the budget its application shares with others, if any.
    place: Option<BudgetPlace>,
    /// When the shared store's record last had its time to live renewed from here.
    renewed: Mutex<Instant>,
}

/// Whom a session being added belongs to: the authenticated subject that may use it, and
/// the client whose bound it counts against.
struct Owner<'a> {
    subject: Option<&'a str>,
    client: Option<ClientId>,
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

    /// Marks the session ended (its place in a shared budget given back).
    fn mark_ended(&self) {
        self.ended.cancel();
        if let Some(place) = &self.place {
            place.release();
        }
    }

    fn end(&self) {
        self.mark_ended();
        self.conn.stop();
    }
}

impl Drop for HttpSession {
    /// A session dropped without being ended (its application dropped) has ended too: who
    /// waits for its end ([`super::HttpApp::session_ended`]) is told.
    fn drop(&mut self) {
        self.ended.cancel();
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
    let (backlog, reader) =
        outbox("legacy session backlog", shared.limits.max_session_backlog, shared.limits.queued_bytes());
    let conn = Connection::new(shared.clone(), backlog.clone(), ConnectionOptions::for_client(shared));
    (conn, backlog, reader)
}

/// The live sessions by id, and how many each client holds (an entry per client that holds
/// one: bounded by the sessions).
#[derive(Default)]
struct Live {
    by_id: HashMap<String, Arc<HttpSession>>,
    per_client: HashMap<ClientId, usize>,
}

impl Live {
    fn len(&self) -> usize {
        self.by_id.len()
    }

    fn get(&self, id: &str) -> Option<&Arc<HttpSession>> {
        self.by_id.get(id)
    }

    fn contains_key(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    fn held_by(&self, client: ClientId) -> usize {
        self.per_client.get(&client).copied().unwrap_or(0)
    }

    fn insert(&mut self, s: Arc<HttpSession>) {
        if let Some(client) = s.client {
            *self.per_client.entry(client).or_default() += 1;
        }
        if let Some(old) = self.by_id.insert(s.id.clone(), s) {
            self.uncount(&old);
        }
    }

    fn remove(&mut self, id: &str) -> Option<Arc<HttpSession>> {
        let s = self.by_id.remove(id)?;
        self.uncount(&s);
        Some(s)
    }

    /// Keeps the sessions `keep` says to keep.
    fn retain(&mut self, mut keep: impl FnMut(&Arc<HttpSession>) -> bool) {
        let per_client = &mut self.per_client;
        self.by_id.retain(|_, s| {
            let kept = keep(s);
            if !kept {
                uncount(per_client, s);
            }
            kept
        });
    }

    fn drain(&mut self) -> Vec<Arc<HttpSession>> {
        self.per_client.clear();
        self.by_id.drain().map(|(_, s)| s).collect()
    }

    fn uncount(&mut self, s: &HttpSession) {
        uncount(&mut self.per_client, s);
    }
}

fn uncount(per_client: &mut HashMap<ClientId, usize>, s: &HttpSession) {
    let Some(client) = s.client else { return };
    if let Some(n) = per_client.get_mut(&client) {
        *n -= 1;
        if *n == 0 {
            per_client.remove(&client);
        }
    }
}

/// Every live session.
pub(crate) struct SessionStore {
    map: Mutex<Live>,
    max: usize,
    /// How many sessions one client may hold.
    max_per_client: usize,
    idle_timeout: Duration,
    /// The store shared with other instances, if any.
    link: Option<Arc<StoreLink>>,
    /// The bound shared with other applications, if any.
    budget: Option<Arc<SessionBudget>>,
}

impl SessionStore {
    /// A store of at most `max` sessions, `max_per_client` per client, each ended after
    /// `idle_timeout` unused; its sessions also take a place in `budget` when one is shared.
    pub fn new(
        max: usize,
        max_per_client: usize,
        idle_timeout: Duration,
        link: Option<Arc<StoreLink>>,
        budget: Option<Arc<SessionBudget>>,
    ) -> SessionStore {
        SessionStore {
            map: Mutex::new(Live::default()),
            max: max.max(1),
            max_per_client: max_per_client.max(1),
            idle_timeout,
            link,
            budget,
        }
    }

    /// The store shared with other instances, if any.
    pub fn link(&self) -> Option<&Arc<StoreLink>> {
        self.link.as_ref()
    }

    /// Registers a session whose connection went through `initialize`, for `subject` (the
    /// authenticated caller, if any) at `peer` (the client's address, if known); returns it
    /// with its new id: `proposed` when given (a host's id), else one drawn from the OS. A
    /// proposed id that is not 1 to 256 visible ASCII characters, or that names a live
    /// session, is refused (`Err` says why, for the log: never with the id, which may be
    /// another client's live session). A client (the subject, else the address) that holds
    /// its bound of sessions already loses its own least recently used one.
    pub fn create(
        &self,
        conn: Arc<Connection>,
        session: Arc<Session>,
        notifications: OutboxReader,
        subject: Option<&str>,
        peer: Option<std::net::SocketAddr>,
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
        let owner = Owner { subject, client: ClientId::of(subject, peer) };
        Ok(self.insert_locked(&mut map, id, conn, session, notifications, owner))
    }

    /// Adds a session to the map, ending its client's least recently used one when that
    /// client is at its bound, then the least recently used one when the map is full; then
    /// the same in the shared budget, if any, whichever application holds the sessions.
    fn insert_locked(
        &self,
        map: &mut Live,
        id: String,
        conn: Arc<Connection>,
        session: Arc<Session>,
        notifications: OutboxReader,
        owner: Owner<'_>,
    ) -> Arc<HttpSession> {
        let Owner { subject, client } = owner;
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
        let (ended, last_used) = (CancellationToken::new(), Arc::new(Mutex::new(Instant::now())));
        let place =
            self.budget.as_ref().map(|b| b.admit(client, last_used.clone(), ended.clone(), Arc::downgrade(&conn)));
        let s = Arc::new(HttpSession {
            id,
            conn,
            session,
            notifications: Mutex::new(Some(notifications)),
            ended,
            streams,
            subject: subject.map(str::to_owned),
            client,
            last_used,
            place,
            renewed: Mutex::new(Instant::now()),
        });
        if let Some(client) = client {
            while map.held_by(client) >= self.max_per_client {
                let own = map.by_id.values().filter(|s| s.client == Some(client));
                let Some(oldest) = own.max_by_key(|s| s.idle_for()).map(|s| s.id.clone()) else { break };
                if let Some(old) = map.remove(&oldest) {
                    tracing::info!(
                        max = self.max_per_client,
                        "per-client session limit reached: ending this client's least recently used session"
                    );
                    self.end_here(&old);
                }
            }
        }
        if map.len() >= self.max {
            self.expire_locked(map);
        }
        while map.len() >= self.max {
            let Some(oldest) = map.by_id.values().max_by_key(|s| s.idle_for()).map(|s| s.id.clone()) else { break };
            if let Some(old) = map.remove(&oldest) {
                tracing::info!("session limit reached: ending the least recently used session");
                self.end_here(&old);
            }
        }
        if let Some(link) = &self.link {
            link.mirror(&s.id, &s.session, s.ended.clone());
        }
        map.insert(s.clone());
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
            // Counted against its subject's bound when there is one: the address of the
            // client that opened it is not in the record (its own instance bounded it).
            let owner = Owner { subject, client: ClientId::of(subject, None) };
            self.insert_locked(&mut map, id.to_owned(), conn, session, reader, owner)
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

    /// The live session here with this id, whoever created it (for the application that
    /// serves it, not for a client).
    pub fn live(&self, id: &str) -> Option<Arc<HttpSession>> {
        lock(&self.map).get(id).filter(|s| !s.ended.is_cancelled()).cloned()
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

    fn expire_locked(&self, map: &mut Live) {
        map.retain(|s| {
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
        let sessions = lock(&self.map).drain();
        for s in &sessions {
            if let Some(link) = &self.link {
                link.release(&s.id);
            }
            s.mark_ended();
        }
        futures_util::future::join_all(sessions.iter().map(|s| s.conn.shutdown())).await;
    }
}
