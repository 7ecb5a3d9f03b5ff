//! The state that several instances of one server share through a store: the records of
//! legacy sessions (so any instance serves any session), a message bus between the
//! instances (notifications, session changes, answers to server->client requests, task
//! changes and commands), a log of SSE events (so a client resumes a stream on another
//! instance), the records of tasks (so any instance answers for any task), and short-lived
//! values (what the OAuth proxy keeps between the steps of a login). Each
//! piece is a trait with an in-process backend ([`SharedStore::memory`], for one process
//! that runs several servers, and for tests) and a Redis backend ([`SharedStore::redis`],
//! `redis` feature). What the engine does with them lives in `dispatch::shared_state`.

mod backend;
mod expiring;
mod memory;
#[cfg(feature = "redis")]
mod redis;
mod shared;

pub(crate) use backend::BUS_QUEUE;
pub use backend::{
    EventLog, ExpiringValues, Limit, LoggedEvents, MessageBus, SessionChange, SessionRecords, StoreError, StoreFuture,
    StoredSession, TaskRecords,
};
pub use expiring::{MEMORY_VALUES_CAP, memory_values};
pub use shared::SharedStore;
