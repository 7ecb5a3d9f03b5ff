"""``MCPServer``'s ``requestState`` on the 2026-07-28 wire, sealed by the engine in the
official format under ``RequestStateSecurity``'s ring and the server's name as audience:
a server holding the sealing key in its ring opens the state of another (rotation), one of
another name or keys refuses it with -32602, and the resolvers' progress in it follows the
official rules (an answer sent without the echoed state, or to a question reworded since it
was asked, asks again)."""

from typing import Annotated, Any, Dict

from conftest import run
from pydantic import BaseModel

from mcpforge import Context, MCPServer, RequestStateSecurity
from mcpforge.resolve import Elicit, Resolve
from mcpforge.testing import MODERN

OLD = b"0123456789abcdef0123456789abcdef"
NEW = b"fedcba9876543210fedcba9876543210"
FORM = {"elicitation": {"form": {}}}


class Login(BaseModel):
    username: str


def _server(name: str, keys: Any, question: str = "user?") -> MCPServer:
    server = MCPServer(name, request_state_security=RequestStateSecurity(keys=keys))

    def ask(ctx: Context) -> Elicit[Login]:
        return Elicit(question, Login)

    @server.tool()
    def whoami(login: Annotated[Login, Resolve(ask)]) -> str:
        return login.username

    return server


async def _first(server: MCPServer) -> Dict[str, Any]:
    async with server.test_client(wire=MODERN, capabilities=FORM) as client:
        return (await client.send("tools/call", {"name": "whoami", "arguments": {}}))["result"]  # type: ignore[no-any-return]


async def _retry(server: MCPServer, first: Dict[str, Any], state: Any = True) -> Dict[str, Any]:
    (key,) = first["inputRequests"]
    params: Dict[str, Any] = {"name": "whoami", "arguments": {}, "inputResponses": {key: {"action": "accept", "content": {"username": "ada"}}}}
    if state:
        params["requestState"] = first["requestState"]
    async with server.test_client(wire=MODERN, capabilities=FORM) as client:
        return await client.send("tools/call", params)  # type: ignore[no-any-return]


def test_a_server_whose_ring_holds_the_sealing_key_resumes_the_call() -> None:
    async def body() -> None:
        first = await _first(_server("svc", [OLD]))
        assert first["resultType"] == "input_required" and first["requestState"].startswith("v1.")
        done = await _retry(_server("svc", [NEW, OLD]), first)
        assert done["result"]["content"][0]["text"] == "ada"

    run(body)


def test_another_audience_or_ring_refuses_the_state() -> None:
    async def body() -> None:
        first = await _first(_server("svc", [OLD]))
        for other in (_server("elsewhere", [OLD]), _server("svc", [NEW])):
            refused = (await _retry(other, first))["error"]
            assert refused["code"] == -32602 and refused["message"] == "Invalid or expired requestState"
            assert refused["data"] == {"reason": "invalid_request_state"}

    run(body)


def test_an_answer_is_taken_only_for_the_question_as_it_was_shown() -> None:
    async def body() -> None:
        first = await _first(_server("svc", [OLD]))
        # Without the echoed state nothing says which question was shown: asked again.
        again = (await _retry(_server("svc", [OLD]), first, state=False))["result"]
        assert again["resultType"] == "input_required" and list(again["inputRequests"]) == list(first["inputRequests"])
        # A redeploy reworded the question: the answer to the old wording asks again.
        reworded = (await _retry(_server("svc", [OLD], question="your user name?"), first))["result"]
        assert reworded["resultType"] == "input_required"
        assert [r["params"]["message"] for r in reworded["inputRequests"].values()] == ["your user name?"]

    run(body)
