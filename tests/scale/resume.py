"""SSE resumption across an instance kill, on a legacy session behind round-robin nginx
with the shared store, spoken in plain HTTP (the official clients resume on their own and
do not say where): a long call reports progress on its SSE answer; the client reads two
events and lets go; the instance running the call is killed; the client resumes with
`Last-Event-ID` through nginx, so another instance answers from the events the dead one
copied to the store. The call itself died with its instance: the replayed stream ends
without a result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import anyio
import httpx2

from metrics import SCRAPE_TIMEOUT
from results import Needs, Tally
from scenario import REQUEST_TIMEOUT, CheckFailed, Env, Scenario

VERSION = "2025-11-25"
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
STEPS = 50
DELAY_MS = 100
RESUME_ATTEMPTS = 24
RESUME_PAUSE = 0.5


@dataclass
class Event:
    """One SSE event: its id and its JSON data (None for a priming event)."""

    id: str | None
    data: Any


async def events(response: httpx2.Response) -> Any:
    """The SSE events of a streamed response, as they arrive."""
    event_id, data = None, []
    async for line in response.aiter_lines():
        if line == "":
            if event_id is not None or data:
                text = "\n".join(data)
                yield Event(event_id, json.loads(text) if text else None)
            event_id, data = None, []
        elif line.startswith("id:"):
            event_id = line[3:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())


def in_flight(port: int) -> int:
    """Calls of `count` running on the instance at 127.0.0.1:`port` (0 when it is down)."""
    try:
        page = httpx2.get(f"http://127.0.0.1:{port}/metrics", timeout=SCRAPE_TIMEOUT).text
    except httpx2.HTTPError:
        return 0
    prefix = 'mcpforge_requests_in_flight{method="tools/call",name="count"} '
    return sum(int(line[len(prefix) :]) for line in page.splitlines() if line.startswith(prefix))


def progress_of(event: Event) -> float | None:
    """The progress value of a progress notification, else None."""
    data = event.data or {}
    return data.get("params", {}).get("progress") if data.get("method") == "notifications/progress" else None


async def stream_resume_after_kill(env: Env, tally: Tally) -> None:
    url = env.topo.url
    async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT) as http:
        init = {
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": VERSION, "capabilities": {}, "clientInfo": {"name": "scale", "version": "1"}},
        }  # fmt: skip
        opened = await http.post(url, json=init, headers=ACCEPT)
        session = opened.headers["mcp-session-id"]
        headers = {**ACCEPT, "Mcp-Session-Id": session, "MCP-Protocol-Version": VERSION}
        await http.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers)
        call = {
            "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "count", "arguments": {"steps": STEPS, "delay_ms": DELAY_MS}, "_meta": {"progressToken": "p"}},
        }  # fmt: skip
        seen: list[Event] = []
        async with http.stream("POST", url, json=call, headers=headers) as answer:
            async for event in events(answer):
                seen.append(event)
                if sum(1 for e in seen if progress_of(e) is not None) == 2:
                    break
        holders = [i for i in env.topo.instances if in_flight(i.port)]
        if len(holders) != 1:
            raise CheckFailed(f"could not tell which instance runs the call: {[i.name for i in holders]}")
        victim = holders[0]
        last = seen[-1].id
        if last is None:
            raise CheckFailed("the progress events carry no id")
        victim.kill()
        try:
            resume = {**headers, "Accept": "text/event-stream", "Last-Event-ID": last}
            # As clients do, try again for a while: right after a kill nginx may hold every
            # other instance as failed (the ones killed and restarted by the scenarios just
            # before are left out for fail_timeout, 10 s) and answer 502 at once.
            for attempt in range(1, RESUME_ATTEMPTS + 1):
                async with http.stream("GET", url, headers=resume) as resumed:
                    if resumed.status_code == 200:
                        replayed = [e async for e in events(resumed)]
                        break
                    body = (await resumed.aread()).decode()[:200]
                await anyio.sleep(RESUME_PAUSE)
            else:
                tally.fail(f"http_{resumed.status_code}", body)
                return
            # The call also logs each step; the progress must go on where the client left it.
            values = [v for v in map(progress_of, replayed) if v is not None]
            if values != [float(n) for n in range(3, 3 + len(values))]:
                tally.fail("bad_replay", f"replayed {[e.data for e in replayed]}")
                return
            tally.passed()
            tally.note(
                f"the call ran on {victim.name}, killed after the client read progress 2; resumed (attempt {attempt}) "
                "through another "
                f"instance: progress {', '.join(f'{v:.0f}' for v in values) or '(none)'} replayed from the store, "
                "then the stream ended without a result (the call died with its instance)"
            )
        finally:
            victim.start()


SCENARIOS = [Scenario("stream-resume-after-kill", Needs.SHARED_STORE, stream_resume_after_kill)]
