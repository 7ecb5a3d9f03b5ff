//! The entry points that serve a [`Server`]: stdio, any byte stream, HTTP, an in-memory
//! client or a caller-carried link, and the shutdown that stops them all.

use tokio_util::sync::CancellationToken;

use crate::error::Error;
use crate::transport::http::{HttpApp, HttpOptions, HttpServer};
use crate::transport::memory::MemoryClient;
use crate::transport::stdio::{StdioDriver, StdioOptions};

use super::Server;

impl Server {
    /// Serves MCP over this process's stdin/stdout until stdin closes, SIGINT/SIGTERM
    /// arrives, or [`Server::shutdown`] is called. While serving, the engine owns fds 0 and
    /// 1 and points the process's stdout at stderr, so stray prints cannot corrupt the
    /// stream.
    pub async fn serve_stdio(&self) -> Result<(), Error> {
        self.serve_stdio_with(StdioOptions::default()).await
    }

    /// [`Server::serve_stdio`] with options.
    pub async fn serve_stdio_with(&self, options: StdioOptions) -> Result<(), Error> {
        self.serve_stdio_driven(options, None).await
    }

    /// [`Server::serve_stdio_with`], the connection's tasks run by a binding's executor and
    /// its input read as the binding opens it ([`StdioDriver`]): a binding whose handlers run
    /// on one thread (an event loop) serves a request on that thread from read to write.
    pub async fn serve_stdio_driven(&self, options: StdioOptions, driver: Option<StdioDriver>) -> Result<(), Error> {
        let served = crate::transport::stdio::serve(self.shared.clone(), options, driver).await;
        crate::telemetry::flush();
        served
    }

    /// Serves MCP over any byte stream (newline-delimited JSON-RPC), e.g. a socket.
    pub async fn serve_io<R, W>(&self, reader: R, writer: W) -> Result<(), Error>
    where
        R: tokio::io::AsyncRead + Unpin + Send + 'static,
        W: tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let served = crate::transport::stream::serve(
            self.shared.clone(),
            (reader, writer),
            CancellationToken::new(),
            Default::default(),
            false,
        )
        .await;
        crate::telemetry::flush();
        served
    }

    /// Binds an HTTP listener (Streamable HTTP for both eras); call
    /// [`HttpServer::run`](crate::transport::http::HttpServer::run) to serve. Binding first
    /// lets you learn the port when `options.bind` has port 0.
    pub async fn bind_http(&self, options: HttpOptions) -> Result<HttpServer, Error> {
        HttpServer::bind(self.shared.clone(), options).await
    }

    /// The HTTP application (every route [`Server::serve_http`] serves, with its checks)
    /// without a listener, to mount in a web server the application already runs: merge
    /// [`HttpApp::router`] into an axum router, or hand requests to [`HttpApp::handle`].
    /// Call from within a tokio runtime (it starts the session sweeper). `options.bind` and
    /// the connection limits are not used: the host server owns the connections.
    pub fn http_app(&self, options: HttpOptions) -> HttpApp {
        HttpApp::new(self.shared.clone(), options)
    }

    /// Serves MCP over HTTP until [`Server::shutdown`].
    pub async fn serve_http(&self, options: HttpOptions) -> Result<(), Error> {
        self.bind_http(options).await?.run().await
    }

    /// Connects an in-memory client (for tests and embedding): the server is served on an
    /// in-process pipe through the same engine as stdio.
    pub fn connect_memory(&self) -> MemoryClient {
        MemoryClient::connect(self)
    }

    /// Opens a connection whose messages the caller carries ([`Link`](crate::Link)), its
    /// session called `session_id` when given. Must be called inside a tokio runtime.
    pub fn open_link(&self, session_id: Option<&str>) -> crate::Link {
        crate::Link::open(self.shared.clone(), session_id.map(str::to_owned))
    }

    /// Asks every serve loop of this server to stop gracefully (in-flight requests finish
    /// up to the shutdown grace period).
    pub fn shutdown(&self) {
        self.shared.shutdown.cancel();
    }
}

impl MemoryClient {
    /// Connects to `server`. Must be called inside a tokio runtime.
    pub fn connect(server: &Server) -> MemoryClient {
        MemoryClient::open(server.shared.clone())
    }
}
