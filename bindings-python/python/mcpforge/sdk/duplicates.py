"""A name registered twice, as the official managers answer it: the first tool, prompt or
resource stays and the second is dropped, with a warning on the manager's logger unless the
server's ``warn_on_duplicate_*`` setting is off; a resource template registered again replaces
the first, silently. (The native ``Server`` raises ``ValueError`` instead: a second
registration there is a bug to report.)"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional

# Per kind: the official manager's module (under the release's package), the word its
# warning starts with, and the setting that silences it.
_MANAGERS = {
    "tool": ("tools.tool_manager", "Tool", "warn_on_duplicate_tools"),
    "prompt": ("prompts.manager", "Prompt", "warn_on_duplicate_prompts"),
    "resource": ("resources.resource_manager", "Resource", "warn_on_duplicate_resources"),
}


def kept(server: Any, kind: str, key: Optional[str]) -> Optional[Dict[str, Any]]:
    """The definition already registered under ``key`` (then the new one is to be dropped,
    and the warning is logged), or None: register the new one. A resource template already
    registered is removed here, so that the new one replaces it."""
    components = {"tool": server._tools, "prompt": server._prompts, "resource": server._resources}[kind]
    if key is None or key not in components:
        return None
    if kind == "resource" and "{" in key:
        server.remove_resource_template(key)
        return None
    module, word, setting = _MANAGERS[kind]
    if getattr(server.settings, setting, True):
        package = server._sdk_logger.rsplit(".", 1)[0]  # mcp.server.mcpserver / mcp.server.fastmcp
        logging.getLogger(f"{package}.{module}").warning(f"{word} already exists: {key}")
    definition: Optional[Dict[str, Any]] = components.definitions().get(key)
    return definition
