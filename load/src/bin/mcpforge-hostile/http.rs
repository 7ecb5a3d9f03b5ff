//! The blocking HTTP/1.1 client the HTTP scenarios share: a server started on a free
//! loopback port, and POSTs to its `/mcp` endpoint, read to the end or dropped half-way,
//! from 127.0.0.1 or from another loopback address (another client, as the server counts).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::os::fd::FromRawFd as _;
use std::thread;
use std::time::{Duration, Instant};

use super::{Options, Server, spawn_limited};

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
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = l.local_addr().map_err(|e| e.to_string())?;
    drop(l);
    let server = spawn_limited(&o.server, &["--http".into(), addr.to_string()], false, files)
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
    open_session_from(addr, None, version)
}

/// [`open_session`] as the client at `source` (a loopback address; `None`: 127.0.0.1).
pub(super) fn open_session_from(addr: SocketAddr, source: Option<Ipv4Addr>, version: &str) -> Result<String, String> {
    let (status, session, body) =
        post_from(addr, source, &initialize(version), &[]).map_err(|e| format!("initialize: {e}"))?;
    let session = session.ok_or_else(|| format!("initialize answered {status} without a session: {body}"))?;
    post(addr, INITIALIZED, &session_headers(&session, version)).map_err(|e| format!("initialized: {e}"))?;
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
    let mut tcp = match (source, addr) {
        (Some(source), SocketAddr::V4(to)) => connect_from(source, to)?,
        _ => TcpStream::connect(addr)?,
    };
    tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    tcp.write_all(head.as_bytes())?;
    tcp.write_all(body.as_bytes())?;
    Ok(tcp)
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
    let mut raw = Vec::new();
    send_from(addr, source, body, headers)?.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let session = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("mcp-session-id").then(|| value.trim().to_owned())
    });
    Ok((status, session, body.to_owned()))
}

/// Connects to `to` from the local address `source`. Hand-written over libc because std
/// cannot bind a socket before connecting it (and the program keeps to std and libc).
fn connect_from(source: Ipv4Addr, to: SocketAddrV4) -> std::io::Result<TcpStream> {
    let sockaddr = |ip: Ipv4Addr, port: u16| libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr { s_addr: u32::from(ip).to_be() },
        sin_zero: [0; 8],
    };
    let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    // SAFETY: socket() reads no memory of ours; it returns a new descriptor or -1.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` is a socket just made and owned by nothing else: the stream owns (and
    // closes) it from here on, on every path below.
    let stream = unsafe { TcpStream::from_raw_fd(fd) };
    let from = sockaddr(source, 0);
    // SAFETY: `from` is a valid sockaddr_in that lives across the call; `len` is its size.
    if unsafe { libc::bind(fd, (&raw const from).cast(), len) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let to = sockaddr(*to.ip(), to.port());
    // SAFETY: as for bind: a valid sockaddr_in of the given size. The socket is blocking,
    // so connect() returns once connected or failed.
    if unsafe { libc::connect(fd, (&raw const to).cast(), len) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(stream)
}
