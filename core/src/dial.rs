//! Outgoing connections of the engine's HTTP clients (the client engine's Streamable HTTP
//! transport and its OAuth exchanges, the server's built-in token verifiers): TCP to a URL's
//! host and port, with TLS over it for `https` URLs — rustls, trusting the system's
//! certificate store (which honours `SSL_CERT_FILE` and `SSL_CERT_DIR`) and any roots the
//! application adds. Built without the `tls` feature, an `https` URL is refused with an error
//! that says so.

use std::net::SocketAddr;

use hyper::Uri;
use tokio::net::TcpStream;

/// An open connection: plain TCP, or TLS over it.
#[cfg(feature = "tls")]
pub type Connection = tokio_util::either::Either<TcpStream, tokio_rustls::client::TlsStream<TcpStream>>;
/// An open connection: plain TCP (TLS needs the `tls` feature).
#[cfg(not(feature = "tls"))]
pub type Connection = TcpStream;

/// Where a URL points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Whether the scheme is `https`.
    pub tls: bool,
    /// The host, without the brackets of an IPv6 address (the TLS server name).
    pub host: String,
    /// The port, the scheme's default when the URL gives none.
    pub port: u16,
    /// The URL's authority as written, for the `Host` header.
    pub authority: String,
    /// The path and query (`/` when empty).
    pub path: String,
}

impl Target {
    /// Reads an `http://` or `https://` URL; any other scheme, or no host, is an error.
    pub fn parse(url: &str) -> Result<Target, String> {
        let uri: Uri = url.parse().map_err(|e| format!("{url} is not a URL: {e}"))?;
        Target::of(&uri)
    }

    /// [`Target::parse`] for a URL already read.
    pub fn of(uri: &Uri) -> Result<Target, String> {
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(format!("{uri}: only http:// and https:// URLs are supported")),
        };
        let host = uri.host().ok_or_else(|| format!("{uri} has no host"))?.trim_matches(['[', ']']).to_owned();
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let authority = uri.authority().map_or_else(|| host.clone(), |a| a.as_str().to_owned());
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        Ok(Target { tls, host, port, authority, path })
    }
}

/// Which certificates an `https` connection trusts: the system's store, and the roots an
/// application added. Cloning is cheap (the TLS configuration is shared).
#[derive(Clone, Default)]
pub struct Trust {
    /// A configuration with added roots; `None` for the system's store alone.
    #[cfg(feature = "tls")]
    added: Option<tokio_rustls::TlsConnector>,
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Trust")
    }
}

impl Trust {
    /// The system's certificate store and, besides it, the certificates of `pem` (one or
    /// more `BEGIN CERTIFICATE` blocks: a private CA, or a server's own certificate).
    pub fn with_roots(pem: &[u8]) -> Result<Trust, String> {
        #[cfg(feature = "tls")]
        {
            use rustls::pki_types::CertificateDer;
            use rustls::pki_types::pem::PemObject as _;
            let certs = CertificateDer::pem_slice_iter(pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("the root certificates are not PEM: {e}"))?;
            if certs.is_empty() {
                return Err("no certificate in the root certificates given".to_owned());
            }
            let mut roots = system_roots();
            let (added, refused) = roots.add_parsable_certificates(certs);
            if added == 0 || refused > 0 {
                return Err(format!("{refused} of the root certificates given cannot be used"));
            }
            Ok(Trust { added: Some(connector(roots)?) })
        }
        #[cfg(not(feature = "tls"))]
        {
            let _ = pem;
            Err(NO_TLS.to_owned())
        }
    }

    /// [`Trust::with_roots`] for what the bindings' `root_certificates` option names: each
    /// entry is PEM text (it holds `-----BEGIN`) or the path of a PEM file, read now. No
    /// entry: the system's store alone.
    pub fn with_root_certificates(entries: &[String]) -> Result<Trust, String> {
        if entries.is_empty() {
            return Ok(Trust::default());
        }
        let mut pem = Vec::new();
        for entry in entries {
            if entry.contains("-----BEGIN") {
                pem.extend_from_slice(entry.as_bytes());
            } else {
                let read = std::fs::read(entry).map_err(|e| format!("root certificates {entry}: {e}"))?;
                pem.extend_from_slice(&read);
            }
            pem.push(b'\n');
        }
        Trust::with_roots(&pem)
    }

