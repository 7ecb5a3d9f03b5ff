//! Whether a handler is quick enough to run inline ([`Pace`]), judged from its runs: how long
//! each took ([`Run`]) and whether its thread blocked meanwhile, read from the system's count
//! of the thread's voluntary waits ([`waits`], held for a batch of runs by [`Counted`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A handler that once ran this long (or longer) and blocked meanwhile goes to the pool from
/// then on.
pub(crate) const SLOW: Duration = Duration::from_millis(1);

/// Whether one handler may run inline: cleared for good when it proves slow or calls back
/// into the engine.
#[derive(Default)]
pub struct Pace {
    pooled: AtomicBool,
}

impl Pace {
    /// Whether its runs so far were all quick.
    pub(crate) fn is_quick(&self) -> bool {
        !self.pooled.load(Ordering::Relaxed)
    }

    /// Records one run of the handler (inline or on the pool), timed by `run`.
    pub fn ran(&self, run: &Run) {
        if run.began.elapsed() < SLOW {
            return;
        }
        let now = waits();
        if now.is_none_or(|now| Some(now) > run.waits) {
            self.to_pool();
        }
        // Fresher for the runs that follow on this thread.
        if KNOWN.get().is_some() {
            KNOWN.set(now);
        }
    }

    /// Sends the handler to the pool from now on.
    pub(crate) fn to_pool(&self) {
        self.pooled.store(true, Ordering::Relaxed);
    }
}

/// The start of one run of a handler, on the thread that runs it.
pub struct Run {
    began: Instant,
    waits: Option<u64>,
}

impl Run {
    /// A run starting now.
    pub fn start() -> Run {
        let known = KNOWN.get();
        Run { began: Instant::now(), waits: known.or_else(waits) }
    }
}

thread_local! {
    /// A count of this thread's [`waits`] read earlier, while [`Counted`] holds it: a run
    /// takes it as its start instead of asking the system.
    static KNOWN: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// Holds a count of this thread's [`waits`] for the runs it starts until dropped, so that a
/// run does not ask the system again (a system call of about 0.4 µs here): an inline call's,
/// read before it took the interpreter (one system call per call instead of two), or a pool
/// worker's, read when it took the interpreter (one per batch of calls instead of one per
/// call). Read early, a count can only be lower than the run's own, never higher: a run that
/// blocked is always seen to, and a slow run that did not may at worst be taken for one that
/// did when its thread waited between the read and the run, which sends its handler to the
/// pool, the safe side.
pub struct Counted;

impl Counted {
    /// Holds `count`, read on this thread.
    pub(crate) fn holding(count: Option<u64>) -> Counted {
        KNOWN.set(count);
        Counted
    }

    /// Holds the count now.
    pub fn now() -> Counted {
        Counted::holding(waits())
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        KNOWN.set(None);
    }
}

/// How many times the calling thread gave up its CPU of its own accord so far (slept, waited
/// for I/O, a lock or the GIL), where the system counts it.
pub(crate) fn waits() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage fills the struct for the calling thread; it is read only on success.
        if unsafe { libc::getrusage(libc::RUSAGE_THREAD, usage.as_mut_ptr()) } == 0 {
            // SAFETY: initialized by the successful call above.
            return Some(unsafe { usage.assume_init() }.ru_nvcsw as u64);
        }
    }
    None
}
