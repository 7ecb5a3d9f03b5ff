"""What a client does with what the server sends it, on the caller's loop: the server's
requests (``sampling/createMessage``, ``elicitation/create``, ``roots/list``) answered by the
application's callbacks, with the official ``mcp`` signatures (``callback(context,
params)``, ``list_roots_callback(context)``), and the notifications handed to
``logging_callback``, to a call's ``progress_callback`` (by its progress token) and to
``message_handler``. A callback returns a result (a ``mcpforge.client.types`` object, an
official pydantic model, or a wire dict), or an ``ErrorData`` (or raises ``McpError``) to
refuse. The engine's OAuth questions (``oauth/...``) go to the client's
``OAuthClientProvider``."""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Set

from .._native import NativeReply
from ..errors import INTERNAL_ERROR, METHOD_NOT_FOUND, McpError
from .auth import OAuthClientProvider
from .types import (
    CreateMessageRequestParams,
    ElicitRequestParams,
    LoggingMessageNotificationParams,
    ServerNotification,
    _dump,
)

__all__ = ["ClientRequestContext", "Answers"]

log = logging.getLogger("mcpforge.client")

SAMPLING = "sampling/createMessage"
ELICITATION = "elicitation/create"
ROOTS = "roots/list"
PROGRESS = "notifications/progress"
LOG_MESSAGE = "notifications/message"
OAUTH = "oauth/"

Callback = Callable[..., Any]


class ClientRequestContext:
    """What a callback knows of the request it answers: ``session`` (the client), ``method``,
    ``meta`` (the request's ``_meta``)."""

    def __init__(self, session: Any, method: str, meta: Optional[Dict[str, Any]]) -> None:
        self.session = session
        self.method = method
        self.meta = meta


def _refusal(value: Any) -> Optional[McpError]:
    """An ``ErrorData`` (ours, the official one, or an object with ``code`` and ``message``
    and no result fields) as the error it stands for."""
    if isinstance(value, McpError):
        return value
    code, message = getattr(value, "code", None), getattr(value, "message", None)
    if isinstance(code, int) and isinstance(message, str) and not isinstance(value, dict):
        return McpError(code, message, getattr(value, "data", None))
    return None


async def _settle(result: Any) -> Any:
    """A callback's return value, awaited when it is awaitable."""
    if inspect.isawaitable(result):
        return await result
    return result


class Answers:
    """The callbacks of one client (see the module docs)."""

    def __init__(
        self,
        session: Any,
        *,
        sampling: Optional[Callback],
        elicitation: Optional[Callback],
        list_roots: Optional[Callback],
        logging_callback: Optional[Callback],
        message_handler: Optional[Callback],
    ) -> None:
        self.session = session
        self.handlers: Dict[str, Optional[Callback]] = {SAMPLING: sampling, ELICITATION: elicitation, ROOTS: list_roots}
        self.logging_callback = logging_callback
        self.message_handler = message_handler
        # A call's progress callback, by the progress token the call carries.
        self.progress: Dict[Any, Callback] = {}
        # Tasks running a callback (kept so they are not collected before they end).
        self.tasks: Set["asyncio.Task[Any]"] = set()
        # Answers the engine's OAuth questions, when the client has one.
        self.oauth: Optional[OAuthClientProvider] = None

    def _spawn(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def ask(self, method: str, params: Any, reply: NativeReply) -> None:
        """The server asks ``method`` (or the engine an OAuth question): its callback
        answers in a task of its own."""
        params = params if isinstance(params, dict) else {}
        if method.startswith(OAUTH) and self.oauth is not None:
            self._spawn(self._oauth(self.oauth, method, params, reply))
        else:
            self._spawn(self._answer(method, params, reply))

    @staticmethod
    async def _oauth(provider: OAuthClientProvider, method: str, params: Dict[str, Any], reply: NativeReply) -> None:
        try:
            reply.result(await provider.answer(method, params))
        except Exception as e:  # the application's step failed: the engine says so in its error
            log.exception("the OAuth step %s failed", method)
            reply.error(INTERNAL_ERROR, f"{type(e).__name__}: {e}")

    async def _answer(self, method: str, params: Dict[str, Any], reply: NativeReply) -> None:
        handler = self.handlers.get(method)
        try:
            if handler is None:
                raise McpError(METHOD_NOT_FOUND, f"Method not found: {method}")
            context = ClientRequestContext(self.session, method, params.get("_meta"))
            if method == ROOTS:
                result = await _settle(handler(context))
                if isinstance(result, (list, tuple)):
                    result = {"roots": list(result)}
            elif method == SAMPLING:
                result = await _settle(handler(context, CreateMessageRequestParams.from_wire(params)))
            else:
                result = await _settle(handler(context, ElicitRequestParams.from_wire(params)))
            refused = _refusal(result)
            if refused is not None:
                raise refused
            reply.result(_dump(result))
        except McpError as e:
            reply.error(e.code, e.message, e.data)
        except Exception as e:  # a callback's own failure: the server gets an internal error
            log.exception("the %s callback failed", method)
            reply.error(INTERNAL_ERROR, f"{type(e).__name__}: {e}")

    def notice(self, method: str, params: Any) -> None:
        """A notification: to the progress callback of its call, to ``logging_callback``,
        and to ``message_handler``."""
        params = params if isinstance(params, dict) else {}
        if method == PROGRESS:
            callback = self.progress.get(params.get("progressToken"))
            if callback is not None:
                self._call(callback, params.get("progress", 0.0), params.get("total"), params.get("message"))
        elif method == LOG_MESSAGE and self.logging_callback is not None:
            self._call(self.logging_callback, LoggingMessageNotificationParams.from_wire(params))
        if self.message_handler is not None:
            self._call(self.message_handler, ServerNotification.from_wire({"method": method, "params": params}))

    def _call(self, callback: Callback, *args: Any) -> None:
        try:
            outcome = callback(*args)
        except Exception:
            log.exception("a notification callback failed")
            return
        if inspect.isawaitable(outcome):
            self._spawn(self._quietly(outcome))

    @staticmethod
    async def _quietly(outcome: Awaitable[Any]) -> None:
        try:
            await outcome
        except Exception:
            log.exception("a notification callback failed")

