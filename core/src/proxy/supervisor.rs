//! The one shared connection of an upstream, kept up ([`Supervisor`]): opened at start,
//! and when the child dies (or the HTTP stream ends) the calls in flight over it fail at
//! once (the client engine fails every waiting call when its connection ends), the dead
//! child's process group is killed once the last of them lets go of it, and a new child is
//! started after a backoff that doubles at each failure. A child that fails its health
//! checks is given up on the same way (its calls fail at once, saying so). Requests arriving
//! meanwhile wait for the new connection up to the upstream's connect timeout. A restart
//! asked for ([`Supervisor::restart`]) replaces the connection at once, whatever the
//! backoff; with [`Backoff::ON_REQUEST`](super::Backoff::ON_REQUEST) nothing else does, and
//! requests fail at once while the last child is dead or did not start. A shared upstream
//! started lazily, or idle past its idle timeout, is stopped (dormant, not failed) until a
//! request asks for it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::conn::{Asks, Conn, Events, connect};
use super::health;
use super::upstream::{Mode, Start, Upstream};
use crate::client::ClientError;
use crate::error::ProtocolError;

/// Called with each new connection before requests may use it (the catalogue is listed).
pub(crate) type OnConnect = Arc<dyn Fn(Arc<Conn>) -> BoxFuture<'static, ()> + Send + Sync>;

/// How the last start of a connection went.
#[derive(Debug, Clone, Default)]
struct Attempt {
    /// The number of the last restart asked for before it started (0: none).
    serves: u64,
    /// Why it did not start, or why its connection ended; none while it is up.
    failed: Option<String>,
    /// Whether the next start waits for a restart to be asked for.
    parked: bool,
    /// How many starts have ended (up, failed or stopped).
    tries: u64,
}

/// The shared connection of one upstream, restarted when it ends.
pub(crate) struct Supervisor {
    name: String,
    current: watch::Receiver<Option<Arc<Conn>>>,
    asked: watch::Sender<u64>,
    /// Bumped by a request that found no connection: wakes a dormant upstream.
    demand: watch::Sender<u64>,
    attempts: watch::Receiver<Attempt>,
    stop: CancellationToken,
}

impl Supervisor {
    /// Starts connecting to `upstream` in a task of its own, which runs until `stop`.
    pub(crate) fn start(
        upstream: Arc<Upstream>,
        events: Events,
        on_connect: OnConnect,
        stop: CancellationToken,
    ) -> Self {
        let (publish, current) = watch::channel(None);
        let (asked, restarts) = watch::channel(0);
        let (outcome, attempts) = watch::channel(Attempt::default());
        let (demand, wanted) = watch::channel(0);
        let name = upstream.name.clone();
        let task = KeepUp { upstream, events, on_connect, publish, restarts, wanted, outcome, stop: stop.clone() };
        tokio::spawn(task.run());
        Supervisor { name, current, asked, demand, attempts, stop }
    }

    /// The live connection, if there is one now.
    pub(crate) fn now(&self) -> Option<Arc<Conn>> {
        self.current.borrow().as_ref().filter(|c| !c.is_done()).cloned()
    }

    /// Waits (at most `wait`) for the first start to end, and says why it failed if it did.
    pub(crate) async fn first_start(&self, wait: Duration) -> Result<(), String> {
        let mut attempts = self.attempts.clone();
        match tokio::time::timeout(wait, attempts.wait_for(|a| a.tries > 0)).await {
            Ok(Ok(attempt)) => attempt.failed.clone().map_or(Ok(()), Err),
            Ok(Err(_)) => Err(format!("upstream {} is stopped", self.name)),
            Err(_) => Err(format!("upstream {} did not start within {wait:?}", self.name)),
        }
    }

    /// Why no connection is up now: why the last one did not start or ended (none while one
    /// is up, or before the first start ends).
    pub(crate) fn failure(&self) -> Option<String> {
        if self.now().is_some() {
            return None;
        }
        self.attempts.borrow().failed.clone()
    }

