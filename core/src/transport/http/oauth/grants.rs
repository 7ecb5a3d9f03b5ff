//! The cache of grants the built-in verifiers already gave: keyed by the SHA-256 of the token
//! (the token itself is never kept), bounded in entries, each entry ending at the earlier of
//! the token's own expiry and the configured time to live. Full, it drops the grant used
//! least recently, in constant time (a linked map), whatever its size.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lru::LruCache;
use sha2::{Digest, Sha256};

use crate::auth::AuthInfo;
use crate::sync::lock;

/// The SHA-256 of a token: what the cache is keyed by.
pub(super) type TokenHash = [u8; 32];

/// Hashes a token.
pub(super) fn hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

struct Entry {
    grant: Arc<AuthInfo>,
    until: Instant,
}

/// Grants by token hash. Full, it drops the grant used least recently (an ended grant is
/// dropped when it is next looked up, or when it becomes the least recently used).
pub(super) struct Grants {
    entries: Mutex<LruCache<TokenHash, Entry>>,
    ttl: Duration,
}

impl Grants {
    /// At most `capacity` grants, each kept at most `ttl` (0: nothing is kept).
    pub fn new(capacity: usize, ttl: Duration) -> Grants {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        Grants { entries: Mutex::new(LruCache::new(capacity)), ttl }
    }

    /// The grant cached for `key`, if it has not ended (it becomes the most recently used).
    pub fn get(&self, key: &TokenHash) -> Option<Arc<AuthInfo>> {
        let mut entries = lock(&self.entries);
        let entry = entries.get(key)?;
        if entry.until > Instant::now() {
            return Some(entry.grant.clone());
        }
        entries.pop(key);
        None
    }

    /// Keeps `grant` until `expires` (the token's own end, if it has one) or the time to live,
    /// whichever comes first.
    pub fn put(&self, key: TokenHash, grant: Arc<AuthInfo>, expires: Option<Instant>) {
        if self.ttl.is_zero() {
            return;
        }
        let now = Instant::now();
        let until = expires.map_or(now + self.ttl, |e| e.min(now + self.ttl));
        if until <= now {
            return;
        }
        // At the bound, `put` drops the least recently used grant: constant time.
        lock(&self.entries).put(key, Entry { grant, until });
    }

    /// How many grants are held (expired ones included until they are seen).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }
}

/// The instant a Unix time (seconds) falls at, seen from now: now when already past, a year
/// from now at most.
pub(super) fn instant_of(unix_seconds: i64) -> Instant {
    let left = u64::try_from(unix_seconds).unwrap_or(0).saturating_sub(super::claims::now());
    Instant::now() + Duration::from_secs(left.min(365 * 24 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_ending() {
        let grants = Grants::new(2, Duration::from_secs(60));
        let g = Arc::new(AuthInfo::new("a", ["s"]));
        grants.put(hash("t1"), g.clone(), None);
        grants.put(hash("t2"), g.clone(), Some(instant_of(i64::MAX / 2)));
        grants.put(hash("t3"), g.clone(), None);
        assert_eq!(grants.len(), 2, "the bound holds");
        assert!(grants.get(&hash("t3")).is_some());
        // A token past its expiry is not kept.
        grants.put(hash("t4"), g.clone(), Some(instant_of(1)));
        assert!(grants.get(&hash("t4")).is_none());
        let off = Grants::new(2, Duration::ZERO);
        off.put(hash("t1"), g, None);
        assert!(off.get(&hash("t1")).is_none(), "a zero time to live keeps nothing");
    }

    #[test]
    fn full_it_drops_the_grant_used_least_recently() {
        let grants = Grants::new(2, Duration::from_secs(60));
        let g = Arc::new(AuthInfo::new("a", ["s"]));
        // t1 ends first but is in use; t2 ends later and is not.
        grants.put(hash("t1"), g.clone(), Some(Instant::now() + Duration::from_secs(30)));
        grants.put(hash("t2"), g.clone(), None);
        assert!(grants.get(&hash("t1")).is_some());
        grants.put(hash("t3"), g, None);
        assert_eq!(grants.len(), 2);
        assert!(grants.get(&hash("t1")).is_some(), "the grant in use stays");
        assert!(grants.get(&hash("t2")).is_none(), "the one unused goes");
    }
}
