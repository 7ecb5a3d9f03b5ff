//! The `mcpforge` command, written once for every language: `run(argv)` parses the command
//! line and runs `dev`, `inspect`, `call`, `install`, `package`, `new` and `gateway` itself; `run`
//! of a server file (and `sdk`) starts the interpreter of the file's language. The cargo binary, the Python
//! package's console script and the npm package's `bin` all call [`run`], so the help and the
//! behaviour are the same from each (docs/cli.md).

mod args;
mod bundle;
mod call;
mod connect;
mod delegate;
mod dev;
mod facts;
mod failure;
mod gateway;
mod inspect;
mod install;
mod interpreters;
mod new;
mod output;
mod package;
mod places;
mod registry;
mod target;
mod templates;

use clap::FromArgMatches;

use args::{Cli, Command};

/// The environment variable naming the Python interpreter that serves `.py` files (default:
/// `python3`, else `python`, on `PATH`). The Python command sets it to its own interpreter.
pub const PYTHON_ENV: &str = "MCPFORGE_PYTHON";
/// The environment variable naming the Node.js executable that serves JavaScript files
/// (default: `node` on `PATH`). The npm package's command sets it to its own.
pub const NODE_ENV: &str = "MCPFORGE_NODE";
/// The environment variable naming the npm package's `bin/mcpforge.js` (default: the one
/// `mcpforge` resolves to from the server file's directory, then from the working directory).
pub const NODE_BIN_ENV: &str = "MCPFORGE_NODE_BIN";

/// Runs the `mcpforge` command line `args` (without the program's name) and returns the exit
/// status: 0 done, 1 failed (said on stderr), 2 a wrong command line. Help and version go
/// to stdout.
pub fn run<I, S>(args: I) -> i32
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let argv: Vec<String> = args.into_iter().map(Into::into).collect();
    let matches = match args::command().try_get_matches_from(std::iter::once("mcpforge".to_owned()).chain(argv.clone()))
    {
        Ok(matches) => matches,
        Err(e) => return said(&e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return said(&e),
    };
    let outcome = match cli.command {
        Command::Run(a) => delegate::serve_file(&a.file.target, &argv),
        Command::Dev(a) => dev::run(a),
        Command::Sdk(_) => delegate::python_sdk(&argv),
        Command::Inspect(a) => inspect::run(a),
        Command::Call(a) => call::run(a),
        Command::Install(a) => install::run(a),
        Command::Package(a) => package::run(a),
        Command::New(a) => new::run(a),
        Command::Gateway(a) => gateway::run(a),
    };
    output::flush();
    match outcome {
        Ok(status) => status,
        Err(failure) => failure.report(),
    }
}

/// Prints clap's help, version or error (help and version on stdout, errors on stderr);
/// returns its exit status (0, or 2 for a wrong command line).
fn said(e: &clap::Error) -> i32 {
    let _ = e.print();
    output::flush();
    e.exit_code()
}
