//! The protocol's input and output on Node's event loop: non-blocking descriptors (pipes,
//! sockets, terminals) read and written on the JavaScript thread, waiting for readiness
//! through libuv, so a request arriving wakes that thread and no other, and its answer is
//! written by the thread that ran its handler. A descriptor libuv cannot poll (a regular
//! file) is left to the engine's own reader or writer.

use std::cell::{Cell, RefCell};
use std::ffi::{c_int, c_void};
use std::os::fd::{AsRawFd, OwnedFd};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::event_loop::{LoopPtr, then_run};
use crate::uv;

/// What the poll callback reaches (on the loop's thread only): the waker of the reader or
/// writer while it waits, and whether the handle is watching.
struct Waiting {
    waker: RefCell<Option<Waker>>,
    watching: Cell<bool>,
}

/// A non-blocking descriptor and its readiness on the loop.
struct LoopFd {
    fd: OwnedFd,
    // Declared before `waiting`: the handle is closed (no more callbacks) before the state
    // its data points at is freed.
    poll: uv::Poll,
    waiting: Box<Waiting>,
    events: c_int,
}

impl LoopFd {
    /// `fd` on `event_loop` (called on the loop's thread) waiting for `events`, or `fd` back
    /// when libuv cannot poll it.
    fn open(event_loop: LoopPtr, fd: OwnedFd, events: c_int) -> Result<LoopFd, OwnedFd> {
        if set_nonblocking(&fd).is_err() {
            return Err(fd);
        }
        let waiting = Box::new(Waiting { waker: RefCell::new(None), watching: Cell::new(false) });
        let data = std::ptr::from_ref::<Waiting>(&waiting).cast_mut().cast::<c_void>();
        match uv::Poll::new(event_loop.0, fd.as_raw_fd(), data) {
            Ok(poll) => Ok(LoopFd { fd, poll, waiting, events }),
            Err(_) => Err(fd),
        }
    }

    /// Runs the system call `io` until it does not fail with `EINTR`; on `EAGAIN`, waits for
    /// the loop to say the descriptor is ready.
    fn attempt(&self, cx: &Context<'_>, mut io: impl FnMut(c_int) -> isize) -> Poll<std::io::Result<usize>> {
        loop {
            let n = io(self.fd.as_raw_fd());
            if n >= 0 {
                return Poll::Ready(Ok(n.unsigned_abs()));
            }
            let e = std::io::Error::last_os_error();
            match e.kind() {
                std::io::ErrorKind::Interrupted => {}
                std::io::ErrorKind::WouldBlock => {
                    *self.waiting.waker.borrow_mut() = Some(cx.waker().clone());
                    if !self.waiting.watching.replace(true) {
                        self.poll.start(self.events, on_ready);
                    }
                    return Poll::Pending;
                }
                _ => return Poll::Ready(Err(e)),
            }
        }
    }
}

fn set_nonblocking(fd: &OwnedFd) -> std::io::Result<()> {
    // SAFETY: F_GETFL/F_SETFL on a descriptor we own.
    unsafe {
        let flags = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// The poll handle's callback: wakes the waiting reader or writer and runs it in this turn;
/// with nobody waiting (the reader stopped reading because the output queue is full), stops
/// watching until it waits again, so a client that never reads stops being read.
extern "C" fn on_ready(handle: *mut uv::Handle, _status: c_int, _events: c_int) {
    // SAFETY: the data of our poll handles points at the `Waiting` of the `LoopFd` that owns
    // the handle, which outlives it (see `LoopFd`).
    let waiting = unsafe { &*uv::Poll::data_of(handle).cast::<Waiting>() };
    let waker = waiting.waker.borrow_mut().take();
    match waker {
        Some(waker) => then_run(|| waker.wake()),
        None => {
            uv::Poll::stop_handle(handle);
            waiting.watching.set(false);
        }
    }
}

/// The protocol's input, read on the loop.
pub(crate) struct LoopReader(LoopFd);

impl LoopReader {
    /// A reader of `fd` on `event_loop`, or `fd` back when libuv cannot poll it.
    pub fn open(event_loop: LoopPtr, fd: OwnedFd) -> Result<LoopReader, OwnedFd> {
        LoopFd::open(event_loop, fd, uv::READABLE).map(LoopReader)
    }
}

impl AsyncRead for LoopReader {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let room = buf.initialize_unfilled();
        // SAFETY: reading into initialized memory we hold a unique borrow of.
        let read = self.0.attempt(cx, |fd| unsafe { libc::read(fd, room.as_mut_ptr().cast(), room.len()) });
        read.map_ok(|n| buf.advance(n))
    }
}

/// The protocol's output, written on the loop (by the thread that answers).
pub(crate) struct LoopWriter(LoopFd);

impl LoopWriter {
    /// A writer of `fd` on `event_loop`, or `fd` back when libuv cannot poll it.
    pub fn open(event_loop: LoopPtr, fd: OwnedFd) -> Result<LoopWriter, OwnedFd> {
        LoopFd::open(event_loop, fd, uv::WRITABLE).map(LoopWriter)
    }
}

impl AsyncWrite for LoopWriter {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        // SAFETY: writing from memory we borrow.
        self.0.attempt(cx, |fd| unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) })
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        // Nothing is buffered: each write went to the descriptor.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
