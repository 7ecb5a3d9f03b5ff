//! Sealed `requestState` for multi round-trip requests on the 2026-07-28 wire: the state
//! travels through the client, so it is integrity-protected (HMAC-SHA256) and carries its
//! own expiry. Any server instance holding the same key can open it (scale-out).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::seal_official::OfficialCodec;

type HmacSha256 = Hmac<Sha256>;

/// The prefix of a sealed string: the version of its format.
const FORMAT: &str = "v1.";

/// Seals and opens state strings.
#[derive(Clone)]
pub struct Sealer {
    key: [u8; 32],
    ttl: Duration,
    /// When set, state is sealed in the official SDKs' format instead (`seal_official`).
    official: Option<std::sync::Arc<OfficialCodec>>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("Sealer").field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

/// Why a state string was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealError {
    /// Not produced by this key, or altered.
    Tampered,
    /// Older than the configured lifetime.
    Expired,
}

impl std::fmt::Display for SealError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SealError::Tampered => "requestState failed its integrity check",
            SealError::Expired => "requestState has expired",
        })
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

impl Sealer {
    /// A sealer with a fresh random key (state is then only valid in this process).
    pub fn random(ttl: Duration) -> Sealer {
        let mut key = [0u8; 32];
        // getrandom only fails when the OS has no entropy source; refuse to run unsealed.
        getrandom::fill(&mut key).expect("operating system random source unavailable");
        Sealer { key, ttl, official: None }
    }

    /// This sealer, sealing in the official SDKs' format with `codec` instead.
    pub fn with_official(mut self, codec: OfficialCodec) -> Sealer {
        self.official = Some(std::sync::Arc::new(codec));
        self
    }

    /// The official SDKs' codec, when state is sealed in their format.
    pub fn official(&self) -> Option<&OfficialCodec> {
        self.official.as_deref()
    }

    /// How long a sealed state stays valid.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A sealer with a shared key (any length; hashed to 32 bytes), for several instances
    /// behind a load balancer.
    pub fn with_key(secret: &[u8], ttl: Duration) -> Sealer {
        let key: [u8; 32] = Sha256::digest(secret).into();
        Sealer { key, ttl, official: None }
    }

    fn mac(&self, payload: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC accepts any key length");
        mac.update(payload);
        mac
    }

    /// Seals `payload` with an expiry: `"v1." base64url(json) "." base64url(hmac)` (the
    /// version names the format, so that a later one can be told apart).
    pub fn seal(&self, payload: &Value) -> String {
        let body = serde_json::json!({ "exp": now_ms() + self.ttl.as_millis() as u64, "p": payload });
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let tag = self.mac(&bytes).finalize().into_bytes();
        format!("{FORMAT}{}.{}", B64.encode(&bytes), B64.encode(tag))
    }

    /// Verifies and opens a sealed string.
    pub fn open(&self, sealed: &str) -> Result<Value, SealError> {
        let sealed = sealed.strip_prefix(FORMAT).ok_or(SealError::Tampered)?;
        let (body, tag) = sealed.split_once('.').ok_or(SealError::Tampered)?;
        let bytes = B64.decode(body).map_err(|_| SealError::Tampered)?;
        let tag = B64.decode(tag).map_err(|_| SealError::Tampered)?;
        self.mac(&bytes).verify_slice(&tag).map_err(|_| SealError::Tampered)?;
        let mut body: Value = serde_json::from_slice(&bytes).map_err(|_| SealError::Tampered)?;
        let exp = body.get("exp").and_then(Value::as_u64).ok_or(SealError::Tampered)?;
        if now_ms() > exp {
            return Err(SealError::Expired);
        }
        Ok(body.get_mut("p").map(Value::take).unwrap_or(Value::Null))
    }
}

/// A short digest of JSON values (used to bind state to the request it belongs to).
pub fn digest(parts: &[&Value]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(serde_json::to_vec(p).unwrap_or_default());
        h.update([0u8]);
    }
    let out = h.finalize();
    B64.encode(&out[..16])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn round_trips_and_refuses_tampering() {
        let s = Sealer::random(Duration::from_secs(60));
        let sealed = s.seal(&json!({ "a": 1 }));
        assert_eq!(s.open(&sealed).unwrap(), json!({ "a": 1 }));
        assert_eq!(s.open(&format!("{sealed}-TAMPERED")), Err(SealError::Tampered));
        let other = Sealer::random(Duration::from_secs(60));
        assert_eq!(other.open(&sealed), Err(SealError::Tampered));
        assert_eq!(s.open("garbage"), Err(SealError::Tampered));
    }

    #[test]
    fn sealed_strings_name_their_format() {
        let s = Sealer::random(Duration::from_secs(60));
        let sealed = s.seal(&json!("round-1"));
        assert!(sealed.starts_with("v1."), "{sealed}");
        assert!(!sealed.contains("round-1"), "the payload is not readable as given: {sealed}");
        // Without its version, or with another one, the same string is refused.
        let unversioned = sealed.strip_prefix("v1.").unwrap();
        assert_eq!(s.open(unversioned), Err(SealError::Tampered));
        assert_eq!(s.open(&format!("v2.{unversioned}")), Err(SealError::Tampered));
    }

    #[test]
    fn shared_keys_interoperate_and_state_expires() {
        let a = Sealer::with_key(b"secret", Duration::from_secs(60));
        let b = Sealer::with_key(b"secret", Duration::from_secs(60));
        assert_eq!(b.open(&a.seal(&json!(5))).unwrap(), json!(5));
        let short = Sealer::with_key(b"secret", Duration::ZERO);
        let sealed = short.seal(&json!(1));
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(short.open(&sealed), Err(SealError::Expired));
    }
}
