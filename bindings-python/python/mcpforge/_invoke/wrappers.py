"""The wrappers the engine calls, one per registered function: they bind the call's inputs
to the function's parameters, run it, and report a ``(tag, payload)`` outcome the native
module reads (``outcomes``).

A synchronous function gets an ``invoke(*inputs, native_ctx)`` wrapper the engine runs on
its worker pool; an ``async def`` gets a ``start(*inputs, native_ctx, completer)`` wrapper
that schedules the coroutine on an asyncio loop and returns a handle whose ``cancel()``
cancels the task (the engine calls it when the request is cancelled). A plain tool may
instead be called by the engine directly (``direct_tool``).
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Optional, Sequence, Tuple

from .._function_spec import FunctionSpec
from .._input_required import hand_over, is_input_required
from .._validators import ValidatorRaised
from ..errors import INTERNAL_ERROR, InputRequired
from .failures import bad_inputs, failure
from .outcomes import INPUT_REQUIRED, PROTOCOL_ERROR, Bind, Finish, Outcome, Witness


def unbound(e: Exception, call: Sequence[Any], fail: Callable[..., Outcome], witness: Witness) -> Outcome:
    """The outcome of inputs that did not bind (``call``: the inputs, then the native
    context): the caller's error (``bad_inputs``), or the handler's own failure when one of
    its parameters' validators raised (``ValidatorRaised``)."""
    raised = e.original if isinstance(e, ValidatorRaised) else e
    if witness is not None:
        witness(call[-1], raised)
    if raised is e:
        return bad_inputs(e)
    return fail(raised, *call[:-1])


def sync_wrapper(fn: Callable[..., Any], bind: Bind, finish: Finish, fail: Callable[..., Outcome] = failure, witness: Witness = None) -> Callable[..., Outcome]:
    """``invoke(*inputs, native_ctx)`` for a plain function; ``witness(native_ctx, e)`` is
    told of every exception raised binding the inputs or running ``fn``."""

    def invoke(*call: Any) -> Outcome:
        try:
            kwargs = bind(*call)
        except Exception as e:  # noqa: BLE001 - the inputs could not become the parameters
            return unbound(e, call, fail, witness)
        try:
            value = fn(**kwargs)
            # A str, the commonest result, is never an InputRequiredResult: no call asks.
            if type(value) is not str and is_input_required(value):
                return hand_over(value, call[-1], witness)
            return finish(value)
        except BaseException as e:  # noqa: BLE001 - every failure is reported to the client
            if witness is not None:
                witness(call[-1], e)
            return fail(e, *call[:-1])

    return invoke


class _AsyncCall:
    """One running coroutine handler: started and cancelled from engine threads, run on
    ``loop``; reports its outcome to ``completer`` exactly once.

    The task reports its own outcome at the end of its last step, rather than through a
    done callback, which the loop would run one iteration later (an iteration is a pass
    through the loop's selector). A task cancelled before its first step never runs its
    body, so ``_cancel`` reports that case itself."""

    __slots__ = ("loop", "run_call", "completer", "task", "cancelled", "began")

    def __init__(self, loop: Any, run_call: Callable[[], Any], completer: Callable[[Outcome], None]) -> None:
        self.loop = loop
        self.run_call = run_call
        self.completer = completer
        self.task: Any = None
        self.cancelled = False
        # Whether the task's body has begun (from then on it reports its own outcome).
        self.began = False

    def start(self) -> None:
        if self.cancelled:
            self.completer(_CANCELLED)
            return
        self.task = self.loop.create_task(self._run())

    async def _run(self) -> None:
        self.began = True
        try:
            outcome = await self.run_call()
        except BaseException as e:  # noqa: BLE001 - cancellation, SystemExit and the like: still answer
            import asyncio  # loaded on use (already loaded: this runs on an asyncio loop)

            cancelled = isinstance(e, asyncio.CancelledError)
            self.completer(_CANCELLED if cancelled else failure(e))
            if cancelled:
                raise
            return
        self.completer(outcome)

    def cancel(self) -> None:
        """Cancels the task (from any thread)."""
        self.cancelled = True
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._cancel)

    def _cancel(self) -> None:
        if self.task is None:
            return
        if not self.began and not self.task.done():
            # Its body will not run: the cancellation is thrown in before its first line.
            self.completer(_CANCELLED)
        self.task.cancel()


# The outcome of a call cancelled before its handler finished.
_CANCELLED: Outcome = (PROTOCOL_ERROR, (INTERNAL_ERROR, "request cancelled", None))


