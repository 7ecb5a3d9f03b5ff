//! Token verification benchmark: the CPU time of one call of the built-in JWT verifier (the
//! `auth.jwt` options), per algorithm, on a token seen before (its grant cached by the
//! token's hash) and on a token seen for the first time (signature and claims checked).
//! Then what a full cache adds to a token seen for the first time (its grant makes room for
//! itself): HS256 tokens, each new, into an empty cache and into one holding its 10,000.
//!
//! The verifier is built from the JSON options as every binding builds it; keys are made
//! here and published by a key set served on loopback, fetched once before measuring. Each
//! figure is process CPU time (`CLOCK_PROCESS_CPUTIME_ID`) over a loop of verifications on
//! one thread, divided by their number: the best of three rounds. Timing is never asserted:
//! the program only prints figures.
//!
//! ```text
//! cargo bench -p mcpforge --features oauth --bench token_verify
//! cargo bench -p mcpforge --features oauth --bench token_verify -- --quick
//! ```

#[path = "common/jwks.rs"]
mod jwks;

use std::sync::Arc;

use mcpforge::{HttpOptions, TokenVerifier};
use serde_json::json;

/// CPU time of this process, in seconds.
fn cpu_seconds() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec into the struct we own.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

fn verifier(jwks_uri: &str, cache_ttl: u64) -> Arc<dyn TokenVerifier> {
    let options = json!({ "auth": { "resource": jwks::RESOURCE,
        "jwt": { "issuer": jwks::ISSUER, "jwksUri": jwks_uri, "cacheTtl": cache_ttl } } });
    HttpOptions::from_json(options, None).expect("options").auth.expect("auth").verifier
}

/// Microseconds of CPU per verification of `token`, best of 3 rounds of `n`.
async fn measure(verifier: &dyn TokenVerifier, token: &str, n: usize) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = cpu_seconds();
        for _ in 0..n {
            let grant = verifier.verify(token).await.expect("accepted");
            std::hint::black_box(grant);
        }
        best = best.min((cpu_seconds() - start) / n as f64 * 1e6);
    }
    best
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let keys = jwks::keys();
        let url = jwks::serve_jwks(&keys).await;
        let cached = verifier(&url, 60);
        let uncached = verifier(&url, 0);
        println!("token verification, CPU time per call (best of 3 rounds):");
        println!("{:<8} {:>18} {:>18}", "alg", "seen before (µs)", "first time (µs)");
        for key in &keys {
            let token = key.token();
            // Fetch the key set before measuring.
            cached.verify(&token).await.expect("accepted");
            uncached.verify(&token).await.expect("accepted");
            let (n_cached, n_uncached) = if quick { (20_000, 200) } else { (200_000, 2_000) };
            let hit = measure(cached.as_ref(), &token, n_cached).await;
            let miss = measure(uncached.as_ref(), &token, n_uncached).await;
            println!("{:<8} {:>18.2} {:>18.1}", format!("{:?}", key.alg), hit, miss);
        }
        let n = if quick { 500 } else { 5_000 };
        let (empty, full) = (new_tokens(n, empty_cache()).await, new_tokens(n, full_cache().await).await);
        println!("a new HS256 token each call (µs): cache empty {empty:.2}, cache full (10,000) {full:.2}");
    });
}

/// The shared secret of the HS256 tokens.
const SECRET: &str = "a-shared-secret-of-at-least-32-bytes";
/// The grants a verifier's cache holds, at most (`CACHE_ENTRIES` of the oauth module).
const CACHE_ENTRIES: usize = 10_000;

/// An HS256 verifier keeping grants 60 s, its cache empty.
fn empty_cache() -> Arc<dyn TokenVerifier> {
    let options = json!({ "auth": { "resource": jwks::RESOURCE,
        "jwt": { "issuer": jwks::ISSUER, "sharedSecret": SECRET, "cacheTtl": 60 } } });
    HttpOptions::from_json(options, None).expect("options").auth.expect("auth").verifier
}

/// An HS256 verifier whose cache holds as many grants as it may.
async fn full_cache() -> Arc<dyn TokenVerifier> {
    let verifier = empty_cache();
    for token in hs256_tokens("fill", CACHE_ENTRIES) {
        verifier.verify(&token).await.expect("accepted");
    }
    verifier
}

/// `n` distinct HS256 tokens (subjects `{prefix}-0`, ...).
fn hs256_tokens(prefix: &str, n: usize) -> Vec<String> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let key = jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes());
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    (0..n)
        .map(|i| {
            let claims = json!({ "iss": jwks::ISSUER, "aud": jwks::RESOURCE, "sub": format!("{prefix}-{i}"),
                "scope": "mcp:tools", "exp": now + 3600 });
            jsonwebtoken::encode(&header, &claims, &key).expect("signed")
        })
        .collect()
}

/// Microseconds of CPU per verification of `n` tokens `verifier` has not seen, each once.
async fn new_tokens(n: usize, verifier: Arc<dyn TokenVerifier>) -> f64 {
    let tokens = hs256_tokens("new", n);
    let start = cpu_seconds();
    for token in &tokens {
        std::hint::black_box(verifier.verify(token).await.expect("accepted"));
    }
    (cpu_seconds() - start) / n as f64 * 1e6
}
