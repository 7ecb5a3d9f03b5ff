"""The resolvers' progress across the rounds of one call on the 2026-07-28 wire, in the
official 2.x format: what the tool hands the engine as its ``requestState`` (the engine seals
it) and reads back on the client's retry.

The state is the JSON text ``{"v": 3, "outcomes": {KEY: ENTRY}, "asked": {KEY: DIGEST}}``:
``outcomes`` holds each question already answered, under its resolver's wire key, as the
client answered it (``{"action": "accept", "data": ..., "q": DIGEST}``, or ``decline`` /
``cancel`` with no data), ``asked`` the questions the last round asked. ``DIGEST`` pins an
answer to the question exactly as it was shown: the first 16 bytes of the SHA-256 of the
question's wire params as compact JSON, base64url without padding; a question reworded
since (a redeploy) is asked again instead of taking the old answer. The text is ASCII (a lone
surrogate in what the client sent is escaped) and read back with ``json.loads``. A state
that does not parse, or of another version, reads as no progress: the questions are asked
again. An entry restored is checked again against the question's live schema, so a state
entry that no longer fits is dropped and asked again, never passed on. Part of the drop-in
layer."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from typing import Any, Dict, Mapping, Optional

from ..context import CancelledElicitation, DeclinedElicitation, Elicit as _ElicitAsk, InputAsk, _elicit_result
from .resolve_outcomes import accepted, answer_of, official, official_form, result_model

__all__ = ["check_answer", "StateEntry", "State", "compact_json", "decode_state", "encode_state", "question_digest", "restore", "entry_outcome"]

STATE_VERSION = 3


def compact_json(value: Any, *, sort_keys: bool = False) -> str:
    """JSON without spaces, ASCII only (``json.dumps``' own escaping)."""
    return json.dumps(value, sort_keys=sort_keys, separators=(",", ":"))


@dataclasses.dataclass
class StateEntry:
    """One answered question: ``action``, the answer's ``data`` as the client sent it (an
    accepted answer only) and ``q``, the digest of the question it answered."""

    action: str
    data: Any = None
    q: Optional[str] = None

    def wire(self) -> Dict[str, Any]:
        """The entry as the state's JSON holds it."""
        return {"action": self.action, "data": self.data, "q": self.q}


@dataclasses.dataclass
class State:
    """A decoded state: ``outcomes`` by wire key, ``asked`` (wire key -> question digest)."""

    v: int = STATE_VERSION
    outcomes: Dict[str, StateEntry] = dataclasses.field(default_factory=dict)
    asked: Dict[str, str] = dataclasses.field(default_factory=dict)


def _entry(raw: Any) -> StateEntry:
    if not isinstance(raw, dict) or raw.get("action") not in ("accept", "decline", "cancel"):
        raise ValueError("not a state entry")
    q = raw.get("q")
    if q is not None and not isinstance(q, str):
        raise ValueError("not a question digest")
    return StateEntry(raw["action"], raw.get("data"), q)


def decode_state(request_state: Optional[str]) -> State:
    """The state of ``request_state``; no progress when it is empty, does not parse, or is
    of another version."""
    if not request_state or not isinstance(request_state, str):
        return State()
    try:
        raw = json.loads(request_state)
        if not isinstance(raw, dict) or raw.get("v") != STATE_VERSION:
            return State()
        outcomes, asked = raw.get("outcomes", {}), raw.get("asked", {})
        if not isinstance(outcomes, dict) or not isinstance(asked, dict):
            return State()
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in asked.items()):
            return State()
        return State(STATE_VERSION, {str(k): _entry(v) for k, v in outcomes.items()}, dict(asked))
    except ValueError:  # json's own errors are ValueErrors too
        return State()


def encode_state(outcomes: Mapping[str, StateEntry], asked: Mapping[str, str]) -> str:
    """The state text for the next round."""
    return compact_json({"v": STATE_VERSION, "outcomes": {k: e.wire() for k, e in outcomes.items()}, "asked": dict(asked)})


def question_digest(ask: Any) -> str:
    """The digest of a question: of its wire params (an ``InputAsk``'s, or an official
    request model's)."""
    params: Any = ask.params if isinstance(ask, InputAsk) else getattr(ask, "params", None)
    if hasattr(params, "model_dump"):
        params = params.model_dump(mode="json", by_alias=True, exclude_none=True)
    digest = hashlib.sha256(compact_json(params).encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _form_data(data: Any, ask: "_ElicitAsk[Any]") -> Any:
    """The accepted content ``data`` of a form, checked against the form's type: a pydantic
    model validates it (its ``ValidationError`` raised as it is), anything else must be an
    object and is converted as a fresh answer is."""
    kind = ask.type
    if kind is not None and hasattr(kind, "model_validate") and not ask.wrapped:
        return kind.model_validate(data)
    if not isinstance(data, dict):
        raise ValueError("the recorded answer is not an object")
    return _elicit_result({"action": "accept", "content": data}, ask).content


def check_answer(marker: Any, raw: Any) -> None:
    """Refuses (``ValueError``) an answer to a sampling or roots question that is not of
    its kind: checked against the official result model when the official package is
    there, else for the fields the answer must have."""
    model = result_model(marker)
    if model is not None:
        model.model_validate(raw)
        return
    needed = ("roots",) if (getattr(marker, "method", None) or type(marker).__name__) in ("roots/list", "ListRoots") else ("role", "content", "model")
    if not isinstance(raw, dict) or any(k not in raw for k in needed):
        raise ValueError("the answer is not of the question's kind")


def entry_outcome(entry: StateEntry, marker: Any, ask: InputAsk) -> Any:
    """The outcome an entry stands for, for the question ``marker`` (asked as ``ask``),
    checked against it: a pydantic ``ValidationError`` (or ``ValueError``) when it does not
    fit, a declined sampling or roots question included (only a form can be declined)."""
    if isinstance(ask, _ElicitAsk):
        if entry.action == "accept":
            data = _form_data(entry.data, ask)
            return official_form("accept", data) if official(marker) else accepted(data, form=True)
        if official(marker):
            return official_form(entry.action, None)
        return DeclinedElicitation() if entry.action == "decline" else CancelledElicitation()
    check_answer(marker, entry.data if entry.action == "accept" else None)
    return answer_of(marker, entry.data)


def restore(state: State, key: str, marker: Any, ask: InputAsk, q: str, persist: Dict[str, StateEntry]) -> Any:
    """The recorded outcome of ``key`` for the question of digest ``q``, carried on into
    ``persist`` unchanged; None when there is none, or the entry was for another wording of
    the question or does not fit it (the entry is then dropped)."""
    entry = state.outcomes.get(key)
    if entry is None:
        return None
    if entry.q != q:
        del state.outcomes[key]
        return None
    try:
        outcome = entry_outcome(entry, marker, ask)
    except (ValueError, TypeError):  # pydantic's ValidationError is a ValueError
        del state.outcomes[key]
        return None
    persist[key] = entry
    return outcome
