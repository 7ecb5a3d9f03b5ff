//! `prompts/get`: the prompt's arguments checked, its handler run, its messages shaped.

use crate::protocol::method::Method;
use std::future::Future;

use serde_json::Value;

use crate::catalogue::Kind;
use crate::context::InputState;
use crate::dispatch::call::{Call, Reply};
use crate::dispatch::mrtr;
use crate::dispatch::reply::finish_value;
use crate::dispatch::rounds::{Rounds, RunSpec, non_tool_error, run_rounds};
use crate::error::{ProtocolError, codes, typescript_sdk_text};
use crate::protocol::params::{InputParams, ItemParams};
use crate::protocol::shaping;

/// Answers `prompts/get`.
/// An `async` block capturing `call` rather than an `async fn`, which would keep `call` twice
/// in this boxed future, past the C allocator's small blocks (as `tools::call_tool`).
#[allow(clippy::manual_async_fn, reason = "an `async fn` keeps its arguments twice in its future")]
pub(crate) fn get_prompt(mut call: Call<'_>) -> impl Future<Output = Reply> + Send + '_ {
    async move {
        let ItemParams { name, rest: mut params } = ItemParams::take(call.take_params(), "name")?;
        let Call { shared, peer, ref era, ref req, cancel, ref snap, ref sight, .. } = call;
        let version = era.version();
        let unknown = |name: &str| {
            if shared.typescript_sdk_errors {
                let text = typescript_sdk_text(codes::INVALID_PARAMS, format!("Prompt {name} not found"));
                return ProtocolError::new(codes::INVALID_PARAMS, text);
            }
            ProtocolError::invalid_params(format!("Unknown prompt: {name}"))
        };
        let prompt = snap.prompts.get(&name).cloned().ok_or_else(|| unknown(&name))?;
        // Before its arguments are checked: a hidden prompt answers exactly as a missing one.
        if !sight.shows(Kind::Prompts, &name).await {
            return Err(unknown(&name));
        }
        peer.reveal(&name);
        let (raw_args, args) = ItemParams::prompt_arguments(&mut params)?;
        let missing: Vec<String> = prompt
            .def
            .argument_list()
            .iter()
            .filter(|a| a.required && !args.contains_key(&a.name))
            .map(|a| format!("`{}`", a.name))
            .collect();
        if !missing.is_empty() {
            let missing = missing.join(", ");
            if shared.typescript_sdk_errors {
                // The official SDK words every argument failure of a prompt as its schema's.
                let detail = format!("Invalid arguments for prompt {name}: missing required {missing}");
                return Err(ProtocolError::new(
                    codes::INVALID_PARAMS,
                    typescript_sdk_text(codes::INVALID_PARAMS, detail),
                ));
            }
            return Err(ProtocolError::invalid_params(format!(
                "Missing required arguments for prompt {name}: {missing}"
            )));
        }
        let name_v = Value::String(name);
        let args_v = Value::Object(raw_args);
        let bind = [&name_v, &args_v];
        let input = if era.is_modern() {
            let input = InputParams::take(&mut params);
            mrtr::read_input(&shared.sealer, Method::PromptsGet.as_str(), &bind, peer.subject(), input)?
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
            method: Method::PromptsGet.as_str(),
            bind: &bind,
        };
        let handler = prompt.handler.clone();
        let rounds = run_rounds(spec, input, |ctx| handler.get(ctx, args.clone())).await?;
        let output = match rounds {
            Rounds::InputRequired(bytes) => return Ok(bytes),
            Rounds::Done(r) => r.map_err(non_tool_error)?,
        };
        let mut result = output.into_result(prompt.def.description.as_deref()).map_err(|e| {
            let name = name_v.as_str().unwrap_or_default();
            tracing::error!(prompt = %name, error = %e, "prompt result could not be read");
            ProtocolError::internal(format!("prompt {name} returned what is not a prompt result: {e}"))
        })?;
        for m in &mut result.messages {
            shaping::content(&mut m.content, version);
        }
        let v = serde_json::to_value(&result).map_err(ProtocolError::internal)?;
        finish_value(shared, era.is_modern(), false, v)
    }
}
