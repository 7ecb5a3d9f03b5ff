//! The official MCP SDKs' sealed `requestState` (python-sdk 2.x's request-state format):
//! AES-256-GCM under keys derived with HKDF-SHA256, around a JSON envelope of claims that
//! bind the state to its request, its service (audience) and its caller, with an expiry.
//! A server sealing this way shares state with official servers holding the same keys.

use std::time::{SystemTime, UNIX_EPOCH};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hkdf::Hkdf;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// The token's format prefix, bound into the authentication tag.
const PREFIX: &str = "v1.";
/// HKDF `info` of the AES key.
const KDF_INFO: &[u8] = b"mcp/request-state/v1/aes-256-gcm";
/// Prefix of the hashed key fingerprint a token names its key by.
const KID_INFO: &[u8] = b"mcp/request-state/v1/kid:";
/// Prefix of the salted hash that binds a caller.
const PRINCIPAL_LABEL: &[u8] = b"mcp/request-state/principal:";
const KID_LEN: usize = 4;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// The envelope's version.
const ENVELOPE: u64 = 1;
/// How far in the future a token's issue time may be (clock skew between instances).
const FUTURE_SKEW: f64 = 60.0;

/// Seals and opens tokens under a ring of keys: the first seals, every one opens.
pub struct OfficialCodec {
    ring: Vec<([u8; KID_LEN], Aes256Gcm)>,
    audience: Option<String>,
}

impl std::fmt::Debug for OfficialCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a key.
        f.debug_struct("OfficialCodec").field("keys", &self.ring.len()).field("audience", &self.audience).finish()
    }
}

/// The request a token belongs to: its method, target (tool or prompt name, resource URI),
/// the digest of its arguments, and the authenticated caller, if any.
pub struct Binding<'a> {
    /// The method (`tools/call`, `prompts/get`, `resources/read`).
    pub method: &'a str,
    /// The tool or prompt name, or the resource URI.
    pub target: &'a str,
    /// The request's arguments (`{}` when it has none).
    pub arguments: &'a Value,
    /// The authenticated caller.
    pub subject: Option<&'a str>,
}

fn now_secs() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

fn random<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    // getrandom only fails when the OS has no entropy source; refuse to run unsealed.
    getrandom::fill(&mut out).expect("operating system random source unavailable");
    out
}

impl OfficialCodec {
    /// A codec over `keys` (each at least 32 bytes; the first seals), naming `audience`
    /// (the service the state belongs to) in every token, or an error saying what is wrong.
    pub fn new(keys: &[Vec<u8>], audience: Option<String>) -> Result<OfficialCodec, String> {
        if keys.is_empty() {
            return Err("the request-state key ring needs at least one key".into());
        }
        let mut ring: Vec<([u8; KID_LEN], Aes256Gcm)> = Vec::with_capacity(keys.len());
        for (i, secret) in keys.iter().enumerate() {
            if secret.len() < 32 {
                return Err(format!("request-state keys must be at least 32 bytes; key {i} is {} bytes", secret.len()));
            }
            let mut key = [0u8; 32];
            Hkdf::<Sha256>::new(None, secret).expand(KDF_INFO, &mut key).map_err(|e| e.to_string())?;
            let fingerprint = Sha256::new().chain_update(KID_INFO).chain_update(key).finalize();
            let mut kid = [0u8; KID_LEN];
            kid.copy_from_slice(&fingerprint[..KID_LEN]);
            if ring.iter().any(|(k, _)| *k == kid) {
                return Err(format!("request-state key {i} repeats an earlier key"));
            }
            ring.push((kid, Aes256Gcm::new(&key.into())));
        }
        Ok(OfficialCodec { ring, audience })
    }

    /// A codec under a key made now, held by this process only.
    pub fn ephemeral(audience: Option<String>) -> OfficialCodec {
        OfficialCodec::new(&[random::<32>().to_vec()], audience).expect("a 32-byte key is valid")
    }

    fn aad(kid: &[u8]) -> Vec<u8> {
        [PREFIX.as_bytes(), kid].concat()
    }

