"""The official SDK's HTTP option names, as ``run``/``run_async`` (and ``FastMCP``'s
constructor) take them, translated to mcpforge's. Options that ask for what the engine does
by itself are accepted and dropped; docs/python.md lists each one and why. Part of the
drop-in layer: ``mcpforge.mcpserver`` installs ``sdk_options`` into every server's serving
(``_serving.accept_option_names``)."""

from __future__ import annotations

from typing import Any, Dict

__all__ = ["sdk_options"]

# Official name -> mcpforge name.
_RENAMED = {
    "streamable_http_path": "path",
    "max_request_body_size": "max_body",
    "message_path": "messages_path",
}
# Accepted, not used: the engine answers each request as JSON or SSE itself and serves the
# stateless 2026-07-28 wire next to sessions on one endpoint (json_response,
# stateless_http), keeps its own resumption buffer (event_store, retry_interval), and 1.x's
# mount_path applies to ASGI mounting only.
_ENGINE_DECIDES = ("json_response", "stateless_http", "event_store", "retry_interval", "mount_path")


def sdk_options(transport: str, options: Dict[str, Any]) -> Dict[str, Any]:
    """``options`` with official names translated and the engine-decided ones dropped;
    mcpforge's own names pass through unchanged."""
    out: Dict[str, Any] = {}
    for key, value in options.items():
        if key in _ENGINE_DECIDES:
            continue
        if key == "transport_security":
            out.update(_transport_security(value))
            continue
        out[_RENAMED.get(key, key)] = value
    return out


def _transport_security(settings: Any) -> Dict[str, Any]:
    """An official ``TransportSecuritySettings`` (or a dict of its fields) as
    ``allowed_hosts``/``allowed_origins`` (the engine compares host names without the port,
    so ``example.com:*`` is ``example.com``); with its DNS-rebinding protection off, both
    checks are off (empty lists)."""
    if settings is None:
        return {}
    get = settings.get if isinstance(settings, dict) else lambda name, default=None: getattr(settings, name, default)
    if not get("enable_dns_rebinding_protection", True):
        return {"allowed_hosts": [], "allowed_origins": []}
    out = {}
    hosts, origins = get("allowed_hosts"), get("allowed_origins")
    if hosts:
        out["allowed_hosts"] = [_without_port(h) for h in hosts]
    if origins:
        out["allowed_origins"] = [_without_port(o) if o.count(":") > 1 else o for o in origins]
    return out


def _without_port(host: str) -> str:
    if host.endswith("]"):  # [::1]
        return host
    name, sep, port = host.rpartition(":")
    return name if sep and (port == "*" or port.isdigit()) and not name.endswith(":") else host
