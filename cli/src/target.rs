//! What a TARGET names and how to start it: a URL (Streamable HTTP), a server file (served by
//! the interpreter of its language through its `mcpforge run`), or a command line given
//! after `--`.

use std::path::{Path, PathBuf};

use crate::failure::Failure;
use crate::interpreters;

/// The languages whose server files the command serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    /// `.py`.
    Python,
    /// `.js`, `.mjs`, `.cjs`, `.ts`, `.mts`, `.cts`.
    Node,
}

/// A server to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Server {
    /// A Streamable HTTP endpoint.
    Url(String),
    /// A program speaking MCP on its stdin and stdout.
    Command {
        /// The executable.
        program: String,
        /// Its arguments.
        args: Vec<String>,
    },
}

/// A file TARGET: `FILE[:OBJECT]`, split as the Python and Node commands split it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServerFile {
    /// The file.
    pub(crate) path: PathBuf,
    /// The object (or export) after the colon, if any.
    pub(crate) object: Option<String>,
    /// The file's language, from its extension.
    pub(crate) language: Option<Language>,
}

impl ServerFile {
    /// Splits `FILE[:OBJECT]`: a colon after the last path separator names the object (a
    /// Windows drive letter is not one).
    pub(crate) fn parse(target: &str) -> ServerFile {
        let (path, object) = match target.rsplit_once(':') {
            Some((head, tail)) if head.len() > 1 && !tail.is_empty() && !tail.contains(['/', '\\']) => {
                (head, Some(tail.to_owned()))
            }
            _ => (target, None),
        };
        let path = PathBuf::from(path);
        let language = match path.extension().and_then(|e| e.to_str()) {
            Some("py") => Some(Language::Python),
            Some("js" | "mjs" | "cjs" | "ts" | "mts" | "cts") => Some(Language::Node),
            _ => None,
        };
        ServerFile { path, object, language }
    }

    /// `FILE[:OBJECT]` with the file's absolute path, as a host's configuration needs it.
    fn absolute(&self) -> Result<String, Failure> {
        let path =
            std::path::absolute(&self.path).map_err(|e| Failure::new(format!("{}: {e}", self.path.display())))?;
        let path = path.display().to_string();
        Ok(match &self.object {
            Some(object) => format!("{path}:{object}"),
            None => path,
        })
    }

    /// The file's directory (where its imports resolve).
    pub(crate) fn dir(&self) -> PathBuf {
        match std::path::absolute(&self.path) {
            Ok(path) => path.parent().map(Path::to_path_buf).unwrap_or_default(),
            Err(_) => PathBuf::from("."),
        }
    }

    /// The command that serves this file over stdio: `python -m mcpforge run FILE` or
    /// `node .../bin/mcpforge.js run FILE`, with the absolute path of each part.
    pub(crate) fn command(&self) -> Result<Server, Failure> {
        if !self.path.is_file() {
            return Err(Failure::new(format!("{}: no such file", self.path.display())));
        }
        let file = self.absolute()?;
        match self.language {
            Some(Language::Python) => {
                let python = interpreters::python()?;
                Ok(Server::Command { program: text(&python), args: strings(["-m", "mcpforge", "run", &file]) })
            }
            Some(Language::Node) => {
                let node = interpreters::node()?;
                let bin = interpreters::node_bin(&node, &self.dir())?;
                Ok(Server::Command { program: text(&node), args: strings([&text(&bin), "run", &file]) })
            }
            None => Err(Failure::usage(format!(
                "{}: not a server file mcpforge can run (.py, .js, .mjs, .cjs, .ts, .mts, .cts)",
                self.path.display()
            ))),
        }
    }
}

/// The server a subcommand's `TARGET` or `-- COMMAND [ARGS]` names (exactly one of them).
pub(crate) fn resolve(target: Option<&str>, command: &[String]) -> Result<Server, Failure> {
    match (target, command.split_first()) {
        (Some(_), Some(_)) => Err(Failure::usage("give a TARGET or a command after `--`, not both")),
        (None, None) => Err(Failure::usage("no server: give a URL, a server file, or a command after `--`")),
        (None, Some((program, args))) => Ok(Server::Command { program: program.clone(), args: args.to_vec() }),
        (Some(url), None) if url.starts_with("http://") || url.starts_with("https://") => {
            Ok(Server::Url(url.to_owned()))
        }
        (Some(file), None) => ServerFile::parse(file).command(),
    }
}

/// The name a host's configuration gives a server by default: the file's stem, the
/// program's name, or the URL's host.
pub(crate) fn default_name(target: Option<&str>, command: &[String]) -> String {
    let stem = |p: &str| Path::new(p).file_stem().and_then(|s| s.to_str()).unwrap_or("server").to_owned();
    match (target, command.first()) {
        (Some(url), _) if url.contains("://") => {
            let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
            let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            let host = host
                .strip_prefix('[')
                .map_or_else(|| host.split(':').next().unwrap_or(host), |v6| v6.split(']').next().unwrap_or(v6));
            if host.is_empty() { "server".to_owned() } else { host.to_owned() }
        }
        (Some(file), _) => stem(&ServerFile::parse(file).path.display().to_string()),
        (None, Some(program)) => stem(program),
        (None, None) => "server".to_owned(),
    }
}

fn text(path: &Path) -> String {
    path.display().to_string()
}

fn strings<const N: usize>(parts: [&str; N]) -> Vec<String> {
    parts.iter().map(|s| (*s).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_colon_after_the_last_separator_names_the_object() {
        let file = ServerFile::parse("dir/server.py:app");
        assert_eq!(file.path, PathBuf::from("dir/server.py"));
        assert_eq!(file.object.as_deref(), Some("app"));
        assert_eq!(file.language, Some(Language::Python));
        let drive = ServerFile::parse("C:\\servers\\s.mjs");
        assert_eq!(drive.object, None);
        assert_eq!(drive.language, Some(Language::Node));
        assert_eq!(ServerFile::parse("server.txt").language, None);
    }

    #[test]
    fn default_names_come_from_the_target() {
        assert_eq!(default_name(Some("examples/weather.py:mcp"), &[]), "weather");
        assert_eq!(default_name(Some("http://user@127.0.0.1:8000/mcp"), &[]), "127.0.0.1");
        assert_eq!(default_name(Some("http://[::1]:8000/mcp"), &[]), "::1");
        assert_eq!(default_name(None, &["/usr/bin/my-server".to_owned()]), "my-server");
    }

    #[test]
    fn a_target_or_a_command_not_both() {
        assert!(resolve(Some("x.py"), &["a".to_owned()]).is_err());
        assert!(resolve(None, &[]).is_err());
        assert_eq!(resolve(Some("http://127.0.0.1:1/mcp"), &[]).unwrap(), Server::Url("http://127.0.0.1:1/mcp".into()));
    }
}
