//! An upstream's JSON form ([`Upstream::from_json`]): one server of the `mcpServers`
//! object MCP clients are configured with (`command` with `args`, `env` and `cwd`, or `url`
//! with `headers`), plus the gateway's `mode`, `prefix`, `start`, `idleTimeout`,
//! `healthInterval` and `maxChildren` (times in seconds); other keys clients write there
//! (`type`, `disabled`, ...) are left alone. The gateway's configuration
//! file and the bindings' `Upstream` objects both come through it.

use std::collections::BTreeMap;

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::upstream::{HealthCheck, Mode, Start, Upstream};
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
    start: Option<String>,
    #[serde(rename = "idleTimeout")]
    idle_timeout: Option<f64>,
    #[serde(rename = "healthInterval")]
    health_interval: Option<f64>,
    #[serde(rename = "maxChildren")]
    max_children: Option<usize>,
}

impl Upstream {
    /// The upstream `name` described by `entry`: `{"command", "args", "env", "cwd"}` or
    /// `{"url", "headers"}`, with `"mode"` (`shared`, `per-user` or `per-session`; `default`
    /// when not given), `"prefix"`, `"start"` (`eager` or `lazy`), `"idleTimeout"` (seconds;
    /// 0: never), `"healthInterval"` (seconds) and `"maxChildren"`. The error says what is wrong, naming the upstream.
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
    /// `upstream` with this entry's mode, prefix and children's options.
    fn finish(self, upstream: Upstream, default: Mode) -> Result<Upstream, String> {
        let name = upstream.name.clone();
        let mode = match self.mode.as_deref() {
            None => default,
            Some(m) => Mode::from_name(m)
                .ok_or_else(|| format!("server {name}: mode {m:?}: expected shared, per-user or per-session"))?,
        };
        let mut upstream = upstream.mode(mode);
        if let Some(prefix) = self.prefix {
            upstream = upstream.prefix(prefix);
        }
        if let Some(start) = self.start.as_deref() {
            let start = Start::from_name(start)
                .ok_or_else(|| format!("server {name}: start {start:?}: expected eager or lazy"))?;
            upstream = upstream.start(start);
        }
        if let Some(idle) = self.idle_timeout {
            upstream = upstream.idle_timeout(seconds(&name, "idleTimeout", idle)?);
        }
        if let Some(interval) = self.health_interval {
            let interval = seconds(&name, "healthInterval", interval)?;
            if interval.is_zero() {
                return Err(format!("server {name}: healthInterval must be more than 0"));
            }
            upstream = upstream.health(HealthCheck::every(interval));
        }
        if let Some(max) = self.max_children {
            upstream.max_sessions = max;
        }
        Ok(upstream)
    }
}

/// `value` seconds of option `key` as a duration; a negative or absurd one is refused.
fn seconds(name: &str, key: &str, value: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value).map_err(|_| format!("server {name}: {key} {value}: expected seconds, 0 or more"))
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

    #[test]
    fn an_entry_names_its_childrens_start_idleness_health_and_number() {
        use crate::proxy::{HealthCheck, Start};
        use std::time::Duration;
        let entry = json!({"command": "srv", "mode": "per-user", "start": "lazy", "idleTimeout": 1.5,
                           "healthInterval": 30, "maxChildren": 8});
        let up = Upstream::from_json("s", entry, Mode::Shared).expect("read");
        assert_eq!((up.mode, up.start, up.max_sessions), (Mode::PerUser, Start::Lazy, 8));
        assert_eq!(up.idle_after(), Some(Duration::from_millis(1500)));
        assert_eq!(up.health, Some(HealthCheck::every(Duration::from_secs(30))));
        let never =
            Upstream::from_json("s", json!({"command": "srv", "mode": "per-user", "idleTimeout": 0}), Mode::Shared);
        assert_eq!(never.expect("read").idle_after(), None);
        let defaults = Upstream::from_json("s", json!({"command": "srv", "mode": "per-user"}), Mode::Shared);
        assert_eq!(defaults.expect("read").idle_after(), Some(Duration::from_secs(600)));
        for bad in [json!({"start": "soon"}), json!({"idleTimeout": -1}), json!({"healthInterval": 0})] {
            let mut entry = bad;
            entry["command"] = json!("srv");
            assert!(Upstream::from_json("s", entry, Mode::Shared).is_err());
        }
    }
}
