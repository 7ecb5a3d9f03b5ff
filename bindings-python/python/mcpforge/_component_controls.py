"""``ComponentControls``: ``Server``'s side of the component mirror (``_components``, which
also applies the server's ``include_tags`` and ``exclude_tags``): removing, enabling and
disabling registered tools, resources, templates and prompts (the engine keeps whether each
is enabled, and tells clients when a list changes), reading their definitions, and telling
clients that a list or a resource changed."""

from __future__ import annotations

from typing import Dict

from ._components import Definition
from ._core import ServerCore

__all__ = ["ComponentControls"]


class ComponentControls(ServerCore):
    """What is registered, served or not (see the module documentation)."""

    # ----- tools ---------------------------------------------------------------------------

    def remove_tool(self, name: str) -> bool:
        """Removes a tool (clients are told the list changed); True if it existed."""
        return self._tools.remove(name)

    def enable_tool(self, name: str) -> None:
        """Serves a tool registered with ``enabled=False`` or disabled (clients are told the
        list changed). An unknown name, or a tool the server's tags exclude, raises
        ``ValueError``; an enabled tool stays as it is."""
        self._tools.set_enabled(name, True)

    def disable_tool(self, name: str) -> None:
        """Stops serving a tool but keeps it registered: it is not listed, and calling it is
        answered as for an unknown tool, until ``enable_tool(name)`` (clients are told the
        list changed). An unknown name raises ``ValueError``."""
        self._tools.set_enabled(name, False)

    @property
    def tools(self) -> Dict[str, Definition]:
        """The registered tool definitions, by name, disabled ones and ones the server's tags
        exclude included; each is the dict clients are sent, with the tool's own function as
        ``function`` (``server.tools["add"].function(a=1, b=2)`` calls it directly)."""
        return self._tools.definitions()

    # ----- resources -----------------------------------------------------------------------

    def remove_resource(self, uri: str) -> bool:
        """Removes a concrete resource; True if it existed."""
        return "{" not in uri and self._resources.remove(uri)

    def enable_resource(self, uri: str) -> None:
        """Serves a resource or template (``uri`` is the URI or the template as registered)
        registered with ``enabled=False`` or disabled; as ``enable_tool``."""
        self._resources.set_enabled(uri, True)

    def disable_resource(self, uri: str) -> None:
        """Stops serving a resource or template but keeps it registered: it is not listed,
        and reading it is answered as for an unknown resource; as ``disable_tool``."""
        self._resources.set_enabled(uri, False)

    def remove_resource_template(self, uri_template: str) -> bool:
        """Removes a resource template; True if it existed."""
        return "{" in uri_template and self._resources.remove(uri_template)

    @property
    def resources(self) -> Dict[str, Definition]:
        """The registered resource and template definitions, by URI or template, disabled
        ones and ones the server's tags exclude included."""
        return self._resources.definitions()

    # ----- prompts -------------------------------------------------------------------------

    def remove_prompt(self, name: str) -> bool:
        """Removes a prompt; True if it existed."""
        return self._prompts.remove(name)

    def enable_prompt(self, name: str) -> None:
        """Serves a prompt registered with ``enabled=False`` or disabled; as ``enable_tool``."""
        self._prompts.set_enabled(name, True)

    def disable_prompt(self, name: str) -> None:
        """Stops serving a prompt but keeps it registered: it is not listed, and getting it is
        answered as for an unknown prompt; as ``disable_tool``."""
        self._prompts.set_enabled(name, False)

    @property
    def prompts(self) -> Dict[str, Definition]:
        """The registered prompt definitions, by name, disabled ones and ones the server's
        tags exclude included."""
        return self._prompts.definitions()

    # ----- notifications -------------------------------------------------------------------

    def notify_tools_changed(self) -> None:
        """Tells clients the tool list changed."""
        self._native.notify_tools_changed()

    def notify_prompts_changed(self) -> None:
        """Tells clients the prompt list changed."""
        self._native.notify_prompts_changed()

    def notify_resources_changed(self) -> None:
        """Tells clients the resource list changed."""
        self._native.notify_resources_changed()

    def notify_resource_updated(self, uri: str) -> None:
        """Tells subscribers the resource ``uri`` changed."""
        self._native.notify_resource_updated(uri)
