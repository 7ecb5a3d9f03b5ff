"""``RequestMeta``: a request's ``_meta`` as the official SDK's ``ctx.request_context.meta``
hands it out. 2.x gives a dict whose progress token sits under ``progress_token`` (its
``RequestParamsMeta``; other keys as sent); 1.x gives a model read by attribute
(``meta.progressToken``, None when the client sent none). One object serves code written
for either: a dict with 2.x's keys whose keys read as attributes too."""

from __future__ import annotations

from typing import Any, Dict, Optional

# The wire's key of the progress token, and the key 2.x's dict has it under.
_WIRE_TOKEN = "progressToken"
_TOKEN = "progress_token"


class RequestMeta(Dict[str, Any]):
    """A request's ``_meta``: 2.x's dict, readable as 1.x's model (see the module)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name in (_WIRE_TOKEN, _TOKEN):
            return self.get(_TOKEN)  # an optional field of 1.x's model: None when not sent
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def request_meta(meta: Optional[Dict[str, Any]]) -> Optional[RequestMeta]:
    """``meta`` (the wire's ``_meta``) as ``RequestMeta``, or None when the request had none."""
    if meta is None:
        return None
    out = RequestMeta(meta)
    if _WIRE_TOKEN in out:
        out[_TOKEN] = out.pop(_WIRE_TOKEN)
    return out
