"""``mcpforge.resolve``: the official 2.x ``mcp.server.mcpserver.resolve`` module's names,
for the programs that import them from there (the work is ``mcpforge.sdk.resolve``'s).

A tool parameter annotated ``Annotated[T, Resolve(fn)]`` is filled by running the resolver
``fn`` before the tool (``mcpforge.sdk.resolve`` does the work, asking the client through the
engine); a resolver may return ``Elicit``, ``Sample`` or ``ListRoots`` to ask the client.
``find_resolved_parameters(fn)`` lists the parameters of ``fn`` a resolver fills, and
``returns_input_required(fn)`` says whether ``fn`` is annotated to return an
``InputRequiredResult`` of its own (such a tool cannot also take resolved parameters).
The underscored names are the official module's helpers of the state the resolvers carry
across rounds on the 2026-07-28 wire (``mcpforge.sdk.resolve_state``), under the same names
and doing the same, for the code and tests that reach them."""

from __future__ import annotations

from typing import Any

from .context import AcceptedElicitation, CancelledElicitation, DeclinedElicitation, Elicit, ElicitationResult, ListRoots, Sample
from .sdk.resolve import (
    Resolve,
    check_elicit_return as _check_elicit_return,
    resolved_parameters as find_resolved_parameters,
    resolver_key as _resolver_key,
    returns_input_required,
    state_key as _state_key,
    uses_input_required as _uses_input_required,
)
from .sdk.resolve_outcomes import prepare
from .sdk.resolve_state import (
    StateEntry as _StateEntry,
    State as _State,
    decode_state as _decode_state,
    encode_state as _encode_state,
    question_digest as _request_digest,
)
from .sdk.resolve_state import entry_outcome

__all__ = [
    "AcceptedElicitation",
    "CancelledElicitation",
    "DeclinedElicitation",
    "Elicit",
    "ElicitationResult",
    "ListRoots",
    "Resolve",
    "Sample",
    "find_resolved_parameters",
    "returns_input_required",
]


def _render_request(marker: Any) -> Any:
    """The question ``marker`` asks, as it goes on the wire (``.method``, ``.params``)."""
    return prepare(marker, "")[0]


def _outcome_from_state(entry: _StateEntry, marker: Any) -> Any:
    """The outcome a state entry stands for, checked against the live question ``marker``
    (a ``ValidationError`` or ``ValueError`` when it does not fit)."""
    return entry_outcome(entry, marker, _render_request(marker))
