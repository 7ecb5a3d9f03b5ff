//! A proxy in front of upstream child processes, served over Streamable HTTP on
//! 127.0.0.1, and downstream clients of it: what the proxy tests share.

use std::net::SocketAddr;
use std::time::Duration;

use mcpforge::client::transport::HttpTransport;
use mcpforge::client::{Client, ClientBuilder};
use mcpforge::proxy::{Backoff, Proxy, Upstream};
use mcpforge::{HttpOptions, Server};
use serde_json::Value;
use tokio::task::JoinHandle;

/// How long any one wait of a proxy test may take.
pub const WAIT: Duration = Duration::from_secs(20);

/// A proxy served over HTTP; dropping it stops the listener and the upstreams' children.
pub struct Gateway {
    pub proxy: Proxy,
    pub addr: SocketAddr,
    run: JoinHandle<Result<(), mcpforge::Error>>,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.proxy.server().shutdown();
        self.run.abort();
    }
}

impl Gateway {
    /// A proxy of `upstreams`, listening on a free port of 127.0.0.1.
    pub async fn start(upstreams: Vec<Upstream>) -> Gateway {
        Gateway::start_with(Server::builder("test-gateway", "1.0.0"), upstreams).await
    }

    /// A proxy built from `builder` (its own tools beside the upstreams'), of `upstreams`.
    pub async fn start_with(builder: mcpforge::ServerBuilder, upstreams: Vec<Upstream>) -> Gateway {
        let upstreams = upstreams.into_iter().map(|u| u.backoff(quick())).collect();
        Gateway::start_as_given(builder, upstreams).await
    }

    /// A proxy of `upstreams` with their backoffs as given.
    pub async fn start_as_given(builder: mcpforge::ServerBuilder, upstreams: Vec<Upstream>) -> Gateway {
        Gateway::serve(builder, upstreams, None).await
    }

    /// A proxy of `upstreams` whose HTTP requests need a bearer token, checked by `verify`.
    pub async fn start_authorized(upstreams: Vec<Upstream>, verify: impl mcpforge::TokenVerifier) -> Gateway {
        let upstreams = upstreams.into_iter().map(|u| u.backoff(quick())).collect();
        let auth = mcpforge::AuthOptions::new("http://127.0.0.1/mcp", verify);
        Gateway::serve(Server::builder("test-gateway", "1.0.0"), upstreams, Some(auth)).await
    }

    async fn serve(
        builder: mcpforge::ServerBuilder,
        upstreams: Vec<Upstream>,
        auth: Option<mcpforge::AuthOptions>,
    ) -> Gateway {
        let proxy =
            tokio::time::timeout(WAIT, Proxy::start(builder, upstreams)).await.expect("in time").expect("starts");
        let options = HttpOptions { bind: "127.0.0.1:0".parse().expect("an address"), auth, ..HttpOptions::default() };
        let http = proxy.server().bind_http(options).await.expect("bind");
        let addr = http.local_addr().expect("local address");
        Gateway { proxy, addr, run: tokio::spawn(http.run()) }
    }

    /// Connects `builder` to the proxy over Streamable HTTP.
    pub async fn connect(&self, builder: ClientBuilder) -> Client {
        let transport = HttpTransport::new(format!("http://{}/mcp", self.addr));
        tokio::time::timeout(WAIT, builder.connect(transport)).await.expect("in time").expect("connects")
    }

    /// A client of the proxy sending `token` as its bearer token.
    pub async fn client_with_token(&self, name: &str, token: &str) -> Client {
        let transport =
            HttpTransport::new(format!("http://{}/mcp", self.addr)).header("Authorization", format!("Bearer {token}"));
        let connect = Client::builder(name, "1.0.0").connect(transport);
        tokio::time::timeout(WAIT, connect).await.expect("in time").expect("connects")
    }

    /// A plain client of the proxy.
    pub async fn client(&self, name: &str) -> Client {
        self.connect(Client::builder(name, "1.0.0")).await
    }
}

/// Restarts quick enough for a test.
fn quick() -> Backoff {
    Backoff { first: Duration::from_millis(50), max: Duration::from_millis(400), ..Backoff::default() }
}

/// A tool result's first text.
pub fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

/// A value unique to one test, for marking the processes it starts.
pub fn marker(test: &str) -> String {
    format!("{test}-{}", std::process::id())
}

/// Waits (at most [`WAIT`]) for a notification `method` among those `heard`.
pub async fn told(heard: &mut tokio::sync::mpsc::Receiver<mcpforge::client::Notification>, method: &str) {
    let told = tokio::time::timeout(WAIT, async {
        while let Some(n) = heard.recv().await {
            if n.method == method {
                return true;
            }
        }
        false
    });
    assert!(told.await.expect("told in time"), "{method} came");
}

/// Sends `signal` to process `pid` in the middle of a long call of `client` (once its first
/// progress has come), and returns the client with the call's error, asserted to be -32603
/// and to come within [`WAIT`].
pub async fn signal_mid_call(client: Client, pid: u32, signal: i32) -> (Client, String) {
    let mut heard = client.notifications().expect("the channel");
    let call = tokio::spawn(async move {
        let counted = client.call_tool("count", serde_json::json!({ "steps": 100, "delay_ms": 200 })).await;
        (client, counted)
    });
    let progressed = tokio::time::timeout(WAIT, async {
        while let Some(n) = heard.recv().await {
            if n.method == "notifications/progress" {
                return;
            }
        }
    });
    progressed.await.expect("progress in time");
    // SAFETY: kill only sends a signal to an upstream the calling test started.
    unsafe { libc::kill(i32::try_from(pid).expect("a pid"), signal) };
    let (client, counted) = tokio::time::timeout(WAIT, call).await.expect("the call ends").expect("joined");
    match counted {
        Err(mcpforge::client::ClientError::Server(e)) => {
            assert_eq!(e.code, -32603, "{}", e.message);
            (client, e.message)
        }
        other => panic!("the call should fail: {other:?}"),
    }
}

/// Waits (at most [`WAIT`]) until `check` holds.
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "{what}: not within {WAIT:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
