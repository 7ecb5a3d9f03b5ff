//! Token verification benchmark: the CPU time of one call of the built-in JWT verifier (the
//! `auth.jwt` options), per algorithm, on a token seen before (its grant cached by the
//! token's hash) and on a token seen for the first time (signature and claims checked).
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

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mcpforge::{HttpOptions, TokenVerifier};
use serde_json::{Value, json};

const RESOURCE: &str = "https://mcp.example.com/mcp";

/// CPU time of this process, in seconds.
fn cpu_seconds() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec into the struct we own.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

/// A signing key and its public JWK.
fn keys() -> Vec<(Algorithm, EncodingKey, Value)> {
    use ed25519_dalek::pkcs8::EncodePrivateKey as _;
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::traits::PublicKeyParts;
    let mut rng = rand::thread_rng();
    let rsa = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("RSA key");
    let ec = p256::SecretKey::random(&mut rng);
    let point = ec.public_key().to_encoded_point(false);
    let ed = ed25519_dalek::SigningKey::generate(&mut rng);
    vec![
        (
            Algorithm::RS256,
            EncodingKey::from_rsa_der(rsa.to_pkcs1_der().expect("DER").as_bytes()),
            json!({ "kty": "RSA", "kid": "RS256", "n": B64.encode(rsa.n().to_bytes_be()), "e": B64.encode(rsa.e().to_bytes_be()) }),
        ),
        (
            Algorithm::ES256,
            EncodingKey::from_ec_der(ec.to_pkcs8_der().expect("DER").as_bytes()),
            json!({ "kty": "EC", "crv": "P-256", "kid": "ES256", "x": B64.encode(point.x().unwrap()), "y": B64.encode(point.y().unwrap()) }),
        ),
        (
            Algorithm::EdDSA,
            EncodingKey::from_ed_der(ed.to_pkcs8_der().expect("DER").as_bytes()),
            json!({ "kty": "OKP", "crv": "Ed25519", "kid": "EdDSA", "x": B64.encode(ed.verifying_key().to_bytes()) }),
        ),
    ]
}

/// Serves `{"keys": [...]}` at `/jwks` on a loopback port; returns its URL.
async fn serve_jwks(set: Value) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/jwks", listener.local_addr().expect("address"));
    let body = set.to_string();
    let app = axum::Router::new().route("/jwks", axum::routing::get(move || async move { body }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn verifier(jwks_uri: &str, cache_ttl: u64) -> Arc<dyn TokenVerifier> {
    let options = json!({ "auth": { "resource": RESOURCE,
        "jwt": { "issuer": "https://as.example.com", "jwksUri": jwks_uri, "cacheTtl": cache_ttl } } });
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
        let keys = keys();
        let url = serve_jwks(json!({ "keys": keys.iter().map(|k| k.2.clone()).collect::<Vec<_>>() })).await;
        let cached = verifier(&url, 60);
        let uncached = verifier(&url, 0);
        let exp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 3600;
        let claims = json!({ "iss": "https://as.example.com", "aud": RESOURCE, "sub": "user-1", "client_id": "app",
            "scope": "mcp:tools files:read", "exp": exp, "iat": exp - 3600, "tenant": "acme" });
        println!("token verification, CPU time per call (best of 3 rounds):");
        println!("{:<8} {:>18} {:>18}", "alg", "seen before (µs)", "first time (µs)");
        for (alg, key, jwk) in &keys {
            let header = Header { kid: jwk["kid"].as_str().map(str::to_owned), ..Header::new(*alg) };
            let token = jsonwebtoken::encode(&header, &claims, key).expect("signed");
            // Fetch the key set before measuring.
            cached.verify(&token).await.expect("accepted");
            uncached.verify(&token).await.expect("accepted");
            let (n_cached, n_uncached) = if quick { (20_000, 200) } else { (200_000, 2_000) };
            let hit = measure(cached.as_ref(), &token, n_cached).await;
            let miss = measure(uncached.as_ref(), &token, n_uncached).await;
            println!("{:<8} {:>18.2} {:>18.1}", format!("{alg:?}"), hit, miss);
        }
    });
}
