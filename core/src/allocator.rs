//! The allocator of the extension modules that embed the engine in another runtime (the
//! Python and Node bindings): mimalloc, and its one setting made before the first allocation.
//!
//! In those modules a call's memory is taken on one thread and given back on another (an
//! engine thread reads the request, a pool worker or the JavaScript thread builds the answer,
//! an engine thread frees it), which is where glibc's per-thread caches miss: with glibc,
//! allocation was the largest single cost of a pipelined Python call. The Rust quickstart and
//! the C library keep the system allocator: a Rust application chooses its own, and a C
//! application's process is not ours to change.
//!
//! A binding installs both with [`install_allocator!`](crate::install_allocator) at the top
//! level of its crate (a global allocator and a load-time constructor must live in the final
//! artifact's crate).

/// `mi_option_arena_eager_commit` in mimalloc.h (the bindings crate names no constant for it;
/// the same index in mimalloc 2 and 3, and `libmimalloc-sys` is pinned in the workspace).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// mimalloc, as a Rust global allocator.
pub use mimalloc::MiMalloc as Allocator;

/// Turns off mimalloc's eager commit of its arenas, unless `MIMALLOC_ARENA_EAGER_COMMIT` is
/// set in the environment (which then decides, as mimalloc documents). With eager commit, a
/// module loaded into Python started with 12 MiB more resident memory than with glibc
/// (37 against 25 MiB for the quickstart); without, 2-3 MiB more, for the same speed. Must run
/// before the module's first allocation: the arena is reserved then.
pub extern "C" fn tune() {
    // getenv, not std::env: reading the variable must not allocate.
    // SAFETY: the name is a NUL-terminated constant; getenv only reads the environment, and
    // a load-time constructor runs before any thread of this module could change it.
    let set = unsafe { !libc::getenv(c"MIMALLOC_ARENA_EAGER_COMMIT".as_ptr()).is_null() };
    if !set {
        // SAFETY: mi_option_set only stores the value of a known option.
        unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) };
    }
}

/// Makes mimalloc the calling crate's global allocator and runs [`tune`] when the module is
/// loaded, before its first allocation (a constructor with a priority runs before the
/// unprioritized ones, such as an addon's registrations). The bindings invoke it on Linux with
/// glibc only, the platform it is measured on; elsewhere the system allocator stays.
#[macro_export]
macro_rules! install_allocator {
    () => {
        #[global_allocator]
        static ALLOCATOR: $crate::allocator::Allocator = $crate::allocator::Allocator;

        #[used]
        #[unsafe(link_section = ".init_array.00099")]
        static TUNE_ALLOCATOR: extern "C" fn() = $crate::allocator::tune;
    };
}
