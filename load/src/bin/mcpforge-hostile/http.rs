//! The blocking HTTP/1.1 client the HTTP scenarios share: a server started on a free
//! loopback port, POSTs to its `/mcp` endpoint and GETs, read to the end or dropped
//! half-way, from 127.0.0.1 or from another loopback address (another client, as the
//! server counts).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use super::options::Options;
use super::server::{Server, spawn_limited};

/// The `initialize` request of a legacy session at `version`.
pub(super) fn initialize(version: &str) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","id":0,"method":"initialize","params":{{"protocolVersion":"{version}","capabilities":{{}},"clientInfo":{{"name":"hostile","version":"1"}}}}}}"#
    )
}

/// The notification that completes a legacy handshake.
pub(super) const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;

/// Starts the server with `--http 127.0.0.1:PORT` appended (under an open-file limit when
/// `files` is given) and waits until it accepts connections.
pub(super) fn start(o: &Options, files: Option<u32>) -> Result<(Server, SocketAddr), String> {
    start_with_env(o, files, &[])
}

/// [`start`], with `env` added to the server's environment.
pub(super) fn start_with_env(
    o: &Options,
    files: Option<u32>,
    env: &[(String, String)],
) -> Result<(Server, SocketAddr), String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = l.local_addr().map_err(|e| e.to_string())?;
    drop(l);
    let server = spawn_limited(&o.server, &["--http".into(), addr.to_string()], false, files, env)
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let begun = Instant::now();
    while TcpStream::connect(addr).is_err() {
        if begun.elapsed() > Duration::from_secs(30) {
            return Err("the server did not listen within 30 s".into());
        }
        thread::sleep(Duration::from_millis(50));
    }
    Ok((server, addr))
}

/// Opens a legacy session at `version` (`initialize`, then `notifications/initialized`)
/// and returns its id.
pub(super) fn open_session(addr: SocketAddr, version: &str) -> Result<String, String> {
    open_session_with(addr, version, &[])
}

/// [`open_session`] as the client at `source` (a loopback address; `None`: 127.0.0.1).
pub(super) fn open_session_from(addr: SocketAddr, source: Option<Ipv4Addr>, version: &str) -> Result<String, String> {
    let (status, session, body) =
        post_from(addr, source, &initialize(version), &[]).map_err(|e| format!("initialize: {e}"))?;
    let session = session.ok_or_else(|| format!("initialize answered {status} without a session: {body}"))?;
    post_from(addr, source, INITIALIZED, &session_headers(&session, version))
        .map_err(|e| format!("initialized: {e}"))?;
    Ok(session)
}

/// [`open_session`], each request carrying `headers` too (an `Authorization`, say).
pub(super) fn open_session_with(
    addr: SocketAddr,
    version: &str,
    headers: &[(String, String)],
) -> Result<String, String> {
    let (status, session, body) = post(addr, &initialize(version), headers).map_err(|e| format!("initialize: {e}"))?;
    let session = session.ok_or_else(|| format!("initialize answered {status} without a session: {body}"))?;
    let mut in_session = session_headers(&session, version);
    in_session.extend_from_slice(headers);
    post(addr, INITIALIZED, &in_session).map_err(|e| format!("initialized: {e}"))?;
    Ok(session)
}

/// The headers of a request in legacy session `session` at `version` (2025-03-26 has no
/// protocol version header).
pub(super) fn session_headers(session: &str, version: &str) -> Vec<(String, String)> {
    let mut headers = vec![("Mcp-Session-Id".to_owned(), session.to_owned())];
    if version != "2025-03-26" {
        headers.push(("MCP-Protocol-Version".to_owned(), version.to_owned()));
    }
    headers
}

/// Connects and writes one POST to `/mcp` with `headers`, asking for the connection to
/// be closed after it; the caller reads the answer, or drops the stream to go away.
pub(super) fn send(addr: SocketAddr, body: &str, headers: &[(String, String)]) -> std::io::Result<TcpStream> {
    send_from(addr, None, body, headers)
}

/// [`send`] from `source` (`None`: the system's choice).
fn send_from(
    addr: SocketAddr,
    source: Option<Ipv4Addr>,
    body: &str,
    headers: &[(String, String)],
) -> std::io::Result<TcpStream> {
    let mut head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\n",
        body.len()
    );
    head.push_str(&header_lines(headers));
    let mut tcp = connect(addr, source)?;
    tcp.write_all(head.as_bytes())?;
    tcp.write_all(body.as_bytes())?;
    Ok(tcp)
}

/// Connects and writes one GET of `path` with `headers` (and `Connection: close`); the
/// caller reads the answer, or holds the stream without reading.
pub(super) fn send_get(addr: SocketAddr, path: &str, headers: &[(String, String)]) -> std::io::Result<TcpStream> {
    let head = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{}", header_lines(headers));
    let mut tcp = connect(addr, None)?;
    tcp.write_all(head.as_bytes())?;
    Ok(tcp)
}

/// A connection from `source` (`None`: the system's choice) whose reads give up after 30 s.
fn connect(addr: SocketAddr, source: Option<Ipv4Addr>) -> std::io::Result<TcpStream> {
    let tcp = match source {
        None => TcpStream::connect(addr)?,
        Some(source) => {
            use socket2::{Domain, Protocol, Socket, Type};
            let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
            socket.bind(&SocketAddr::new(source.into(), 0).into())?;
            socket.connect(&addr.into())?;
            socket.into()
        }
    };
    tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
    Ok(tcp)
}

/// `headers`, then `Connection: close` and the blank line that ends a request head.
fn header_lines(headers: &[(String, String)]) -> String {
    let mut lines: String = headers.iter().map(|(name, value)| format!("{name}: {value}\r\n")).collect();
    lines.push_str("Connection: close\r\n\r\n");
    lines
}

/// One POST to `/mcp`, read to the end: the status, the session id header, and the body.
pub(super) fn post(
    addr: SocketAddr,
    body: &str,
    headers: &[(String, String)],
) -> std::io::Result<(u16, Option<String>, String)> {
    post_from(addr, None, body, headers)
}

/// [`post`] from `source` (`None`: the system's choice).
fn post_from(
    addr: SocketAddr,
    source: Option<Ipv4Addr>,
    body: &str,
    headers: &[(String, String)],
) -> std::io::Result<(u16, Option<String>, String)> {
    read_answer(send_from(addr, source, body, headers)?)
}

/// One GET of `path`, read to the end: the status and the body.
pub(super) fn get(addr: SocketAddr, path: &str, headers: &[(String, String)]) -> std::io::Result<(u16, String)> {
    read_answer(send_get(addr, path, headers)?).map(|(status, _, body)| (status, body))
}

/// Reads an answer to the end (the server closes the connection): the status, the session
/// id header, and the body.
fn read_answer(mut tcp: TcpStream) -> std::io::Result<(u16, Option<String>, String)> {
    let mut raw = Vec::new();
    tcp.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let session = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("mcp-session-id").then(|| value.trim().to_owned())
    });
    Ok((status, session, body.to_owned()))
}
