//! Finding the interpreters that serve server files: Python for `.py`, Node.js for
//! JavaScript and TypeScript, and the npm package's `bin/mcpforge.js` that loads a JavaScript
//! server. Each can be named by an environment variable ([`crate::PYTHON_ENV`],
//! [`crate::NODE_ENV`], [`crate::NODE_BIN_ENV`]); otherwise they are looked up on `PATH`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::failure::Failure;
use crate::{NODE_BIN_ENV, NODE_ENV, PYTHON_ENV};

/// How long resolving the npm package's `bin` may take.
const RESOLVE_BOUND: Duration = Duration::from_secs(20);

/// Finds the npm package `mcpforge` from the directory given as the first argument (then from
/// the working directory) and prints the path of its `bin/mcpforge.js`.
const RESOLVE_BIN: &str = "const path = require('node:path');\
const { createRequire } = require('node:module');\
for (const dir of [process.argv[1], process.cwd()]) {\
  try {\
    const pkg = createRequire(path.join(dir, 'index.js')).resolve('mcpforge/package.json');\
    process.stdout.write(path.join(path.dirname(pkg), 'bin', 'mcpforge.js'));\
    process.exit(0);\
  } catch {}\
}\
process.exit(1);";

/// The Python interpreter.
pub(crate) fn python() -> Result<PathBuf, Failure> {
    configured(PYTHON_ENV).or_else(|| on_path("python3")).or_else(|| on_path("python")).ok_or_else(|| {
        Failure::new(format!(
            "no Python interpreter found (python3 or python on PATH): install Python and the mcpforge package, or set {PYTHON_ENV}"
        ))
    })
}

/// The Node.js executable.
pub(crate) fn node() -> Result<PathBuf, Failure> {
    configured(NODE_ENV).or_else(|| on_path("node")).ok_or_else(|| {
        Failure::new(format!("no Node.js found (node on PATH): install Node.js 20 or later, or set {NODE_ENV}"))
    })
}

/// The npm package's `bin/mcpforge.js`, for a server file in `dir`.
pub(crate) fn node_bin(node: &Path, dir: &Path) -> Result<PathBuf, Failure> {
    if let Some(bin) = configured(NODE_BIN_ENV) {
        return Ok(bin);
    }
    let missing = || {
        Failure::new(format!(
            "the npm package mcpforge is not installed where {} can find it: `npm install mcpforge` next to the server, or set {NODE_BIN_ENV}",
            dir.display()
        ))
    };
    let mut child = Command::new(node)
        .args(["-e", RESOLVE_BIN, "--"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Failure::new(format!("{}: {e}", node.display())))?;
    let deadline = Instant::now() + RESOLVE_BOUND;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break,
            Ok(Some(_)) => return Err(missing()),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failure::new(format!(
                    "{} did not say where mcpforge is within {RESOLVE_BOUND:?}",
                    node.display()
                )));
            }
        }
    }
    let mut path = String::new();
    if let Some(mut out) = child.stdout.take() {
        use std::io::Read;
        let _ = out.read_to_string(&mut path);
    }
    if path.is_empty() { Err(missing()) } else { Ok(PathBuf::from(path)) }
}

/// The path an environment variable names, when set and not empty.
fn configured(variable: &str) -> Option<PathBuf> {
    std::env::var_os(variable).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// The first executable called `name` on `PATH`.
pub(crate) fn on_path(name: &str) -> Option<PathBuf> {
    let names: Vec<String> =
        if cfg!(windows) { vec![format!("{name}.exe"), format!("{name}.cmd")] } else { vec![name.to_owned()] };
    std::env::split_paths(&std::env::var_os("PATH")?)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}
