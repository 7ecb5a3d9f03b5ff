"""What the official SDK's standalone prompt and resource objects share when they run a
user's function outside a server: a plain function runs in a worker thread, off the event
loop (``call``), a value that is not text or bytes becomes JSON text as the official
objects write it (``json_text``), and the official ``InputRequiredResult`` a function may
return is recognised (``input_required_result``)."""

from __future__ import annotations

import functools
import inspect
import json
from typing import Any, Callable

from .._convert import jsonable, sdk_object


async def call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """``fn(**kwargs)``: awaited when it is a coroutine function (or returns an awaitable),
    else run in a worker thread. The thread is anyio's when anyio is installed (it comes
    with the official package), so that the function may call back into the loop with
    ``anyio.from_thread``; else asyncio's."""
    if inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None)):
        return await fn(**kwargs)
    try:
        import anyio.to_thread  # optional dependency: the official package brings it
    except ImportError:
        import asyncio  # loaded on use

        value = await asyncio.to_thread(functools.partial(fn, **kwargs))
    else:
        value = await anyio.to_thread.run_sync(functools.partial(fn, **kwargs))
    return await value if inspect.isawaitable(value) else value


def _fallback(value: Any) -> Any:
    try:
        return jsonable(value)
    except TypeError:
        return str(value)


def json_text(value: Any) -> str:
    """``value`` as indented JSON text; what JSON cannot hold is written as its ``str``."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=_fallback)


def input_required_result(value: Any) -> bool:
    """Whether ``value`` is the official ``InputRequiredResult`` (a 2026-07-28 ask)."""
    official = sdk_object(value)
    return isinstance(official, dict) and ("inputRequests" in official or "requestState" in official) and "messages" not in official
