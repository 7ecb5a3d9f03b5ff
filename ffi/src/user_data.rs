//! `user_data` as C hands it to the library: a pointer passed back to C's callbacks, and
//! its finalizer (`mcpf_free_callback`), run exactly once when the library drops it.

use std::ffi::c_void;

/// A finalizer for `user_data`, called exactly once when the registration is dropped.
pub type mcpf_free_callback = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

/// `user_data` plus its finalizer. C promises (header rule 6) that `user_data` may be used
/// from the threads the library calls back on, which is what makes these impls sound.
pub(crate) struct UserData {
    pub(crate) ptr: *mut c_void,
    pub(crate) free: mcpf_free_callback,
}

impl UserData {
    /// Takes ownership of `ptr`: `free` runs when this is dropped.
    pub(crate) fn new(ptr: *mut c_void, free: mcpf_free_callback) -> UserData {
        UserData { ptr, free }
    }
}

// SAFETY: the header requires `user_data` to be usable from any thread; the library only
// passes the pointer back to C and never dereferences it.
unsafe impl Send for UserData {}
// SAFETY: as above; shared access only copies the pointer.
unsafe impl Sync for UserData {}

impl Drop for UserData {
    fn drop(&mut self) {
        if let Some(free) = self.free {
            // SAFETY: the finalizer C registered with this pointer, called exactly once here.
            unsafe { free(self.ptr) };
        }
    }
}
