"""``Upstream``: an MCP server reached by the engine's client, to mount into a ``Server``
(``server.mount(Upstream.command([...]), prefix="p")``) or to serve as a proxy
(``Server.as_proxy(Upstream.url(...))``): a command run as a child process, or a Streamable
HTTP URL. Plain data: the engine starts, restarts and stops the child (docs/gateway.md)."""

from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional, Sequence, Union

__all__ = ["Upstream"]


class Upstream:
    """Where an upstream server is and how it runs. Make one with ``Upstream.command`` or
    ``Upstream.url``.

    ``mode`` is ``"per-session"`` (the default: one child, or one upstream HTTP session, per
    client session, so a server that keeps state for its client never shows it to another),
    ``"per-user"`` (one per authenticated user, shared by that user's sessions, stopped once
    idle; a request without a user is refused) or ``"shared"`` (one for every client, for
    servers that keep no per-client state)."""

    __slots__ = ("name", "entry")

    def __init__(self, name: str, entry: Dict[str, Any]) -> None:
        self.name = name
        # The engine's JSON form of an upstream (an ``mcpServers`` entry with ``mode``).
        self.entry = entry

    @classmethod
    def command(
        cls,
        command: Union[str, Sequence[str]],
        args: Optional[Sequence[str]] = None,
        *,
        env: Optional[Mapping[str, str]] = None,
        cwd: Optional[Union[str, "os.PathLike[str]"]] = None,
        mode: Optional[str] = None,
        name: Optional[str] = None,
    ) -> "Upstream":
        """A server run as a child process and spoken to over its stdin and stdout:
        ``Upstream.command(["uvx", "mcp-server-time"])`` or ``Upstream.command("uvx",
        ["mcp-server-time"])``. ``env`` adds to the inherited environment; ``cwd`` is the
        directory it runs in; ``name`` (default: the program's file name) is what errors
        and logs call it."""
        if isinstance(command, str):
            program, rest = command, list(args or [])
        else:
            if args is not None:
                raise TypeError("give the arguments in the command list or in args, not both")
            if not command:
                raise ValueError("the command is empty")
            program, rest = command[0], list(command[1:])
        entry: Dict[str, Any] = {"command": program, "args": rest}
        if env is not None:
            entry["env"] = dict(env)
        if cwd is not None:
            entry["cwd"] = os.fspath(cwd)
        return cls(name or os.path.basename(program), _with_mode(entry, mode))

    @classmethod
    def url(
        cls,
        url: str,
        *,
        headers: Optional[Mapping[str, str]] = None,
        mode: Optional[str] = None,
        name: Optional[str] = None,
    ) -> "Upstream":
        """A server reached over Streamable HTTP at ``url``; ``headers`` are sent with each
        request (this server's own credentials for the upstream: a client's token is never
        passed on)."""
        entry: Dict[str, Any] = {"url": url}
        if headers is not None:
            entry["headers"] = dict(headers)
        return cls(name or url, _with_mode(entry, mode))

    def __repr__(self) -> str:
        return f"Upstream({self.name!r}, {self.entry!r})"


def _with_mode(entry: Dict[str, Any], mode: Optional[str]) -> Dict[str, Any]:
    if mode is not None:
        entry["mode"] = mode
    return entry
