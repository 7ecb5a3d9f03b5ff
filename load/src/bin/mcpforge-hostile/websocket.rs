//! Idle WebSockets: connections upgraded to MCP over WebSocket at `/mcp` that send at most
//! one `initialize` and then nothing of their own, held open; the ones the server closes are
//! noticed so the caller can replace them. The handshake and framing are tungstenite's (the
//! WebSocket implementation the engine's own server side uses), driven blocking over a std
//! `TcpStream`.

use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use tungstenite::client::IntoClientRequest as _;
use tungstenite::http::HeaderName;
use tungstenite::{HandshakeError, Message, WebSocket};

/// How long a connect or an upgrade may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// A set of idle WebSockets to one server.
pub(super) struct IdleSockets {
    addr: SocketAddr,
    headers: Vec<(String, String)>,
    open: Vec<WebSocket<TcpStream>>,
}

impl IdleSockets {
    /// No sockets yet; each upgrade request will carry `headers` (an `Authorization`, say).
    pub(super) fn new(addr: SocketAddr, headers: Vec<(String, String)>) -> IdleSockets {
        IdleSockets { addr, headers, open: Vec::new() }
    }

    /// How many are open (as of the last sweep).
    pub(super) fn len(&self) -> usize {
        self.open.len()
    }

    /// Opens one more; with `greeting`, sends it (an `initialize`) once upgraded. An error
    /// says why the server did not take it (an HTTP status such as 503, or a socket error).
    pub(super) fn open_one(&mut self, greeting: Option<&str>) -> Result<(), String> {
        let tcp = TcpStream::connect_timeout(&self.addr, HANDSHAKE_TIMEOUT).map_err(|e| format!("connect: {e}"))?;
        tcp.set_read_timeout(Some(HANDSHAKE_TIMEOUT)).map_err(|e| e.to_string())?;
        tcp.set_write_timeout(Some(HANDSHAKE_TIMEOUT)).map_err(|e| e.to_string())?;
        let mut request = format!("ws://{}/mcp", self.addr).into_client_request().map_err(|e| e.to_string())?;
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
            request.headers_mut().insert(name, value.parse().map_err(|e| format!("{e}"))?);
        }
        let mut ws = match tungstenite::client(request, tcp) {
            Ok((ws, _)) => ws,
            Err(HandshakeError::Failure(tungstenite::Error::Http(answer))) => {
                return Err(format!("upgrade answered {}", answer.status().as_u16()));
            }
            Err(HandshakeError::Failure(e)) => return Err(format!("upgrade: {e}")),
            Err(HandshakeError::Interrupted(_)) => return Err("upgrade: no answer in time".into()),
        };
        if let Some(text) = greeting {
            ws.send(Message::text(text)).map_err(|e| format!("send: {e}"))?;
        }
        ws.get_ref().set_nonblocking(true).map_err(|e| e.to_string())?;
        self.open.push(ws);
        Ok(())
    }

    /// Reads what each socket has waiting (answers, pings; without waiting for more) and
    /// drops the ones the server closed. Returns the close code of each one it dropped
    /// (`None`: closed without a close frame).
    pub(super) fn sweep(&mut self) -> Vec<Option<u16>> {
        let mut closed = Vec::new();
        self.open.retain_mut(|ws| {
            loop {
                match ws.read() {
                    Ok(Message::Close(frame)) => {
                        closed.push(frame.map(|f| u16::from(f.code)));
                        break false;
                    }
                    Ok(_) => continue,
                    Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => break true,
                    Err(_) => {
                        closed.push(None);
                        break false;
                    }
                }
            }
        });
        closed
    }
}