    /// Connects to `target` (to `address` when given, the target's host still naming the
    /// server for TLS), completing the TLS handshake for `https`.
    pub async fn connect(&self, target: &Target, address: Option<SocketAddr>) -> Result<Connection, String> {
        let stream = match address {
            Some(address) => TcpStream::connect(address).await,
            None => TcpStream::connect((target.host.as_str(), target.port)).await,
        };
        let stream = stream.map_err(|e| format!("{}: cannot connect: {e}", target.authority))?;
        let _ = stream.set_nodelay(true);
        #[cfg(feature = "tls")]
        {
            use tokio_util::either::Either;
            if !target.tls {
                return Ok(Either::Left(stream));
            }
            let name = rustls::pki_types::ServerName::try_from(target.host.clone())
                .map_err(|e| format!("{}: bad server name: {e}", target.authority))?;
            let connector = match &self.added {
                Some(connector) => connector.clone(),
                None => system()?,
            };
            let tls = connector.connect(name, stream).await.map_err(|e| format!("{}: TLS: {e}", target.authority))?;
            Ok(Either::Right(tls))
        }
        #[cfg(not(feature = "tls"))]
        {
            if target.tls {
                return Err(format!("{}: {NO_TLS}", target.authority));
            }
            Ok(stream)
        }
    }
}

/// Why an `https` URL is refused by a build without TLS.
#[cfg(not(feature = "tls"))]
const NO_TLS: &str = "https needs mcpforge built with its `tls` feature";

/// The system's trusted roots (empty when the store has none: connecting then fails with
/// rustls's error naming the unknown issuer).
#[cfg(feature = "tls")]
fn system_roots() -> rustls::RootCertStore {
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    roots
}

/// A connector trusting `roots`, with the safe default protocol versions.
#[cfg(feature = "tls")]
fn connector(roots: rustls::RootCertStore) -> Result<tokio_rustls::TlsConnector, String> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(std::sync::Arc::new(config)))
}

/// The connector trusting the system's store, made once.
#[cfg(feature = "tls")]
fn system() -> Result<tokio_rustls::TlsConnector, String> {
    static CONNECTOR: std::sync::OnceLock<Result<tokio_rustls::TlsConnector, String>> = std::sync::OnceLock::new();
    CONNECTOR
        .get_or_init(|| {
            let roots = system_roots();
            if roots.is_empty() {
                return Err("no trusted root certificates in the system store (install ca-certificates)".to_owned());
            }
            connector(roots)
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_read_with_their_scheme_defaults() {
        let t = Target::parse("https://idp.example.com/k?a=1").unwrap();
        assert!(t.tls && t.port == 443 && t.path == "/k?a=1" && t.authority == "idp.example.com");
        let t = Target::parse("http://[::1]:8/x").unwrap();
        assert!(!t.tls && t.host == "::1" && t.port == 8 && t.authority == "[::1]:8");
        assert_eq!(Target::parse("http://127.0.0.1").unwrap().path, "/");
        assert!(Target::parse("ftp://127.0.0.1/x").is_err());
        assert!(Target::parse("/relative").is_err());
    }

    #[cfg(feature = "tls")]
    #[test]
    fn roots_that_are_not_certificates_are_refused() {
        assert!(Trust::with_roots(b"not a certificate").is_err());
        let bad = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(Trust::with_roots(bad).is_err());
        let missing = Trust::with_root_certificates(&["/nonexistent/ca.pem".to_owned()]).err().unwrap_or_default();
        assert!(missing.contains("/nonexistent/ca.pem"), "{missing}");
        assert!(Trust::with_root_certificates(&[]).is_ok());
    }
}
