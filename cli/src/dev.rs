//! `dev`: a server under development served over Streamable HTTP on 127.0.0.1 through the
//! gateway's proxy, the server one shared child whose catalogue the proxy follows. When a
//! source file under the watched folders changes the child is restarted ([`Proxy::restart`])
//! and its catalogue read again, so connected clients (the MCP Inspector, started beside it)
//! stay connected and get `list_changed`. A child that fails to start is said on stderr and
//! started again at the next change; the endpoint stays up meanwhile, and calls fail with
//! the reason. Ctrl-C or SIGTERM stops the listener, the child and the Inspector.

mod inspector;
mod logs;
mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use mcpforge::proxy::{Backoff, Mode, Proxy, Upstream};
use mcpforge::{HttpOptions, Server};

use crate::args::DevArgs;
use crate::failure::Failure;
use crate::output;
use crate::target::{self, ServerFile};
use inspector::Inspector;
use watch::Watcher;

/// The port served when `--port` is not given (the same as `run --transport http`).
const DEFAULT_PORT: u16 = 8000;
/// How long the listener may take to close its connections once asked to stop.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// What `dev` serves and watches.
struct Plan {
    /// The server's name: the upstream's and the proxy's.
    name: String,
    program: String,
    args: Vec<String>,
    watched: Vec<PathBuf>,
    bind: SocketAddr,
}

impl Plan {
    fn of(args: &DevArgs) -> Result<Plan, Failure> {
        let (server, folder) = match (args.target.as_deref(), args.command.is_empty()) {
            (Some(url), true) if url.starts_with("http://") || url.starts_with("https://") => {
                return Err(Failure::usage(format!(
                    "{url}: dev serves a server file or a command (a server behind a URL is not started here)"
                )));
            }
            (Some(file), true) => {
                let file = ServerFile::parse(file);
                (file.command()?, file.dir())
            }
            (target, _) => {
                let cwd = std::env::current_dir().map_err(|e| Failure::new(format!("the working directory: {e}")))?;
                (target::resolve(target, &args.command)?, cwd)
            }
        };
        let target::Server::Command { program, args: arguments } = server else {
            return Err(Failure::usage("dev serves a server file or a command"));
        };
        let watched = if args.watch.is_empty() { vec![folder] } else { args.watch.clone() };
        let host = args.host.as_deref().unwrap_or("127.0.0.1");
        let port = args.port.unwrap_or(DEFAULT_PORT);
        let bind = format!("{host}:{port}")
            .parse()
            .or_else(|_| format!("[{host}]:{port}").parse())
            .map_err(|_| Failure::usage(format!("--host {host}: not an IP address")))?;
        Ok(Plan {
            name: target::default_name(args.target.as_deref(), &args.command),
            program,
            args: arguments,
            watched,
            bind,
        })
    }

    fn upstream(&self) -> Upstream {
        Upstream::command(&self.name, &self.program, self.args.clone()).mode(Mode::Shared).backoff(Backoff::ON_REQUEST)
    }
}

/// `dev`: serves until Ctrl-C or SIGTERM (status 0), or until the listener fails (1).
pub(crate) fn run(args: DevArgs) -> Result<i32, Failure> {
    let plan = Plan::of(&args)?;
    let watcher = Watcher::start(&plan.watched)?;
    logs::init();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(serve(plan, watcher, !args.no_inspector))
}

async fn serve(plan: Plan, mut watcher: Watcher, with_inspector: bool) -> Result<i32, Failure> {
    let builder = Server::builder(&plan.name, env!("CARGO_PKG_VERSION"));
    let proxy = Proxy::start(builder, vec![plan.upstream()])
        .await
        .map_err(|e| Failure::new(format!("cannot serve {}: {e}", plan.name)))?;
    let options = HttpOptions { handle_signals: false, ..HttpOptions::new(plan.bind) };
    let http = proxy.server().bind_http(options).await.map_err(|e| Failure::new(format!("{}: {e}", plan.bind)))?;
    let addr = http.local_addr().map_err(|e| Failure::new(format!("{}: {e}", plan.bind)))?;
    let url = format!("http://{}/mcp", endpoint(addr));
    say(&format!("serving {} over Streamable HTTP at {url}", plan.name));
    match proxy.failure(&plan.name) {
        Some(why) => said_failed(&why),
        None => say(&format!("the server is up; its catalogue is served at {url}")),
    }
    let folders: Vec<String> = plan.watched.iter().map(|d| d.display().to_string()).collect();
    say(&format!("watching {} for changes; Ctrl-C stops", folders.join(", ")));
    let mut listener = tokio::spawn(http.run());
    let mut inspector = if with_inspector { Inspector::start(&url) } else { None };
    let status = loop {
        tokio::select! {
            () = stopped() => break 0,
            served = &mut listener => {
                let why = match served {
                    Ok(Ok(())) => "it stopped".to_owned(),
                    Ok(Err(e)) => e.to_string(),
                    Err(e) => e.to_string(),
                };
                say(&format!("the HTTP listener failed: {why}"));
                break 1;
            }
            changed = watcher.changed() => {
                say(&format!("{} changed; restarting the server", changed.display()));
                match proxy.restart(&plan.name).await {
                    Ok(()) => say("restarted"),
                    Err(why) => said_failed(&why),
                }
            }
            status = inspector::exited(&mut inspector) => {
                say(&format!("the MCP Inspector exited ({status}); the server goes on serving at {url}"));
                inspector = None;
            }
        }
    };
    proxy.server().shutdown();
    let _ = tokio::time::timeout(STOP_GRACE, &mut listener).await;
    listener.abort();
    if let Some(inspector) = inspector {
        inspector.stop().await;
    }
    proxy.close();
    Ok(status)
}

/// The host and port of a URL for `addr` (an unspecified address reached at loopback).
fn endpoint(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v4) if v4.ip().is_unspecified() => format!("127.0.0.1:{}", v4.port()),
        SocketAddr::V6(v6) if v6.ip().is_unspecified() => format!("[::1]:{}", v6.port()),
        other => other.to_string(),
    }
}

/// Says that the server did not start: the first line of why (what the child wrote on its
/// stderr has been printed as it came).
fn said_failed(why: &str) {
    let first = why.lines().next().unwrap_or(why);
    let first = first.split_once("; its stderr ended with:").map_or(first, |(head, _)| head);
    say(&format!("the server did not start ({first}); it starts again at the next change"));
}

/// One line of the command's own on stderr.
fn say(line: &str) {
    output::said("dev", line);
}

/// Resolves at Ctrl-C or SIGTERM.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
