//! The in-memory transport: the client talks to a [`crate::Server`] in the same process
//! through a [`Link`], the connection whose messages the embedder carries (get one with
//! [`crate::Server::open_link`]); nothing is serialized twice and no pipe is involved.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use tokio::sync::mpsc;

use super::{Transport, Wire};
use crate::client::error::ClientError;
use crate::transport::link::Link;

/// A client's way to a server in the same process.
#[derive(Debug)]
pub struct MemoryTransport {
    link: Link,
}

impl MemoryTransport {
    /// The transport over `link` (from [`crate::Server::open_link`]).
    #[must_use]
    pub fn new(link: Link) -> MemoryTransport {
        MemoryTransport { link }
    }
}

impl Transport for MemoryTransport {
    fn open(self: Box<Self>, queue: usize) -> BoxFuture<'static, Result<Wire, ClientError>> {
        Box::pin(async move {
            let link = Arc::new(self.link);
            let (outgoing, mut to_server) = mpsc::channel::<Vec<u8>>(queue);
            let (to_client, incoming) = mpsc::channel(queue);
            let writer = link.clone();
            let write_task = tokio::spawn(async move {
                while let Some(message) = to_server.recv().await {
                    if writer.write(&message).await.is_err() {
                        break;
                    }
                }
            });
            let reader = link.clone();
            let read_task = tokio::spawn(async move {
                while reader.ready().await {
                    while let Some(message) = reader.take() {
                        if to_client.send(message).await.is_err() {
                            return;
                        }
                    }
                }
            });
            let closing = link.clone();
            let closer: super::Closer = Box::new(move || {
                Box::pin(async move {
                    let _ = closing.close().await;
                })
            });
            let guard = Ending { link, tasks: [write_task.abort_handle(), read_task.abort_handle()] };
            Ok(Wire { outgoing, incoming, closer, guard: Box::new(guard) })
        })
    }
}

/// Ends the link and stops the transport's tasks when the client goes away without
/// closing (the server's connection would otherwise wait for input until shutdown).
struct Ending {
    link: Arc<Link>,
    tasks: [tokio::task::AbortHandle; 2],
}

impl Drop for Ending {
    fn drop(&mut self) {
        self.tasks.iter().for_each(tokio::task::AbortHandle::abort);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let link = self.link.clone();
            runtime.spawn(async move {
                let _ = link.close().await;
            });
        }
    }
}
