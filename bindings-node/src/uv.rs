//! The few libuv calls the addon makes on Node's own event loop (the process exports libuv's
//! symbols, as it does Node-API's): an async handle, which wakes the loop from any thread,
//! and a poll handle, which says when a descriptor is readable or writable. Handles are
//! allocated at the size libuv reports, and every call but `uv_async_send` is made on the
//! loop's thread.

use std::ffi::{c_int, c_void};

/// `uv_loop_t`, opaque.
#[repr(C)]
pub(crate) struct Loop {
    _opaque: [u8; 0],
}

/// Any `uv_handle_t`, opaque.
#[repr(C)]
pub(crate) struct Handle {
    _opaque: [u8; 0],
}

/// `UV_ASYNC` of `uv_handle_type`.
const UV_ASYNC: c_int = 1;
/// `UV_CHECK` of `uv_handle_type`.
const UV_CHECK: c_int = 2;
/// `UV_IDLE` of `uv_handle_type`.
const UV_IDLE: c_int = 6;
/// `UV_POLL` of `uv_handle_type`.
const UV_POLL: c_int = 8;
/// `UV_READABLE` of `uv_poll_event`.
pub(crate) const READABLE: c_int = 1;
/// `UV_WRITABLE` of `uv_poll_event`.
pub(crate) const WRITABLE: c_int = 2;

/// A callback of an async handle.
pub(crate) type AsyncCb = extern "C" fn(*mut Handle);
/// A callback of a poll handle: `(handle, status, events)`.
pub(crate) type PollCb = extern "C" fn(*mut Handle, c_int, c_int);
type CloseCb = extern "C" fn(*mut Handle);

unsafe extern "C" {
    fn uv_handle_size(kind: c_int) -> usize;
    fn uv_handle_set_data(handle: *mut Handle, data: *mut c_void);
    fn uv_handle_get_data(handle: *const Handle) -> *mut c_void;
    fn uv_async_init(event_loop: *mut Loop, handle: *mut Handle, cb: AsyncCb) -> c_int;
    fn uv_async_send(handle: *mut Handle) -> c_int;
    fn uv_check_init(event_loop: *mut Loop, handle: *mut Handle) -> c_int;
    fn uv_idle_init(event_loop: *mut Loop, handle: *mut Handle) -> c_int;
    fn uv_idle_start(handle: *mut Handle, cb: AsyncCb) -> c_int;
    fn uv_idle_stop(handle: *mut Handle) -> c_int;
    fn uv_check_start(handle: *mut Handle, cb: AsyncCb) -> c_int;
    fn uv_poll_init(event_loop: *mut Loop, handle: *mut Handle, fd: c_int) -> c_int;
    fn uv_poll_start(handle: *mut Handle, events: c_int, cb: PollCb) -> c_int;
    fn uv_poll_stop(handle: *mut Handle) -> c_int;
    fn uv_unref(handle: *mut Handle);
    fn uv_close(handle: *mut Handle, cb: CloseCb);
}

/// A handle's memory, as libuv sizes it for `kind`: zeroed, 16-byte aligned.
fn allocate(kind: c_int) -> *mut Handle {
    // SAFETY: uv_handle_size only reads its argument.
    let size = unsafe { uv_handle_size(kind) };
    let layout = std::alloc::Layout::from_size_align(size.max(1), 16).expect("a libuv handle's layout");
    // SAFETY: the layout has a non-zero size.
    let memory = unsafe { std::alloc::alloc_zeroed(layout) };
    if memory.is_null() {
        std::alloc::handle_alloc_error(layout);
    }
    memory.cast()
}

/// Frees a handle once libuv closed it: `close` left the allocation's size in its data.
extern "C" fn free_closed(handle: *mut Handle) {
    // SAFETY: `handle` is one of ours, allocated by `allocate` with the size in its data.
    unsafe {
        let size = uv_handle_get_data(handle) as usize;
        let layout = std::alloc::Layout::from_size_align(size.max(1), 16).expect("a libuv handle's layout");
        std::alloc::dealloc(handle.cast(), layout);
    }
}

