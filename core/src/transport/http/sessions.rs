//! Legacy HTTP sessions: ids from the OS random source, a cap on how many exist (the least
//! recently used one is ended to make room), and an idle timeout, so memory stays bounded
//! whatever clients do.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::resume::Streams;
use crate::dispatch::OutboxReader;
use crate::dispatch::connection::Connection;
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
    /// The authenticated subject that created the session (bearer authorization): only it
    /// can use the session.
    subject: Option<String>,
    last_used: Mutex<Instant>,
}

impl HttpSession {
    fn touch(&self) {
        *lock(&self.last_used) = Instant::now();
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

/// Every live session.
pub(crate) struct SessionStore {
    map: Mutex<HashMap<String, Arc<HttpSession>>>,
    max: usize,
    idle_timeout: Duration,
}

impl SessionStore {
    pub fn new(max: usize, idle_timeout: Duration) -> SessionStore {
        SessionStore { map: Mutex::new(HashMap::new()), max: max.max(1), idle_timeout }
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
        let s = Arc::new(HttpSession {
            id,
            conn,
            session,
            notifications: Mutex::new(Some(notifications)),
            ended: CancellationToken::new(),
            streams: Streams::default(),
            subject: subject.map(str::to_owned),
            last_used: Mutex::new(Instant::now()),
        });
        if map.len() >= self.max {
            Self::expire_locked(&mut map, self.idle_timeout);
        }
        while map.len() >= self.max {
            let Some(oldest) = map.values().max_by_key(|s| s.idle_for()).map(|s| s.id.clone()) else { break };
            if let Some(old) = map.remove(&oldest) {
                tracing::info!("session limit reached: ending the least recently used session");
                old.end();
            }
        }
        map.insert(s.id.clone(), s.clone());
        Ok(s)
    }

    /// The live session with this id, if `subject` created it (and marks it used). Another
    /// subject's session is as unknown as an ended one.
    pub fn get(&self, id: &str, subject: Option<&str>) -> Option<Arc<HttpSession>> {
        let s = lock(&self.map).get(id).filter(|s| s.subject.as_deref() == subject).cloned()?;
        s.touch();
        Some(s)
    }

    /// Ends a session `subject` created; false if there was none.
    pub fn remove(&self, id: &str, subject: Option<&str>) -> bool {
        let mut map = lock(&self.map);
        if map.get(id).is_none_or(|s| s.subject.as_deref() != subject) {
            return false;
        }
        match map.remove(id) {
            Some(s) => {
                s.end();
                true
            }
            None => false,
        }
    }

    /// How many sessions are live.
    pub fn len(&self) -> usize {
        lock(&self.map).len()
    }

    fn expire_locked(map: &mut HashMap<String, Arc<HttpSession>>, idle: Duration) {
        map.retain(|_, s| {
            let keep = s.idle_for() < idle || s.conn.in_flight() > 0;
            if !keep {
                s.end();
            }
            keep
        });
    }

    /// Ends sessions idle for longer than the timeout (those with requests in flight stay).
    pub fn expire(&self) {
        Self::expire_locked(&mut lock(&self.map), self.idle_timeout);
    }

    /// Ends every session (shutdown): their running requests get the grace period, then
    /// are cancelled (and answered).
    pub async fn shutdown(&self) {
        let sessions: Vec<Arc<HttpSession>> = lock(&self.map).drain().map(|(_, s)| s).collect();
        for s in &sessions {
            s.ended.cancel();
        }
        futures_util::future::join_all(sessions.iter().map(|s| s.conn.shutdown())).await;
    }
}
