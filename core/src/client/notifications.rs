//! The server's notifications as the application receives them: each goes to the handlers
//! registered for its method (progress, log messages, list changes, resource updates, ...)
//! and into one bounded channel the application may read; when that channel is full the
//! notification is dropped from it (counted, and logged), never blocking the connection.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;
use tokio::sync::mpsc;

/// A notification from the server.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// Its method, e.g. `notifications/progress`.
    pub method: String,
    /// Its params (`Value::Null` when it had none).
    pub params: Value,
}

/// Called for each notification of the method it was registered for; runs on the
/// connection's reading task, so it must not block.
pub type NotificationHandler = Arc<dyn Fn(&Notification) + Send + Sync>;

/// Where the server's notifications go.
pub(crate) struct Notifications {
    handlers: HashMap<String, Vec<NotificationHandler>>,
    channel: mpsc::Sender<Notification>,
    dropped: AtomicU64,
}

impl Notifications {
    /// Handlers by method, and a channel of `capacity` notifications (its receiver returned).
    pub(crate) fn new(
        handlers: HashMap<String, Vec<NotificationHandler>>,
        capacity: usize,
    ) -> (Notifications, mpsc::Receiver<Notification>) {
        let (channel, receiver) = mpsc::channel(capacity.max(1));
        (Notifications { handlers, channel, dropped: AtomicU64::new(0) }, receiver)
    }

    /// Delivers one notification to its handlers and the channel.
    pub(crate) fn deliver(&self, notification: Notification) {
        for handler in self.handlers.get(&notification.method).into_iter().flatten() {
            handler(&notification);
        }
        if let Err(mpsc::error::TrySendError::Full(n)) = self.channel.try_send(notification) {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(method = %n.method, "the notification channel is full; notification dropped from it");
        }
    }

    /// How many notifications the full channel refused.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}
