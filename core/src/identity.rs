//! Identities the engine keys its own bookkeeping by (rate-limit buckets): serial numbers for
//! connections and sessions, never reused (an allocation's address is reused once it is
//! freed, so a new client would inherit an old one's state), and keyed fingerprints of text
//! a client chose or a verifier passed on (eight bytes whatever the text's length, and not
//! predictable from outside the process, so a client cannot aim at another's fingerprint).

use std::hash::{BuildHasher, RandomState};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// A new serial number: unique in the process, never 0 (0 stands for "no connection").
pub(crate) fn next_serial() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The fingerprint of `text`: SipHash with keys drawn once per process.
pub(crate) fn fingerprint(text: &str) -> u64 {
    static KEYS: OnceLock<RandomState> = OnceLock::new();
    KEYS.get_or_init(RandomState::new).hash_one(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_never_repeated_and_fingerprints_are_stable() {
        let (a, b) = (next_serial(), next_serial());
        assert!(a != 0 && b > a);
        assert_eq!(fingerprint("alice"), fingerprint("alice"));
        assert_ne!(fingerprint("alice"), fingerprint("alicf"));
    }
}
