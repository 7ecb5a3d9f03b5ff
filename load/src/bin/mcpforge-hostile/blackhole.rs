//! A collector that never answers: a loopback TCP listener that accepts connections and
//! never reads from them (an OpenTelemetry collector that hangs, the harsher case than one
//! that refuses connections). It holds at most [`HELD`] connections at once, dropping the
//! oldest first, so it is bounded itself.

use std::collections::VecDeque;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

/// Connections held open at once.
const HELD: usize = 64;
/// How often the listener looks for a new connection.
const POLL: Duration = Duration::from_millis(50);

/// A running black hole.
pub(super) struct BlackHole {
    addr: SocketAddr,
    accepted: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: thread::JoinHandle<()>,
}

impl BlackHole {
    /// Listens on a free loopback port.
    pub(super) fn start() -> std::io::Result<BlackHole> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (accepted, stop) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicBool::new(false)));
        let thread = {
            let (accepted, stop) = (accepted.clone(), stop.clone());
            thread::spawn(move || {
                let mut held = VecDeque::with_capacity(HELD);
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((tcp, _)) => {
                            accepted.fetch_add(1, Ordering::Relaxed);
                            if held.len() == HELD {
                                held.pop_front();
                            }
                            held.push_back(tcp);
                        }
                        Err(_) => thread::sleep(POLL),
                    }
                }
            })
        };
        Ok(BlackHole { addr, accepted, stop, thread })
    }

    /// Where it listens.
    pub(super) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections accepted so far.
    pub(super) fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::Relaxed)
    }

    /// Closes the listener and every held connection.
    pub(super) fn finish(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}
