//! The one shared connection of an upstream, kept up ([`Supervisor`]): opened at start,
//! and when the child dies (or the HTTP stream ends) the calls in flight over it fail at
//! once (the client engine fails every waiting call when its connection ends), the dead
//! child's process group is killed once the last of them lets go of it, and a new child is
//! started after a backoff that doubles at each failure. Requests arriving meanwhile wait
//! for the new connection up to the upstream's connect timeout.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::conn::{Asks, Conn, Events, connect};
use super::upstream::Upstream;
use crate::error::ProtocolError;

/// Called with each new connection before requests may use it (the catalogue is listed).
pub(crate) type OnConnect = Arc<dyn Fn(Arc<Conn>) -> BoxFuture<'static, ()> + Send + Sync>;

/// The shared connection of one upstream, restarted when it ends.
pub(crate) struct Supervisor {
    name: String,
    current: watch::Receiver<Option<Arc<Conn>>>,
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
        let name = upstream.name.clone();
        tokio::spawn(keep_up(upstream, events, on_connect, publish, stop.clone()));
        Supervisor { name, current, stop }
    }

    /// The live connection, if there is one now.
    pub(crate) fn now(&self) -> Option<Arc<Conn>> {
        self.current.borrow().as_ref().filter(|c| !c.client.is_closed()).cloned()
    }

    /// The live connection, waiting for one at most `wait`.
    pub(crate) async fn conn(&self, wait: Duration) -> Result<Arc<Conn>, ProtocolError> {
        if let Some(conn) = self.now() {
            return Ok(conn);
        }
        let mut current = self.current.clone();
        let live = |c: &Option<Arc<Conn>>| c.as_ref().is_some_and(|c| !c.client.is_closed());
        let found = tokio::select! {
            () = self.stop.cancelled() => None,
            found = tokio::time::timeout(wait, current.wait_for(live)) => found.ok().and_then(Result::ok).and_then(|c| c.clone()),
        };
        found.ok_or_else(|| {
            ProtocolError::internal(format!("upstream {} is not available (not connected within {wait:?})", self.name))
        })
    }
}

async fn keep_up(
    upstream: Arc<Upstream>,
    events: Events,
    on_connect: OnConnect,
    publish: watch::Sender<Option<Arc<Conn>>>,
    stop: CancellationToken,
) {
    let backoff = upstream.backoff;
    let mut wait = backoff.first;
    loop {
        let started = Instant::now();
        let opened = tokio::select! {
            () = stop.cancelled() => return,
            opened = connect(&upstream, Asks::ALL, events.clone()) => opened,
        };
        match opened {
            Ok(conn) => {
                let conn = Arc::new(conn);
                on_connect(conn.clone()).await;
                publish.send_replace(Some(conn.clone()));
                tokio::select! {
                    () = stop.cancelled() => {
                        publish.send_replace(None);
                        return;
                    }
                    () = conn.client.closed() => {}
                }
                publish.send_replace(None);
                let in_flight = conn.routes.len();
                drop(conn);
                if started.elapsed() >= backoff.healthy {
                    wait = backoff.first;
                }
                tracing::warn!(upstream = %upstream.name, in_flight, "the upstream ended; restarting it in {wait:?}");
            }
            Err(e) => tracing::warn!(upstream = %upstream.name, "the upstream did not start: {e}; again in {wait:?}"),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
        wait = (wait * 2).min(backoff.max);
    }
}
