//! Where the output of one incoming message goes ([`Route`]), how its response is handed
//! over ([`Answer`]), and what became of the message ([`Submitted`]).

use std::sync::Arc;

use tokio::sync::oneshot;

use crate::auth::AuthInfo;
use crate::dispatch::call::Outcome;
use crate::dispatch::cancel::RequestToken;
use crate::dispatch::rate_limit::ClientKey;
use crate::outbox::{Outbox, Slot};
use crate::request_info::HttpRequestInfo;

/// Where the output of one incoming message goes.
pub(crate) struct Route {
    /// Request-scoped messages: progress, log lines, server->client requests.
    pub notes: Outbox,
    /// The response.
    pub answer: Answer,
    /// The caller's grant for this message when it is its own (each request of the stateless
    /// HTTP wire); otherwise the connection's.
    pub auth: Option<Arc<AuthInfo>>,
    /// The HTTP request that carried the message, if one did.
    pub http: Option<Arc<HttpRequestInfo>>,
    /// Who the message counts against for rate limits when it carries no verified subject,
    /// instead of the connection's session or the connection: set for HTTP requests that
    /// have no session of their own (the 2026 wire, `sessionless` legacy requests).
    pub client: Option<ClientKey>,
}

/// Where a response goes.
pub(crate) enum Answer {
    /// Queued with everything else the connection sends (one writer per connection).
    Queue(Outbox),
    /// Handed over once (an HTTP exchange builds its reply from it). Dropped unsent when no
    /// response is owed: the client cancelled the request.
    Once(oneshot::Sender<Outcome>),
}

impl Answer {
    pub(super) async fn deliver(self, outcome: Outcome) {
        self.hold().await.deliver(outcome).await;
    }

    /// Waits for room for the response in the connection's queue and holds it. A request
    /// does this before it gives up its in-flight permit, so responses a client has not
    /// read yet keep counting against the in-flight limit and the reader stops reading.
    pub(super) async fn hold(self) -> Held {
        match self {
            Answer::Queue(q) => Held::Queue(q.reserve().await, q),
            Answer::Once(tx) => Held::Once(tx),
        }
    }
}

/// An [`Answer`] with room held for the response.
pub(super) enum Held {
    /// A place in the queue (`None`: the queue is closed, the client is gone).
    Queue(Option<Slot>, Outbox),
    Once(oneshot::Sender<Outcome>),
}

impl Held {
    pub(super) async fn deliver(self, outcome: Outcome) {
        match self {
            Held::Queue(Some(slot), q) => {
                if slot.send(outcome.response) {
                    if let Some(t) = outcome.trailing {
                        // Boxed: rare (a listen's end), and it would make every request's
                        // future larger.
                        Box::pin(q.send(t)).await;
                    }
                }
            }
            Held::Queue(None, _) => {}
            Held::Once(tx) => {
                let _ = tx.send(outcome);
            }
        }
    }
}

/// What became of a message handed to the connection.
pub(crate) enum Submitted {
    /// Nothing will be answered: a notification, a response, or a batch of those.
    Accepted,
    /// Answered already through the route (a refusal, an envelope error, `initialize`).
    Answered,
    /// Running: the answer comes through the route. The request's token (for a single
    /// request), which a transport trips when its client goes away.
    Running(Option<RequestToken>),
}
