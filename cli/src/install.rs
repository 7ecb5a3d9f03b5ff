//! `install`: writes a server's entry into the configuration file of Claude Desktop, Cursor
//! or VS Code (each at its documented place on each system, or `--config PATH`), keeping
//! every other entry; the file is replaced in one rename. `--dry-run` prints the entry and
//! the file instead.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::args::{Host, InstallArgs};
use crate::failure::Failure;
use crate::output;
use crate::target::{self, Server};

/// Runs `install`.
pub(crate) fn run(args: InstallArgs) -> Result<i32, Failure> {
    let server = target::resolve(args.target.as_deref(), &args.command)?;
    let name = args.name.clone().unwrap_or_else(|| target::default_name(args.target.as_deref(), &args.command));
    if name.is_empty() {
        return Err(Failure::usage("--name: the server's name cannot be empty"));
    }
    let env = environment(&args.env)?;
    let entry = entry(args.host, &server, env)?;
    let path = match args.config {
        Some(path) => path,
        None => config_path(args.host)?,
    };
    let key = servers_key(args.host);
    if args.dry_run {
        output::json(&json!({ key: { &name: entry } }));
        eprintln!("mcpforge install: --dry-run: {} not written", path.display());
        return Ok(0);
    }
    let mut config = read_config(&path)?;
    let servers = config.entry(key).or_insert_with(|| json!({}));
    let Some(servers) = servers.as_object_mut() else {
        return Err(Failure::new(format!("{}: {key:?} is not an object; left unchanged", path.display())));
    };
    let replaced = servers.insert(name.clone(), entry).is_some();
    write_atomically(&path, &Value::Object(config))?;
    let verb = if replaced { "replaced" } else { "added" };
    output::line(&format!(
        "{verb} the server {name:?} in {} (restart {} to load it)",
        path.display(),
        host_name(args.host)
    ));
    Ok(0)
}

/// `--env KEY=VALUE` pairs as an object.
fn environment(pairs: &[String]) -> Result<Map<String, Value>, Failure> {
    let mut env = Map::new();
    for pair in pairs {
        match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => _ = env.insert(key.to_owned(), json!(value)),
            _ => return Err(Failure::usage(format!("--env {pair:?}: expected KEY=VALUE"))),
        }
    }
    Ok(env)
}

/// The server's entry as `host` reads it.
fn entry(host: Host, server: &Server, env: Map<String, Value>) -> Result<Value, Failure> {
    match server {
        Server::Command { program, args } => {
            let mut entry = Map::new();
            if host == Host::Vscode {
                entry.insert("type".into(), json!("stdio"));
            }
            entry.insert("command".into(), json!(program));
            entry.insert("args".into(), json!(args));
            if !env.is_empty() {
                entry.insert("env".into(), Value::Object(env));
            }
            Ok(Value::Object(entry))
        }
        Server::Url(_) if !env.is_empty() => {
            Err(Failure::usage("--env is for servers the application starts, not for a URL"))
        }
        Server::Url(url) => match host {
            Host::ClaudeDesktop => Err(Failure::usage(
                "Claude Desktop's configuration file starts local servers only: add a remote server in its Connectors settings",
            )),
            Host::Cursor => Ok(json!({ "url": url })),
            Host::Vscode => Ok(json!({ "type": "http", "url": url })),
        },
    }
}

/// The member of the configuration that holds the servers.
fn servers_key(host: Host) -> &'static str {
    match host {
        Host::ClaudeDesktop | Host::Cursor => "mcpServers",
        Host::Vscode => "servers",
    }
}

fn host_name(host: Host) -> &'static str {
    match host {
        Host::ClaudeDesktop => "Claude Desktop",
        Host::Cursor => "Cursor",
        Host::Vscode => "VS Code",
    }
}

/// Where `host` keeps its configuration on this system (docs/cli.md lists them).
fn config_path(host: Host) -> Result<PathBuf, Failure> {
    let hint = |e: String| Failure::new(format!("{e}: give the file with --config"));
    let (home, settings) = (|| crate::places::home().map_err(hint), || crate::places::settings().map_err(hint));
    Ok(match host {
        Host::ClaudeDesktop => settings()?.join("Claude").join("claude_desktop_config.json"),
        Host::Cursor => home()?.join(".cursor").join("mcp.json"),
        Host::Vscode => settings()?.join("Code").join("User").join("mcp.json"),
    })
}

/// The configuration in `path`: an empty object when the file is missing or blank.
fn read_config(path: &Path) -> Result<Map<String, Value>, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Failure::new(format!("{}: {e}", path.display()))),
    };
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(config)) => Ok(config),
        Ok(_) => Err(Failure::new(format!("{}: not a JSON object; left unchanged", path.display()))),
        Err(e) => Err(Failure::new(format!(
            "{}: not plain JSON ({e}; comments are not kept): left unchanged; edit it by hand or use --dry-run",
            path.display()
        ))),
    }
}

/// Writes `config` to a file beside `path`, then renames it over `path`, so a reader sees
/// the old file or the new one, never half of one.
fn write_atomically(path: &Path, config: &Value) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::new(format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut text = serde_json::to_string_pretty(config).unwrap_or_default();
    text.push('\n');
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    let written = (|| {
        use std::io::Write;
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command() -> Server {
        Server::Command { program: "/usr/bin/python3".into(), args: vec!["-m".into(), "mcpforge".into()] }
    }

    #[test]
    fn entries_take_each_host_shape() {
        let env: Map<String, Value> = [("K".to_owned(), json!("v"))].into_iter().collect();
        assert_eq!(
            entry(Host::Vscode, &command(), env.clone()).unwrap(),
            json!({ "type": "stdio", "command": "/usr/bin/python3", "args": ["-m", "mcpforge"], "env": { "K": "v" } })
        );
        assert_eq!(
            entry(Host::Cursor, &command(), Map::new()).unwrap(),
            json!({ "command": "/usr/bin/python3", "args": ["-m", "mcpforge"] })
        );
        let url = Server::Url("http://127.0.0.1:8000/mcp".into());
        assert_eq!(entry(Host::Vscode, &url, Map::new()).unwrap()["type"], "http");
        assert!(entry(Host::ClaudeDesktop, &url, Map::new()).is_err());
        assert!(entry(Host::Cursor, &url, env).is_err());
    }

    #[test]
    fn a_write_keeps_the_other_entries() {
        let dir = std::env::temp_dir().join(format!("mcpforge-cli-install-{}", std::process::id()));
        let path = dir.join("mcp.json");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&path, r#"{"mcpServers": {"old": {"command": "x"}}, "other": 1}"#).unwrap();
        let mut config = read_config(&path).unwrap();
        config["mcpServers"].as_object_mut().unwrap().insert("new".into(), json!({ "command": "y" }));
        write_atomically(&path, &Value::Object(config)).unwrap();
        let back: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back, json!({ "mcpServers": { "old": { "command": "x" }, "new": { "command": "y" } }, "other": 1 }));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temporary file left");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