/// Frees a handle libuv never took (its initialization failed).
fn free_unused(handle: *mut Handle, kind: c_int) {
    // SAFETY: uv_handle_size only reads its argument.
    let size = unsafe { uv_handle_size(kind) };
    let layout = std::alloc::Layout::from_size_align(size.max(1), 16).expect("a libuv handle's layout");
    // SAFETY: allocated by `allocate` with this layout, unknown to libuv.
    unsafe { std::alloc::dealloc(handle.cast(), layout) };
}

/// Closes `handle` on the loop's thread; its memory is freed when libuv is done with it.
///
/// # Safety
/// `handle` was made by this module, is open, and the caller is on the loop's thread.
unsafe fn close(handle: *mut Handle, kind: c_int) {
    // SAFETY: as the caller promises; the data field now holds the allocation's size, which
    // `free_closed` reads (no callback of the handle runs after uv_close).
    unsafe {
        uv_handle_set_data(handle, uv_handle_size(kind) as *mut c_void);
        uv_close(handle, free_closed);
    }
}

/// An async handle: `send` (any thread) makes its callback run once soon on the loop's
/// thread. It never keeps the loop alive by itself; `close` (on the loop's thread, when the
/// environment is torn down) gives it back to libuv, after which `send` does nothing.
pub(crate) struct Async(*mut Handle, std::sync::atomic::AtomicBool);

// SAFETY: uv_async_send is the one call made off the loop's thread, and libuv makes it
// thread-safe; everything else is called on the loop's thread.
unsafe impl Send for Async {}
// SAFETY: as above.
unsafe impl Sync for Async {}

impl Async {
    /// A new handle on `event_loop` (called on its thread) running `cb`.
    pub fn new(event_loop: *mut Loop, cb: AsyncCb) -> std::io::Result<Async> {
        let handle = allocate(UV_ASYNC);
        // SAFETY: a zeroed handle of the right size, initialized on the loop's thread.
        let status = unsafe { uv_async_init(event_loop, handle, cb) };
        if status != 0 {
            free_unused(handle, UV_ASYNC);
            return Err(std::io::Error::other(format!("uv_async_init failed ({status})")));
        }
        // SAFETY: an initialized handle, on the loop's thread.
        unsafe { uv_unref(handle) };
        Ok(Async(handle, std::sync::atomic::AtomicBool::new(false)))
    }

    /// Schedules the callback (coalesced with other sends before it runs).
    pub fn send(&self) {
        if !self.1.load(std::sync::atomic::Ordering::Acquire) {
            // SAFETY: the handle is open until `close`; uv_async_send is thread-safe.
            unsafe { uv_async_send(self.0) };
        }
    }

    /// Closes the handle (once; on the loop's thread).
    pub fn close(&self) {
        if !self.1.swap(true, std::sync::atomic::Ordering::AcqRel) {
            // SAFETY: open until now, ours, on the loop's thread.
            unsafe { close(self.0, UV_ASYNC) };
        }
    }
}

/// A check handle: its callback runs once in every turn of the loop, after the turn's I/O
/// callbacks. Never keeps the loop alive; `close` (on the loop's thread, when the
/// environment is torn down) gives it back to libuv.
pub(crate) struct Check(*mut Handle);

// SAFETY: started and closed on the loop's thread only (its owner is torn down there).
unsafe impl Send for Check {}
// SAFETY: as above.
unsafe impl Sync for Check {}

impl Check {
    /// A new handle on `event_loop` (called on its thread), started with `cb`.
    pub fn start(event_loop: *mut Loop, cb: AsyncCb) -> std::io::Result<Check> {
        let handle = allocate(UV_CHECK);
        // SAFETY: a zeroed handle of the right size, initialized and started on the loop's thread.
        let status = unsafe {
            let status = uv_check_init(event_loop, handle);
            if status == 0 { uv_check_start(handle, cb) } else { status }
        };
        if status != 0 {
            free_unused(handle, UV_CHECK);
            return Err(std::io::Error::other(format!("uv_check_start failed ({status})")));
        }
        // SAFETY: initialized, on the loop's thread.
        unsafe { uv_unref(handle) };
        Ok(Check(handle))
    }

    /// Closes the handle (once, on the loop's thread, as the environment is torn down).
    pub fn close(&self) {
        // SAFETY: open until now, ours, on the loop's thread.
        unsafe { close(self.0, UV_CHECK) };
    }
}