    /// Seals `state` (the handler's state text) and `extra` (what the engine itself
    /// carries) for `binding`, valid for `ttl_secs`.
    pub fn seal(&self, binding: &Binding<'_>, state: &str, extra: Value, ttl_secs: f64) -> String {
        let now = now_secs();
        let mut claims = Map::new();
        claims.insert("v".into(), json!(ENVELOPE));
        claims.insert("iat".into(), json!(now));
        claims.insert("exp".into(), json!(now + ttl_secs));
        claims.insert("m".into(), json!(binding.method));
        claims.insert("t".into(), json!(binding.target));
        claims.insert("a".into(), json!(arguments_digest(binding.arguments)));
        claims.insert("s".into(), json!(state));
        if let Some(aud) = &self.audience {
            claims.insert("aud".into(), json!(aud));
        }
        if let Some(subject) = binding.subject {
            claims.insert("p".into(), json!(principal_claim(subject)));
        }
        if !extra.is_null() {
            claims.insert("x".into(), extra);
        }
        let payload = python_json(&Value::Object(claims));
        let (kid, aead) = &self.ring[0];
        let nonce = random::<NONCE_LEN>();
        let aad = Self::aad(kid);
        let sealed = aead
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: payload.as_bytes(), aad: &aad })
            .expect("AES-GCM sealing of an in-memory buffer does not fail");
        format!("{PREFIX}{}", B64.encode([kid.as_slice(), &nonce, &sealed].concat()))
    }

    /// Opens `token` for `binding`: the handler's state text and the engine's own part, or
    /// the reason it is refused (for the log only; the client is told nothing more).
    pub fn open(&self, binding: &Binding<'_>, token: &str) -> Result<(String, Value), &'static str> {
        let body = token.strip_prefix(PREFIX).ok_or("malformed")?;
        let raw = B64.decode(body).map_err(|_| "malformed")?;
        if B64.encode(&raw) != body || raw.len() < KID_LEN + NONCE_LEN + TAG_LEN {
            return Err("malformed");
        }
        let (kid, rest) = raw.split_at(KID_LEN);
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let (_, aead) = self.ring.iter().find(|(k, _)| k.as_slice() == kid).ok_or("unknown key")?;
        let aad = Self::aad(kid);
        let payload = aead.decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: &aad }).map_err(|_| "seal")?;
        let mut claims: Map<String, Value> = serde_json::from_slice(&payload).map_err(|_| "malformed")?;
        if claims.get("v").and_then(Value::as_u64) != Some(ENVELOPE) {
            return Err("malformed");
        }
        let Some(Value::String(state)) = claims.remove("s") else { return Err("malformed") };
        let now = now_secs();
        // Stated positively, so that a claim that is not a number refuses.
        if !claims.get("iat").and_then(Value::as_f64).is_some_and(|iat| iat <= now + FUTURE_SKEW) {
            return Err("minted in the future");
        }
        if !claims.get("exp").and_then(Value::as_f64).is_some_and(|exp| now < exp) {
            return Err("expired");
        }
        if claims.get("m").and_then(Value::as_str) != Some(binding.method)
            || claims.get("t").and_then(Value::as_str) != Some(binding.target)
            || claims.get("a").and_then(Value::as_str) != Some(arguments_digest(binding.arguments).as_str())
        {
            return Err("request binding");
        }
        if claims.get("aud").and_then(Value::as_str) != self.audience.as_deref() {
            return Err("audience");
        }
        match (claims.get("p"), binding.subject) {
            (None, None) => {}
            (Some(Value::String(claim)), Some(subject)) if principal_matches(claim, subject) => {}
            _ => return Err("principal"),
        }
        Ok((state, claims.remove("x").unwrap_or(Value::Null)))
    }
}

/// The digest a token binds the request's arguments by: the first 16 bytes of the SHA-256
/// of their canonical JSON (keys sorted), base64url.
fn arguments_digest(arguments: &Value) -> String {
    let canonical = if arguments.is_null() { "{}".to_owned() } else { python_json_sorted(arguments) };
    B64.encode(&Sha256::digest(canonical.as_bytes())[..16])
}

fn principal_hash(salt: &[u8], subject: &str) -> Vec<u8> {
    Sha256::new().chain_update(PRINCIPAL_LABEL).chain_update(salt).chain_update(subject.as_bytes()).finalize()[..16]
        .to_vec()
}

fn principal_claim(subject: &str) -> String {
    let salt = random::<8>();
    B64.encode([salt.as_slice(), &principal_hash(&salt, subject)].concat())
}

fn principal_matches(claim: &str, subject: &str) -> bool {
    let Ok(raw) = B64.decode(claim) else { return false };
    if raw.len() != 24 {
        return false;
    }
    let expected = principal_hash(&raw[..8], subject);
    // Constant time: every byte is compared.
    raw[8..].iter().zip(&expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// JSON as the official SDK writes it for what it seals and digests: no spaces, ASCII only
/// (`\uXXXX` escapes, surrogate pairs beyond the first plane), numbers as Python prints them.
/// No crate writes this dialect (the digest must match the official SDK's byte for byte).
fn python_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, false);
    out
}

fn python_json_sorted(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, true);
    out
}

