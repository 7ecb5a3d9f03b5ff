//! The bus the instances of one server share through a store: what one instance says to the
//! others (resource updates, list changes, log messages, a session's new state or its end, a
//! client's answer to a server->client request, task changes and commands), each message
//! with the instance that sent it, and the bounded queue that publishes them in order.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::sync::{mpsc, oneshot};

use crate::budget::Budget;
use crate::error::ProtocolError;
use crate::jsonrpc::RequestId;
use crate::protocol::{ListKind, LogLevel};
use crate::session::StateChange;

/// What another instance asks of the instance running a task.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub(crate) enum TaskCommand {
    /// `tasks/update`: answers to outstanding asks.
    Update {
        /// The `inputResponses`.
        responses: Map<String, Value>,
    },
    /// `tasks/cancel`.
    Cancel,
}

/// One message on the bus.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum BusMessage {
    /// `notifications/resources/updated` for the subscribers of `uri`.
    ResourceUpdated { uri: String },
    /// A `list_changed` notification.
    ListChanged { list: ListKind },
    /// A log message outside any request.
    Log { level: LogLevel, params: Value },
    /// A session changed (a subscription, its log level, initialized).
    SessionChanged { session: String, change: StateChange },
    /// A session was ended (`DELETE`): every instance drops its copy.
    SessionEnded { session: String },
    /// The client answered a server->client request of `session`.
    Answer {
        session: String,
        id: RequestId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        result: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<ProtocolError>,
    },
    /// A task changed; its record in the store says how. `view`: the 2026 `DetailedTask`
    /// for `notifications/tasks`.
    TaskChanged {
        task: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        view: Option<Value>,
    },
    /// For the instance running `task`: a client's `tasks/update` or `tasks/cancel`.
    TaskCommand { task: String, command: TaskCommand },
}

/// A bus message with the instance that sent it.
#[derive(Serialize, Deserialize)]
pub(crate) struct Envelope {
    /// The instance that sent it.
    pub from: u64,
    /// What it says.
    #[serde(flatten)]
    pub message: BusMessage,
}

/// A queued bus message, and who waits until it is on the bus.
pub(crate) type Outgoing = (Vec<u8>, Option<oneshot::Sender<()>>);

/// Sends bus messages in order, without waiting (callers may be outside the runtime).
#[derive(Clone)]
pub(crate) struct Publisher {
    /// This instance (skipped when its own messages come back).
    pub from: u64,
    /// The queue the publishing task empties onto the bus.
    pub tx: mpsc::Sender<Outgoing>,
    /// The room the queued messages take.
    pub room: Arc<Budget>,
}

impl Publisher {
    /// Queues `message` for the bus; dropped with a log line when the queue is full.
    pub fn send(&self, message: &BusMessage) {
        self.queue(message, None);
    }

    /// Queues `message` and waits until it is on the bus (or failed to get there), so that
    /// whatever the caller does next reaches the other instances after it.
    pub async fn send_and_wait(&self, message: &BusMessage) {
        let (done, published) = oneshot::channel();
        if self.queue(message, Some(done)) {
            let _ = published.await;
        }
    }

    fn queue(&self, message: &BusMessage, done: Option<oneshot::Sender<()>>) -> bool {
        let envelope = Envelope { from: self.from, message: message.clone() };
        let Ok(bytes) = serde_json::to_vec(&envelope) else { return false };
        let size = bytes.len();
        let queued = self.room.take(size) && {
            let sent = self.tx.try_send((bytes, done)).is_ok();
            if !sent {
                self.room.give_back(size, 1);
            }
            sent
        };
        if !queued {
            tracing::warn!("shared store: the bus queue is full, a message was dropped");
        }
        queued
    }
}
