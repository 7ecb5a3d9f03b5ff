"""``mcpforge.resolve``: the official 2.x ``mcp.server.mcpserver.resolve`` module's public
names, for the programs that import them from there.

A tool parameter annotated ``Annotated[T, Resolve(fn)]`` is filled by running the resolver
``fn`` before the tool (``mcpforge.sdk.resolve`` does the work, asking the client through the
engine); a resolver may return ``Elicit``, ``Sample`` or ``ListRoots`` to ask the client.
``find_resolved_parameters(fn)`` lists the parameters of ``fn`` a resolver fills, and
``returns_input_required(fn)`` says whether ``fn`` is annotated to return an
``InputRequiredResult`` of its own (such a tool cannot also take resolved parameters)."""

from __future__ import annotations

from .context import AcceptedElicitation, CancelledElicitation, DeclinedElicitation, Elicit, ElicitationResult, ListRoots, Sample
from .sdk.resolve import Resolve, resolved_parameters as find_resolved_parameters, returns_input_required

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
