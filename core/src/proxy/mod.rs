//! The gateway's engine: a server whose catalogue and requests are its upstream MCP
//! servers' ([`Proxy`]). Each [`Upstream`] is reached by the client engine (a command run
//! as a child process, or a Streamable HTTP URL), shared by every downstream client or run
//! once per user or per session ([`Mode`]), started with the proxy or lazily ([`Start`]),
//! stopped when idle and health-checked ([`HealthCheck`]); the proxy lists its tools, prompts, resources and templates,
//! follows its list changes, and forwards `tools/call`, `resources/read`, `prompts/get`,
//! `completion/complete`, subscriptions and log levels to it, routing the upstream's
//! progress and requests back to the downstream client they belong to. Everything else,
//! every wire, auth, limits, rate limits, catalogues and metrics, is the server's own.
//!
//! ```no_run
//! use mcpforge::proxy::{Mode, Proxy, Upstream};
//! use mcpforge::{HttpOptions, Server};
//!
//! # async fn run() -> Result<(), mcpforge::Error> {
//! let upstream = Upstream::command("time", "uvx", ["mcp-server-time"]).mode(Mode::Shared);
//! let proxy = Proxy::start(Server::builder("gateway", "1.0.0"), vec![upstream]).await?;
//! proxy.server().serve_http(HttpOptions::new("127.0.0.1:3000".parse().unwrap())).await?;
//! # Ok(()) }
//! ```

mod conn;
mod entry;
mod forward;
mod health;
mod hooks;
mod idle;
mod linked;
mod mirror;
mod naming;
mod pool;
mod routes;
mod supervisor;
mod upstream;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use tokio_util::sync::CancellationToken;

pub use upstream::{Backoff, HealthCheck, Mode, Start, Target, Upstream};

use crate::error::Error;
use crate::middleware::Middleware;
use crate::server::{Server, ServerBuilder};
use linked::Linked;
use pool::Pool;
use supervisor::{OnConnect, Supervisor};

/// A running proxy: its [`Server`] (serve it on any transport) and its upstreams' children.
/// [`Proxy::close`] (or dropping it) stops the children.
pub struct Proxy {
    server: Server,
    linked: Vec<Arc<Linked>>,
    stop: CancellationToken,
    /// The middleware relaying subscriptions and log levels to these upstreams.
    relay: Arc<dyn Middleware>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.linked.iter().map(|l| l.upstream.name.as_str()).collect();
        f.debug_struct("Proxy").field("upstreams", &names).finish_non_exhaustive()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

impl Server {
    /// A server whose catalogue is `upstream`'s, every request forwarded to it (see
    /// [`Proxy::start`]).
    pub async fn proxy(upstream: Upstream) -> Result<Proxy, Error> {
        Proxy::start(Server::builder("mcpforge-gateway", env!("CARGO_PKG_VERSION")), vec![upstream]).await
    }

    /// Mounts `upstream` into this server (see [`Proxy::attach`]): a server of the same
    /// process ([`Upstream::server`]), a command or a URL, its items served beside this
    /// server's own under its prefix. The mount lasts as long as the returned [`Proxy`]
    /// (dropping it stops the upstream's children).
    pub async fn mount(&self, upstream: Upstream) -> Proxy {
        Proxy::attach(self.clone(), vec![upstream]).await
    }
}

impl Proxy {
    /// Builds `builder` (with its options as given: limits, hooks, logging, ...) into a
    /// server serving the catalogues of `upstreams`, and connects to each, waiting at most
    /// its connect timeout for its first catalogue (an upstream not up by then keeps being
    /// started in the background, and its items appear when it is). An item whose name
    /// another upstream already serves is left out, with a warning.
    pub async fn start(builder: ServerBuilder, upstreams: Vec<Upstream>) -> Result<Proxy, Error> {
        let server = builder.enable_tools().enable_resources().enable_prompts().build()?;
        Ok(Self::attach(server, upstreams).await)
    }

