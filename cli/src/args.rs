//! The command line's grammar: every subcommand, its arguments and its help text. The help
//! is printed from here in every language (the Python and Node commands call this crate), so
//! it is laid out without regard to the terminal: no wrapping, no colour.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

/// The whole command line.
#[derive(Debug, Parser)]
#[command(
    name = "mcpforge",
    version,
    about = "Run, inspect, call, install and package MCP servers, and start new ones.",
    after_help = "TARGET is a server: an http:// URL (Streamable HTTP), a server file (.py, or .js/.mjs/.cjs/.ts),\nor a command line after `--`. Exit status: 0 done, 1 failed (said on stderr), 2 wrong command line."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve a Python or JavaScript/TypeScript server file over stdio, Streamable HTTP or HTTP+SSE
    Run(RunArgs),
    /// Serve a server over Streamable HTTP with the MCP Inspector, restarted when a source file changes
    Dev(DevArgs),
    /// Connect to a server and print its identity, capabilities, tools, resources and prompts
    Inspect(InspectArgs),
    /// Call one tool of a server and print its result
    Call(CallArgs),
    /// Add a server to the configuration of Claude Desktop, Cursor or VS Code
    Install(InstallArgs),
    /// Write a server's MCP Registry server.json and .mcpb bundle, read from the running server
    Package(PackageArgs),
    /// Make a new server project: package, one tool, its test, CI and README
    New(NewArgs),
    /// Serve MCP servers (commands or URLs) behind one endpoint, or a remote server over stdio
    Gateway(GatewayArgs),
    /// Run a program written on the official Python SDK, served by mcpforge (Python)
    Sdk(SdkArgs),
}

/// `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The transport
    #[arg(short, long, value_parser = ["stdio", "http", "streamable-http", "sse"], default_value = "stdio")]
    pub transport: String,
    #[command(flatten)]
    pub file: ServedFile,
}

/// `dev`.
#[derive(Debug, Args)]
pub struct DevArgs {
    /// The server file and, after a colon, the server object (or export) in it (or a command line after `--`)
    #[arg(value_name = "FILE[:OBJECT]")]
    pub target: Option<String>,
    /// HTTP host (default 127.0.0.1)
    #[arg(long)]
    pub host: Option<String>,
    /// HTTP port (default 8000; 0: any free port)
    #[arg(long)]
    pub port: Option<u16>,
    /// A folder whose source files restart the server when they change (repeatable; default: the file's folder, or the working directory for a command)
    #[arg(long = "watch", value_name = "DIR")]
    pub watch: Vec<PathBuf>,
    /// Do not start the MCP Inspector
    #[arg(long)]
    pub no_inspector: bool,
    /// The command that starts the server over stdio
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// The file `run` serves, and where over HTTP.
#[derive(Debug, Args)]
pub struct ServedFile {
    /// The server file and, after a colon, the server object (or export) in it
    #[arg(value_name = "FILE[:OBJECT]")]
    pub target: String,
    /// HTTP host (default 127.0.0.1)
    #[arg(long)]
    pub host: Option<String>,
    /// HTTP port (default 8000; 0: any free port)
    #[arg(long)]
    pub port: Option<u16>,
}

/// How to reach a server that `inspect` and `call` connect to, beside their TARGET: how long
/// to wait, and the command line after `--`.
#[derive(Debug, Args)]
pub struct Reach {
    /// Seconds to wait for the server to start and for each answer
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
    /// The command that starts the server over stdio
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// `inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The server: a URL or a server file (or a command line after `--`)
    #[arg(value_name = "TARGET")]
    pub target: Option<String>,
    /// Print one JSON document instead of text
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub reach: Reach,
}

/// `call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// TARGET (left out when the command line follows `--`), the tool's name, then its
    /// arguments: one JSON object, or KEY=VALUE pairs (a VALUE is JSON when it parses and the
    /// tool's input schema allows it, else a string)
    #[arg(value_name = "TARGET TOOL [ARGS]", required = true)]
    pub words: Vec<String>,
    /// Print the whole result as JSON instead of its content
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub reach: Reach,
}

/// The applications `install` writes the configuration of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Host {
    /// Claude Desktop (claude_desktop_config.json)
    ClaudeDesktop,
    /// Cursor (~/.cursor/mcp.json)
    Cursor,
    /// VS Code (the user profile's mcp.json)
    Vscode,
}

