//! `completion/complete`: suggestions for a prompt argument or a template variable.

use serde_json::json;

use crate::catalogue::Kind;
use crate::context::InputState;
use crate::dispatch::call::{Call, Reply};
use crate::dispatch::reply::finish;
use crate::dispatch::rounds::context;
use crate::error::ProtocolError;
use crate::protocol::CompletionRef;
use crate::protocol::params::{self, CompleteParams};

/// Answers `completion/complete`.
pub(crate) async fn complete(mut call: Call<'_>) -> Reply {
    let params = call.take_params();
    let Call { shared, peer, ref era, ref req, cancel, ref snap, ref sight, .. } = call;
    let request = params::read::<CompleteParams>(&params)?.into_request()?;
    let reference = &request.reference;
    // A prompt or template the request may not see completes to nothing, as a missing one.
    let shown = match reference {
        CompletionRef::Prompt { name } => sight.shows(Kind::Prompts, name).await,
        CompletionRef::Resource { uri } => {
            sight.shows(Kind::ResourceTemplates, uri).await || sight.shows(Kind::Resources, uri).await
        }
    };
    let mut completion = match snap.completions.get(reference).filter(|_| shown) {
        Some(h) => {
            peer.reveal(match reference {
                CompletionRef::Prompt { name } => name,
                CompletionRef::Resource { uri } => uri,
            });
            let ctx = context(shared, peer, era, &req.id, Some(&params), cancel, InputState::default());
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
