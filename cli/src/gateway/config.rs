//! The `gateway` command's configuration: the upstreams from a JSON file in the `mcpServers`
//! form MCP clients use (each server a `command` with `args` and `env`, or a `url` with
//! `headers`; `mode` chooses `shared`, `per-user` or `per-session`), the engine's server options
//! (`server`) and HTTP options (`http`), or one upstream command from the command line after
//! `--`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mcpforge::proxy::{Mode, Upstream};
use serde::Deserialize;
use serde_json::Value;

use crate::args::GatewayArgs;

/// The configuration file.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct File {
    /// The upstreams' entries, by name.
    #[serde(default, rename = "mcpServers")]
    pub(crate) servers: BTreeMap<String, Value>,
    /// The engine's server options (`ServerBuilder::from_json`).
    #[serde(default)]
    server: Value,
    /// The engine's HTTP options (`HttpOptions::from_json`).
    #[serde(default)]
    http: Value,
}

impl File {
    /// Reads and checks the file at `path`: JSON of the form above, every server entry one
    /// the engine accepts.
    pub(crate) fn read(path: &Path, default: Mode) -> Result<File, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("--config {}: {e}", path.display()))?;
        let file: File = serde_json::from_str(&text).map_err(|e| format!("--config {}: {e}", path.display()))?;
        file.upstreams(default)?;
        Ok(file)
    }

    /// The names of the option sections (`server`, `http`) that differ between `self` and
    /// `other`.
    pub(crate) fn options_changed(&self, other: &File) -> Vec<&'static str> {
        let mut changed = Vec::new();
        if self.server != other.server {
            changed.push("server");
        }
        if self.http != other.http {
            changed.push("http");
        }
        changed
    }

    /// The upstreams the file names, in the order of their names.
    pub(crate) fn upstreams(&self, default: Mode) -> Result<Vec<Upstream>, String> {
        self.servers.iter().map(|(name, entry)| Upstream::from_json(name, entry.clone(), default)).collect()
    }
}

/// What the gateway serves and how.
#[derive(Debug)]
pub(crate) struct Config {
    /// The upstreams.
    pub(crate) upstreams: Vec<Upstream>,
    /// The server options, as JSON (`null`: defaults).
    pub(crate) server: Value,
    /// The HTTP options, as JSON, when serving HTTP; `None` to serve stdio.
    pub(crate) http: Option<Value>,
    /// The file to follow (`--config`).
    pub(crate) file: Option<PathBuf>,
    /// The mode of the file's upstreams that name none.
    pub(crate) default: Mode,
    /// The upstreams of the command line, served whatever the file says.
    pub(crate) fixed: Vec<Upstream>,
}

/// The mode `--mode` names (checked by the parser), or the safe default.
fn mode(name: Option<&str>) -> Mode {
    name.and_then(Mode::from_name).unwrap_or_default()
}

/// Reads the command line's choices and the file it names.
pub(crate) fn parse(args: &GatewayArgs) -> Result<Config, String> {
    let default = mode(args.mode.as_deref());
    let file = match &args.config {
        Some(path) => File::read(path, default)?,
        None => File::default(),
    };
    let mut fixed = Vec::new();
    if let [program, rest @ ..] = args.command.as_slice() {
        let name = Path::new(program).file_name().map_or(program.clone(), |n| n.to_string_lossy().into());
        fixed.push(Upstream::command(name, program, rest.iter().cloned()).mode(default));
    }
    let upstreams: Vec<Upstream> = fixed.iter().cloned().chain(file.upstreams(default)?).collect();
    if upstreams.is_empty() {
        return Err("no upstream: give --config FILE or -- COMMAND ARGS".to_owned());
    }
    let http = match (&args.http, file.http) {
        (None, Value::Null) => None,
        (bind, http) => {
            let mut http = if http.is_null() { serde_json::json!({}) } else { http };
            if let Some(bind) = bind {
                http["bind"] = Value::String(bind.clone());
            }
            Some(http)
        }
    };
    Ok(Config { upstreams, server: file.server, http, file: args.config.clone(), default, fixed })
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::args::{Cli, Command, GatewayArgs};
    use clap::Parser;
    use mcpforge::proxy::{Mode, Target};

    fn args(line: &str) -> GatewayArgs {
        let words = std::iter::once("mcpforge gateway").chain(line.split(' ')).flat_map(|w| w.split(' '));
        match Cli::try_parse_from(words).expect("a valid command line").command {
            Command::Gateway(args) => args,
            other => panic!("not the gateway: {other:?}"),
        }
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
    fn the_safe_mode_is_the_default_and_a_bad_one_is_refused() {
        let config = parse(&args("-- server")).expect("parsed");
        assert_eq!(config.upstreams[0].mode, Mode::PerSession);
        assert!(config.http.is_none());
        let words = ["mcpforge", "gateway", "--mode", "sometimes", "--", "server"];
        assert!(Cli::try_parse_from(words).unwrap_err().to_string().contains("sometimes"));
        assert!(parse(&args("--mode shared")).unwrap_err().contains("no upstream"));
        assert_eq!(parse(&args("--mode per-user -- server")).expect("parsed").upstreams[0].mode, Mode::PerUser);
    }

    #[test]
    fn a_server_of_the_file_may_be_mounted_under_a_prefix() {
        let path = std::env::temp_dir().join(format!("gateway-prefix-{}.json", std::process::id()));
        let file = r#"{ "mcpServers": {
            "time": { "command": "time-server", "prefix": "clock" },
            "notes": { "url": "http://127.0.0.1:9/mcp" } } }"#;
        std::fs::write(&path, file).expect("written");
        let config = parse(&args(&format!("--config {}", path.display())));
        std::fs::remove_file(&path).expect("removed");
        let config = config.expect("parsed");
        let prefix = |name: &str| config.upstreams.iter().find(|u| u.name == name).expect(name).prefix.clone();
        assert_eq!(prefix("time").as_deref(), Some("clock"));
        assert_eq!(prefix("notes"), None);
    }
}
