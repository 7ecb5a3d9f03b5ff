"""The official SDK's HTTP option names, as ``run``/``run_async`` (and ``FastMCP``'s
constructor) take them, handed to the engine, whose table (``core/src/sdk_options.rs``)
translates them to mcpforge's: renamed (``streamable_http_path``, ...), read
(``transport_security``) or accepted and dropped when the engine decides by itself
(``json_response``, ``stateless_http``, ...); docs/python.md lists each one and why. Part of
the drop-in layer: ``mcpforge.sdk.mcpserver`` installs ``sdk_options`` into every server's
serving (``_serving.accept_option_names``)."""

from __future__ import annotations

from typing import Any, Dict

from .._native import sdk_options as _translate

__all__ = ["sdk_options"]


def sdk_options(transport: str, options: Dict[str, Any]) -> Dict[str, Any]:
    """``options`` with the official names translated by the engine; mcpforge's own names
    pass through unchanged (``run`` then refuses unknown ones)."""
    given = dict(options)
    security = given.get("transport_security")
    if security is not None and not isinstance(security, dict):
        given["transport_security"] = _fields(security)
    return _translate("python", given)


def _fields(settings: Any) -> Any:
    """The fields of an official ``TransportSecuritySettings`` (a pydantic model), or of any
    object with those attributes, as the dict the engine reads; anything else (a string, a
    list) as it is, for the engine to refuse. Reading a Python object is this binding's part;
    what the fields mean is the engine's."""
    dump = getattr(settings, "model_dump", None)
    if callable(dump):
        return dump()
    attributes = getattr(settings, "__dict__", None)
    if attributes is None:
        return settings
    return {name: value for name, value in attributes.items() if not name.startswith("_")}
