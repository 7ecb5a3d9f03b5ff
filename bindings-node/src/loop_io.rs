//! The protocol's input and output on Node's event loop: non-blocking descriptors (pipes,
//! sockets, terminals) read and written on the JavaScript thread, waiting for readiness
//! through libuv, so a request arriving wakes that thread and no other, and its answer is
//! written by the thread that ran its handler. Stdio's input and output are one descriptor
//! each ([`LoopReader`], [`LoopWriter`]); an HTTP connection's socket is both
//! ([`LoopSocket`]), watched by one poll handle (libuv allows one per descriptor). A
//! descriptor libuv cannot poll (a regular file) is left to the engine's own reader or writer.

use std::cell::{Cell, RefCell};
use std::ffi::{c_int, c_void};
use std::io::IoSlice;
use std::os::fd::{AsRawFd, OwnedFd};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::event_loop::{LoopPtr, then_run};
use crate::uv;

/// The most buffers one `writev` takes (hyper hands over a head and a body or a few chunks).
const MAX_SLICES: usize = 64;

/// What the poll callback reaches (on the loop's thread only): the wakers of the reading and
/// the writing side while they wait, and the events the handle watches.
struct Waiting {
    readable: RefCell<Option<Waker>>,
    writable: RefCell<Option<Waker>>,
    /// `READABLE` and/or `WRITABLE`, or 0 while the handle is stopped.
    watching: Cell<c_int>,
}

impl Waiting {
    fn slot(&self, events: c_int) -> &RefCell<Option<Waker>> {
        if events == uv::READABLE { &self.readable } else { &self.writable }
    }
}

/// A non-blocking descriptor and its readiness on the loop.
struct LoopFd {
    // Declared first: the handle is stopped and closed (no more callbacks) before the
    // descriptor is closed and before the state its data points at is freed.
    poll: uv::Poll,
    waiting: Box<Waiting>,
    fd: OwnedFd,
    /// Set when the last read filled less than it was given: the descriptor was emptied, so
    /// the next read waits for the loop's word first instead of making a system call that
    /// would fail with `EAGAIN` (libuv's polling is level-triggered: bytes that came in
    /// meanwhile are reported at once).
    drained: Cell<bool>,
}

impl LoopFd {
    /// `fd` on `event_loop` (called on the loop's thread), or `fd` back when libuv cannot
    /// poll it.
    fn open(event_loop: LoopPtr, fd: OwnedFd) -> Result<LoopFd, OwnedFd> {
        if set_nonblocking(&fd).is_err() {
            return Err(fd);
        }
        let waiting =
            Box::new(Waiting { readable: RefCell::new(None), writable: RefCell::new(None), watching: Cell::new(0) });
        let data = std::ptr::from_ref::<Waiting>(&waiting).cast_mut().cast::<c_void>();
        match uv::Poll::new(event_loop.0, fd.as_raw_fd(), data) {
            Ok(poll) => Ok(LoopFd { poll, waiting, fd, drained: Cell::new(false) }),
            Err(_) => Err(fd),
        }
    }

    /// Runs the system call `io` until it does not fail with `EINTR`; on `EAGAIN`, waits for
    /// the loop to say the descriptor is ready for `events` (`READABLE` or `WRITABLE`).
    fn attempt(
        &self,
        cx: &Context<'_>,
        events: c_int,
        mut io: impl FnMut(c_int) -> isize,
    ) -> Poll<std::io::Result<usize>> {
        loop {
            let n = io(self.fd.as_raw_fd());
            if n >= 0 {
                return Poll::Ready(Ok(n.unsigned_abs()));
            }
            let e = std::io::Error::last_os_error();
            match e.kind() {
                std::io::ErrorKind::Interrupted => {}
                std::io::ErrorKind::WouldBlock => return self.wait(cx, events),
                _ => return Poll::Ready(Err(e)),
            }
        }
    }

