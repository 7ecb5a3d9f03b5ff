//! `NativeLink`: one connection of the engine whose messages JavaScript carries, for a
//! transport of another package (the official SDK's `InMemoryTransport`, a custom
//! `Transport`): JavaScript writes the client's messages in and reads the server's out, one
//! line of JSON text each. The engine serves the link as it serves stdio (`serve_io`: the
//! same framing, size limit, output queue and backpressure).

use std::sync::Arc;

use mcpforge::Server;
use napi::Env;
use napi::bindgen_prelude::PromiseRaw;
use napi_derive::napi;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};
use tokio::sync::Mutex;

use crate::error::js_error;

/// How many bytes may wait in each direction of the link's pipe before a writer waits.
const PIPE_BYTES: usize = 256 * 1024;

/// The JavaScript end of a connection the engine serves.
#[napi]
pub struct NativeLink {
    /// Where the client's messages go in; `None` once closed (the engine then sees the end
    /// of its input and ends the connection).
    input: Arc<Mutex<Option<WriteHalf<DuplexStream>>>>,
    /// Where the server's messages come out.
    output: Arc<Mutex<BufReader<ReadHalf<DuplexStream>>>>,
}

impl NativeLink {
    /// Opens a link to `server` and starts serving it (within the addon's runtime).
    pub(crate) fn open(server: &Server) -> NativeLink {
        let (ours, engines) = tokio::io::duplex(PIPE_BYTES);
        let (read, write) = tokio::io::split(engines);
        let server = server.clone();
        // How it ended reaches JavaScript as the end of `read`; the engine logs I/O failures.
        tokio::spawn(async move { server.serve_io(read, write).await });
        let (output, input) = tokio::io::split(ours);
        NativeLink { input: Arc::new(Mutex::new(Some(input))), output: Arc::new(Mutex::new(BufReader::new(output))) }
    }
}

#[napi]
impl NativeLink {
    /// Hands one client message (JSON text, no newline) to the engine; resolves once it is
    /// in the pipe (waiting while the engine is behind). Fails once the link is closed.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn write<'e>(&self, env: &'e Env, message: String) -> napi::Result<PromiseRaw<'e, ()>> {
        let input = self.input.clone();
        env.spawn_future(async move {
            let mut guard = input.lock().await;
            let pipe = guard.as_mut().ok_or_else(|| js_error("the link is closed"))?;
            let mut line = message.into_bytes();
            line.push(b'\n');
            pipe.write_all(&line).await.map_err(js_error)
        })
    }

    /// The engine's next message (JSON text), or `null` once the connection ended.
    #[napi(ts_return_type = "Promise<string | null>")]
    pub fn read<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, Option<String>>> {
        let output = self.output.clone();
        env.spawn_future(async move {
            let mut reader = output.lock().await;
            let mut line = String::new();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => Ok(None),
                Ok(_) => {
                    line.truncate(line.trim_end_matches(['\r', '\n']).len());
                    Ok(Some(line))
                }
            }
        })
    }

    /// Ends the client's side: the engine finishes the requests in flight (within the
    /// shutdown grace period), then ends the connection (`read` resolves to `null`).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'e>(&self, env: &'e Env) -> napi::Result<PromiseRaw<'e, ()>> {
        let input = self.input.clone();
        env.spawn_future(async move {
            if let Some(mut pipe) = input.lock().await.take() {
                let _ = pipe.shutdown().await;
            }
            Ok(())
        })
    }
}
