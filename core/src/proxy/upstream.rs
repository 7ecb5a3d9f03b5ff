//! What names an upstream server ([`Upstream`]): a command run as a child process, a
//! Streamable HTTP URL, or a server of the same process; the prefix it is mounted under;
//! whether its process is shared by every downstream client or one is run per user or per
//! session ([`Mode`]), when it starts ([`Start`]) and is stopped for idleness, how it is
//! health-checked ([`HealthCheck`]), how long a forwarded call may take, and how a dead
//! child is restarted.

use std::path::PathBuf;
use std::time::Duration;

use futures_util::future::BoxFuture;

use crate::client::auth::OAuthClient;
use crate::client::transport::child::StderrTail;
use crate::client::transport::{ChildTransport, HttpTransport, MemoryTransport, Transport, Wire};
use crate::client::{CallOptions, ClientError};
use crate::server::Server;

/// Whether the downstream clients share one upstream connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// One child (or one HTTP session) per downstream session, stopped when that session
    /// ends. The default: an upstream that keeps state for its client (a login, a working
    /// directory, subscriptions, a conversation) never shows one user's state to another.
    #[default]
    PerSession,
    /// One child (or one HTTP session) for every downstream client, requests multiplexed
    /// over it. For stateless upstreams only; the cheapest by far.
    Shared,
    /// One child (or one HTTP session) per authenticated user (the subject of the bearer
    /// token the HTTP transport verified, [`AuthInfo::subject`](crate::AuthInfo)), shared by
    /// that user's sessions and stopped once idle ([`Upstream::idle_timeout`]). A request
    /// without an authenticated user is refused.
    PerUser,
}

impl Mode {
    /// The mode a configuration names: `shared`, `per-user` or `per-session`.
    pub fn from_name(name: &str) -> Option<Mode> {
        match name {
            "shared" => Some(Mode::Shared),
            "per-session" => Some(Mode::PerSession),
            "per-user" => Some(Mode::PerUser),
            _ => None,
        }
    }

    /// How long a child of this mode may sit idle when the upstream says nothing
    /// ([`Upstream::idle_timeout`]): 10 minutes per user (a user gone for that long starts
    /// afresh), never for the others (a shared child is the catalogue's source and follows
    /// its list changes; a per-session child ends with its session).
    #[must_use]
    pub fn default_idle(self) -> Option<Duration> {
        match self {
            Mode::PerUser => Some(Duration::from_secs(600)),
            Mode::Shared | Mode::PerSession => None,
        }
    }
}

/// When a shared child is started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Start {
    /// With the proxy, and kept running: its catalogue is listed before the first client
    /// comes and its list changes are followed. The default.
    #[default]
    Eager,
    /// With the proxy, only to list its catalogue, then stopped until the first request
    /// needs it (and stopped again when idle, with [`Upstream::idle_timeout`]): no process
    /// runs for an upstream nobody calls. Its list changes are not followed while it is
    /// stopped; they are listed when it starts again.
    Lazy,
}

impl Start {
    /// The start a configuration names: `eager` or `lazy`.
    pub fn from_name(name: &str) -> Option<Start> {
        match name {
            "eager" => Some(Start::Eager),
            "lazy" => Some(Start::Lazy),
            _ => None,
        }
    }
}

/// Pinging each running child, shared, per user or per session ([`Upstream::health`]):
/// every `interval` the gateway sends it `ping` (on the 2026-07-28 wire, which has none,
/// `tools/list`); one not answered within `timeout` fails, and after `failures` failures in a row the child is killed (its process
/// group), the calls in flight over it fail at once, and it is started again with the
/// backoff (a per-user or per-session one at its owner's next request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthCheck {
    /// How often a running child is pinged.
    pub interval: Duration,
    /// How long a ping may wait for its answer (default: the interval, at most 10 s).
    pub timeout: Duration,
    /// How many failed pings in a row make the child unhealthy (default 2).
    pub failures: u32,
}

impl HealthCheck {
    /// A ping every `interval`, failing after the interval (at most 10 s), two failures in
    /// a row killing the child.
    #[must_use]
    pub fn every(interval: Duration) -> HealthCheck {
        HealthCheck { interval, timeout: interval.min(Duration::from_secs(10)), failures: 2 }
    }
}