    /// The live connection, waiting for one at most `wait` (not at all when the upstream
    /// waits for a restart to be asked for).
    pub(crate) async fn conn(&self, wait: Duration) -> Result<Arc<Conn>, ProtocolError> {
        if let Some(conn) = self.now() {
            return Ok(conn);
        }
        self.demand.send_modify(|n| *n += 1);
        let mut current = self.current.clone();
        let mut attempts = self.attempts.clone();
        let live = |c: &Option<Arc<Conn>>| c.as_ref().is_some_and(|c| !c.is_done());
        let parked = |a: &Attempt| a.parked && a.failed.is_some();
        let found = tokio::select! {
            () = self.stop.cancelled() => None,
            found = tokio::time::timeout(wait, current.wait_for(live)) => found.ok().and_then(Result::ok).and_then(|c| c.clone()),
            Ok(attempt) = attempts.wait_for(parked) => {
                let why = attempt.failed.clone().unwrap_or_default();
                return Err(ProtocolError::internal(format!("upstream {} is not running: {why}", self.name)));
            }
        };
        found.ok_or_else(|| {
            let last = self.attempts.borrow().failed.clone();
            let why = last.map(|why| format!("; its last start failed: {why}")).unwrap_or_default();
            ProtocolError::internal(format!(
                "upstream {} is not available (not connected within {wait:?}){why}",
                self.name
            ))
        })
    }

    /// Replaces the connection now: the current one is let go (calls in flight over it end
    /// there; its child is stopped when the last of them lets go of it) and a new one is
    /// started at once, whatever the backoff. Returns once the new one is up and its
    /// catalogue listed, or why it did not start, waiting at most `wait`.
    pub(crate) async fn restart(&self, wait: Duration) -> Result<(), String> {
        let mut number = 0;
        self.asked.send_modify(|n| {
            *n += 1;
            number = *n;
        });
        let mut attempts = self.attempts.clone();
        let served = tokio::select! {
            () = self.stop.cancelled() => return Err(format!("upstream {} is stopped", self.name)),
            served = tokio::time::timeout(wait, attempts.wait_for(|a| a.serves >= number)) => served,
        };
        match served {
            Ok(Ok(attempt)) => match &attempt.failed {
                None => Ok(()),
                Some(why) => Err(why.clone()),
            },
            Ok(Err(_)) => Err(format!("upstream {} is stopped", self.name)),
            Err(_) => Err(format!("upstream {} did not start within {wait:?}", self.name)),
        }
    }
}

/// The task that keeps one upstream's shared connection up.
struct KeepUp {
    upstream: Arc<Upstream>,
    events: Events,
    on_connect: OnConnect,
    publish: watch::Sender<Option<Arc<Conn>>>,
    restarts: watch::Receiver<u64>,
    wanted: watch::Receiver<u64>,
    outcome: watch::Sender<Attempt>,
    stop: CancellationToken,
}

/// Why a connection that was up was let go.
enum End {
    /// The child exited, or the HTTP stream ended.
    Exited,
    /// A restart was asked for.
    Asked,
    /// It failed its health checks, as said.
    Unhealthy(String),
    /// Nothing used it for its idle timeout (or it started lazily and is listed).
    Idle,
}