/// `install`.
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// The application whose configuration gets the server
    #[arg(value_enum)]
    pub host: Host,
    /// The server: a URL or a server file (or a command line after `--`)
    #[arg(value_name = "TARGET")]
    pub target: Option<String>,
    /// The server's name in the configuration (default: the file's or command's name, or the URL's host)
    #[arg(long)]
    pub name: Option<String>,
    /// An environment variable for the server (repeatable)
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// The configuration file to write instead of the application's own
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Print the entry and the file it would go to; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The command that starts the server over stdio
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// `package`.
#[derive(Debug, Args)]
pub struct PackageArgs {
    /// The server: a URL or a server file (or a command line after `--`)
    #[arg(value_name = "TARGET")]
    pub target: Option<String>,
    /// The directory to write server.json and NAME-VERSION.mcpb into
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// The server's name in the MCP Registry (default: the server's own name when it has that form)
    #[arg(long, value_name = "io.github.OWNER/NAME")]
    pub registry_name: Option<String>,
    /// The PyPI package that installs the server (a packages entry run with uvx)
    #[arg(long, value_name = "PKG", conflicts_with = "npm")]
    pub pypi: Option<String>,
    /// The npm package that installs the server (a packages entry run with npx)
    #[arg(long, value_name = "PKG")]
    pub npm: Option<String>,
    /// The package's version (default: the server's version)
    #[arg(long, value_name = "VERSION")]
    pub package_version: Option<String>,
    /// The description, when the server gives none or one over 100 characters
    #[arg(long)]
    pub description: Option<String>,
    /// An environment variable the server needs, asked of the user (repeatable; secret when
    /// the name ends in _KEY, _TOKEN, _SECRET or _PASSWORD)
    #[arg(long = "env", value_name = "NAME[=DESCRIPTION]")]
    pub env: Vec<String>,
    /// The bundle's author (default: the registry name's owner)
    #[arg(long)]
    pub author: Option<String>,
    /// The source repository's URL (server.json `repository`, the bundle's `repository`)
    #[arg(long, value_name = "URL")]
    pub repository: Option<String>,
    /// Where the .mcpb is published (adds an mcpb packages entry with its SHA-256)
    #[arg(long, value_name = "URL")]
    pub bundle_url: Option<String>,
    #[command(flatten)]
    pub reach: Reach,
}

/// The languages `new` makes a project in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// A Python package with a console script (pyproject.toml, pytest)
    Python,
    /// An npm package with a `bin` (package.json, node --test)
    Node,
    /// A cargo package with a binary (Cargo.toml, cargo test)
    Rust,
    /// A C program on the mcpforge library (Makefile, a test program)
    C,
}

/// `new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The project's name: its directory, package and command (letters, digits, - and _)
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The project's language
    #[arg(long, value_enum)]
    pub lang: Lang,
    /// The directory to make the project in (default: NAME, which must not exist)
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `gateway`.
#[derive(Debug, Args)]
#[command(after_help = "Without --http (or an \"http\" object in the file) the gateway serves stdio. \
--stdio URL serves the Streamable HTTP server at URL over stdio (signing in with OAuth when it asks).")]
pub struct GatewayArgs {
    /// An `mcpServers` file (the form Claude Desktop, Cursor and VS Code use), with the engine's
    /// `server` and `http` options beside it
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Serve Streamable HTTP (and the other HTTP wires) at this address
    #[arg(long, value_name = "HOST:PORT")]
    pub http: Option<String>,
    /// How upstreams that name no mode are run: one child per session (the default), per user or one shared
    #[arg(long, value_parser = ["shared", "per-user", "per-session"])]
    pub mode: Option<String>,
    /// Serve the remote Streamable HTTP server at URL over stdio
    #[arg(long, value_name = "URL", conflicts_with_all = ["config", "http", "mode", "command"])]
    pub stdio: Option<String>,
    /// A header sent with every request to the --stdio server (repeatable)
    #[arg(long = "header", value_name = "KEY=VALUE", requires = "stdio")]
    pub headers: Vec<String>,
    /// One upstream: the command that starts it over stdio
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// `sdk`.
#[derive(Debug, Args)]
pub struct SdkArgs {
    /// A console script, -m MODULE or FILE, and its arguments
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "-- COMMAND [ARGS]")]
    pub program: Vec<String>,
}

/// The parser, laid out the same on every terminal and in every language.
pub fn command() -> clap::Command {
    Cli::command().term_width(0)
}
