//! Signing keys and a key set for the benches of the built-in JWT verifier: one key per
//! algorithm family, made at start, their public JWKs served on loopback as an identity
//! provider publishes them, and access tokens signed with them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// The issuer the tokens name and the verifier is configured with.
pub const ISSUER: &str = "https://as.example.com";
/// The protected resource: the tokens' audience and the verifier's `resource`.
pub const RESOURCE: &str = "https://mcp.example.com/mcp";

/// A private key, the algorithm it signs with, and its public JWK (`kid` = the algorithm).
pub struct SigningKey {
    pub alg: Algorithm,
    key: EncodingKey,
    pub jwk: Value,
}

impl SigningKey {
    /// A token for [`RESOURCE`], valid for an hour, with the claims a typical identity
    /// provider puts in an access token, signed with this key and naming its `kid`.
    pub fn token(&self) -> String {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
        let claims = json!({ "iss": ISSUER, "aud": RESOURCE, "sub": "user-1", "client_id": "app",
            "scope": "mcp:tools files:read", "exp": now + 3600, "iat": now, "tenant": "acme" });
        let header = Header { kid: self.jwk["kid"].as_str().map(str::to_owned), ..Header::new(self.alg) };
        jsonwebtoken::encode(&header, &claims, &self.key).expect("signed")
    }
}

/// One fresh key each for RS256 (2048-bit), ES256 and EdDSA (Ed25519).
pub fn keys() -> Vec<SigningKey> {
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
        SigningKey {
            alg: Algorithm::RS256,
            key: EncodingKey::from_rsa_der(rsa.to_pkcs1_der().expect("DER").as_bytes()),
            jwk: json!({ "kty": "RSA", "kid": "RS256", "n": B64.encode(rsa.n().to_bytes_be()), "e": B64.encode(rsa.e().to_bytes_be()) }),
        },
        SigningKey {
            alg: Algorithm::ES256,
            key: EncodingKey::from_ec_der(ec.to_pkcs8_der().expect("DER").as_bytes()),
            jwk: json!({ "kty": "EC", "crv": "P-256", "kid": "ES256", "x": B64.encode(point.x().unwrap()), "y": B64.encode(point.y().unwrap()) }),
        },
        SigningKey {
            alg: Algorithm::EdDSA,
            key: EncodingKey::from_ed_der(ed.to_pkcs8_der().expect("DER").as_bytes()),
            jwk: json!({ "kty": "OKP", "crv": "Ed25519", "kid": "EdDSA", "x": B64.encode(ed.verifying_key().to_bytes()) }),
        },
    ]
}

/// Serves the public JWKs of `keys` as `{"keys": [...]}` at `/jwks` on a loopback port, on
/// the current tokio runtime; returns its URL.
pub async fn serve_jwks(keys: &[SigningKey]) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/jwks", listener.local_addr().expect("address"));
    let body = json!({ "keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>() }).to_string();
    let app = axum::Router::new().route("/jwks", axum::routing::get(move || async move { body }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}
