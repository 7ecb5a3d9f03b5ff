//! The `mcpforge-gateway` command's configuration: the upstreams from a JSON file in the
//! `mcpServers` form MCP clients use (each server a `command` with `args` and `env`, or a
//! `url` with `headers`; `mode` chooses `shared` or `per-session`), the engine's server
//! options (`server`) and HTTP options (`http`), or one upstream command from the command
//! line after `--`.

use std::collections::BTreeMap;

use mcpforge::proxy::{Mode, Upstream};
use serde::Deserialize;
use serde_json::Value;

/// The usage line of the command.
pub const USAGE: &str = "usage: mcpforge-gateway [--config FILE] [--http HOST:PORT] [--mode shared|per-session] \
                         [-- COMMAND ARGS...]  (without --http: serve stdio)";

/// The configuration file.
#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default, rename = "mcpServers")]
    servers: BTreeMap<String, Value>,
    /// The engine's server options (`ServerBuilder::from_json`).
    #[serde(default)]
    server: Value,
    /// The engine's HTTP options (`HttpOptions::from_json`).
    #[serde(default)]
    http: Value,
}

/// What the gateway serves and how.
#[derive(Debug)]
pub struct Config {
    /// The upstreams.
    pub upstreams: Vec<Upstream>,
    /// The server options, as JSON (`null`: defaults).
    pub server: Value,
    /// The HTTP options, as JSON, when serving HTTP; `None` to serve stdio.
    pub http: Option<Value>,
}

fn mode(name: Option<&str>, default: Mode) -> Result<Mode, String> {
    match name {
        None => Ok(default),
        Some(name) => Mode::from_name(name).ok_or_else(|| format!("mode {name:?}: expected shared or per-session")),
    }
}

/// Reads the command line (`args` without the program's name), and the file it names.
pub fn parse(args: &[String]) -> Result<Config, String> {
    let (flags, command) = match args.iter().position(|a| a == "--") {
        Some(at) => (&args[..at], &args[at + 1..]),
        None => (args, &[][..]),
    };
    let (mut file, mut bind, mut default) = (File::default(), None, Mode::default());
    let mut flags = flags.iter();
    while let Some(flag) = flags.next() {
        let value = flags.next().ok_or_else(|| format!("{flag} needs a value; {USAGE}"))?;
        match flag.as_str() {
            "--config" => {
                let text = std::fs::read_to_string(value).map_err(|e| format!("--config {value}: {e}"))?;
                file = serde_json::from_str(&text).map_err(|e| format!("--config {value}: {e}"))?;
            }
            "--http" => bind = Some(value.clone()),
            "--mode" => default = mode(Some(value), default)?,
            _ => return Err(USAGE.to_owned()),
        }
    }
    let mut upstreams = Vec::new();
    if let [program, rest @ ..] = command {
        let name = std::path::Path::new(program).file_name().map_or(program.clone(), |n| n.to_string_lossy().into());
        upstreams.push(Upstream::command(name, program, rest.iter().cloned()).mode(default));
    }
    for (name, entry) in std::mem::take(&mut file.servers) {
        upstreams.push(Upstream::from_json(&name, entry, default)?);
    }
    if upstreams.is_empty() {
        return Err(format!("no upstream: give --config FILE or -- COMMAND; {USAGE}"));
    }
    let http = match (bind, file.http) {
        (None, Value::Null) => None,
        (bind, http) => {
            let mut http = if http.is_null() { serde_json::json!({}) } else { http };
            if let Some(bind) = bind {
                http["bind"] = Value::String(bind);
            }
            Some(http)
        }
    };
    Ok(Config { upstreams, server: file.server, http })
}

#[cfg(test)]
mod tests {
    use super::parse;
    use mcpforge::proxy::{Mode, Target};

    fn args(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn a_command_after_the_dashes_is_one_upstream() {
        let config = parse(&args("--http 127.0.0.1:0 --mode shared -- /bin/server --flag")).expect("parsed");
        assert_eq!(config.upstreams.len(), 1);
        assert_eq!(config.upstreams[0].name, "server");
        assert_eq!(config.upstreams[0].mode, Mode::Shared);
        assert!(matches!(&config.upstreams[0].target, Target::Command { args, .. } if args == &["--flag"]));
        assert_eq!(config.http.expect("http")["bind"], "127.0.0.1:0");
    }

    #[test]
    fn the_safe_mode_is_the_default_and_a_bad_one_is_named() {
        let config = parse(&args("-- server")).expect("parsed");
        assert_eq!(config.upstreams[0].mode, Mode::PerSession);
        assert!(config.http.is_none());
        assert!(parse(&args("--mode sometimes -- server")).unwrap_err().contains("sometimes"));
        assert!(parse(&[]).unwrap_err().contains("no upstream"));
    }

    #[test]
    fn a_server_of_the_file_may_be_mounted_under_a_prefix() {
        let path = std::env::temp_dir().join(format!("gateway-prefix-{}.json", std::process::id()));
        let file = r#"{ "mcpServers": {
            "time": { "command": "time-server", "prefix": "clock" },
            "notes": { "url": "http://127.0.0.1:9/mcp" } } }"#;
        std::fs::write(&path, file).expect("written");
        let config = parse(&["--config".to_owned(), path.display().to_string()]);
        std::fs::remove_file(&path).expect("removed");
        let config = config.expect("parsed");
        let prefix = |name: &str| config.upstreams.iter().find(|u| u.name == name).expect(name).prefix.clone();
        assert_eq!(prefix("time").as_deref(), Some("clock"));
        assert_eq!(prefix("notes"), None);
    }
}