    /// Waits for the loop to say the descriptor is ready for `events`.
    fn wait<T>(&self, cx: &Context<'_>, events: c_int) -> Poll<T> {
        let mut slot = self.waiting.slot(events).borrow_mut();
        match slot.as_ref() {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => *slot = Some(cx.waker().clone()),
        }
        let watching = self.waiting.watching.get();
        if watching & events == 0 {
            self.waiting.watching.set(watching | events);
            self.poll.start(watching | events, on_ready);
        }
        Poll::Pending
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

/// Takes the waker of the side `events` fired for; a side that fired with nobody waiting
/// (the reader stopped reading because the output queue is full) stops being watched until
/// it waits again, so a client that never reads stops being read.
fn fired(waiting: &Waiting, events: c_int, side: c_int, watching: &mut c_int) -> Option<Waker> {
    if events & side == 0 {
        return None;
    }
    let waker = waiting.slot(side).borrow_mut().take();
    if waker.is_none() {
        *watching &= !side;
    }
    waker
}

/// The poll handle's callback: wakes the waiting sides and runs them in this turn. On an
/// error libuv has stopped the handle: both sides are woken, to meet the error in their
/// next system call (or wait again, which restarts the handle).
extern "C" fn on_ready(handle: *mut uv::Handle, status: c_int, events: c_int) {
    // SAFETY: the data of our poll handles points at the `Waiting` of the `LoopFd` that owns
    // the handle, which outlives it (see `LoopFd`).
    let waiting = unsafe { &*uv::Poll::data_of(handle).cast::<Waiting>() };
    let (read, write) = if status < 0 {
        waiting.watching.set(0);
        (waiting.readable.borrow_mut().take(), waiting.writable.borrow_mut().take())
    } else {
        let before = waiting.watching.get();
        let mut watching = before;
        let read = fired(waiting, events, uv::READABLE, &mut watching);
        let write = fired(waiting, events, uv::WRITABLE, &mut watching);
        if watching != before {
            waiting.watching.set(watching);
            if watching == 0 {
                uv::Poll::stop_handle(handle);
            } else {
                uv::Poll::start_handle(handle, watching, on_ready);
            }
        }
        (read, write)
    };
    if read.is_some() || write.is_some() {
        then_run(|| {
            read.into_iter().chain(write).for_each(Waker::wake);
        });
    }
}

/// Reads into `buf` with `read(2)`-like `io`, without initializing its free space first.
/// After a read that left the descriptor empty (see `LoopFd::drained`), waits for the loop
/// first: a lone request is then answered before any further system call on its input.
fn read_into(fd: &LoopFd, cx: &Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
    if fd.drained.replace(false) {
        return fd.wait(cx, uv::READABLE);
    }
    // SAFETY: the system call only writes to the free space, and only the bytes it reports
    // having written are then marked initialized.
    let free = unsafe { buf.unfilled_mut() };
    // SAFETY: reading into memory we hold a unique borrow of, at most its length.
    let n = std::task::ready!(
        fd.attempt(cx, uv::READABLE, |raw| unsafe { libc::read(raw, free.as_mut_ptr().cast(), free.len()) })
    )?;
    fd.drained.set(n > 0 && n < free.len());
    // SAFETY: `read` wrote these `n` bytes.
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    Poll::Ready(Ok(()))
}

/// Writes `buf` with `write(2)`.
fn write_from(fd: &LoopFd, cx: &Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
    // SAFETY: writing from memory we borrow, at most its length.
    fd.attempt(cx, uv::WRITABLE, |raw| unsafe { libc::write(raw, buf.as_ptr().cast(), buf.len()) })
}

/// The protocol's input, read on the loop.
pub(crate) struct LoopReader(LoopFd);

impl LoopReader {
    /// A reader of `fd` on `event_loop`, or `fd` back when libuv cannot poll it.
    pub fn open(event_loop: LoopPtr, fd: OwnedFd) -> Result<LoopReader, OwnedFd> {
        LoopFd::open(event_loop, fd).map(LoopReader)
    }
}

impl AsyncRead for LoopReader {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        read_into(&self.0, cx, buf)
    }
}

/// The protocol's output, written on the loop (by the thread that answers).
pub(crate) struct LoopWriter(LoopFd);

impl LoopWriter {
    /// A writer of `fd` on `event_loop`, or `fd` back when libuv cannot poll it.
    pub fn open(event_loop: LoopPtr, fd: OwnedFd) -> Result<LoopWriter, OwnedFd> {
        LoopFd::open(event_loop, fd).map(LoopWriter)
    }
}

impl AsyncWrite for LoopWriter {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        write_from(&self.0, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        // Nothing is buffered: each write went to the descriptor.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// An HTTP connection's socket, read and written on the loop.
pub(crate) struct LoopSocket(LoopFd);

impl LoopSocket {
    /// The socket `fd` on `event_loop`, or `fd` back when libuv cannot poll it.
    pub fn open(event_loop: LoopPtr, fd: OwnedFd) -> Result<LoopSocket, OwnedFd> {
        LoopFd::open(event_loop, fd).map(LoopSocket)
    }
}

impl AsyncRead for LoopSocket {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        read_into(&self.0, cx, buf)
    }
}

impl AsyncWrite for LoopSocket {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        write_from(&self.0, cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let count = bufs.len().min(MAX_SLICES);
        // `IoSlice` is `struct iovec` on Unix. The count fits a c_int (at most MAX_SLICES).
        // SAFETY: writing from memory we borrow, `count` buffers of it.
        self.0.attempt(cx, uv::WRITABLE, |raw| unsafe { libc::writev(raw, bufs.as_ptr().cast(), count as c_int) })
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        // Nothing is buffered: each write went to the socket.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        // SAFETY: shutting down the writing half of a socket we own.
        if unsafe { libc::shutdown(self.0.fd.as_raw_fd(), libc::SHUT_WR) } < 0 {
            let e = std::io::Error::last_os_error();
            // Already gone: nothing left to shut.
            if e.kind() != std::io::ErrorKind::NotConnected {
                return Poll::Ready(Err(e));
            }
        }
        Poll::Ready(Ok(()))
    }
}
