//! Entering the interpreter from engine threads ([`attach`]), and the exit hook that stops
//! them from entering it once the interpreter starts to exit.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pyo3::prelude::*;

/// Set when the interpreter starts to exit (an `atexit` hook): from then on engine threads
/// no longer enter Python. A foreign thread that tries to take the GIL of a finalizing
/// interpreter is ended by CPython mid-call, which aborts a Rust thread.
static EXITING: AtomicBool = AtomicBool::new(false);
/// Engine threads inside [`attach`] right now.
static ATTACHED: AtomicUsize = AtomicUsize::new(0);
/// How long the exit hook waits for engine threads to leave Python.
const EXIT_WAIT: Duration = Duration::from_secs(2);

/// True once the interpreter started to exit.
pub(crate) fn is_exiting() -> bool {
    EXITING.load(Ordering::SeqCst)
}

/// Runs `f` attached to the interpreter, from an engine thread; `None` once the
/// interpreter is exiting (the work is dropped: nobody is left to receive it).
pub(crate) fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            ATTACHED.fetch_sub(1, Ordering::SeqCst);
        }
    }
    ATTACHED.fetch_add(1, Ordering::SeqCst);
    let _leave = Leave;
    if is_exiting() {
        return None;
    }
    Python::try_attach(f)
}

/// The `atexit` hook: stops engine threads from entering Python, then lets those inside
/// finish (bounded) before the interpreter finalizes.
#[pyfunction]
pub(crate) fn _at_exit(py: Python<'_>) {
    EXITING.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = Instant::now() + EXIT_WAIT;
        while ATTACHED.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}
