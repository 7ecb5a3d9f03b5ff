//! What `package` writes its outputs from: the server's own identity, how a host starts it,
//! and what the author adds on the command line (package.rs gathers it; registry.rs and
//! bundle.rs write from it).

use std::path::PathBuf;

use serde_json::Value;

use crate::target::Language;

/// What the server says of itself, from `initialize` and `tools/list`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Identity {
    /// `serverInfo.name`.
    pub(crate) name: String,
    /// `serverInfo.version`.
    pub(crate) version: String,
    /// `serverInfo.title`.
    pub(crate) title: Option<String>,
    /// `serverInfo.description`.
    pub(crate) description: Option<String>,
    /// `serverInfo.websiteUrl`.
    pub(crate) website_url: Option<String>,
    /// `serverInfo.icons`, as sent.
    pub(crate) icons: Vec<Value>,
    /// Each tool's name and description.
    pub(crate) tools: Vec<(String, Option<String>)>,
}

/// How a host starts the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Launch {
    /// A PyPI package, run with `uvx PKG==VERSION`.
    Pypi { package: String, version: String },
    /// An npm package, run with `npx -y PKG@VERSION`.
    Npm { package: String, version: String },
    /// A Streamable HTTP endpoint (a remote; no bundle).
    Remote(String),
    /// A server file, carried in the bundle and served by its language.
    File { path: PathBuf, language: Language },
    /// A program and its arguments; carried in the bundle when it is a file.
    Program { program: String, args: Vec<String> },
}

/// An environment variable the server needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnvVar {
    /// Its name.
    pub(crate) name: String,
    /// What it is, for the person who sets it.
    pub(crate) description: String,
    /// Whether it holds a secret (a name ending in `_KEY`, `_TOKEN`, `_SECRET`, `_PASSWORD`).
    pub(crate) secret: bool,
}

/// Everything both outputs are written from.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    /// The server's own identity.
    pub(crate) identity: Identity,
    /// The name in the MCP Registry (`io.github.OWNER/NAME`).
    pub(crate) registry_name: String,
    /// The description (at most 100 characters).
    pub(crate) description: String,
    /// How a host starts it.
    pub(crate) launch: Launch,
    /// The environment it needs.
    pub(crate) env: Vec<EnvVar>,
    /// The bundle's author.
    pub(crate) author: String,
    /// The source repository's URL.
    pub(crate) repository: Option<String>,
    /// Where the bundle is published.
    pub(crate) bundle_url: Option<String>,
}
