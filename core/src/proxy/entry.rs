//! An upstream's JSON form ([`Upstream::from_json`]): one server of the `mcpServers`
//! object MCP clients are configured with (`command` with `args`, `env` and `cwd`, or `url`
//! with `headers`), plus the gateway's `mode` and `prefix`; other keys clients write there
//! (`type`, `disabled`, ...) are left alone. The gateway's configuration
//! file and the bindings' `Upstream` objects both come through it.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::upstream::{Mode, Upstream};
use crate::server::Server;

/// One server of `mcpServers`.
#[derive(Debug, Deserialize)]
struct Entry {
    command: Option<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    cwd: Option<String>,
    url: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    mode: Option<String>,
    prefix: Option<String>,
}

impl Upstream {
    /// The upstream `name` described by `entry`: `{"command", "args", "env", "cwd"}` or
    /// `{"url", "headers"}`, with `"mode"` (`shared` or `per-session`; `default` when not
    /// given) and `"prefix"`. The error says what is wrong, naming the upstream.
    pub fn from_json(name: &str, entry: Value, default: Mode) -> Result<Upstream, String> {
        let entry: Entry = serde_json::from_value(entry).map_err(|e| format!("server {name}: {e}"))?;
        let upstream = match (entry.command.clone(), entry.url.clone()) {
            (Some(command), None) => {
                let base = Upstream::command(name, command, entry.args.clone());
                let base = entry.env.iter().fold(base, |u, (k, v)| u.setting(k, v));
                match &entry.cwd {
                    Some(dir) => base.cwd(dir),
                    None => base,
                }
            }
            (None, Some(url)) => entry.headers.iter().fold(Upstream::url(name, url), |u, (k, v)| u.setting(k, v)),
            _ => return Err(format!("server {name}: give either command or url")),
        };
        entry.finish(upstream, default)
    }

    /// The server `server` of this process mounted as the upstream `name`, with `entry`'s
    /// `"mode"` (`default` when not given) and `"prefix"`; `entry` names no command or URL.
    pub fn server_from_json(name: &str, server: Server, entry: Value, default: Mode) -> Result<Upstream, String> {
        let entry: Entry = serde_json::from_value(entry).map_err(|e| format!("server {name}: {e}"))?;
        if entry.command.is_some() || entry.url.is_some() {
            return Err(format!("server {name}: a server of this process has no command or url"));
        }
        entry.finish(Upstream::server(name, server), default)
    }
}

impl Entry {
    /// `upstream` with this entry's mode and prefix.
    fn finish(self, upstream: Upstream, default: Mode) -> Result<Upstream, String> {
        let mode = match self.mode.as_deref() {
            None => default,
            Some(m) => Mode::from_name(m)
                .ok_or_else(|| format!("server {}: mode {m:?}: expected shared or per-session", upstream.name))?,
        };
        let upstream = upstream.mode(mode);
        Ok(match self.prefix {
            Some(prefix) => upstream.prefix(prefix),
            None => upstream,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Mode, Upstream};
    use crate::proxy::Target;

    #[test]
    fn a_command_entry_keeps_its_arguments_environment_and_directory() {
        let entry = json!({"command": "srv", "args": ["-v"], "env": {"K": "V"}, "cwd": "/tmp", "prefix": "p"});
        let up = Upstream::from_json("s", entry, Mode::Shared).expect("read");
        assert_eq!(up.mode, Mode::Shared);
        assert_eq!(up.prefix.as_deref(), Some("p"));
        let Target::Command { args, env, cwd, .. } = &up.target else { panic!("not a command") };
        assert_eq!((args.as_slice(), env.as_slice()), (&["-v".to_owned()][..], &[("K".into(), "V".into())][..]));
        assert_eq!(cwd.as_deref(), Some(std::path::Path::new("/tmp")));
    }

    #[test]
    fn an_entry_needs_one_target_and_a_known_mode() {
        assert!(Upstream::from_json("s", json!({}), Mode::Shared).unwrap_err().contains("either command or url"));
        let both = json!({"command": "a", "url": "http://127.0.0.1:1/mcp"});
        assert!(Upstream::from_json("s", both, Mode::Shared).is_err());
        let bad = json!({"url": "http://127.0.0.1:1/mcp", "mode": "pooled"});
        assert!(Upstream::from_json("s", bad, Mode::Shared).unwrap_err().contains("per-session"));
    }
}