def async_wrapper(
    fn: Callable[..., Any],
    bind: Bind,
    finish: Finish,
    loop_of: Callable[[], Any],
    fail: Callable[..., Outcome] = failure,
    witness: Witness = None,
) -> Callable[..., _AsyncCall]:
    """``start(*inputs, native_ctx, completer)`` for a coroutine function (``witness`` as
    for ``sync_wrapper``)."""

    def start(*call: Any) -> _AsyncCall:
        *inputs, completer = call

        async def run() -> Outcome:
            import asyncio  # loaded on use (already loaded: this runs on an asyncio loop)

            try:
                kwargs = bind(*inputs)
            except Exception as e:  # noqa: BLE001 - the inputs could not become the parameters
                return unbound(e, inputs, fail, witness)
            try:
                value = await fn(**kwargs)
                if type(value) is not str and is_input_required(value):
                    return hand_over(value, inputs[-1], witness)
                return finish(value)
            except InputRequired:
                return (INPUT_REQUIRED, None)
            except asyncio.CancelledError:
                raise
            except BaseException as e:  # noqa: BLE001 - SystemExit and the like too: a task that
                # raised them would stop the event loop every async handler runs on
                if witness is not None:
                    witness(inputs[-1], e)
                return fail(e, *inputs[:-1])

        loop = loop_of()
        handle = _AsyncCall(loop, run, completer)
        loop.call_soon_threadsafe(handle.start)
        return handle

    return start


def is_async(fn: Any) -> bool:
    """Whether ``fn`` is a coroutine function (or an object whose ``__call__`` is one)."""
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None))


def wrapper(
    fn: Callable[..., Any], is_async: bool, bind: Bind, finish: Finish, loop_of: Callable[[], Any], fail: Callable[..., Outcome] = failure, witness: Witness = None
) -> Callable[..., Any]:
    """The wrapper for ``fn``, sync or async."""
    if is_async:
        return async_wrapper(fn, bind, finish, loop_of, fail, witness)
    return sync_wrapper(fn, bind, finish, fail, witness)


# ----- plain tools, called by the engine directly ---------------------------------------------


DirectCall = Tuple[
    Callable[..., Any], Optional[Tuple[str, ...]], bool, Callable[[Any, Any], Outcome], Callable[[BaseException, Any], Outcome]
]


def direct_tool(
    fn: Callable[..., Any], spec: FunctionSpec, is_async: bool, finish: Finish, fail: Callable[..., Outcome], witness: Witness = None
) -> Optional[DirectCall]:
    """How the engine calls a plain tool without ``sync_wrapper``: a synchronous function
    whose parameters take the arguments as they are (no ``Context``, no converter, no
    ``Field`` default). The engine passes the arguments the function names (all of them
    for ``**kwargs``), calls it and reads a ``str`` result itself; it hands any other
    result to ``rest(value, native_ctx)`` and an exception to ``failed(e, native_ctx)``,
    which answer as ``sync_wrapper`` does. The flag after the names says whether they come
    in the function's own order and a call that gives every one of them may pass them by
    position (``_positional``). None for any other tool."""
    if is_async or spec.context_param is not None or spec.field_defaults or any(p.convert is not None for p in spec.params):
        return None

    def rest(value: Any, native: Any) -> Outcome:
        try:
            if is_input_required(value):
                return hand_over(value, native, witness)
            return finish(value)
        except BaseException as e:  # noqa: BLE001 - every failure is reported to the client
            return failed(e, native)

    def failed(e: BaseException, native: Any) -> Outcome:
        if witness is not None:
            witness(native, e)
        return fail(e)

    names = _positional(fn, spec)
    return (fn, None if spec.var_keyword else (names or tuple(spec.names)), names is not None, rest, failed)


def _positional(fn: Callable[..., Any], spec: FunctionSpec) -> Optional[Tuple[str, ...]]:
    """The parameters of ``fn`` in its own order when each may be given by position as well
    as by name, and they are exactly the ones its arguments bind to: a call that gives every
    one of them then passes a tuple, with no dict of keyword arguments built and unpacked.
    The signature is the callable's own, not that of a function it wraps
    (``functools.wraps``): a wrapper taking ``**kwargs`` gets its arguments by name as
    before."""
    try:
        params = inspect.signature(fn, follow_wrapped=False).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params):
        return None
    names = tuple(p.name for p in params)
    return names if frozenset(names) == spec.names else None

