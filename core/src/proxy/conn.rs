//! One connection to an upstream ([`Conn`]): the client engine's [`Client`] over the
//! upstream's transport, with the requests forwarded over it ([`Routes`]). Its progress goes
//! to the downstream request that owns it; its requests to a client (sampling, elicitation,
//! roots) to the downstream client that caused them; its other notifications (list changes,
//! resource updates, log messages) to the handler the gateway gives ([`Events`]). How busy
//! it is ([`Activity`]) decides when it is idle, and the gateway may give up on it (a child
//! that stopped answering pings): its calls in flight then fail at once with why.

use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use serde_json::{Value, json};

use super::idle::Activity;
use super::routes::Routes;
use super::upstream::Upstream;
use crate::client::transport::child::StderrTail;
use crate::client::{Client, ClientError, Notification};
use crate::protocol::method::Method;
use crate::session::Session;
use crate::sync::lock;

/// Where an upstream's notifications other than progress go.
pub(crate) type Events = Arc<dyn Fn(&Notification) + Send + Sync>;

/// The downstream sessions a per-session or per-user connection serves (by their ids), which
/// its resource updates and log messages go to; when it knows none by id, every session
/// (the one client of a stdio or in-process connection) unless it is `closed` (a user's:
/// what one user's child says never reaches another user).
#[derive(Clone, Default)]
pub(crate) struct Audience {
    members: Arc<std::sync::Mutex<Vec<Member>>>,
    closed: bool,
}

/// One session of an [`Audience`]: its id, and the session (to know when it ended).
type Member = (String, Weak<Session>);

/// Where the notifications of a connection serving an [`Audience`] go.
pub(crate) type AudienceEvents = Arc<dyn Fn(Audience) -> Events + Send + Sync>;

impl Audience {
    /// An audience of its members only.
    pub(crate) fn closed() -> Audience {
        Audience { closed: true, ..Audience::default() }
    }

    /// Whether a notification goes to every session now (it knows none by id, and is open).
    pub(crate) fn is_everyone(&self) -> bool {
        !self.closed && self.sessions().is_empty()
    }

    /// The ids of the sessions that have not ended.
    pub(crate) fn sessions(&self) -> Vec<String> {
        let mut members = lock(&self.members);
        members.retain(|(_, session)| session.strong_count() > 0);
        members.iter().map(|(id, _)| id.clone()).collect()
    }

    /// Adds session `id` (once).
    pub(crate) fn join(&self, id: &str, session: Weak<Session>) {
        let mut members = lock(&self.members);
        if !members.iter().any(|(known, _)| known == id) {
            members.push((id.to_owned(), session));
        }
    }
}

/// The failed health checks in a row of one connection ([`super::health`]).
#[derive(Debug, Default)]
pub(crate) struct Pings {
    failed: std::sync::atomic::AtomicU32,
}

impl Pings {
    /// Whether the last check was answered (true before the first).
    pub(crate) fn healthy(&self) -> bool {
        self.failed.load(std::sync::atomic::Ordering::Acquire) == 0
    }

    /// Counts one check, answered or not; returns the failures in a row.
    pub(crate) fn record(&self, answered: bool) -> u32 {
        use std::sync::atomic::Ordering;
        if answered {
            self.failed.store(0, Ordering::Release);
            return 0;
        }
        self.failed.fetch_add(1, Ordering::AcqRel).saturating_add(1)
    }
}

/// The notifications handed to [`Events`].
const EVENTS: [Method; 5] = [
    Method::ToolListChanged,
    Method::ResourceListChanged,
    Method::PromptListChanged,
    Method::ResourceUpdated,
    Method::LogMessage,
];

/// Which of a client's answers the gateway offers the upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Asks {
    pub(crate) sampling: bool,
    pub(crate) elicitation: bool,
    pub(crate) roots: bool,
}

impl Asks {
    /// All three: the shared connection's (each ask goes to whichever client owns it).
    pub(crate) const ALL: Asks = Asks { sampling: true, elicitation: true, roots: true };

