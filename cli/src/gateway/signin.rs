//! The user's part of signing in to a server (`gateway --stdio`): the authorization URL is
//! printed on stderr and given to the desktop's opener (`$BROWSER` when set, a program and
//! its first arguments; else `xdg-open`, `open` on macOS, `start` on Windows), and a
//! listener on 127.0.0.1 receives the browser's redirect with the code.
//!
//! The listener reads one request line of each connection, which is all a redirect needs; an
//! HTTP server crate would bring a router and a body reader for that one line.

use std::net::TcpListener as StdListener;
use std::process::{Command, Stdio};
use std::time::Duration;

use mcpforge::client::auth::Authorizer;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use mcpforge::BoxFuture;

/// The path of the redirect URI.
const CALLBACK: &str = "/callback";
/// The longest request head read from the browser.
const MAX_HEAD: usize = 8 * 1024;
/// How long one connection to the listener may take to send its request line.
const READ_LIMIT: Duration = Duration::from_secs(10);
/// What the browser shows once the code is received.
const DONE: &str = "<!doctype html><title>Signed in</title><p>Signed in. You can close this window.";

/// Sends the user to the authorization URL and waits for the redirect on 127.0.0.1.
#[derive(Debug)]
pub(crate) struct Browser {
    listener: StdListener,
    port: u16,
}

impl Browser {
    /// Listens on a free port of 127.0.0.1 (accepting only while a sign-in waits).
    pub(crate) fn bind() -> std::io::Result<Browser> {
        let listener = StdListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        Ok(Browser { listener, port })
    }

    /// The redirect URI to register.
    pub(crate) fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK}", self.port)
    }

    /// Accepts connections until one brings the redirect; answers the others 404. The OAuth
    /// client bounds the whole wait (its authorize timeout).
    async fn receive(&self) -> Result<String, String> {
        let listener = self.listener.try_clone().and_then(TcpListener::from_std).map_err(|e| e.to_string())?;
        loop {
            let (mut stream, _) = listener.accept().await.map_err(|e| format!("the redirect listener: {e}"))?;
            let Ok(Some(target)) = tokio::time::timeout(READ_LIMIT, request_target(&mut stream)).await else {
                continue;
            };
            if target.split('?').next() == Some(CALLBACK) {
                let _ = answer(&mut stream, "200 OK", DONE).await;
                return Ok(format!("http://127.0.0.1:{}{target}", self.port));
            }
            let _ = answer(&mut stream, "404 Not Found", "").await;
        }
    }
}

impl Authorizer for Browser {
    fn authorize(&self, url: String, _redirect_uri: String) -> BoxFuture<'_, Result<String, String>> {
        eprintln!("mcpforge gateway: the server asks you to sign in; open this URL in a browser:\n  {url}");
        open(&url);
        Box::pin(self.receive())
    }
}

/// The target of a GET request's line (`/callback?code=...`), or none for anything else.
async fn request_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !head.windows(2).any(|w| w == b"\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let line = String::from_utf8_lossy(&head);
    let mut words = line.lines().next()?.split(' ');
    match (words.next(), words.next()) {
        (Some("GET"), Some(target)) if target.starts_with('/') => Some(target.to_owned()),
        _ => None,
    }
}

/// Writes a whole HTTP answer and closes the connection.
async fn answer(stream: &mut TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

/// Whether `url` may be handed to an opener: an `http(s)` URL of visible ASCII only. The URL
/// comes from the server's authorization metadata, which the server chooses: anything else
/// (another scheme, a file path, spaces or quotes an opener could split on) is only printed.
fn openable(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\'')
}

/// Gives `url` to the desktop's opener, its output kept off stdout (the MCP stream); the
/// opener is waited for on a thread of its own so that it leaves no zombie. A failure is
/// only said: the user has the URL on stderr. No shell ever reads the URL (on Windows,
/// `cmd /C start` would run what follows an `&` of its query).
fn open(url: &str) {
    if !openable(url) {
        eprintln!("mcpforge gateway: the sign-in URL is not an http(s) URL; it was not opened");
        return;
    }
    let browser = std::env::var("BROWSER").unwrap_or_default();
    let mut words = browser.split_whitespace();
    let mut command = match words.next() {
        Some(program) => {
            let mut c = Command::new(program);
            c.args(words);
            c
        }
        None if cfg!(windows) => {
            let mut c = Command::new("rundll32");
            c.arg("url.dll,FileProtocolHandler");
            c
        }
        None if cfg!(target_os = "macos") => Command::new("open"),
        None => Command::new("xdg-open"),
    };
    command.arg(url).stdin(Stdio::null()).stdout(Stdio::null());
    match command.spawn() {
        Ok(mut child) => _ = std::thread::spawn(move || child.wait()),
        Err(e) => eprintln!("mcpforge gateway: could not open a browser ({e}); open the URL above"),
    }
}

#[cfg(test)]
mod tests {
    use super::openable;

    #[test]
    fn only_plain_http_urls_reach_an_opener() {
        assert!(openable("https://auth.example/authorize?client_id=a&state=b&code_challenge=c"));
        assert!(openable("http://127.0.0.1:9/authorize?x=1"));
        assert!(!openable("file:///etc/passwd"));
        assert!(!openable("javascript:alert(1)"));
        assert!(!openable("https://a.example/x y"));
        assert!(!openable("https://a.example/\"&calc"));
        assert!(!openable("https://a.example/\n"));
        assert!(!openable("-https://a.example/"));
    }
}
