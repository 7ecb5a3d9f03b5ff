"""What a resolver's question asks the client and what its answer becomes: a question
(mcpforge's ``Elicit``, ``Sample``, ``ListRoots`` or the official markers) as the engine
asks it, and the client's raw answer read as the marker's package has it (mcpforge's
answer types for mcpforge's markers, the official ``AcceptedElicitation``,
``CreateMessageResult``, ... for the official ones). Part of the drop-in layer."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

from ..context import AcceptedElicitation as _AcceptedAnswer, Elicit as _ElicitAsk, InputAsk, _elicit_result, _roots, _sampling_result
from ..errors import ToolError

__all__ = ["Accepted", "Ask", "official", "is_question", "prepare", "official_form", "accepted", "answer_of"]

_QUESTIONS = ("Elicit", "Sample", "ListRoots")


class Ask(InputAsk):
    """A question of an official marker, as the engine asks it."""

    def __init__(self, method: str, params: Dict[str, Any]) -> None:
        self.method = method
        super().__init__(params)


class Accepted:
    """A value a resolver gave (or a question other than a form, answered): accepted."""

    action = "accept"

    def __init__(self, data: Any, wire: Optional[Dict[str, Any]] = None) -> None:
        self.data = data
        self.wire = wire  # the client's answer as sent, for a consumer annotated with a model


def official(marker: Any) -> bool:
    """Whether ``marker`` (an instance, or a class) comes from the official package."""
    kind = marker if isinstance(marker, type) else type(marker)
    return kind.__module__.partition(".")[0] == "mcp"


def is_question(value: Any) -> bool:
    """Whether a resolver's value asks the client: mcpforge's questions, or the official
    ``Elicit``, ``Sample`` and ``ListRoots``."""
    return isinstance(value, InputAsk) or (official(value) and type(value).__name__ in _QUESTIONS)


def official_form(action: str, data: Any) -> Any:
    """A form's outcome as the official ``AcceptedElicitation``, ``DeclinedElicitation`` or
    ``CancelledElicitation``."""
    from mcp.server.elicitation import AcceptedElicitation, CancelledElicitation, DeclinedElicitation  # type: ignore[import-not-found, unused-ignore]  # optional dependency

    if action == "accept":
        return AcceptedElicitation(data=data)
    return DeclinedElicitation() if action == "decline" else CancelledElicitation()


def accepted(data: Any, *, form: bool = False) -> Any:
    """An accepted outcome of mcpforge's own questions: a form's is its answer type."""
    return _AcceptedAnswer(content=data) if form else Accepted(data)


def _read_form(raw: Any, ask: "_ElicitAsk[Any]", wire_key: str) -> Any:
    """A form's answer; an accepted one without content, or whose content does not fit the
    form's model, fails the call with a tool error saying so (the validator's own text is
    not passed on)."""
    if isinstance(raw, dict) and raw.get("action") == "accept" and raw.get("content") is None:
        raise ToolError(f"Resolver {wire_key}: the client accepted the elicitation with no content")
    try:
        return _elicit_result(raw, ask)
    except (ValueError, TypeError):  # pydantic's ValidationError is a ValueError
        raise ToolError(
            f"Resolver {wire_key}: Received an accepted elicitation whose content does not match the requested schema"
        ) from None


def answer_of(marker: Any, raw: Dict[str, Any]) -> Accepted:
    """The outcome of the client's answer ``raw`` to a sampling or roots question."""
    if isinstance(marker, InputAsk):
        if marker.method == "sampling/createMessage":
            return Accepted(_sampling_result(raw), raw)
        return Accepted(_roots(raw), raw)
    from mcp import types  # type: ignore[import-not-found, unused-ignore]  # optional dependency

    return Accepted(result_model(marker).model_validate(raw))


def wants_tools(marker: Any) -> bool:
    """Whether a sampling question offers the model tools (``tools`` or ``tool_choice``):
    its answer is then the official ``CreateMessageResultWithTools``."""
    params = marker.params
    if isinstance(params, dict):
        return bool(params.get("tools") or params.get("toolChoice"))
    return bool(getattr(params, "tools", None) or getattr(params, "tool_choice", None))


def result_model(marker: Any) -> Any:
    """The official result model of a sampling or roots question's answer, or None without
    the official package."""
    try:
        from mcp import types  # type: ignore[import-not-found, unused-ignore]  # optional dependency
    except ImportError:
        return None
    if (getattr(marker, "method", None) or type(marker).__name__) in ("roots/list", "ListRoots"):
        return types.ListRootsResult
    return getattr(types, "CreateMessageResultWithTools", types.CreateMessageResult) if wants_tools(marker) else types.CreateMessageResult


def prepare(marker: Any, wire_key: str) -> Tuple[InputAsk, Callable[[Any], Any]]:
    """What ``marker`` asks the client, as the engine asks it, and how its raw answer reads:
    as the marker's package has the answer."""
    if isinstance(marker, _ElicitAsk):
        return marker, lambda raw: _read_form(raw, marker, wire_key)
    if isinstance(marker, InputAsk):  # mcpforge's own Sample, ListRoots
        return marker, lambda raw: answer_of(marker, raw)
    kind = type(marker).__name__
    if kind == "Elicit":
        ask: _ElicitAsk[Any] = _ElicitAsk(marker.message, marker.schema)

        def read(raw: Any) -> Any:
            answer = _read_form(raw, ask, wire_key)
            return official_form(answer.action, answer.content)

        return ask, read
    if kind == "Sample":
        params = marker.params.model_dump(mode="json", by_alias=True, exclude_none=True)
        return Ask("sampling/createMessage", params), lambda raw: answer_of(marker, raw)
    return Ask("roots/list", {}), lambda raw: answer_of(marker, raw)
