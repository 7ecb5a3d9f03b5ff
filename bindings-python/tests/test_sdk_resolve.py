"""The official 2.x ``resolve`` module's public names under ``mcpforge.resolve``, and what its
servers are refused at registration: a resolver that depends on itself, one with a parameter
nothing fills, one annotated to ask two questions, a ``Resolve`` buried in a union and a tool
that also returns its own ``InputRequiredResult`` all raise ``InvalidSignature``. Resolvers
that do not depend on each other ask in one round, each under its own key (closures of one
factory too), and a resolver needing an answer asks in the next round. A ``Sample``
written with the official keywords and models reaches the client as wire JSON, and a consumer
annotated with a model gets the client's answer as that model."""

from typing import Annotated, Any, Dict, List, Optional, Union

import pytest
from conftest import run
from pydantic import BaseModel

from mcpforge import Context, MCPServer
from mcpforge.exceptions import InvalidSignature
from mcpforge.resolve import Elicit, ListRoots, Resolve, Sample, find_resolved_parameters, returns_input_required
from mcpforge.testing import HANDSHAKE, MODERN


class Login(BaseModel):
    username: str


class InputRequiredResult(BaseModel):
    """Stands for the official result type: the rule goes by the class name."""


class Text(BaseModel):
    type: str
    text: str


class Message(BaseModel):
    role: str
    content: Text


class Answer(BaseModel):
    """The shape of the official ``CreateMessageResult`` a consumer may annotate with."""

    role: str
    content: Text
    model: str


def _ask(ctx: Context) -> Elicit[Login]:
    return Elicit("user?", Login)


def test_the_public_helpers_name_resolved_parameters_and_input_required_returns() -> None:
    def tool(login: Annotated[Login, Resolve(_ask)], plain: int) -> Union[InputRequiredResult, str]:
        raise NotImplementedError

    resolved = find_resolved_parameters(tool)
    assert list(resolved) == ["login"] and resolved["login"][0].fn is _ask and resolved["login"][1] is False
    assert returns_input_required(tool)
    assert not returns_input_required(_ask)


def test_a_resolve_inside_a_union_is_refused() -> None:
    def tool(login: Optional[Annotated[Login, Resolve(_ask)]] = None) -> str:
        raise NotImplementedError

    with pytest.raises(InvalidSignature, match="wraps `Resolve"):
        find_resolved_parameters(tool)
    with pytest.raises(InvalidSignature, match="wraps `Resolve"):
        MCPServer("union").tool()(tool)


def test_registration_refuses_what_no_call_could_resolve() -> None:
    server = MCPServer("refusals")

    async def a(dep: Login) -> Login:
        raise NotImplementedError

    async def b(dep: Login) -> Login:
        raise NotImplementedError

    a.__annotations__["dep"] = Annotated[Login, Resolve(b)]
    b.__annotations__["dep"] = Annotated[Login, Resolve(a)]

    def cyclic(value: Annotated[Login, Resolve(a)]) -> str:
        raise NotImplementedError

    with pytest.raises(InvalidSignature, match="cyclic"):
        server.tool()(cyclic)

    class Unfillable:
        async def __call__(self, mystery: int) -> Login:
            raise NotImplementedError

    def unfillable(login: Annotated[Login, Resolve(Unfillable())]) -> str:
        raise NotImplementedError

    with pytest.raises(InvalidSignature, match="'Unfillable' parameter 'mystery' cannot be resolved"):
        server.tool()(unfillable)

    def two_questions(ctx: Context) -> Union[Sample, Elicit[Login]]:
        raise NotImplementedError

    def ambiguous(login: Annotated[Login, Resolve(two_questions)]) -> str:
        raise NotImplementedError

    with pytest.raises(InvalidSignature, match="multiple Elicit/Sample/ListRoots arms"):
        server.tool()(ambiguous)

    def combo(login: Annotated[Login, Resolve(_ask)]) -> Union[InputRequiredResult, str]:
        raise NotImplementedError

    with pytest.raises(InvalidSignature, match=r"combines Resolve\(\.\.\.\) parameters"):
        server.tool()(combo)