    /// What a downstream client declared in its capabilities.
    pub(crate) fn of(capabilities: &Value) -> Asks {
        Asks {
            sampling: capabilities.get("sampling").is_some(),
            elicitation: capabilities.get("elicitation").is_some(),
            roots: capabilities.get("roots").is_some(),
        }
    }
}

/// One connection to an upstream.
pub(crate) struct Conn {
    pub(crate) client: Client,
    pub(crate) routes: Arc<Routes>,
    pub(crate) activity: Activity,
    pub(crate) pings: Pings,
    /// Cancelled when the gateway gives up on it, `why` then set.
    given_up: CancellationToken,
    why: OnceLock<String>,
}

impl Conn {
    /// Gives up on the connection: the calls in flight over it fail at once, saying `why`
    /// (the child itself is killed once the last holder lets go of it).
    pub(crate) fn give_up(&self, why: String) {
        let _ = self.why.set(why);
        self.given_up.cancel();
    }

    /// Whether it was given up on, or its upstream's side ended.
    pub(crate) fn is_done(&self) -> bool {
        self.given_up.is_cancelled() || self.client.is_closed()
    }

    /// Waits until it is given up on, and says why.
    pub(crate) async fn given_up(&self) -> &str {
        self.given_up.cancelled().await;
        self.why.get().map_or("it was stopped", String::as_str)
    }
}

/// Opens one connection to `upstream`, offering it `asks`.
pub(crate) async fn connect(upstream: &Upstream, asks: Asks, events: Events) -> Result<Conn, ClientError> {
    let routes = Arc::new(Routes::default());
    let mut builder = Client::builder("mcpforge-gateway", env!("CARGO_PKG_VERSION")).call_options(upstream.call);
    let offered = [
        (asks.sampling, Method::SamplingCreateMessage),
        (asks.elicitation, Method::ElicitationCreate),
        (asks.roots, Method::RootsList),
    ];
    for (_, method) in offered.into_iter().filter(|(on, _)| *on) {
        let routes = routes.clone();
        // Called as the upstream's request is read, so `ask` sees the asks in their order.
        builder = builder.on_request(method.as_str(), move |params| routes.ask(method.as_str(), params));
    }
    if asks.roots {
        builder = builder.capabilities(json!({ "roots": {} }));
    }
    let progress = routes.clone();
    builder = builder.on_notification(Method::Progress.as_str(), move |n| progress.progress(&n.params));
    for method in EVENTS {
        let events = events.clone();
        builder = builder.on_notification(method.as_str(), move |n| events(n));
    }
    let opener = upstream.transport();
    let stderr = opener.stderr();
    let client = match builder.connect(opener).await {
        Ok(client) => client,
        Err(e) => return Err(said_on_stderr(e, stderr).await),
    };
    // Every notification goes to a handler above; nothing reads the channel.
    drop(client.notifications());
    let (activity, given_up, why) = (Activity::default(), CancellationToken::new(), OnceLock::new());
    Ok(Conn { client, routes, activity, pings: Pings::default(), given_up, why })
}

/// How long a child that did not start is given to finish saying why on its stderr.
const STDERR_WAIT: Duration = Duration::from_millis(500);
/// How many of its last lines of stderr are kept in the error.
const STDERR_LINES: usize = 12;

/// `error` with what the child said last on its stderr (a traceback, a syntax error), when
/// it said anything.
async fn said_on_stderr(error: ClientError, stderr: Option<StderrTail>) -> ClientError {
    let Some(stderr) = stderr else { return error };
    let _ = tokio::time::timeout(STDERR_WAIT, stderr.ended()).await;
    let text = stderr.contents();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return error;
    }
    let last = &lines[lines.len().saturating_sub(STDERR_LINES)..];
    let what = match error {
        ClientError::Closed => "it exited before it answered".to_owned(),
        ClientError::Transport(what) => what,
        other => other.to_string(),
    };
    ClientError::Transport(format!("{what}; its stderr ended with:\n{}", last.join("\n")))
}