/// How an upstream is reached.
#[derive(Debug, Clone)]
pub enum Target {
    /// A program started as a child process, spoken to over its stdin and stdout.
    Command {
        /// The program (looked up in `PATH`).
        program: PathBuf,
        /// Its arguments.
        args: Vec<String>,
        /// Environment variables set for it (it inherits the rest).
        env: Vec<(String, String)>,
        /// The directory it runs in (none: the gateway's own).
        cwd: Option<PathBuf>,
    },
    /// A Streamable HTTP endpoint.
    Url {
        /// The endpoint's URL.
        url: String,
        /// Headers sent with every request (the gateway's own credentials for the upstream).
        headers: Vec<(String, String)>,
        /// The OAuth client that signs in when the upstream asks for it (none: no OAuth).
        oauth: Option<OAuthClient>,
    },
    /// A server of the same process, reached in memory (nothing serialized to a pipe): a
    /// server mounted into another.
    Server(Server),
}

impl PartialEq for Target {
    fn eq(&self, other: &Target) -> bool {
        match (self, other) {
            (
                Target::Command { program, args, env, cwd },
                Target::Command { program: program2, args: args2, env: env2, cwd: cwd2 },
            ) => (program, args, env, cwd) == (program2, args2, env2, cwd2),
            (Target::Url { url, headers, oauth }, Target::Url { url: url2, headers: headers2, oauth: oauth2 }) => {
                let same_oauth = match (oauth, oauth2) {
                    (None, None) => true,
                    (Some(a), Some(b)) => std::sync::Arc::ptr_eq(&a.shared, &b.shared),
                    _ => false,
                };
                (url, headers) == (url2, headers2) && same_oauth
            }
            (Target::Server(a), Target::Server(b)) => std::sync::Arc::ptr_eq(&a.shared, &b.shared),
            _ => false,
        }
    }
}

impl Eq for Target {}

/// Restarting a child that died: the first wait, doubled at each failure up to the ceiling,
/// back to the first once a child has lived for `healthy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first wait (default 100 ms).
    pub first: Duration,
    /// The longest wait (default 10 s).
    pub max: Duration,
    /// How long a child must live for the next failure to wait `first` again (default 30 s).
    pub healthy: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { first: Duration::from_millis(100), max: Duration::from_secs(10), healthy: Duration::from_secs(30) }
    }
}

impl Backoff {
    /// A dead child, or one that failed to start, is not started again on its own: the next
    /// one starts when [`Proxy::restart`](super::Proxy::restart) asks for it (a development
    /// server restarted on a change of its source). Meanwhile requests fail at once with the
    /// reason the last one ended or did not start.
    pub const ON_REQUEST: Backoff = Backoff { first: Duration::MAX, max: Duration::MAX, healthy: Duration::MAX };

    /// Whether this is [`Backoff::ON_REQUEST`].
    #[must_use]
    pub fn on_request_only(&self) -> bool {
        self.first == Duration::MAX
    }
}

/// One upstream server behind a proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// The name errors and logs give it.
    pub name: String,
    /// How it is reached.
    pub target: Target,
    /// Shared or per session (default [`Mode::PerSession`]).
    pub mode: Mode,
    /// How long a forwarded call waits for the upstream (restarted by its progress).
    pub call: CallOptions,
    /// How long a request waits for the upstream to be connected (started, or restarted
    /// after it died) before it fails (default 10 s).
    pub connect_timeout: Duration,
    /// How a dead child is restarted.
    pub backoff: Backoff,
    /// How many children may run at once per session or per user (default 256); a session
    /// or user past it is refused.
    pub max_sessions: usize,
    /// How long a child with no request in flight may go without one before it is stopped
    /// (started again at the next request). `None`: the mode's default
    /// ([`Mode::default_idle`]); zero: never.
    pub idle_timeout: Option<Duration>,
    /// Pinging a running child (none by default).
    pub health: Option<HealthCheck>,
    /// When a shared child is started (default [`Start::Eager`]).
    pub start: Start,
    /// The prefix its items are served under (none: their own names): tools and prompts
    /// as `PREFIX_NAME`, resources as `SCHEME://PREFIX/REST` for `SCHEME://REST`.
    pub prefix: Option<String>,
}

impl Upstream {
    fn new(name: impl Into<String>, target: Target) -> Upstream {
        Upstream {
            name: name.into(),
            target,
            mode: Mode::default(),
            call: CallOptions::default(),
            connect_timeout: Duration::from_secs(10),
            backoff: Backoff::default(),
            max_sessions: 256,
            idle_timeout: None,
            health: None,
            start: Start::default(),
            prefix: None,
        }
    }

    /// How long its children may sit idle ([`field@Upstream::idle_timeout`]), or `None`
    /// for never.
    #[must_use]
    pub fn idle_after(&self) -> Option<Duration> {
        match self.idle_timeout {
            Some(idle) if idle.is_zero() => None,
            Some(idle) => Some(idle),
            None => self.mode.default_idle(),
        }
    }

