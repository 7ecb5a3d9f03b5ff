//! The live sessions of the 2024-11-05 HTTP+SSE transport: each one's connection, who
//! opened it and when its stream ended, under a cap on how many may be open at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use crate::dispatch::connection::Connection;
use crate::sync::lock;

/// One HTTP+SSE session.
pub(super) struct SseSession {
    /// The authenticated subject that opened it (bearer authorization): only it may post.
    pub(super) subject: Option<String>,
    /// The session's connection.
    pub(super) conn: Arc<Connection>,
    /// Tripped when the stream closes: the connection stops.
    pub(super) ended: CancellationToken,
}

/// Every live HTTP+SSE session, at most `max`.
pub(crate) struct SseSessions {
    map: Mutex<HashMap<String, Arc<SseSession>>>,
    max: usize,
}

impl SseSessions {
    pub fn new(max: usize) -> SseSessions {
        SseSessions { map: Mutex::default(), max: max.max(1) }
    }

    /// How many sessions are live.
    pub fn len(&self) -> usize {
        lock(&self.map).len()
    }

    /// Registers a session; false when the cap is reached.
    pub(super) fn insert(&self, id: String, session: Arc<SseSession>) -> bool {
        let mut map = lock(&self.map);
        if map.len() >= self.max {
            return false;
        }
        map.insert(id, session);
        true
    }

    /// The live session with this id, if `subject` opened it.
    pub(super) fn get(&self, id: &str, subject: Option<&str>) -> Option<Arc<SseSession>> {
        lock(&self.map).get(id).filter(|s| s.subject.as_deref() == subject).cloned()
    }

    /// Forgets the session with this id.
    pub(super) fn remove(&self, id: &str) {
        lock(&self.map).remove(id);
    }
}
