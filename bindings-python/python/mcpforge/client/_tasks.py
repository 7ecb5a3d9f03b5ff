"""``client.experimental``: tools called as tasks and the ``tasks/*`` requests that follow,
named as in the official ``mcp`` package (``session.experimental.call_tool_as_task``,
``get_task``, ``get_task_result``, ``list_tasks``, ``cancel_task``, ``poll_task``). The
engine speaks both wires: on 2025-11-25 a task is asked for with the ``task`` param and its
result waited for with ``tasks/result``; on 2026-07-28 the server decides, and the result is
polled at the interval the server suggests, the task's questions answered by the client's
callbacks."""

from __future__ import annotations

from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Optional, Type, TypeVar, Union

from .._native import NativeEngineClient
from .types import CallToolResult, CancelTaskResult, CreateTaskResult, GetTaskResult, ListTasksResult, Model

__all__ = ["ExperimentalTasks"]

M = TypeVar("M", bound=Model)

# The states a task does not leave.
_TERMINAL = frozenset({"completed", "failed", "cancelled"})


class ExperimentalTasks:
    """The task requests of one ``Client`` (``client.experimental``)."""

    def __init__(
        self,
        call: Callable[..., Awaitable[Any]],
        native: Callable[[], NativeEngineClient],
    ) -> None:
        self._call = call
        self._native = native

    async def call_tool_as_task(
        self, name: str, arguments: Optional[Dict[str, Any]] = None, ttl: Optional[int] = None
    ) -> Union[CreateTaskResult, CallToolResult]:
        """``tools/call`` as a task (``ttl``: milliseconds the server keeps it once ended):
        a ``CreateTaskResult``, or on 2026-07-28 the ``CallToolResult`` when the server ran
        the call at once."""
        started = await self._call(self._native().call_tool_as_task, name, arguments, ttl)
        if isinstance(started, dict) and isinstance(started.get("task"), dict):
            return CreateTaskResult.from_wire(started)
        return CallToolResult.from_wire(started)

    async def call_tool(self, name: str, arguments: Optional[Dict[str, Any]] = None, timeout: Optional[float] = None) -> CallToolResult:
        """Calls a tool as a task and waits for its result (at most ``timeout`` seconds in
        all; by default the client's ceiling)."""
        started = await self.call_tool_as_task(name, arguments)
        if isinstance(started, CallToolResult):
            return started
        return await self.get_task_result(started.task.taskId, CallToolResult, timeout=timeout)

    async def get_task(self, task_id: str) -> GetTaskResult:
        """``tasks/get``."""
        return GetTaskResult.from_wire(await self._call(self._native().task, "get", task_id))

    async def get_task_result(
        self, task_id: str, result_type: Type[M] = CallToolResult, timeout: Optional[float] = None  # type: ignore[assignment]
    ) -> M:
        """The task's result once it ended (``tasks/result`` on 2025-11-25, polling on
        2026-07-28); a failed task raises its ``McpError``."""
        return result_type.from_wire(await self._call(self._native().task, "result", task_id, timeout))

    async def list_tasks(self, cursor: Optional[str] = None) -> ListTasksResult:
        """``tasks/list`` (2025-11-25): every page, or only the page at ``cursor``."""
        return ListTasksResult.from_wire(await self._call(self._native().list_tasks, cursor))

    async def cancel_task(self, task_id: str) -> CancelTaskResult:
        """``tasks/cancel``."""
        return CancelTaskResult.from_wire(await self._call(self._native().task, "cancel", task_id))

    async def poll_task(self, task_id: str) -> AsyncIterator[GetTaskResult]:
        """Each state of the task, read at the interval the server suggests (the engine
        keeps it between 10 ms and 30 s, 500 ms when it suggests none), until it ends."""
        after: Any = None
        while True:
            after = await self._call(self._native().task, "poll", task_id, None, after)
            state = GetTaskResult.from_wire(after)
            yield state
            if state.status in _TERMINAL:
                return
