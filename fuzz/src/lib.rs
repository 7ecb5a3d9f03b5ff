//! Helpers shared by the fuzz targets in `fuzz_targets/`: cutting one input into fields,
//! comparing JSON values that went through text once, and the allocation limit every
//! target runs under.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write as _;

use serde_json::Value;

/// The input up to the first `\n` and the rest after it (the rest is empty without one).
pub fn split_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// Equal JSON values, where numbers that are not integers may differ in their last bit:
/// serde_json's default float parsing is not exact, so a value printed and read back can
/// move by one unit in the last place.
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y || (x - y).abs() <= f64::EPSILON * 4.0 * x.abs().max(y.abs()),
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// The largest single allocation a target may make: 256 MiB. libFuzzer's own
/// `-malloc_limit_mb` needs a sanitizer's allocator hooks, which a build without one lacks.
const MALLOC_LIMIT: usize = 256 << 20;

/// The system allocator, aborting (a crash libFuzzer reports, with the input) on any single
/// allocation over [`MALLOC_LIMIT`].
struct Limited;

// SAFETY: every call is forwarded unchanged to the system allocator, or never returns.
unsafe impl GlobalAlloc for Limited {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        // SAFETY: the caller's guarantees for `layout` are passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        check(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, which is the system one.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        check(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Limited = Limited;

/// Aborts on an allocation over the limit (stderr is unbuffered: writing to it allocates
/// nothing).
fn check(size: usize) {
    if size > MALLOC_LIMIT {
        let _ = writeln!(std::io::stderr(), "==fuzz== allocation of {size} bytes over the {MALLOC_LIMIT}-byte limit");
        std::process::abort();
    }
}
