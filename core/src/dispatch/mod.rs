//! Dispatch: from a classified JSON-RPC request to a serialized response. Era
//! classification, capability gates, the per-method logic, the request context handed to
//! handlers, cancellation, limits and the notification hub live here; transports only move
//! bytes in and out.

pub(crate) mod bus;
pub(crate) mod call;
pub mod cancel;
pub(crate) mod capabilities;
pub(crate) mod chain;
pub(crate) mod connection;
pub mod executor;
pub(crate) mod guard;
pub mod handshake;
pub(crate) mod lifecycle;
pub mod limits;
pub(crate) mod linking;
pub(crate) mod methods;
pub(crate) mod metrics;
pub mod mrtr;
pub mod notify;
pub mod rate_limit;
pub(crate) mod reply;
pub(crate) mod rounds;
pub mod router;
pub(crate) mod shared;
pub(crate) mod shared_state;
pub(crate) mod tool_result;
pub(crate) mod trace;
pub(crate) mod visibility;

pub(crate) use crate::outbox::{Outbox, OutboxReader, outbox};