def _sample(ctx: Context) -> Sample:
    return Sample([Message(role="user", content=Text(type="text", text="Capital?"))], max_tokens=16, stop_sequences=["\n"])


def _roots(ctx: Context) -> ListRoots:
    return ListRoots()


class Roots(BaseModel):
    roots: List[Dict[str, Any]]


def test_a_sample_with_the_official_keywords_and_a_consumer_annotated_with_a_model() -> None:
    server = MCPServer("sampler")
    asked: List[Dict[str, Any]] = []

    @server.tool()
    async def capital(answer: Annotated[Answer, Resolve(_sample)]) -> str:
        assert isinstance(answer, Answer)
        return answer.content.text

    @server.tool()
    async def workspace(found: Annotated[Roots, Resolve(_roots)]) -> str:
        return str(len(found.roots))

    def sampling(params: Dict[str, Any]) -> Dict[str, Any]:
        asked.append(params)
        return {"role": "assistant", "content": {"type": "text", "text": "Paris"}, "model": "m"}

    async def body() -> None:
        roots = [{"uri": "file:///a"}]
        async with server.test_client(sampling=sampling, roots=lambda: roots) as client:
            assert (await client.call_tool("capital", {})).text == "Paris"
            assert (await client.call_tool("workspace", {})).text == "1"

    run(body)
    assert asked[0]["messages"] == [{"role": "user", "content": {"type": "text", "text": "Capital?"}}]
    assert asked[0]["stopSequences"] == ["\n"] and asked[0]["maxTokens"] == 16


def _asker(label: str) -> Any:
    def ask(ctx: Context) -> Elicit[Login]:
        return Elicit(f"{label}?", Login)

    return ask


_ASK_A, _ASK_B = _asker("A"), _asker("B")


def _then(a: Annotated[Login, Resolve(_ASK_A)]) -> Elicit[Login]:
    return Elicit(f"C after {a.username}?", Login)


def _batched_server() -> MCPServer:
    server = MCPServer("batched")

    @server.tool()
    async def three(
        a: Annotated[Login, Resolve(_ASK_A)], b: Annotated[Login, Resolve(_ASK_B)], c: Annotated[Login, Resolve(_then)]
    ) -> str:
        return f"{a.username},{b.username},{c.username}"

    return server


def _accept_first_letter(requests: Dict[str, Any]) -> Dict[str, Any]:
    return {key: {"action": "accept", "content": {"username": r["params"]["message"][0]}} for key, r in requests.items()}


def test_independent_resolvers_ask_in_one_round_each_under_its_own_key() -> None:
    async def body() -> None:
        params = {"name": "three", "arguments": {}}
        async with _batched_server().test_client(wire=MODERN, capabilities={"elicitation": {"form": {}}}) as client:
            first = (await client.send("tools/call", params))["result"]
            asked = first["inputRequests"]
            # The two closures of one factory share module:qualname: the second gets `#1`.
            assert [r["params"]["message"] for r in asked.values()] == ["A?", "B?"]
            keys = list(asked)
            assert keys[1] == keys[0] + "#1"
            retry = {**params, "inputResponses": _accept_first_letter(asked), "requestState": first["requestState"]}
            second = (await client.send("tools/call", retry))["result"]
            # `_then` needs A's answer: its question goes out alone, in the next round.
            asked = second["inputRequests"]
            assert [r["params"]["message"] for r in asked.values()] == ["C after A?"]
            retry = {**params, "inputResponses": _accept_first_letter(asked), "requestState": second["requestState"]}
            done = (await client.send("tools/call", retry))["result"]
            assert done["content"][0]["text"] == "A,B,C"

    run(body)


def test_on_the_handshake_wire_the_questions_go_out_wave_by_wave() -> None:
    asked: List[str] = []

    def answer(params: Dict[str, Any]) -> Dict[str, Any]:
        asked.append(params["message"])
        return {"action": "accept", "content": {"username": params["message"][0]}}

    async def body() -> None:
        async with _batched_server().test_client(wire=HANDSHAKE, elicitation=answer) as client:
            assert (await client.call_tool("three", {})).text == "A,B,C"

    run(body)
    assert asked == ["A?", "B?", "C after A?"]