fn write_value(out: &mut String, value: &Value, sorted: bool) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.as_f64() {
            Some(f) if !(n.is_i64() || n.is_u64()) => out.push_str(&python_float(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item, sorted);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            if sorted {
                entries.sort_by(|a, b| a.0.cmp(b.0));
            }
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_value(out, v, sorted);
            }
            out.push('}');
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// A float as Python's `repr` writes it: the shortest digits that read back, in fixed
/// notation from 1e-4 up to 1e16, scientific (`1e+16`, `1.5e-05`) outside.
fn python_float(f: f64) -> String {
    if !f.is_finite() {
        return (if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        })
        .to_owned();
    }
    let shortest = serde_json::Number::from_f64(f).map(|n| n.to_string()).unwrap_or_default();
    let (sign, body) = shortest.strip_prefix('-').map_or(("", shortest.as_str()), |rest| ("-", rest));
    let (mantissa, exp) = body.split_once(['e', 'E']).map_or((body, 0), |(m, e)| (m, e.parse::<i32>().unwrap_or(0)));
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: String = format!("{int}{frac}");
    let mut point = int.len() as i32 + exp; // the value is 0.DIGITS × 10^point
    while digits.starts_with('0') {
        digits.remove(0);
        point -= 1;
    }
    while digits.ends_with('0') {
        digits.pop();
    }
    if digits.is_empty() {
        return format!("{sign}0.0");
    }
    let len = digits.len() as i32;
    let exponent = point - 1;
    if (-4..16).contains(&exponent) {
        if point <= 0 {
            format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
        } else if point >= len {
            format!("{sign}{digits}{}.0", "0".repeat((point - len) as usize))
        } else {
            format!("{sign}{}.{}", &digits[..point as usize], &digits[point as usize..])
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let esign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{first}{fraction}e{esign}{:02}", exponent.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding<'a>(args: &'a Value, subject: Option<&'a str>) -> Binding<'a> {
        Binding { method: "tools/call", target: "act", arguments: args, subject }
    }

    #[test]
    fn round_trips_and_binds_its_request() {
        let codec = OfficialCodec::new(&[b"0123456789abcdef0123456789abcdef".to_vec()], Some("svc".into())).unwrap();
        let args = json!({"b": 1, "a": "é"});
        let token = codec.seal(&binding(&args, None), "inner", json!({"k": 1}), 60.0);
        assert!(token.starts_with("v1."));
        assert_eq!(codec.open(&binding(&args, None), &token), Ok(("inner".to_owned(), json!({"k": 1}))));
        let other = json!({"b": 2});
        assert_eq!(codec.open(&binding(&other, None), &token), Err("request binding"));
        assert_eq!(codec.open(&binding(&args, Some("alice")), &token), Err("principal"));
        let elsewhere =
            OfficialCodec::new(&[b"0123456789abcdef0123456789abcdef".to_vec()], Some("other".into())).unwrap();
        assert_eq!(elsewhere.open(&binding(&args, None), &token), Err("audience"));
        assert!(codec.open(&binding(&args, None), &format!("{token}A")).is_err());
        assert_eq!(codec.open(&binding(&args, None), &token.replacen("v1.", "v2.", 1)), Err("malformed"));
        assert_eq!(
            OfficialCodec::ephemeral(Some("svc".into())).open(&binding(&args, None), &token),
            Err("unknown key")
        );
        let expired = codec.seal(&binding(&args, None), "", Value::Null, -1.0);
        assert_eq!(codec.open(&binding(&args, None), &expired), Err("expired"));
    }

    #[test]
    fn the_ring_opens_with_every_key_and_refuses_short_ones() {
        let old = b"0123456789abcdef0123456789abcdef".to_vec();
        let new = b"fedcba9876543210fedcba9876543210".to_vec();
        let args = json!({});
        let sealed = OfficialCodec::new(std::slice::from_ref(&old), None).unwrap().seal(
            &binding(&args, Some("u")),
            "s",
            Value::Null,
            60.0,
        );
        let ring = OfficialCodec::new(&[new, old.clone()], None).unwrap();
        assert_eq!(ring.open(&binding(&args, Some("u")), &sealed), Ok(("s".to_owned(), Value::Null)));
        assert!(OfficialCodec::new(&[b"short".to_vec()], None).is_err());
        assert!(OfficialCodec::new(&[old.clone(), old], None).is_err());
    }

    #[test]
    fn writes_json_as_python_does() {
        assert_eq!(
            python_json_sorted(&json!({"b": [1, 2.5, null], "a": "é\u{1F600}\n"})),
            r#"{"a":"\u00e9\ud83d\ude00\n","b":[1,2.5,null]}"#
        );
        for (f, text) in [
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (0.0001, "0.0001"),
            (123.0, "123.0"),
            (1e15, "1000000000000000.0"),
            (-2.25, "-2.25"),
        ] {
            assert_eq!(python_float(f), text, "{f}");
        }
    }
}
