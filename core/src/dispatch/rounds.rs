//! Running a handler with its context, through the rounds of client input: on the 2026 wire
//! an unanswered ask ends the request with `input_required`; on legacy sessions the
//! low-level form's asks are sent to the client and the handler runs again with the answers.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::{Map, Value};

use crate::context::{InputState, RequestContext};
pub(crate) use crate::dispatch::call::context;
use crate::dispatch::call::{Era, Peer};
use crate::dispatch::cancel::RequestToken;
use crate::dispatch::mrtr;
use crate::dispatch::reply::finish_value;
use crate::dispatch::shared::ServerShared;
use crate::error::{HandlerError, ProtocolError, ToolError, codes};
use crate::handler::BoxFuture;
use crate::jsonrpc::RequestId;
use crate::sync::lock;

/// Rounds of client input a legacy handler may go through in one request (low-level
/// `input_required` form) before the engine gives up.
const MAX_INPUT_ROUNDS: usize = 16;

/// How a handler run ended.
pub(crate) enum Rounds<T> {
    /// The handler finished (successfully or not).
    Done(Result<T, HandlerError>),
    /// 2026 wire: the handler waits for client input; the serialized `input_required` result.
    InputRequired(Vec<u8>),
}

/// Everything a handler run needs besides the handler itself.
pub(crate) struct RunSpec<'a> {
    pub(crate) shared: &'a Arc<ServerShared>,
    pub(crate) peer: &'a Peer,
    pub(crate) era: &'a Era,
    pub(crate) id: &'a RequestId,
    pub(crate) params: &'a Map<String, Value>,
    pub(crate) cancel: &'a RequestToken,
    pub(crate) method: &'static str,
    pub(crate) bind: &'a [&'a Value],
}

/// Runs a handler, going through the rounds of client input: on the 2026 wire an
/// unanswered ask ends the request with `input_required`; on legacy sessions the low-level
/// form's requests are sent to the client and the handler runs again with the answers.
pub(crate) async fn run_rounds<T>(
    spec: RunSpec<'_>,
    mut input: InputState,
    mut call: impl FnMut(RequestContext) -> BoxFuture<'static, Result<T, HandlerError>>,
) -> Result<Rounds<T>, ProtocolError> {
    for _ in 0..MAX_INPUT_ROUNDS {
        let ctx = context(spec.shared, spec.peer, spec.era, spec.id, Some(spec.params), spec.cancel, input);
        let result = call(ctx.clone()).await;
        ctx.finish();
        let state = &ctx.inner.input;
        let asked = !lock(&state.pending).is_empty();
        if !asked && !matches!(result, Err(HandlerError::InputRequired)) {
            return Ok(Rounds::Done(result));
        }
        // A handler's own `input_required` result: passed on as the handler wrote it on the
        // 2026 wire (it chose the requests), a result a legacy session cannot have otherwise.
        let handed_back = state.handed_back.load(Ordering::Relaxed);
        if handed_back && matches!(spec.era, Era::Legacy(_)) {
            lock(&state.pending).clear();
            return Ok(Rounds::Done(Err(ProtocolError::new(
                codes::INTERNAL_ERROR,
                "Handler returned an invalid result",
            )
            .into())));
        }
        // The low-level form (`ctx.input_required`) skips the check `ask_all` makes: never
        // ask a client for what it did not declare (-32021 on the 2026 wire, a tool error
        // on legacy sessions, as for `ask_all`).
        let missing = lock(&state.pending)
            .iter()
            .find_map(|(_, r)| r.missing_capability(ctx.client_capabilities()).map(|m| (m, r.method())))
            .filter(|_| !handed_back);
        if let Some((missing, method)) = missing {
            return match spec.era {
                Era::Modern(_) => Err(ProtocolError::missing_client_capability(missing)),
                Era::Legacy(_) => Ok(Rounds::Done(Err(ToolError::new(format!(
                    "the client did not declare the capability `{missing}` needed for {method}"
                ))
                .into()))),
            };
        }
        match spec.era {
            Era::Modern(_) => {
                let v = mrtr::input_required(&spec.shared.sealer, spec.method, spec.bind, spec.peer.subject(), state);
                return finish_value(spec.shared, true, false, v).map(Rounds::InputRequired);
            }
            Era::Legacy(session) => {
                let pending = std::mem::take(&mut *lock(&state.pending));
                if pending.is_empty() {
                    return Err(ProtocolError::internal("the handler asked for client input without saying what"));
                }
                let answers = match Box::pin(ctx.ask_session(session, &pending)).await {
                    Ok(a) => a,
                    Err(e) => return Ok(Rounds::Done(Err(e))),
                };
                let mut all = state.answers.clone();
                for ((key, _), answer) in pending.into_iter().zip(answers) {
                    all.insert(key, answer);
                }
                input = InputState::new(all, lock(&state.next_state).take());
            }
        }
    }
    tracing::warn!(request = &*crate::telemetry::bounded(&spec.id.to_string()), "too many rounds of client input");
    Err(ProtocolError::internal("too many rounds of client input"))
}

/// Maps a handler failure of a non-tool method to a JSON-RPC error.
pub(crate) fn non_tool_error(e: HandlerError) -> ProtocolError {
    e.into_protocol_error()
}
