//! The server process: starting it, keeping the tail of its stderr for error messages,
//! stopping it, and reaping it with `wait4`, which also gives its peak RSS and CPU time.
//!
//! The process is reaped only here (never through `Child::wait`), so its pid stays valid
//! for signals until [`Server::finish`] has collected it.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;

/// How much of the server's stderr is kept for error messages.
const STDERR_TAIL: usize = 4096;
/// How long to wait for the rest of the server's stderr once it has exited.
const STDERR_WAIT: Duration = Duration::from_secs(1);

/// What the kernel says the server used over its whole life.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Usage {
    /// Peak resident set size (`ru_maxrss`), MiB.
    pub peak_rss_mb: f64,
    /// User CPU time, seconds.
    pub user_s: f64,
    /// System CPU time, seconds.
    pub system_s: f64,
}

/// How to ask the server to stop.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Close its stdin (the stdio transport's way to end a session), then SIGTERM.
    CloseStdin,
    /// SIGTERM at once (an HTTP server has no EOF to exit on).
    Terminate,
}

/// A running server process.
pub struct Server {
    child: Child,
    /// Set once the process has been reaped: its exit status and usage.
    reaped: Option<(i32, Usage)>,
    stderr_tail: Arc<Mutex<VecDeque<u8>>>,
    /// Disconnected once every output stream of the server has reached EOF.
    stderr_done: mpsc::Receiver<()>,
}

impl Server {
    /// Starts `command` (program and arguments). With `stdio`, its stdin and stdout are
    /// piped to us; otherwise stdin is empty and stdout joins stderr in the kept tail.
    pub fn spawn(command: &[String], stdio: bool) -> io::Result<Server> {
        let (program, args) = command.split_first().ok_or_else(|| io::Error::other("empty command"))?;
        let mut child = Command::new(program)
            .args(args)
            .stdin(if stdio { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("cannot start `{program}`: {e}")))?;
        let tail = Arc::new(Mutex::new(VecDeque::with_capacity(STDERR_TAIL)));
        let stderr = child.stderr.take().expect("stderr is piped");
        let mut streams: Vec<Box<dyn Read + Send>> = vec![Box::new(stderr)];
        if !stdio {
            streams.push(Box::new(child.stdout.take().expect("stdout is piped")));
        }
        let (done_tx, stderr_done) = mpsc::channel::<()>();
        {
            let tail = Arc::clone(&tail);
            // Detached: a grandchild may hold the pipes open long after the server is gone.
            thread::spawn(move || {
                let _done = done_tx;
                let readers: Vec<_> = streams
                    .into_iter()
                    .map(|stream| {
                        let tail = Arc::clone(&tail);
                        thread::spawn(move || keep_tail(stream, &tail))
                    })
                    .collect();
                for reader in readers {
                    let _ = reader.join();
                }
            });
        }
        Ok(Server { child, reaped: None, stderr_tail: tail, stderr_done })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Our end of the server's stdin (stdio servers, once).
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.child.stdin.take()
    }

    /// Our end of the server's stdout (stdio servers, once).
    pub fn take_stdout(&mut self) -> Option<ChildStdout> {
        self.child.stdout.take()
    }

    /// A handle that can kill the server from another thread.
    pub fn killer(&self) -> Killer {
        Killer { pid: self.child.id() as libc::pid_t }
    }

    /// `Some(description)` if the server has exited (it is then reaped).
    pub fn exited(&mut self) -> Option<String> {
        if self.reaped.is_none() {
            self.reaped = wait(self.pid(), false);
        }
        self.reaped.map(|(status, _)| describe_status(status))
    }

    /// The last lines the server wrote to stderr (and, for HTTP servers, stdout) so far.
    fn stderr_tail(&self) -> String {
        let tail = self.stderr_tail.lock().unwrap_or_else(|p| p.into_inner());
        let (a, b) = tail.as_slices();
        let text = String::from_utf8_lossy(&[a, b].concat()).into_owned();
        text.trim_end().to_owned()
    }

    /// Stops the server (`ending`; SIGKILL after `grace`), reaps it, and returns what it
    /// used (`None` where the kernel does not say) and the end of its stderr. Never leaves
    /// the process behind.
    pub fn finish(mut self, ending: Ending, grace: Duration) -> (Option<Usage>, String) {
        if ending == Ending::CloseStdin {
            drop(self.child.stdin.take());
            self.wait_for_exit(grace);
        }
        if self.reaped.is_none() {
            self.killer().signal(libc::SIGTERM);
            self.wait_for_exit(grace);
        }
        if self.reaped.is_none() {
            self.killer().signal(libc::SIGKILL);
            self.reaped = wait(self.pid(), true);
        }
        drop(self.child.stdout.take());
        // Its last words: what it wrote before it exited, read to EOF (bounded).
        let _ = self.stderr_done.recv_timeout(STDERR_WAIT);
        let usage = self.reaped.map(|(_, usage)| usage).filter(|usage| usage.peak_rss_mb > 0.0);
        (usage, self.stderr_tail())
    }

    /// Polls for the exit for at most `grace`.
    fn wait_for_exit(&mut self, grace: Duration) {
        let deadline = Instant::now() + grace;
        while self.exited().is_none() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Server {
    /// A server dropped without [`Server::finish`] (an error path) is killed and reaped.
    fn drop(&mut self) {
        if self.reaped.is_none() {
            self.killer().signal(libc::SIGKILL);
            self.reaped = wait(self.pid(), true);
        }
    }
}

/// Kills the server from any thread (the stall watchdog).
#[derive(Clone, Copy)]
pub struct Killer {
    pid: libc::pid_t,
}

impl Killer {
    /// Sends SIGKILL. The server stays unreaped until [`Server::finish`], so the pid
    /// cannot have been reused.
    pub fn kill(&self) {
        self.signal(libc::SIGKILL);
    }

    fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill(2) has no memory-safety preconditions; the pid is our unreaped child.
        unsafe {
            libc::kill(self.pid, signal);
        }
    }
}

/// `wait4` on `pid`: `Some((status, usage))` once it has exited (and is reaped now).
fn wait(pid: u32, block: bool) -> Option<(i32, Usage)> {
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let flags = if block { 0 } else { libc::WNOHANG };
    loop {
        // SAFETY: both pointers are to live, writable locals of the right types.
        let got = unsafe { libc::wait4(pid as libc::pid_t, &mut status, flags, &mut usage) };
        if got == -1 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
            continue;
        }
        if got != pid as libc::pid_t {
            return None;
        }
        let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        let usage = Usage {
            // Linux reports ru_maxrss in KiB.
            peak_rss_mb: usage.ru_maxrss as f64 / 1024.0,
            user_s: seconds(usage.ru_utime),
            system_s: seconds(usage.ru_stime),
        };
        return Some((status, usage));
    }
}

/// "exit status 1", "killed by signal 9".
fn describe_status(status: i32) -> String {
    if libc::WIFEXITED(status) {
        format!("exit status {}", libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        format!("killed by signal {}", libc::WTERMSIG(status))
    } else {
        format!("wait status {status}")
    }
}

/// Copies `stream` into `tail` until EOF, keeping the last [`STDERR_TAIL`] bytes.
fn keep_tail(mut stream: impl Read, tail: &Mutex<VecDeque<u8>>) {
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                let mut tail = tail.lock().unwrap_or_else(|p| p.into_inner());
                tail.extend(&buf[..n]);
                let excess = tail.len().saturating_sub(STDERR_TAIL);
                tail.drain(..excess);
            }
        }
    }
}
