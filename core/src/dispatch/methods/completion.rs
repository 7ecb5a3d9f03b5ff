//! `completion/complete`: suggestions for a prompt argument or a template variable.

use serde_json::{Value, json};

use crate::catalogue::Kind;
use crate::context::InputState;
use crate::dispatch::call::{Call, Reply, str_param};
use crate::dispatch::reply::finish;
use crate::dispatch::rounds::context;
use crate::error::ProtocolError;
use crate::protocol::{CompleteRequest, CompletionRef};

/// Answers `completion/complete`.
pub(crate) async fn complete(mut call: Call<'_>) -> Reply {
    let params = call.take_params();
    let Call { shared, peer, ref era, ref req, cancel, ref snap, ref sight, .. } = call;
    let reference: CompletionRef =
        params.get("ref").cloned().and_then(|r| serde_json::from_value(r).ok()).ok_or_else(|| {
            ProtocolError::invalid_params("`ref` must be {type: \"ref/prompt\", name} or {type: \"ref/resource\", uri}")
        })?;
    let argument = params
        .get("argument")
        .and_then(Value::as_object)
        .ok_or_else(|| ProtocolError::invalid_params("`argument` must be an object"))?;
    let arg_name = str_param(argument, "name")?.to_owned();
    let value = argument.get("value").and_then(Value::as_str).unwrap_or_default().to_owned();
    let context_args = params
        .get("context")
        .and_then(|c| c.get("arguments"))
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned()))).collect())
        .unwrap_or_default();
    // A prompt or template the request may not see completes to nothing, as a missing one.
    let shown = match &reference {
        CompletionRef::Prompt { name } => sight.shows(Kind::Prompts, name).await,
        CompletionRef::Resource { uri } => {
            sight.shows(Kind::ResourceTemplates, uri).await || sight.shows(Kind::Resources, uri).await
        }
    };
    let mut completion = match snap.completions.get(&reference).filter(|_| shown) {
        Some(h) => {
            peer.reveal(match &reference {
                CompletionRef::Prompt { name } => name,
                CompletionRef::Resource { uri } => uri,
            });
            let ctx = context(shared, peer, era, &req.id, Some(&params), cancel, InputState::default());
            let request = CompleteRequest { reference, argument: arg_name, value, context: context_args };
            h.complete(ctx, request).await?.into_completion().map_err(|e| {
                tracing::error!(error = %e, "completion could not be read");
                ProtocolError::internal(format!("the completion handler returned what is not a completion: {e}"))
            })?
        }
        None => crate::protocol::Completion::default(),
    };
    if completion.values.len() > 100 {
        let total = completion.total.unwrap_or(completion.values.len() as u64);
        completion.values.truncate(100);
        completion.total = Some(total);
        completion.has_more = Some(true);
    }
    finish(shared, era.is_modern(), false, &json!({ "completion": completion }))
}