impl KeepUp {
    async fn run(mut self) {
        let backoff = self.upstream.backoff;
        let parked = backoff.on_request_only();
        let name = self.upstream.name.clone();
        let mut wait = backoff.first;
        let mut tries = 0;
        let mut ever_up = false;
        loop {
            let serves = *self.restarts.borrow_and_update();
            let started = Instant::now();
            let opened = tokio::select! {
                () = self.stop.cancelled() => return,
                // Asked again while starting: start anew, from the newest source.
                () = asked(&mut self.restarts) => continue,
                opened = connect(&self.upstream, Asks::ALL, self.events.clone()) => opened,
            };
            match opened {
                Ok(conn) => {
                    let conn = Arc::new(conn);
                    (self.on_connect)(conn.clone()).await;
                    self.publish.send_replace(Some(conn.clone()));
                    tries += 1;
                    self.outcome.send_replace(Attempt { serves, failed: None, parked: false, tries });
                    let idle = self.idle_limit(!std::mem::replace(&mut ever_up, true));
                    let end = tokio::select! {
                        () = self.stop.cancelled() => {
                            self.publish.send_replace(None);
                            return;
                        }
                        () = conn.client.closed() => End::Exited,
                        () = asked(&mut self.restarts) => End::Asked,
                        why = health::unhealthy(&name, &conn, self.upstream.health) => End::Unhealthy(why),
                        () = until_idle(&conn, idle) => End::Idle,
                    };
                    let in_flight = conn.routes.len();
                    let failed = match end {
                        End::Asked => {
                            self.publish.send_replace(None);
                            drop(conn);
                            tracing::info!(upstream = %name, in_flight, "restarting the upstream, as asked");
                            wait = backoff.first;
                            continue;
                        }
                        End::Idle => {
                            // What a request asks from now on wakes it.
                            self.wanted.borrow_and_update();
                            self.publish.send_replace(None);
                            // A request that took it just before serves on it; the child
                            // then goes with that request's hold.
                            close(conn);
                            tracing::info!(upstream = %name, "the upstream is idle; stopped until a request needs it");
                            if !self.dormant(serves, tries).await {
                                return;
                            }
                            wait = backoff.first;
                            continue;
                        }
                        End::Unhealthy(why) => {
                            tracing::warn!(upstream = %name, in_flight, "killing the upstream: {why}");
                            conn.give_up(why.clone());
                            why
                        }
                        End::Exited => "its process exited".to_owned(),
                    };
                    self.publish.send_replace(None);
                    drop(conn);
                    if started.elapsed() >= backoff.healthy {
                        wait = backoff.first;
                    }
                    tries += 1;
                    self.outcome.send_replace(Attempt { serves, failed: Some(failed), parked, tries });
                    if parked {
                        tracing::warn!(upstream = %name, in_flight, "the upstream ended; it starts again when a restart is asked for");
                    } else {
                        tracing::warn!(upstream = %name, in_flight, "the upstream ended; restarting it in {wait:?}");
                    }
                }
                Err(e) => {
                    let why = match e {
                        ClientError::Transport(why) => why,
                        other => other.to_string(),
                    };
                    if parked {
                        tracing::warn!(upstream = %name, "the upstream did not start: {why}");
                    } else {
                        tracing::warn!(upstream = %name, "the upstream did not start: {why}; again in {wait:?}");
                    }
                    tries += 1;
                    self.outcome.send_replace(Attempt { serves, failed: Some(why), parked, tries });
                }
            }
            let restarted = tokio::select! {
                () = self.stop.cancelled() => return,
                () = tokio::time::sleep(wait) => false,
                () = asked(&mut self.restarts) => true,
            };
            wait = if restarted { backoff.first } else { wait.saturating_mul(2).min(backoff.max) };
        }
    }
}

impl KeepUp {
    /// How long the connection may sit idle: only a shared upstream's is stopped (the
    /// others' is the catalogue's source), its first one at once when it starts lazily.
    fn idle_limit(&self, first: bool) -> Option<Duration> {
        if self.upstream.mode != Mode::Shared {
            return None;
        }
        if first && self.upstream.start == Start::Lazy {
            return Some(Duration::ZERO);
        }
        self.upstream.idle_after()
    }

    /// Waits, stopped, until a request or a restart asks for the upstream; false when the
    /// supervisor stops meanwhile.
    async fn dormant(&mut self, serves: u64, tries: u64) -> bool {
        self.outcome.send_replace(Attempt { serves, failed: None, parked: false, tries });
        tokio::select! {
            () = self.stop.cancelled() => false,
            () = asked(&mut self.restarts) => true,
            () = asked(&mut self.wanted) => true,
        }
    }
}

/// Returns once `conn` has been idle for `limit`; never without a limit.
async fn until_idle(conn: &Conn, limit: Option<Duration>) {
    match limit {
        Some(limit) => conn.activity.until_idle(limit).await,
        None => std::future::pending().await,
    }
}

/// Closes a connection gracefully when nothing else holds it (else the last holder's drop
/// kills its child's process group).
pub(crate) fn close(conn: Arc<Conn>) {
    if let Ok(conn) = Arc::try_unwrap(conn) {
        tokio::spawn(conn.client.close());
    }
}

/// Waits for a restart to be asked for (never, once the supervisor is gone).
async fn asked(restarts: &mut watch::Receiver<u64>) {
    if restarts.changed().await.is_err() {
        std::future::pending::<()>().await;
    }
}