    /// Mounts `upstreams` into `server`, a server already built (and maybe serving): their
    /// items are registered beside its own as they are listed, under each upstream's
    /// prefix, and served with its catalogues, limits and middleware. Completions it does not
    /// claim go to the server's own fallback provider, if it had one. Waits, as
    /// [`Proxy::start`] does, for each upstream's first catalogue.
    pub async fn attach(server: Server, upstreams: Vec<Upstream>) -> Proxy {
        let stop = CancellationToken::new();
        // The handlers need the server to register: they are made after it.
        let linked: Vec<Arc<Linked>> =
            upstreams.into_iter().map(|upstream| Arc::new(Linked::new(Arc::new(upstream)))).collect();
        let before = server.shared.registry.snapshot().completions.fallback();
        let completion = Arc::new(forward::Completion { linked: linked.clone(), before });
        server.add_completion(None, completion);
        let relay: Arc<dyn Middleware> = Arc::new(hooks::Relay { linked: linked.clone() });
        server.pin_middleware(relay.clone());
        linked.iter().for_each(|l| Self::run(&server, l, &stop));
        let proxy = Proxy { server, linked, stop, relay };
        for linked in &proxy.linked {
            if let Some(main) = linked.main.get() {
                // Waits for the first start, not for a connection: a lazy one is stopped once listed.
                if let Err(why) = main.first_start(linked.upstream.connect_timeout).await {
                    tracing::warn!(upstream = %linked.upstream.name, "{why}");
                }
            }
        }
        proxy
    }

    /// Starts one upstream's connections and the following of its lists.
    fn run(server: &Server, linked: &Arc<Linked>, stop: &CancellationToken) {
        let upstream = linked.upstream.clone();
        if upstream.mode != Mode::Shared {
            let events = mirror::session_events(server.clone(), linked.naming.clone());
            let _ = linked.pool.set(Pool::start(upstream.clone(), events, stop.clone()));
        }
        let weak = Arc::downgrade(linked);
        let events = mirror::shared_events(server.clone(), weak.clone());
        let on_connect: OnConnect = {
            let (server, weak) = (server.clone(), weak.clone());
            Arc::new(move |conn| -> BoxFuture<'static, ()> {
                let (server, weak) = (server.clone(), weak.clone());
                Box::pin(async move {
                    if let Some(linked) = weak.upgrade() {
                        mirror::refresh_all(&server, &linked, &conn).await;
                    }
                })
            })
        };
        let main = Supervisor::start(upstream, events, on_connect, stop.clone());
        let _ = linked.main.set(main);
        tokio::spawn(mirror::follow_changes(server.clone(), weak, stop.clone()));
    }

    /// The proxy's server.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// How many per-session or per-user connections upstream `name` has open now (0 for a
    /// shared one).
    pub fn session_children(&self, name: &str) -> usize {
        let linked = self.linked.iter().find(|l| l.upstream.name == name);
        linked.and_then(|l| l.pool.get()).map_or(0, |s| s.len())
    }

    /// Whether upstream `name`'s shared connection is up and answered its last health
    /// check ([`HealthCheck`]; up is enough without checks): `false` while a check fails,
    /// while it is down or stopped for idleness, and for no such upstream.
    pub fn healthy(&self, name: &str) -> bool {
        let linked = self.linked.iter().find(|l| l.upstream.name == name);
        linked.and_then(|l| l.main_now()).is_some_and(|conn| conn.pings.healthy())
    }

    /// Restarts upstream `name` now, whatever its backoff: its shared connection is let go
    /// (calls in flight over it finish there, then its child is stopped) and a new one is
    /// started, whose catalogue replaces the old one (clients get `list_changed` for the
    /// lists that changed). Returns once the new connection is up and listed, or with why
    /// it did not start (for a child, with the end of its stderr), waiting at most the
    /// upstream's connect timeout. Per-session connections are not touched.
    pub async fn restart(&self, name: &str) -> Result<(), String> {
        let linked = self.linked.iter().find(|l| l.upstream.name == name);
        match linked.and_then(|l| l.main.get().map(|main| (main, l.upstream.connect_timeout))) {
            Some((main, wait)) => main.restart(wait).await,
            None => Err(format!("no upstream named {name}")),
        }
    }

    /// Why upstream `name`'s shared connection is down now: why its last child did not start
    /// or ended (none while it is up, before its first start ends, or for no such upstream).
    pub fn failure(&self, name: &str) -> Option<String> {
        let linked = self.linked.iter().find(|l| l.upstream.name == name)?;
        linked.main.get()?.failure()
    }

    /// Stops every upstream's children (the shared ones and the per-session ones).
    pub fn close(self) {
        self.stop.cancel();
    }

    /// Takes these upstreams out of the server, which serves on with the rest: their items
    /// are unregistered (the server's clients are told each list that changed), nothing
    /// more is forwarded to them or relayed, and their children are stopped (calls in flight
    /// fail). What [`Proxy::attach`] mounted one by one can so be taken out one by one: a
    /// gateway reloading its configuration.
    pub fn detach(self) {
        for linked in &self.linked {
            linked.detached.store(true, std::sync::atomic::Ordering::Release);
            mirror::forget(&self.server, linked);
        }
        self.server.unpin_middleware(&self.relay);
        self.stop.cancel();
    }
}
