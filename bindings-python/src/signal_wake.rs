//! Waking a blocking `serve_*` when a signal arrives, without polling: while the main
//! thread serves, Python's own C-level signal handler writes each signal's number to a
//! socket of ours (`signal.set_wakeup_fd`), and the thread waits on the server task *or*
//! that socket. Python then runs its signal handlers (`check_signals`) only when a signal
//! really came. An idle server thus wakes no thread at all, where a timed look for Ctrl-C
//! woke two threads ten times a second.
//!
//! Python runs signal handlers only on the main thread, so a serve started on any other
//! thread needs no wake-up at all: it simply waits for the server.

use pyo3::prelude::*;

/// What a waiting serve reacts to besides its own end: a signal delivered to the process.
pub enum SignalWake {
    /// Not the main thread (or no socket could be had): signals are not ours to run.
    Off,
    /// The main thread on Unix: the socket Python's signal handler writes to, and the wakeup
    /// fd it had before (restored by [`SignalWake::restore`]).
    #[cfg(unix)]
    On { socket: imp::Socket, previous: i64 },
    /// The main thread elsewhere: looks for signals every [`imp::POLL`].
    #[cfg(not(unix))]
    Poll,
}

impl SignalWake {
    /// Prepares the wake-up for a serve on the calling thread. On the main thread it takes
    /// over Python's wakeup fd until [`SignalWake::restore`]. Must run inside the engine's
    /// runtime context (the socket registers with its reactor).
    pub fn install(py: Python<'_>) -> PyResult<SignalWake> {
        let threading = py.import("threading")?;
        let main = threading.call_method0("main_thread")?;
        if !threading.call_method0("current_thread")?.is(&main) {
            return Ok(SignalWake::Off);
        }
        imp::install(py)
    }

    /// Waits until a signal may have come (returns at once for none); `Off` never returns.
    pub async fn signalled(&self) {
        match self {
            SignalWake::Off => std::future::pending().await,
            #[cfg(unix)]
            SignalWake::On { socket, .. } => socket.drained().await,
            #[cfg(not(unix))]
            SignalWake::Poll => tokio::time::sleep(imp::POLL).await,
        }
    }

    /// Gives Python back the wakeup fd it had before [`SignalWake::install`].
    pub fn restore(self, py: Python<'_>) -> PyResult<()> {
        match self {
            SignalWake::Off => Ok(()),
            #[cfg(unix)]
            SignalWake::On { previous, socket } => {
                py.import("signal")?.call_method1("set_wakeup_fd", (previous,))?;
                drop(socket);
                Ok(())
            }
            #[cfg(not(unix))]
            SignalWake::Poll => Ok(()),
        }
    }
}

#[cfg(unix)]
mod imp {
    use std::os::fd::AsRawFd;

    use pyo3::prelude::*;
    use pyo3::types::PyDict;

    use super::SignalWake;

    /// Both ends of the socket pair: Python writes to `writer` from its signal handler (it
    /// must not block, so both ends are non-blocking), the serve waits on `reader`.
    pub struct Socket {
        reader: tokio::net::UnixStream,
        _writer: std::os::unix::net::UnixStream,
    }

    impl Socket {
        /// Waits until the socket has bytes, then reads them all (the signal numbers do not
        /// matter: Python knows which handlers to run).
        pub async fn drained(&self) {
            let mut buf = [0u8; 64];
            loop {
                if self.reader.readable().await.is_err() {
                    return std::future::pending().await;
                }
                match self.reader.try_read(&mut buf) {
                    Ok(0) => return std::future::pending().await,
                    Ok(_) => {
                        while let Ok(n) = self.reader.try_read(&mut buf) {
                            if n == 0 {
                                break;
                            }
                        }
                        return;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                    Err(_) => return std::future::pending().await,
                }
            }
        }
    }

    pub fn install(py: Python<'_>) -> PyResult<SignalWake> {
        let (reader, writer) = std::os::unix::net::UnixStream::pair()?;
        reader.set_nonblocking(true)?;
        writer.set_nonblocking(true)?;
        let reader = tokio::net::UnixStream::from_std(reader)?;
        // A full socket only means a signal is already waiting to be seen: not worth a warning.
        let kwargs = PyDict::new(py);
        kwargs.set_item("warn_on_full_buffer", false)?;
        let previous: i64 =
            py.import("signal")?.call_method("set_wakeup_fd", (writer.as_raw_fd(),), Some(&kwargs))?.extract()?;
        Ok(SignalWake::On { socket: Socket { reader, _writer: writer }, previous })
    }
}

#[cfg(not(unix))]
mod imp {
    use std::time::Duration;

    use pyo3::prelude::*;

    use super::SignalWake;

    /// How often a blocking serve looks for Ctrl-C where there is no wakeup socket.
    pub const POLL: Duration = Duration::from_millis(100);

    pub fn install(_py: Python<'_>) -> PyResult<SignalWake> {
        Ok(SignalWake::Poll)
    }
}
