"""The registration checks of the official SDK's high-level servers, made by ``MCPServer``
and ``FastMCP`` when a decorator runs, so that a server that registered on the official SDK
fails here at the same line and with the same exception:

- a decorator used bare (``@mcp.tool`` without parentheses) raises ``TypeError``;
- a resource URI is parsed when ``@mcp.resource(uri)`` is called: a malformed template
  raises ``InvalidUriTemplate`` (a ``ValueError``);
- a template's variables must be exactly its reader's parameters (but the ``Context`` one),
  each variable a query or fragment expression may leave out needs a default, and a
  resource without variables takes no parameters (2.x: no ``Context`` either);
- a tool whose input schema has an invalid ``x-mcp-header`` annotation, which the engine
  refuses, raises ``InvalidSignature`` in the official words (``header_refusal``).

``Server`` makes none of these: its decorators work with and without parentheses. The
template is parsed by the engine (``template_variables``), never a second way."""

from __future__ import annotations

import inspect
import json
import re
import sys
from typing import Any, Callable, List, Tuple

from .._function_spec import function_spec
from .._native import template_variables
from .exceptions import InvalidUriTemplate

__all__ = ["refuse_bare", "resource_variables", "check_reader", "header_refusal"]


def refuse_bare(kind: str, given: Any) -> None:
    """``@server.KIND`` used without calling it: ``given`` is the decorated function."""
    if callable(given):
        call = f"@{kind}('uri')" if kind == "resource" else f"@{kind}()"
        raise TypeError(f"The @{kind} decorator was used incorrectly. Did you forget to call it? Use {call} instead of @{kind}")


def _invalid_template(message: str, uri: str) -> ValueError:
    """The exception of a malformed template: the official ``InvalidUriTemplate`` when the
    program loaded it (an ``except`` clause naming it catches this), else mcpforge's."""
    text = f"{message[:1].upper()}{message[1:]} in URI template {uri!r}"
    official: Any = getattr(sys.modules.get("mcp.shared.uri_template"), "InvalidUriTemplate", None)
    if _is_value_error(official):
        try:
            made: ValueError = official(text, template=uri)
            return made
        except TypeError:  # another release's signature
            pass
    return InvalidUriTemplate(text)


def _is_value_error(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, ValueError)


def resource_variables(uri: str) -> Tuple[List[str], List[str]]:
    """The template variables of ``uri`` (all, and those a URI may leave out), checked."""
    try:
        return template_variables(uri)
    except ValueError as e:
        raise _invalid_template(str(e), uri) from None


def check_reader(uri: str, variables: Tuple[List[str], List[str]], fn: Callable[..., Any], *, static_context: bool, wording: str) -> None:
    """Refuses a reader ``fn`` whose parameters do not fit the variables of ``uri``.
    ``static_context``: a resource without variables may not take a ``Context`` (2.x).
    ``wording``: ``"2.x"`` names a resource without variables that takes parameters as
    such; 1.x words it as any mismatch."""
    names, optional = variables
    context = function_spec(fn, structured_output=False).context_param
    params = inspect.signature(fn).parameters
    func_params = {p for p in params if p != context}
    uri_params = set(names)
    if not uri_params and func_params and wording == "2.x":
        raise ValueError(
            f"Resource {uri!r} has no URI template variables, but the handler declares parameters {func_params}. "
            "Add matching {...} variables to the URI or remove the parameters."
        )
    if uri_params != func_params:
        raise ValueError(f"Mismatch between URI parameters {uri_params} and function parameters {func_params}")
    if not uri_params and context is not None and static_context:
        raise ValueError(
            f"Resource {uri!r} has no URI template variables, but the handler declares a Context parameter. "
            "Context injection for static resources is not supported. Add a template variable to the URI or "
            "remove the Context parameter."
        )
    missing = sorted(name for name in optional if params[name].default is inspect.Parameter.empty)
    if missing:
        raise ValueError(
            f"Resource {uri!r}: query parameter(s) {missing} have no default value. A client may omit a "
            "{?...}/{&...} query parameter, so the matching handler parameter must declare a default."
        )


# The engine's refusals of an `x-mcp-header` annotation (core/src/protocol/header_params.rs).
_NOT_TOKEN = re.compile(r'`x-mcp-header` of property "([^"]*)" must be a non-empty RFC 9110 token .*, found (".*")$')
_NOT_PRIMITIVE = re.compile(r'property "([^"]*)" carries `x-mcp-header` but its `type` is (.*); only ')
_DUPLICATE = re.compile(r'`x-mcp-header` name (".*") of property "([^"]*)" duplicates ".*" of property "([^"]*)"')


def _shown(text: str) -> Any:
    """The value the engine showed (quoted JSON), or the text itself when it is not JSON (a
    long value the engine cut short)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _python_type(shown: str) -> str:
    """The Python type name of the JSON value the engine showed (``missing``: none)."""
    return "NoneType" if shown == "missing" else type(_shown(shown)).__name__


def header_refusal(tool: str, engine_message: str) -> Any:
    """The official ``InvalidSignature`` text for the engine's refusal of tool ``tool``'s
    ``x-mcp-header`` annotation, or None when ``engine_message`` is no such refusal."""
    reason = None
    if (found := _NOT_TOKEN.search(engine_message)) is not None:
        reason = f"property {found[1]!r}: x-mcp-header {_shown(found[2])!r} is not an RFC 9110 token"
    elif (found := _NOT_PRIMITIVE.search(engine_message)) is not None:
        kind = _python_type(found[2])
        got = f"got {_shown(found[2])!r}" if kind == "str" else f"the type keyword is {kind}, not a string"
        reason = f"property {found[1]!r}: x-mcp-header is only permitted on integer/string/boolean properties ({got})"
    elif (found := _DUPLICATE.search(engine_message)) is not None:
        reason = f"x-mcp-header {_shown(found[1])!r} on property {found[2]!r} duplicates property {found[3]!r}"
    return None if reason is None else f"Tool {tool!r} has an invalid x-mcp-header annotation: {reason}"
