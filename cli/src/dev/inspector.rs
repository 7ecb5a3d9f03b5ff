//! The official MCP Inspector started beside `dev` ([`Inspector`]): the npm package
//! [`PACKAGE`], pinned, run with `npx --yes` (npm keeps it cached after the first run), or
//! the `mcp-inspector` program [`INSPECTOR_ENV`] names. It is given the server's URL as an
//! ad-hoc Streamable HTTP server (`--server-url URL --transport http`) and an API token of
//! this run (`MCP_INSPECTOR_API_TOKEN`, unless the environment sets one), so the link
//! printed opens the Inspector already connected. Its other settings are its own
//! environment variables (`CLIENT_PORT`, default 6274; `MCP_AUTO_OPEN_ENABLED`; ...). It runs
//! in a process group of its own, stopped as a whole with `dev`.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use crate::interpreters;
use crate::output;

/// The Inspector's npm package and version.
pub(crate) const PACKAGE: &str = "@modelcontextprotocol/inspector@2.12.0";
/// The environment variable naming the Inspector's program (`mcp-inspector`, installed
/// beforehand) to run instead of `npx --yes` [`PACKAGE`].
pub(crate) const INSPECTOR_ENV: &str = "MCPFORGE_INSPECTOR";
/// The Inspector's variable for the token its web page must present.
const TOKEN_ENV: &str = "MCP_INSPECTOR_API_TOKEN";
/// How long the Inspector may take to stop on SIGTERM before its group is killed.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// The Inspector, running.
pub(super) struct Inspector {
    child: tokio::process::Child,
    group: Option<i32>,
}

impl Inspector {
    /// Starts the Inspector for the server at `url`, and says where to open it. When it
    /// cannot be started it says why; `dev` goes on without it.
    pub(super) fn start(url: &str) -> Option<Inspector> {
        let Some((program, mut args)) = command() else {
            output::said(
                "dev",
                &format!(
                    "no npx found (Node.js and npm): the MCP Inspector is not started. Install Node.js 22.19 or later \
                 for it, or connect any MCP client to {url}"
                ),
            );
            return None;
        };
        args.extend(["--server-url", url, "--transport", "http"].map(str::to_owned));
        let token = std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()).unwrap_or_else(fresh_token);
        let mut command = tokio::process::Command::new(&program);
        command.args(&args).env(TOKEN_ENV, &token).stdin(Stdio::null()).kill_on_drop(true);
        #[cfg(unix)]
        command.process_group(0);
        let child = match command.spawn() {
            Ok(child) => child,
            Err(e) => {
                output::said(
                    "dev",
                    &format!(
                        "the MCP Inspector did not start ({}: {e}); connect any MCP client to {url}",
                        program.display()
                    ),
                );
                return None;
            }
        };
        let group = child.id().and_then(|id| i32::try_from(id).ok());
        output::said(
            "dev",
            &format!("starting the MCP Inspector ({}); open it, connected to the server, at", shown(&program, &args)),
        );
        eprintln!("  {}", link(url, &token));
        Some(Inspector { child, group })
    }

    /// Stops the Inspector and whatever it started: SIGTERM to its process group, then
    /// SIGKILL after [`STOP_GRACE`].
    pub(super) async fn stop(mut self) {
        self.signal(Signal::Terminate);
        let _ = tokio::time::timeout(STOP_GRACE, self.child.wait()).await;
        self.signal(Signal::Kill);
        let _ = self.child.wait().await;
        self.group = None;
    }

    fn signal(&mut self, signal: Signal) {
        #[cfg(unix)]
        if let Some(group) = self.group {
            let number = match signal {
                Signal::Terminate => libc::SIGTERM,
                Signal::Kill => libc::SIGKILL,
            };
            // SAFETY: killpg only sends a signal, to the group this process made for the
            // Inspector (process_group(0) at spawn); the group's leader is not reaped before.
            unsafe { libc::killpg(group, number) };
            return;
        }
        if matches!(signal, Signal::Kill) {
            let _ = self.child.start_kill();
        }
    }
}

impl Drop for Inspector {
    fn drop(&mut self) {
        self.signal(Signal::Kill);
    }
}

/// The signals the Inspector's group gets.
#[derive(Clone, Copy)]
enum Signal {
    Terminate,
    Kill,
}

/// Resolves when the Inspector exits, with its status (never without one).
pub(super) async fn exited(inspector: &mut Option<Inspector>) -> String {
    match inspector {
        Some(inspector) => match inspector.child.wait().await {
            Ok(status) => status.to_string(),
            Err(e) => e.to_string(),
        },
        None => std::future::pending().await,
    }
}

/// The program that runs the Inspector, and its first arguments.
fn command() -> Option<(PathBuf, Vec<String>)> {
    if let Some(program) = std::env::var_os(INSPECTOR_ENV).filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(program), Vec::new()));
    }
    // npx on PATH, else beside the Node.js the command was given.
    let beside_node = || {
        let node = interpreters::node().ok()?;
        let npx = node.parent()?.join(if cfg!(windows) { "npx.cmd" } else { "npx" });
        npx.is_file().then_some(npx)
    };
    let npx = interpreters::on_path("npx").or_else(beside_node)?;
    Some((npx, vec!["--yes".to_owned(), PACKAGE.to_owned()]))
}

/// The command line as said to the user.
fn shown(program: &std::path::Path, args: &[String]) -> String {
    let name = program.file_name().map_or_else(|| program.display().to_string(), |n| n.to_string_lossy().into_owned());
    std::iter::once(name).chain(args.iter().cloned()).collect::<Vec<_>>().join(" ")
}

/// The Inspector's page, connected to the server at `url` as it opens (its deep link).
fn link(url: &str, token: &str) -> String {
    let host = std::env::var("HOST").ok().filter(|h| !h.is_empty() && h != "0.0.0.0" && h != "::");
    let port = std::env::var("CLIENT_PORT").ok().filter(|p| !p.trim().is_empty());
    let host = host.as_deref().unwrap_or("127.0.0.1");
    let port = port.as_deref().map_or("6274", str::trim);
    let token = encoded(token);
    format!("http://{host}:{port}/?{TOKEN_ENV}={token}&serverUrl={}&transport=http&autoConnect={token}", encoded(url))
}

/// `text` percent-encoded for a URL's query (every byte but the unreserved ones).
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A token of this run: 128 random bits, in hex.
fn fresh_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No randomness from the system: the standard library's random hash keys of this process.
        use std::hash::{BuildHasher, Hasher};
        let keys = std::collections::hash_map::RandomState::new();
        for (i, half) in bytes.chunks_mut(8).enumerate() {
            let mut hasher = keys.build_hasher();
            hasher.write_usize(i);
            half.copy_from_slice(&hasher.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_carries_the_server_url_encoded_and_the_token_twice() {
        let link = link("http://127.0.0.1:8000/mcp", "ab12");
        assert!(link.ends_with(
            "/?MCP_INSPECTOR_API_TOKEN=ab12&serverUrl=http%3A%2F%2F127.0.0.1%3A8000%2Fmcp&transport=http&autoConnect=ab12"
        ));
        assert_eq!(fresh_token().len(), 32);
        assert_ne!(fresh_token(), fresh_token());
    }
}
