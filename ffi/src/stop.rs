//! The stop signal behind `mcpf_server_shutdown`. On Unix: a flag plus a socket pair, so
//! that asking a server to stop takes no lock and no allocation and is safe inside a signal
//! handler; the running server's runtime watches the other end. Elsewhere (Windows, whose
//! console control handlers run on a thread of their own, not inside a signal): a flag and
//! a wake-up.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

use mcpforge::Server;

#[cfg(not(unix))]
pub(crate) use portable::StopSignal;
#[cfg(unix)]
pub(crate) use unix::StopSignal;

#[cfg(unix)]
mod unix {
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;

    use super::{AtomicBool, Ordering, Server, io};

    /// A one-way, final stop request.
    pub(crate) struct StopSignal {
        requested: AtomicBool,
        /// Written by [`StopSignal::request`] (non-blocking).
        tx: UnixStream,
        /// Watched by the running server.
        rx: UnixStream,
    }

    impl StopSignal {
        pub(crate) fn new() -> io::Result<StopSignal> {
            let (tx, rx) = UnixStream::pair()?;
            tx.set_nonblocking(true)?;
            Ok(StopSignal { requested: AtomicBool::new(false), tx, rx })
        }

        /// True once a stop was requested.
        pub(crate) fn requested(&self) -> bool {
            self.requested.load(Ordering::Acquire)
        }

        /// Requests the stop. Async-signal-safe: an atomic store and one `write(2)`.
        pub(crate) fn request(&self) {
            self.requested.store(true, Ordering::Release);
            let byte = 1u8;
            // SAFETY: `tx` is an open, non-blocking socket owned by `self`; the buffer is one
            // live byte. A full buffer (EAGAIN) means a wake-up is already pending, so the
            // result is deliberately ignored.
            let _ = unsafe { libc::write(self.tx.as_raw_fd(), (&byte as *const u8).cast(), 1) };
        }

        /// Spawns a task (on the current runtime) that shuts `engine` down once a stop is
        /// requested, including one requested before the call.
        pub(crate) fn watch(&self, engine: Server) -> io::Result<tokio::task::JoinHandle<()>> {
            let rx = self.rx.try_clone()?;
            rx.set_nonblocking(true)?;
            let rx = tokio::net::UnixStream::from_std(rx)?;
            let requested = self.requested();
            Ok(tokio::spawn(async move {
                if !requested {
                    let _ = rx.readable().await;
                }
                engine.shutdown();
            }))
        }
    }
}

/// The stop request where no signal-safe wake-up is needed; compiled on every platform so
/// it is checked everywhere, used where Unix's is not.
#[cfg_attr(unix, allow(dead_code))]
mod portable {
    use std::sync::Arc;

    use tokio::sync::Notify;

    use super::{AtomicBool, Ordering, Server, io};

    /// A one-way, final stop request.
    pub(crate) struct StopSignal {
        requested: AtomicBool,
        wake: Arc<Notify>,
    }

    impl StopSignal {
        pub(crate) fn new() -> io::Result<StopSignal> {
            Ok(StopSignal { requested: AtomicBool::new(false), wake: Arc::new(Notify::new()) })
        }

        /// True once a stop was requested.
        pub(crate) fn requested(&self) -> bool {
            self.requested.load(Ordering::Acquire)
        }

        /// Requests the stop (a wake-up that is kept when nobody waits yet).
        pub(crate) fn request(&self) {
            self.requested.store(true, Ordering::Release);
            self.wake.notify_one();
        }

        /// Spawns a task (on the current runtime) that shuts `engine` down once a stop is
        /// requested, including one requested before the call.
        pub(crate) fn watch(&self, engine: Server) -> io::Result<tokio::task::JoinHandle<()>> {
            let (wake, requested) = (self.wake.clone(), self.requested());
            Ok(tokio::spawn(async move {
                if !requested {
                    wake.notified().await;
                }
                engine.shutdown();
            }))
        }
    }
}
