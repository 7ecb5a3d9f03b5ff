//! Identities the engine keys its own bookkeeping by (rate-limit buckets): serial numbers for
//! connections and sessions, never reused (an allocation's address is reused once it is
//! freed, so a new client would inherit an old one's state), and keyed fingerprints of text
//! a client chose or a verifier passed on (eight bytes whatever the text's length, and not
//! predictable from outside the process, so a client cannot aim at another's fingerprint).

use std::hash::{BuildHasher, RandomState};
use std::net::{IpAddr, Ipv6Addr};
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

/// The host an address stands for, as per-client bounds count clients: an IPv4 address
/// (IPv4-mapped IPv6 included) as it is, an IPv6 address by its /64 prefix (what one host or
/// site is usually given, so one client cannot be 2^64 clients).
pub(crate) fn host(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        },
        v4 => v4,
    }
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

    #[test]
    fn an_ipv6_host_is_its_64_prefix_and_a_mapped_ipv4_is_itself() {
        let ip = |a: &str| a.parse::<IpAddr>().unwrap();
        assert_eq!(host(ip("2001:db8::1")), host(ip("2001:db8::ffff")));
        assert_ne!(host(ip("2001:db8::1")), host(ip("2001:db8:0:1::1")));
        assert_eq!(host(ip("::ffff:127.0.0.1")), ip("127.0.0.1"));
        assert_eq!(host(ip("127.0.0.2")), ip("127.0.0.2"));
    }
}
