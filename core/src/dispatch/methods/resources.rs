//! `resources/read`: a concrete resource or the first matching template, read by its handler
//! (only those the request may see).

use crate::protocol::method::Method;
use std::collections::BTreeMap;
use std::future::Future;

use serde_json::{Value, json};

use crate::catalogue::Kind;
use crate::context::InputState;
use crate::dispatch::call::{Call, Reply};
use crate::dispatch::mrtr;
use crate::dispatch::reply::finish;
use crate::dispatch::rounds::{Rounds, RunSpec, non_tool_error, run_rounds};
use crate::dispatch::shared::ServerShared;
use crate::dispatch::visibility::Sight;
use crate::error::{ProtocolError, codes, typescript_sdk_text};
use crate::protocol::params::{InputParams, ItemParams};
use crate::registry::Snapshot;

/// Answers `resources/read`.
/// An `async` block capturing `call` rather than an `async fn`, which would keep `call` twice
/// in this boxed future, past the C allocator's small blocks (as `tools::call_tool`).
#[allow(clippy::manual_async_fn, reason = "an `async fn` keeps its arguments twice in its future")]
pub(crate) fn read_resource(mut call: Call<'_>) -> impl Future<Output = Reply> + Send + '_ {
    async move {
        let ItemParams { name: uri, rest: mut params } = ItemParams::take(call.take_params(), "uri")?;
        let Call { shared, peer, ref era, ref req, cancel, ref snap, ref sight, .. } = call;
        let concrete = match snap.resources.get(&uri) {
            Some(r) if sight.shows(Kind::Resources, &uri).await => Some(r.clone()),
            _ => None,
        };
        // The handler, the template variables, the registered MIME type (what plain values
        // read take) and `_meta`.
        let (handler, vars, mime, meta) = if let Some(r) = concrete {
            peer.reveal(&uri);
            (r.handler.clone(), BTreeMap::new(), r.def.mime_type.clone(), r.def.meta.clone())
        } else if let Some((t, vars)) = sight.template_for(snap, &uri).await {
            peer.reveal(t.template.as_str());
            (t.handler.clone(), vars, t.def.mime_type.clone(), t.def.meta.clone())
        } else {
            return Err(not_found(shared, &uri));
        };
        let uri_v = Value::String(uri.clone());
        let bind = [&uri_v];
        let input = if era.is_modern() {
            let input = InputParams::take(&mut params);
            mrtr::read_input(&shared.sealer, Method::ResourcesRead.as_str(), &bind, peer.subject(), input)?
        } else {
            InputState::default()
        };
        let spec = RunSpec {
            shared,
            peer,
            era,
            id: &req.id,
            params: &params,
            cancel,
            method: Method::ResourcesRead.as_str(),
            bind: &bind,
        };
        let rounds = run_rounds(spec, input, |ctx| handler.read(ctx, uri.clone(), vars.clone())).await?;
        let contents = match rounds {
            Rounds::InputRequired(bytes) => return Ok(bytes),
            Rounds::Done(r) => r.map_err(|e| naming(shared, &uri, non_tool_error(e)))?,
        };
        let mut contents = contents.into_contents(&uri, mime.as_deref()).map_err(|e| {
            tracing::error!(%uri, error = %e, "resource contents could not be read");
            let e = if shared.sdk_resource_errors {
                ProtocolError::new(codes::INTERNAL_ERROR, format!("Error reading resource {uri}"))
            } else {
                ProtocolError::internal(format!("the reader of {uri} returned what is not resource contents: {e}"))
            };
            naming(shared, &uri, e)
        })?;
        if contents.is_empty() {
            return Err(not_found(shared, &uri));
        }
        if !era.version().has_structured_output() {
            for c in &mut contents {
                c.meta = None;
            }
        } else if let Some(meta) = meta.filter(|_| shared.resource_meta_in_contents) {
            for c in contents.iter_mut().filter(|c| c.meta.is_none()) {
                c.meta = Some(meta.clone());
            }
        }
        finish(shared, era.is_modern(), true, &json!({ "contents": contents }))
    }
}

/// The error for a URI that names no resource the request may see: -32002 `Resource not
/// found` (-32602 on 2026-07-28), or with `sdk_resource_errors` -32602 `Unknown resource` on
/// every version, as the official SDKs answer.
fn not_found(shared: &ServerShared, uri: &str) -> ProtocolError {
    if shared.typescript_sdk_errors {
        let text = typescript_sdk_text(codes::INVALID_PARAMS, format!("Resource {uri} not found"));
        return ProtocolError::new(codes::INVALID_PARAMS, text);
    }
    if !shared.sdk_resource_errors {
        return ProtocolError::resource_not_found(uri);
    }
    ProtocolError::new(codes::INVALID_PARAMS, format!("Unknown resource: {uri}")).with_data(json!({ "uri": uri }))
}

/// A read's error with `data.uri` added (when it has no data of its own) under
/// `sdk_resource_errors`, as the official SDKs send every failed read.
fn naming(shared: &ServerShared, uri: &str, mut e: ProtocolError) -> ProtocolError {
    if shared.sdk_resource_errors && e.data.is_none() {
        e.data = Some(json!({ "uri": uri }));
    }
    e
}

/// What `uri` names that the request may see, as the metrics label it: a visible concrete
/// resource (its URI), or a visible template the URI matches (the template), else nothing
/// (what a subscription needs under a catalogue hook).
pub(crate) async fn shown_as(sight: &Sight, snap: &Snapshot, uri: &str) -> Option<String> {
    if snap.resources.get(uri).is_some() && sight.shows(Kind::Resources, uri).await {
        return Some(uri.to_owned());
    }
    sight.template_for(snap, uri).await.map(|(t, _)| t.template.as_str().to_owned())
}