    /// An upstream run as `program` with `args`.
    pub fn command<I, S>(name: impl Into<String>, program: impl Into<PathBuf>, args: I) -> Upstream
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let args = args.into_iter().map(Into::into).collect();
        Upstream::new(name, Target::Command { program: program.into(), args, env: Vec::new(), cwd: None })
    }

    /// An upstream served over Streamable HTTP at `url`.
    pub fn url(name: impl Into<String>, url: impl Into<String>) -> Upstream {
        Upstream::new(name, Target::Url { url: url.into(), headers: Vec::new(), oauth: None })
    }

    /// A server of this process, mounted: its tools, prompts and resources served by the
    /// proxy as if they were the proxy's own (give it a prefix, [`method@Upstream::prefix`], to
    /// keep their names apart from the others'). In [`Mode::PerSession`] each downstream session
    /// is a session of its own on `server`.
    pub fn server(name: impl Into<String>, server: Server) -> Upstream {
        Upstream::new(name, Target::Server(server))
    }

    /// Serves the upstream's items under `prefix` (see [`field@Upstream::prefix`]).
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Shared, per user or per session.
    #[must_use]
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Stops a child idle for `idle` (zero: never; see [`field@Upstream::idle_timeout`]).
    #[must_use]
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = Some(idle);
        self
    }

    /// Pings its running children ([`HealthCheck`]).
    #[must_use]
    pub fn health(mut self, check: HealthCheck) -> Self {
        self.health = Some(check);
        self
    }

    /// When its shared child starts ([`Start`]).
    #[must_use]
    pub fn start(mut self, start: Start) -> Self {
        self.start = start;
        self
    }

    /// Sets an environment variable of the child (a command) or a header (a URL); nothing
    /// for a server of this process.
    #[must_use]
    pub fn setting(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        match &mut self.target {
            Target::Command { env, .. } => env.push((key.into(), value.into())),
            Target::Url { headers, .. } => headers.push((key.into(), value.into())),
            Target::Server(_) => {}
        }
        self
    }

    /// Signs in to the upstream (a URL) with `client` when it answers 401 (the gateway's own
    /// credentials, never a downstream client's); nothing for a command or a server of this
    /// process.
    #[must_use]
    pub fn oauth(mut self, client: OAuthClient) -> Self {
        if let Target::Url { oauth, .. } = &mut self.target {
            *oauth = Some(client);
        }
        self
    }

    /// Runs the child (a command) in `dir`; nothing for a URL or a server of this process.
    #[must_use]
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        if let Target::Command { cwd, .. } = &mut self.target {
            *cwd = Some(dir.into());
        }
        self
    }

    /// How forwarded calls wait.
    #[must_use]
    pub fn call_options(mut self, call: CallOptions) -> Self {
        self.call = call;
        self
    }

    /// How dead children are restarted.
    #[must_use]
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// A transport that opens one connection to the upstream.
    pub(crate) fn transport(&self) -> Opener {
        match &self.target {
            Target::Command { program, args, env, cwd } => {
                let child =
                    env.iter().fold(ChildTransport::new(program).args(args.iter().cloned()), |c, (k, v)| c.env(k, v));
                let child = match cwd {
                    Some(dir) => child.cwd(dir),
                    None => child,
                };
                Opener::Child(child.exit_grace(EXIT_GRACE).stderr_tail(STDERR_TAIL))
            }
            Target::Url { url, headers, oauth } => {
                let http = headers.iter().fold(HttpTransport::new(url), |t, (k, v)| t.header(k, v));
                Opener::Http(match oauth {
                    Some(client) => http.oauth(client.clone()),
                    None => http,
                })
            }
            Target::Server(server) => Opener::Memory(MemoryTransport::new(server.open_link(None))),
        }
    }
}

/// How long a child closed by the gateway may take to exit before its group is killed.
const EXIT_GRACE: Duration = Duration::from_secs(2);
/// How much of a child's stderr is kept, to say why it did not start.
const STDERR_TAIL: usize = 8 * 1024;

/// One of the client's transports, chosen by the upstream's [`Target`].
#[derive(Debug)]
pub(crate) enum Opener {
    Child(ChildTransport),
    Http(HttpTransport),
    Memory(MemoryTransport),
}

impl Opener {
    /// What a child keeps of its stderr (nothing for a URL or a server of this process).
    pub(crate) fn stderr(&self) -> Option<StderrTail> {
        match self {
            Opener::Child(child) => Some(child.stderr()),
            Opener::Http(_) | Opener::Memory(_) => None,
        }
    }
}

impl Transport for Opener {
    fn open(self: Box<Self>, queue: usize) -> BoxFuture<'static, Result<Wire, ClientError>> {
        match *self {
            Opener::Child(child) => Box::new(child).open(queue),
            Opener::Http(http) => Box::new(http).open(queue),
            Opener::Memory(memory) => Box::new(memory).open(queue),
        }
    }
}
