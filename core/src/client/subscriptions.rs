//! What a `subscriptions/listen` stream asks for ([`Subscriptions`]) and an open stream
//! ([`Listening`]): its request running in a task of its own, registered with the
//! connection while it runs, so that its notifications are delivered (and those of a stream
//! closed are dropped).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::peer::Peer;
use crate::dispatch::executor::Joinable;
use crate::jsonrpc::RequestId;
use crate::sync::lock;

/// How long a stream's request may stay open: the server ends it when it stops, the client
/// when it closes the stream; this only keeps the wait finite.
pub(crate) const STREAM_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// What a listen stream asks the server to send.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscriptions {
    /// `notifications/resources/updated` for these URIs (and the resources under them).
    pub resources: Vec<String>,
    /// `notifications/tools/list_changed`.
    pub tools_list_changed: bool,
    /// `notifications/prompts/list_changed`.
    pub prompts_list_changed: bool,
    /// `notifications/resources/list_changed`.
    pub resources_list_changed: bool,
    /// `notifications/tasks` for these tasks (the Tasks extension).
    pub task_ids: Vec<String>,
}

impl Subscriptions {
    /// Updates of these resources only.
    #[must_use]
    pub fn resources<I: IntoIterator<Item = S>, S: Into<String>>(uris: I) -> Subscriptions {
        Subscriptions { resources: uris.into_iter().map(Into::into).collect(), ..Subscriptions::default() }
    }

    /// Reads the request's `notifications` object as the wire spells it
    /// (`resourceSubscriptions`, `toolsListChanged`, `promptsListChanged`,
    /// `resourcesListChanged`, `taskIds`): what a binding is handed as JSON. Any other key,
    /// or a value of the wrong type, is refused with the reason.
    pub fn from_json(wanted: &Value) -> Result<Subscriptions, String> {
        let Some(wanted) = wanted.as_object() else { return Err("the subscriptions must be a JSON object".into()) };
        let mut read = Subscriptions::default();
        for (key, value) in wanted {
            let strings = || {
                value
                    .as_array()
                    .and_then(|items| items.iter().map(|v| v.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>())
                    .ok_or_else(|| format!("{key} must be an array of strings"))
            };
            let flag = || value.as_bool().ok_or_else(|| format!("{key} must be true or false"));
            match key.as_str() {
                "resourceSubscriptions" => read.resources = strings()?,
                "taskIds" => read.task_ids = strings()?,
                "toolsListChanged" => read.tools_list_changed = flag()?,
                "promptsListChanged" => read.prompts_list_changed = flag()?,
                "resourcesListChanged" => read.resources_list_changed = flag()?,
                other => return Err(format!("no subscription {other:?}")),
            }
        }
        Ok(read)
    }

    /// The request's `notifications` object.
    pub(crate) fn to_json(&self) -> Value {
        let mut wanted = serde_json::Map::new();
        let mut flag = |key: &str, on: bool| {
            if on {
                wanted.insert(key.into(), json!(true));
            }
        };
        flag("toolsListChanged", self.tools_list_changed);
        flag("promptsListChanged", self.prompts_list_changed);
        flag("resourcesListChanged", self.resources_list_changed);
        if !self.resources.is_empty() {
            wanted.insert("resourceSubscriptions".into(), json!(self.resources));
        }
        if !self.task_ids.is_empty() {
            wanted.insert("taskIds".into(), json!(self.task_ids));
        }
        Value::Object(wanted)
    }
}

/// An open `subscriptions/listen` stream. Dropping it (or [`Listening::close`]) cancels the
/// request: the server gets `notifications/cancelled` and the stream's later notifications
/// are dropped.
pub struct Listening {
    pub(crate) id: RequestId,
    pub(crate) honored: Value,
    pub(crate) request: Joinable<()>,
    /// Tripped when the request ended.
    pub(crate) ended: CancellationToken,
}

impl std::fmt::Debug for Listening {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listening").field("id", &self.id).field("honored", &self.honored).finish_non_exhaustive()
    }
}

impl Listening {
    /// The stream's id (its request's id, the `subscriptionId` its notifications carry).
    pub fn id(&self) -> &RequestId {
        &self.id
    }

    /// What the server agreed to send: its acknowledgement's `notifications` object (what it
    /// does not support or the caller may not see is left out).
    pub fn honored(&self) -> &Value {
        &self.honored
    }

    /// The resource URIs the server agreed to report on.
    pub fn resources(&self) -> Vec<&str> {
        let listed = self.honored.get("resourceSubscriptions").and_then(Value::as_array);
        listed.into_iter().flatten().filter_map(Value::as_str).collect()
    }

    /// Whether the stream is still open (the server may end it, e.g. when it stops).
    pub fn is_open(&self) -> bool {
        !self.ended.is_cancelled()
    }

    /// Closes the stream (its request is cancelled on the server).
    pub async fn close(mut self) {
        self.request.abort();
        let _ = (&mut self.request).await;
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.request.abort();
    }
}

/// Forgets a stream when its request ends, however it ends.
pub(crate) struct Open {
    pub(crate) peer: Arc<Peer>,
    pub(crate) id: RequestId,
    pub(crate) ended: CancellationToken,
}

impl Open {
    /// Registers the stream `id` (`ack`: where its acknowledgement goes, if anywhere).
    pub(crate) fn register(peer: &Arc<Peer>, id: &RequestId, ack: Option<oneshot::Sender<Value>>) -> Open {
        lock(&peer.streams).insert(id.clone(), ack);
        Open { peer: peer.clone(), id: id.clone(), ended: CancellationToken::new() }
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        lock(&self.peer.streams).remove(&self.id);
        self.ended.cancel();
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Subscriptions;

    #[test]
    fn the_wire_spelling_reads_back_and_unknown_keys_are_refused() {
        let wanted = json!({ "resourceSubscriptions": ["memo://a"], "toolsListChanged": true, "taskIds": ["t1"] });
        let read = Subscriptions::from_json(&wanted).unwrap();
        assert_eq!(read.resources, ["memo://a"]);
        assert!(read.tools_list_changed && !read.prompts_list_changed);
        assert_eq!(read.to_json(), wanted);
        assert!(Subscriptions::from_json(&json!({ "resources": [] })).unwrap_err().contains("no subscription"));
        assert!(Subscriptions::from_json(&json!({ "taskIds": [1] })).unwrap_err().contains("array of strings"));
        assert!(Subscriptions::from_json(&json!([])).is_err());
    }
}
