//! TLS on the engine's own HTTP listener ([`HttpOptions::tls`](super::HttpOptions::tls)):
//! the certificate chain and private key read from PEM files once, when the listener is
//! bound (a missing or unreadable file fails `bind_http`, not the first client), and each
//! accepted connection's handshake bounded by the header timeout. Built with rustls (the
//! `tls` feature); HTTP/1.1 only, as the listener serves.

use std::path::PathBuf;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};

use crate::error::Error;

/// Where the listener's certificate chain and private key are: PEM files (the chain leaf
/// first, as servers usually keep it; the key in PKCS#8, PKCS#1 or SEC1 form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    /// The certificate chain (PEM), the server's own certificate first.
    pub cert: PathBuf,
    /// The private key of the first certificate (PEM).
    pub key: PathBuf,
}

impl TlsOptions {
    /// The files the environment names: `MCPFORGE_TLS_CERT` and `MCPFORGE_TLS_KEY` (both set
    /// and non-empty), the listener's TLS when its options give none. So an operator turns
    /// HTTPS on for a server of any language without touching its code.
    pub fn from_env() -> Option<TlsOptions> {
        let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        match (var("MCPFORGE_TLS_CERT"), var("MCPFORGE_TLS_KEY")) {
            (Some(cert), Some(key)) => Some(TlsOptions { cert, key }),
            (None, None) => None,
            _ => {
                tracing::error!("MCPFORGE_TLS_CERT and MCPFORGE_TLS_KEY go together: serving plain HTTP");
                None
            }
        }
    }
}

/// The handshake side of a TLS listener, built once from [`TlsOptions`].
#[derive(Clone)]
pub(crate) struct Acceptor {
    #[cfg(feature = "tls")]
    inner: tokio_rustls::TlsAcceptor,
    #[cfg(not(feature = "tls"))]
    never: std::convert::Infallible,
}

impl Acceptor {
    /// Reads the files and builds the server configuration; [`Error::Config`] naming the
    /// file and the reason when either cannot be used.
    #[cfg(feature = "tls")]
    pub(crate) fn new(options: &TlsOptions) -> Result<Acceptor, Error> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let bad = |what: &PathBuf, e: &dyn std::fmt::Display| Error::Config(format!("TLS: {}: {e}", what.display()));
        let chain = CertificateDer::pem_file_iter(&options.cert)
            .map_err(|e| bad(&options.cert, &e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(&options.cert, &e))?;
        if chain.is_empty() {
            return Err(bad(&options.cert, &"no certificate in the file"));
        }
        let key = PrivateKeyDer::from_pem_file(&options.key).map_err(|e| bad(&options.key, &e))?;
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("TLS: {e}")))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| bad(&options.key, &e))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Acceptor { inner: tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config)) })
    }

    /// Without the `tls` feature there is nothing to build the listener's TLS with.
    #[cfg(not(feature = "tls"))]
    pub(crate) fn new(_options: &TlsOptions) -> Result<Acceptor, Error> {
        Err(Error::Config("TLS on the listener needs the engine built with its `tls` feature".to_owned()))
    }

    /// The server side of the handshake on `io`, within `limit`; `None` (the connection is
    /// dropped, the reason logged at debug level) when it fails or takes too long.
    pub(crate) async fn accept<IO>(
        &self,
        io: IO,
        limit: Duration,
    ) -> Option<impl AsyncRead + AsyncWrite + Unpin + Send + 'static + use<IO>>
    where
        IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        #[cfg(feature = "tls")]
        {
            match tokio::time::timeout(limit, self.inner.accept(io)).await {
                Ok(Ok(stream)) => Some(stream),
                Ok(Err(e)) => {
                    tracing::debug!(error = %e, "TLS handshake failed");
                    None
                }
                Err(_) => {
                    tracing::debug!("TLS handshake not finished within the header timeout");
                    None
                }
            }
        }
        #[cfg(not(feature = "tls"))]
        {
            let _ = limit;
            Some(io).filter(|_| match self.never {})
        }
    }
}
