//! The server under test: started as a child process, stopped when dropped.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The longest any scenario step may take.
pub(crate) const DEADLINE: Duration = Duration::from_secs(120);

/// Stops the server (and reaps it) when dropped.
pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the server (its stdin and stdout piped when `stdio`).
pub(crate) fn spawn(command: &[String], extra: &[String], stdio: bool) -> std::io::Result<Server> {
    spawn_limited(command, extra, stdio, None, &[])
}

/// Starts the server, under an open-file limit when `files` is given (through the shell's
/// `ulimit`, which then `exec`s the server, so the pid is the server's), with `env` added to
/// its environment.
pub(crate) fn spawn_limited(
    command: &[String],
    extra: &[String],
    stdio: bool,
    files: Option<u32>,
    env: &[(String, String)],
) -> std::io::Result<Server> {
    let mut c = match files {
        Some(n) => {
            let mut c = Command::new("sh");
            c.args(["-c", "ulimit -n \"$0\" && exec \"$@\"", &n.to_string()]).args(command);
            c
        }
        None => {
            let mut c = Command::new(&command[0]);
            c.args(&command[1..]);
            c
        }
    };
    c.args(extra).envs(env.iter().map(|(k, v)| (k, v))).stderr(Stdio::null());
    if stdio {
        c.stdin(Stdio::piped()).stdout(Stdio::piped());
    } else {
        c.stdin(Stdio::null()).stdout(Stdio::null());
    }
    c.spawn().map(Server)
}
