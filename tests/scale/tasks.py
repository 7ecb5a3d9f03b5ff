"""Tasks spread over the instances behind round-robin nginx with the shared store, spoken in
plain HTTP (the official clients do not drive tasks on both wires): every request of a task
lands wherever nginx sends it, and must find the task there.

- 2026-07-28: `approve_job` becomes a task that waits for the client's approval; the client
  follows it with `tasks/get` until it asks, answers with `tasks/update`, and hears it
  complete on a `subscriptions/listen` stream, each request on the next instance.
- 2025-11-25: on a legacy session, `background_job` runs as a task; `tasks/result` waits for
  it wherever it lands, `tasks/list` lists it, and a second task is cancelled through
  another instance than the one running it.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx2

from modern import served_by
from results import Needs, Tally
from resume import events
from scenario import REQUEST_TIMEOUT, STORE_NOTIFICATION_WAIT, CheckFailed, Env, Scenario

MODERN = "2026-07-28"
LEGACY = "2025-11-25"
TASKS = "io.modelcontextprotocol/tasks"
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
POLL = 0.05
POLLS = 200


class Rpc:
    """JSON-RPC over plain HTTP through the front: numbered requests, JSON or SSE answers."""

    def __init__(self, http: httpx2.AsyncClient, url: str) -> None:
        self.http, self.url, self.next_id = http, url, 1

    def body(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        return {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}

    async def send(self, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """The JSON-RPC answer to `body`: its result, or CheckFailed naming its error."""
        answer = await self.http.post(self.url, json=body, headers=headers)
        if answer.headers.get("content-type", "").startswith("text/event-stream"):
            messages = [json.loads(line[5:]) for line in answer.text.splitlines() if line.startswith("data:") and line[5:].strip()]
            message = messages[-1]
        else:
            message = answer.json()
        if "result" not in message:
            raise CheckFailed(f"{body['method']}: {message.get('error', message)}")
        result: dict[str, Any] = message["result"]
        return result


def modern_headers(method: str, name: str | None) -> dict[str, str]:
    headers = {**ACCEPT, "MCP-Protocol-Version": MODERN, "Mcp-Method": method}
    if name is not None:
        headers["Mcp-Name"] = name
    return headers


def modern_params(params: dict[str, Any]) -> dict[str, Any]:
    meta = {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {"elicitation": {}, "extensions": {TASKS: {}}},
        "io.modelcontextprotocol/clientInfo": {"name": "scale-tasks", "version": "1"},
    }
    return {**params, "_meta": meta}


async def modern(rpc: Rpc, method: str, params: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    return await rpc.send(rpc.body(method, modern_params(params)), modern_headers(method, name))


async def until(what: str, fetch: Any, done: Any) -> dict[str, Any]:
    """Calls `fetch()` until `done(result)` (bounded); the last result."""
    for _ in range(POLLS):
        result: dict[str, Any] = await fetch()
        if done(result):
            return result
        await anyio.sleep(POLL)
    raise CheckFailed(f"{what}: not reached; last {result}")


async def modern_tasks(env: Env, tally: Tally) -> None:
    before = env.topo.snapshot()
    async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT) as http:
        rpc = Rpc(http, env.topo.url)
        for n in range(env.size.mrtr_calls):
            label = f"job-{n}"
            created = await modern(rpc, "tools/call", {"name": "approve_job", "arguments": {"label": label, "ms": 50}}, "approve_job")
            if created.get("resultType") != "task":
                raise CheckFailed(f"approve_job did not become a task: {created}")
            task = created["taskId"]
            listen = rpc.body("subscriptions/listen", modern_params({"notifications": {"taskIds": [task]}}))
            async with http.stream("POST", env.topo.url, json=listen, headers=modern_headers("subscriptions/listen", None)) as stream:
                heard = events(stream)
                ack = await anext(heard)
                if ack.data["params"]["notifications"].get("taskIds") != [task]:
                    raise CheckFailed(f"the listen stream did not take the task: {ack.data}")
                get = lambda: modern(rpc, "tasks/get", {"taskId": task}, task)  # noqa: E731
                waiting = await until("input_required", get, lambda t: t["status"] == "input_required")
                key = next(iter(waiting["inputRequests"]))
                answer = {"action": "accept", "content": {"approve": True}}
                await modern(rpc, "tasks/update", {"taskId": task, "inputResponses": {key: answer}}, task)
                completed = None
                with anyio.move_on_after(STORE_NOTIFICATION_WAIT):
                    async for event in heard:
                        params = (event.data or {}).get("params", {})
                        if (event.data or {}).get("method") == "notifications/tasks" and params.get("status") == "completed":
                            completed = params
                            break
                if completed is None:
                    tally.fail("no_task_notification", f"task {task}: no notifications/tasks completed")
                    continue
            text = completed["result"]["content"][0]["text"]
            final = await until("completed", get, lambda t: t["status"] == "completed")
            if text != f"Job {label} done" or final["result"]["content"][0]["text"] != text:
                tally.fail("wrong_result", f"{completed} / {final}")
                continue
            tally.passed()
    later = env.topo.snapshot()
    for method in ("tools/call", "tasks/get", "tasks/update"):
        tally.note(f"{method} served per instance: {served_by(before.delta(later, method))}")
    spread = [name for name, count in before.delta(later, "tasks/get").items() if count]
    if len(spread) < 2:
        raise CheckFailed(f"tasks/get reached only {spread}: the tasks were not read across instances")


async def legacy_tasks(env: Env, tally: Tally) -> None:
    before = env.topo.snapshot()
    async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT) as http:
        rpc = Rpc(http, env.topo.url)
        init = {"protocolVersion": LEGACY, "capabilities": {}, "clientInfo": {"name": "scale-tasks", "version": "1"}}
        opened = await http.post(env.topo.url, json=rpc.body("initialize", init), headers=ACCEPT)
        headers = {**ACCEPT, "Mcp-Session-Id": opened.headers["mcp-session-id"], "MCP-Protocol-Version": LEGACY}
        await http.post(env.topo.url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers)
        made = []
        for _ in range(env.size.mrtr_calls):
            created = await rpc.send(rpc.body("tools/call", {"name": "background_job", "arguments": {"ms": 200}, "task": {}}), headers)
            task = created["task"]["taskId"]
            made.append(task)
            result = await rpc.send(rpc.body("tasks/result", {"taskId": task}), headers)
            got = await rpc.send(rpc.body("tasks/get", {"taskId": task}), headers)
            if result["content"][0]["text"] != "Worked 200 ms" or got["status"] != "completed":
                tally.fail("wrong_result", f"{result} / {got}")
                continue
            tally.passed()
        created = await rpc.send(rpc.body("tools/call", {"name": "background_job", "arguments": {"ms": 60000}, "task": {}}), headers)
        long = created["task"]["taskId"]
        made.append(long)
        cancelled = await rpc.send(rpc.body("tasks/cancel", {"taskId": long}), headers)
        get = lambda: rpc.send(rpc.body("tasks/get", {"taskId": long}), headers)  # noqa: E731
        final = await until("cancelled", get, lambda t: t["status"] == "cancelled")
        if cancelled["status"] != "cancelled" or final["status"] != "cancelled":
            tally.fail("not_cancelled", f"{cancelled} / {final}")
        else:
            tally.passed()
        listed = await rpc.send(rpc.body("tasks/list", {}), headers)
        if [t["taskId"] for t in listed["tasks"]] != made:
            tally.fail("wrong_list", f"listed {listed['tasks']}, made {made}")
        else:
            tally.passed()
    later = env.topo.snapshot()
    reached: set[str] = set()
    for method in ("tools/call", "tasks/result", "tasks/get", "tasks/cancel"):
        served = before.delta(later, method)
        tally.note(f"{method} served per instance: {served_by(served)}")
        if method != "tools/call":
            reached |= {name for name, count in served.items() if count}
    if len(reached) < 2:
        raise CheckFailed(f"the tasks/* requests reached only {sorted(reached)}: not read across instances")


SCENARIOS = [
    Scenario("tasks-2026", Needs.SHARED_STORE, modern_tasks),
    Scenario("tasks-legacy", Needs.SHARED_STORE, legacy_tasks),
]
