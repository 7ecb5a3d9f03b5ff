"""``SdkContext``: the ``Context`` that ``MCPServer`` and ``FastMCP`` pass to their handlers,
reading as the official SDK's does where the two differ in type: ``client_capabilities``
is the official ``ClientCapabilities`` (``mcp_types`` in 2.x, ``mcp.types`` in 1.x; the wire
dict when neither is installed), and ``input_responses`` (the client's answers to what an
``InputRequiredResult`` asked) is None on a first round, the official ``InputResponses``
on a retry. Part of the drop-in layer."""

from __future__ import annotations

from typing import Any

from ..context import Context
from .direct import typed

__all__ = ["SdkContext"]


class SdkContext(Context):
    """``Context`` with the official SDK's types (see the module documentation)."""

    __slots__ = ()

    @property
    def client_capabilities(self) -> Any:
        """The client's capabilities as the official ``ClientCapabilities``, None when the
        client declared none."""
        found = super().client_capabilities
        return None if found is None else typed("ClientCapabilities", found)

    @property
    def input_responses(self) -> Any:
        """The client's answers to a previous round's ``InputRequiredResult``, by key, as the
        official types (``ElicitResult``, ...); None on the first round or when the client
        retried without answers."""
        found = super().input_responses
        return typed("InputResponses", found) if found else None