/// An idle handle: while started, the loop does not block waiting for I/O, so the check
/// handle runs in this turn. Used and closed on the loop's thread only.
pub(crate) struct Idle(*mut Handle);

// SAFETY: started and stopped on the loop's thread only (its owner checks the thread).
unsafe impl Send for Idle {}
// SAFETY: as above.
unsafe impl Sync for Idle {}

extern "C" fn idle_noop(_handle: *mut Handle) {}

impl Idle {
    /// A new, stopped handle on `event_loop` (called on its thread).
    pub fn new(event_loop: *mut Loop) -> std::io::Result<Idle> {
        let handle = allocate(UV_IDLE);
        // SAFETY: a zeroed handle of the right size, initialized on the loop's thread.
        let status = unsafe { uv_idle_init(event_loop, handle) };
        if status != 0 {
            free_unused(handle, UV_IDLE);
            return Err(std::io::Error::other(format!("uv_idle_init failed ({status})")));
        }
        // SAFETY: initialized, on the loop's thread.
        unsafe { uv_unref(handle) };
        Ok(Idle(handle))
    }

    /// Keeps the loop from blocking (on the loop's thread).
    pub fn start(&self) {
        // SAFETY: an open handle, on the loop's thread.
        unsafe { uv_idle_start(self.0, idle_noop) };
    }

    /// Lets the loop block again (on the loop's thread).
    pub fn stop(&self) {
        // SAFETY: an open handle, on the loop's thread.
        unsafe { uv_idle_stop(self.0) };
    }

    /// Closes the handle (once, on the loop's thread, as the environment is torn down).
    pub fn close(&self) {
        // SAFETY: open until now, ours, on the loop's thread.
        unsafe { close(self.0, UV_IDLE) };
    }
}

/// A poll handle watching one descriptor for readiness; closed when dropped (on the loop's
/// thread). Its user data is handed to the callback.
pub(crate) struct Poll {
    handle: *mut Handle,
}

// SAFETY: a `Poll` is created, started, stopped and dropped on the loop's thread only (the
// reader that owns it is polled by the loop's executor); it moves between threads only as
// part of a task that stays on that thread.
unsafe impl Send for Poll {}

impl Poll {
    /// A poll handle for `fd` on `event_loop`, or why libuv cannot poll it (a regular file).
    pub fn new(event_loop: *mut Loop, fd: c_int, data: *mut c_void) -> std::io::Result<Poll> {
        let handle = allocate(UV_POLL);
        // SAFETY: a zeroed handle of the right size, initialized on the loop's thread.
        let status = unsafe { uv_poll_init(event_loop, handle, fd) };
        if status != 0 {
            free_unused(handle, UV_POLL);
            return Err(std::io::Error::other(format!("uv_poll_init failed ({status})")));
        }
        // SAFETY: initialized, on the loop's thread.
        unsafe {
            uv_handle_set_data(handle, data);
            uv_unref(handle);
        }
        Ok(Poll { handle })
    }

    /// Watches for `events` (`READABLE`, `WRITABLE`, or both), instead of what it watched.
    pub fn start(&self, events: c_int, cb: PollCb) {
        Poll::start_handle(self.handle, events, cb);
    }

    /// Watches `handle` for `events` from now on (from its callback).
    pub fn start_handle(handle: *mut Handle, events: c_int, cb: PollCb) {
        // SAFETY: a live handle of ours, on the loop's thread.
        unsafe { uv_poll_start(handle, events, cb) };
    }

    /// Stops watching `handle` (from its callback).
    pub fn stop_handle(handle: *mut Handle) {
        // SAFETY: a live handle of ours, on the loop's thread.
        unsafe { uv_poll_stop(handle) };
    }

    /// The user data of a handle this module made.
    pub fn data_of(handle: *mut Handle) -> *mut c_void {
        // SAFETY: reading the data field of a live handle (called from its callback).
        unsafe { uv_handle_get_data(handle) }
    }
}

impl Drop for Poll {
    fn drop(&mut self) {
        Poll::stop_handle(self.handle);
        // SAFETY: open, ours, on the loop's thread.
        unsafe { close(self.handle, UV_POLL) };
    }
}
