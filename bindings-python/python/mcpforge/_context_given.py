"""``GivenRequest``: what a ``Context`` made by hand reads, in place of the engine's
request. The official SDK's tests (and some programs) make a context themselves,
``Context(request_context=..., mcp_server=...)``, with an official request context (its
``session``, ``request_id``, ``meta``, ``request``, ``protocol_version``,
``lifespan_context``) or with none at all. Such a context answers from what it was given,
as the official one does: progress and log messages go to ``request_context.session``'s
methods (their awaitables are returned), ``headers`` are those of ``request_context.request``,
the client's capabilities those its session recorded; reading the request context without
one raises ``ValueError`` ("Context is not available outside of a request"). It has no
connection to a client of its own, so asking the client for input (``elicit``, ``sample``,
``ask``, ...) raises ``RuntimeError``."""

from __future__ import annotations

from typing import Any, Callable, List, Optional, Tuple

__all__ = ["GivenRequest", "OUTSIDE_A_REQUEST"]

OUTSIDE_A_REQUEST = "Context is not available outside of a request"
_NO_CLIENT = (
    "this Context was made by hand and has no connection to a client to ask; the contexts the "
    "server passes to handlers can ask"
)


class GivenRequest:
    """The request a hand-made ``Context`` was given (see the module documentation): the
    same members as the engine's per-request object, each read from the official request
    context ``request_context`` (or None) and the multi-round ``input_params``."""

    __slots__ = ("_given", "_input_params")

    # Calls on a hand-made context are coroutines, as the official context's methods are.
    is_async = True
    auth = None
    task_id: Optional[str] = None
    session_id: Optional[str] = None
    trace_context: Optional[Tuple[str, Optional[str], str, str, bool]] = None
    cancelled = False

    def __init__(self, request_context: Any, input_params: Any = None) -> None:
        self._given = request_context
        self._input_params = input_params

    @property
    def request_context(self) -> Any:
        """The official request context given; ``ValueError`` when none was."""
        if self._given is None:
            raise ValueError(OUTSIDE_A_REQUEST)
        return self._given

    @property
    def request_id(self) -> Any:
        return self.request_context.request_id

    @property
    def protocol_version(self) -> Any:
        """The negotiated protocol version, None outside a request (as the official)."""
        return getattr(self._given, "protocol_version", None)

    @property
    def meta(self) -> Any:
        return getattr(self.request_context, "meta", None)

    @property
    def progress_token(self) -> Any:
        meta = self.meta
        if isinstance(meta, dict):
            return meta.get("progressToken")
        return getattr(meta, "progress_token", None) or getattr(meta, "progressToken", None)

    @property
    def client_info(self) -> Any:
        return getattr(self._client_params(), "client_info", None)

    @property
    def client_capabilities(self) -> Any:
        """What the request's session recorded (2.x's ``client_capabilities``, 1.x's
        ``client_params.capabilities``)."""
        session = self.request_context.session
        found = getattr(session, "client_capabilities", None)
        return found if found is not None else getattr(self._client_params(), "capabilities", None)

    def _client_params(self) -> Any:
        return getattr(self.request_context.session, "client_params", None)

    @property
    def headers(self) -> Optional[List[Tuple[str, str]]]:
        """The headers of ``request_context.request`` (None without a request, or when it
        has no headers)."""
        headers = getattr(self.request_context.request, "headers", None)
        return None if headers is None else list(headers.items())

    def report_progress(self, progress: float, total: Optional[float] = None, message: Optional[str] = None) -> Any:
        """The session's ``report_progress`` (2.x), or 1.x's progress notification for the
        request's token (nothing when the client asked for no progress)."""
        session = self.request_context.session
        report = getattr(session, "report_progress", None)
        if report is not None:
            return report(progress, total, message)
        token = self.progress_token
        if token is None:
            return None
        return session.send_progress_notification(progress_token=token, progress=progress, total=total, message=message, related_request_id=self.request_id)

    def notify_list_changed(self, kind: str) -> Any:
        """The session's ``send_tool_list_changed`` (and prompts', resources')."""
        names = {"tools": "send_tool_list_changed", "prompts": "send_prompt_list_changed", "resources": "send_resource_list_changed"}
        return getattr(self.request_context.session, names[kind])()

    def notify_resource_updated(self, uri: str) -> Any:
        """The session's ``send_resource_updated``."""
        return self.request_context.session.send_resource_updated(uri)

    def notify_elicitation_complete(self, elicitation_id: str) -> Any:
        """The session's ``send_elicit_complete``."""
        return self.request_context.session.send_elicit_complete(elicitation_id, related_request_id=self.request_id)

    def log(self, level: str, data: Any, logger: Optional[str] = None) -> Any:
        """The session's ``send_log_message``, related to this request."""
        return self.request_context.session.send_log_message(level=level, data=data, logger=logger, related_request_id=self.request_id)

    @property
    def input_responses(self) -> Any:
        """The client's answers of a retried request, as given (``input_params``), or None."""
        return getattr(self._input_params, "input_responses", None)

    @property
    def request_state(self) -> Any:
        return getattr(self._input_params, "request_state", None)

    def ask(self, requests: List[Any]) -> List[Any]:
        raise RuntimeError(_NO_CLIENT)

    def ask_then(self, requests: List[Any], callback: Callable[..., Any]) -> None:
        raise RuntimeError(_NO_CLIENT)

    def ping(self) -> None:
        raise RuntimeError(_NO_CLIENT)

    def ping_then(self, callback: Callable[..., Any]) -> None:
        raise RuntimeError(_NO_CLIENT)

    def input_required(self, requests: List[Any], state: Any) -> None:
        raise RuntimeError(_NO_CLIENT)

    def start_task(self) -> None:
        raise RuntimeError(_NO_CLIENT)
