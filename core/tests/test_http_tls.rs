//! HTTPS on the engine's own listener (`HttpOptions::tls`): with a certificate for 127.0.0.1
//! signed by a test CA (made by openssl), a client trusting the CA completes MCP calls over
//! TLS; a client that speaks plain HTTP to the port, or never finishes its handshake, is
//! dropped while the others are served; a key that cannot be used fails binding, naming the
//! file. The client engine reaches the listener's `https://` URL when it trusts the CA, and
//! is refused when it does not; its OAuth fetches trust the same roots as its transport.

use crate::http_client;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use http_client::{Request, WAIT};
use mcpforge::client::auth::{FollowRedirects, OAuthClient};
use mcpforge::client::transport::{HttpTransport, Trust};
use mcpforge::client::{Client, ClientError};
use mcpforge::{AuthError, AuthInfo, AuthOptions, HttpOptions, Server, TlsOptions, Tool, ToolError};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::rustls;

/// A folder of its own under the system's temporary directory, removed on drop.
struct Folder(PathBuf);

impl Folder {
    fn new() -> Folder {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("mcpforge-tls-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path).expect("a temporary folder");
        Folder(path)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The test CA's certificate, and a certificate for 127.0.0.1 it signed with its key.
struct Certificates {
    folder: Folder,
}

impl Certificates {
    fn make() -> Certificates {
        let folder = Folder::new();
        let dir = &folder.0;
        let openssl = |args: &[&str]| {
            let out = std::process::Command::new("openssl").args(args).current_dir(dir).output().expect("openssl runs");
            assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        };
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
        openssl(
            &[
                &["req", "-x509"],
                &ec[..],
                &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=test CA"],
            ]
            .concat(),
        );
        openssl(&[&["req"], &ec[..], &["-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=127.0.0.1"]].concat());
        std::fs::write(dir.join("leaf.ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
            .expect("write");
        openssl(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ]);
        Certificates { folder }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.folder.0.join(name)
    }

    fn options(&self) -> TlsOptions {
        TlsOptions { cert: self.path("leaf.pem"), key: self.path("leaf.key") }
    }

    /// A client configuration trusting the test CA.
    fn client(&self) -> tokio_rustls::TlsConnector {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let mut roots = rustls::RootCertStore::empty();
        for ca in CertificateDer::pem_file_iter(self.path("ca.pem")).expect("the CA file") {
            roots.add(ca.expect("a CA certificate")).expect("a usable CA");
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        tokio_rustls::TlsConnector::from(Arc::new(config))
    }
}

fn server() -> Server {
    Server::builder("https", "1.0.0")
        .tool(
            Tool::new("echo").input_schema(json!({ "type": "object", "properties": { "text": { "type": "string" } } })),
            |args: Value| async move { Ok::<_, ToolError>(args["text"].as_str().unwrap_or_default().to_owned()) },
        )
        .build()
        .expect("build")
}

async fn start(certs: &Certificates, header_timeout: Duration) -> (Server, SocketAddr, tokio::task::JoinHandle<()>) {
    let server = server();
    let options = HttpOptions {
        bind: "127.0.0.1:0".parse().expect("an address"),
        tls: Some(certs.options()),
        header_timeout,
        ..HttpOptions::default()
    };
    let http = server.bind_http(options).await.expect("bind with TLS");
    let addr = http.local_addr().expect("local address");
    let run = tokio::spawn(async move { http.run().await.expect("run() result") });
    (server, addr, run)
}

/// Sends `request` over TLS (with `Connection: close`) and gives the status and body.
async fn send_tls(certs: &Certificates, addr: SocketAddr, request: &Request) -> (u16, String) {
    let exchange = async {
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let name = rustls::pki_types::ServerName::try_from("127.0.0.1").expect("a name");
        let mut tls = certs.client().connect(name, tcp).await.expect("TLS handshake with the listener");
        tls.write_all(&request.encode(addr)).await.expect("write");
        let mut answer = Vec::new();
        // The server closes after the answer; a TLS close without close_notify is an error
        // here only if nothing was read.
        let _ = tls.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
        (status, body)
    };
    tokio::time::timeout(WAIT, exchange).await.expect("an answer in time")
}

fn call_echo(text: &str) -> Request {
    let body = json!({
        "jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": { "name": "echo", "arguments": { "text": text },
                    "_meta": mcpforge::MemoryClient::modern_meta(json!({})) }
    });
    Request::post_json(&body)
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call")
        .header("Mcp-Name", "echo")
        .header("Accept", "application/json, text/event-stream")
        .header("Connection", "close")
}

#[tokio::test]
async fn a_client_trusting_the_ca_calls_a_tool_over_tls() {
    let certs = Certificates::make();
    let (server, addr, run) = start(&certs, Duration::from_secs(10)).await;
    let (status, body) = send_tls(&certs, addr, &call_echo("over tls")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("over tls"), "the tool's answer: {body}");
    let (status, body) = send_tls(&certs, addr, &Request::new("GET", "/healthz").header("Connection", "close")).await;
    assert_eq!(status, 200, "{body}");
    server.shutdown();
    tokio::time::timeout(WAIT, run).await.expect("stops").expect("run task");
}

#[tokio::test]
async fn plain_http_and_stalled_handshakes_are_dropped_and_others_served() {
    let certs = Certificates::make();
    let (server, addr, run) = start(&certs, Duration::from_millis(300)).await;
    // Plain HTTP to the TLS port: no HTTP answer comes back (the handshake fails).
    let mut plain = TcpStream::connect(addr).await.expect("connect");
    plain.write_all(&call_echo("plain").encode(addr)).await.expect("write");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(WAIT, plain.read_to_end(&mut answer)).await.expect("closed in time");
    assert!(!String::from_utf8_lossy(&answer).contains("plain"), "no tool answer over plain HTTP");
    // A client that connects and sends nothing is closed after the header timeout.
    let mut silent = TcpStream::connect(addr).await.expect("connect");
    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(WAIT, silent.read(&mut byte)).await.expect("closed within the header timeout");
    assert!(matches!(read, Ok(0) | Err(_)), "the stalled connection is closed: {read:?}");
    // The listener still serves a proper client.
    let (status, body) = send_tls(&certs, addr, &call_echo("still here")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("still here"), "{body}");
    server.shutdown();
    tokio::time::timeout(WAIT, run).await.expect("stops").expect("run task");
}

#[tokio::test]
async fn an_unusable_key_fails_binding_and_names_the_file() {
    let certs = Certificates::make();
    let broken = certs.path("broken.key");
    std::fs::write(&broken, "not a key").expect("write");
    for (tls, named) in [
        (TlsOptions { cert: certs.path("leaf.pem"), key: broken.clone() }, broken.as_path()),
        (TlsOptions { cert: certs.path("missing.pem"), key: certs.path("leaf.key") }, Path::new("missing.pem")),
        // The CA's key does not match the leaf certificate.
        (TlsOptions { cert: certs.path("leaf.pem"), key: certs.path("ca.key") }, Path::new("ca.key")),
    ] {
        let options =
            HttpOptions { bind: "127.0.0.1:0".parse().expect("an address"), tls: Some(tls), ..HttpOptions::default() };
        let err = server().bind_http(options).await.expect_err("binding fails");
        let text = err.to_string();
        let name = named.file_name().and_then(|n| n.to_str()).expect("a file name");
        assert!(text.contains(name), "the error names {name}: {text}");
    }
}

/// The client engine at the listener's `https://` URL with `trust`.
async fn connect_client(addr: SocketAddr, trust: Trust) -> Result<Client, ClientError> {
    let transport = HttpTransport::new(format!("https://127.0.0.1:{}/mcp", addr.port())).trust(trust);
    tokio::time::timeout(WAIT, Client::builder("tls-test", "1").timeout(WAIT).connect(transport))
        .await
        .expect("the handshake ends in time")
}

#[tokio::test]
async fn the_client_engine_calls_over_https_only_when_it_trusts_the_server() {
    let certs = Certificates::make();
    let (server, addr, run) = start(&certs, Duration::from_secs(10)).await;
    let ca = std::fs::read(certs.path("ca.pem")).expect("the CA file");
    let client = connect_client(addr, Trust::with_roots(&ca).expect("the CA is usable")).await.expect("connects");
    let result = client.call_tool("echo", json!({ "text": "through https" })).await.expect("the call");
    assert_eq!(result["content"][0]["text"], "through https", "{result}");
    client.close().await;
    // Trusting the system's store alone, the test CA is unknown: the handshake is refused
    // and the error says TLS.
    let refused = connect_client(addr, Trust::default()).await.expect_err("an unknown issuer is refused");
    assert!(refused.to_string().contains("TLS"), "{refused}");
    server.shutdown();
    tokio::time::timeout(WAIT, run).await.expect("stops").expect("run task");
}

#[tokio::test]
async fn the_oauth_fetches_trust_the_roots_of_the_transport() {
    let certs = Certificates::make();
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let url = format!("https://127.0.0.1:{port}/mcp");
    // The resource names an authorization server nobody serves: reaching its name proves
    // the resource's metadata was read over TLS with the transport's roots.
    let issuer = "https://127.0.0.1:9/nobody";
    let verify = |_: String| async { Err::<AuthInfo, _>(AuthError::Invalid("no token is good here".into())) };
    let auth = AuthOptions { authorization_servers: vec![issuer.into()], ..AuthOptions::new(url.clone(), verify) };
    let options = HttpOptions {
        bind: format!("127.0.0.1:{port}").parse().expect("an address"),
        tls: Some(certs.options()),
        auth: Some(auth),
        ..HttpOptions::default()
    };
    let server = server();
    let http = server.bind_http(options).await.expect("bind with TLS");
    let run = tokio::spawn(async move { http.run().await.expect("run() result") });
    let ca = std::fs::read(certs.path("ca.pem")).expect("the CA file");
    let oauth = OAuthClient::builder(FollowRedirects).build();
    let transport = HttpTransport::new(url).trust(Trust::with_roots(&ca).expect("the CA is usable")).oauth(oauth);
    let connecting = Client::builder("tls-oauth-test", "1").timeout(WAIT).connect(transport);
    let refused = tokio::time::timeout(WAIT * 2, connecting).await.expect("ends in time").expect_err("no token");
    assert!(refused.to_string().contains(&format!("no authorization server metadata for {issuer}")), "{refused}");
    server.shutdown();
    tokio::time::timeout(WAIT, run).await.expect("stops").expect("run task");
}
