"""The official SDK's prompt objects, for programs that build a prompt outside a server
(``mcp.server.mcpserver.prompts``; published by ``mcpforge.prompts.base`` and
``mcpforge.prompts.manager``): ``Prompt`` (``Prompt.from_function(fn)``, its ``arguments``,
``await prompt.render(arguments, context)``), ``PromptArgument`` and a ``PromptManager``
holding prompts by name. A server's own prompts are served by the engine; ``render`` is the
same conversion done in Python: a str, a content block, an ``Image`` or ``Audio`` becomes a
user message, a dict one message of its role, any other value a user message of its JSON
text, each message's content an official content block (when the official package is
installed), and an ``InputRequiredResult`` is returned as it is. The official classes are pydantic
models; these are plain classes with the same keywords and attributes."""

from __future__ import annotations

import logging
from typing import Any, Callable, Dict, List, Optional

from .._convert import sdk_object
from .._function_spec import function_spec
from .._invoke.binding import from_strings
from .._invoke.failures import is_protocol_error
from ..content import Message, UserMessage, is_content
from .direct import typed
from .offloop import call, input_required_result, json_text

__all__ = ["Prompt", "PromptArgument", "PromptManager"]


class PromptArgument:
    """One argument of a prompt: ``name``, ``description`` and ``required``."""

    def __init__(self, name: str, description: Optional[str] = None, required: bool = False) -> None:
        self.name, self.description, self.required = name, description, required

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PromptArgument):
            return NotImplemented
        return (self.name, self.description, self.required) == (other.name, other.description, other.required)

    def __repr__(self) -> str:
        return f"PromptArgument(name={self.name!r}, required={self.required!r})"


def _message(item: Any) -> Message:
    """One item a prompt function returned, as a message (see the module)."""
    if isinstance(item, Message):
        return item
    official = sdk_object(item)
    if isinstance(official, dict) and "role" in official:
        return Message(official["content"], role=official["role"])
    if isinstance(item, dict):
        return Message(item["content"], role=item.get("role", "user"))
    if isinstance(item, str) or is_content(item):
        return UserMessage(item)
    return UserMessage(json_text(item))


class Prompt:
    """A prompt: ``name``, ``title``, ``description``, ``arguments`` (``PromptArgument``),
    ``icons``, the function ``fn`` and ``context_kwarg``, the parameter that receives the
    ``Context`` (see the module)."""

    def __init__(
        self,
        *,
        name: str,
        fn: Callable[..., Any],
        title: Optional[str] = None,
        description: Optional[str] = None,
        arguments: Optional[List[PromptArgument]] = None,
        icons: Optional[List[Any]] = None,
        context_kwarg: Optional[str] = None,
    ) -> None:
        self.name, self.fn, self.title, self.description = name, fn, title, description
        self.arguments, self.icons, self.context_kwarg = arguments, icons, context_kwarg
        self._convert = from_strings(function_spec(fn, structured_output=False))

    @classmethod
    def from_function(
        cls,
        fn: Callable[..., Any],
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        icons: Optional[List[Any]] = None,
        context_kwarg: Optional[str] = None,
    ) -> "Prompt":
        """A prompt of ``fn``: named after it, described by its docstring, one argument per
        parameter (required when it has no default), the ``Context`` parameter left out."""
        name = name or fn.__name__
        if name == "<lambda>":
            raise ValueError("a lambda prompt needs a name")
        spec = function_spec(fn, structured_output=False)
        properties = spec.input_schema.get("properties", {})
        arguments = [PromptArgument(p.name, properties.get(p.name, {}).get("description"), p.required) for p in spec.params]
        return cls(
            name=name,
            fn=fn,
            title=title,
            description=description or fn.__doc__ or "",
            arguments=arguments,
            icons=icons,
            context_kwarg=context_kwarg or spec.context_param,
        )

    async def render(self, arguments: Optional[Dict[str, Any]] = None, context: Any = None) -> Any:
        """The messages of the prompt for ``arguments`` (a list of ``Message``), or the
        ``InputRequiredResult`` the function returned. A missing required argument, and any
        failure of the function but a protocol error (``MCPError``), raise ``ValueError``."""
        given = arguments or {}
        missing = {a.name for a in self.arguments or () if a.required} - set(given)
        if missing:
            raise ValueError(f"Missing required arguments: {missing}")
        try:
            kwargs = self._convert(given)
            if self.context_kwarg is not None:
                kwargs[self.context_kwarg] = context
            value = await call(self.fn, **kwargs)
            if input_required_result(value):
                return value
            messages = [_message(item) for item in (value if isinstance(value, (list, tuple)) else [value])]
            # Each content as the official block (an unreadable Image file fails here).
            return [type(m)(typed("ContentBlock", m.to_mcp()["content"]), role=m.role) for m in messages]
        except Exception as exc:
            if is_protocol_error(exc):
                raise
            raise ValueError(f"Error rendering prompt {self.name}") from exc

    def __repr__(self) -> str:
        return f"Prompt(name={self.name!r})"


class PromptManager:
    """Prompts by name, as the official manager holds them: a name added twice keeps the
    first prompt (with a warning unless ``warn_on_duplicate_prompts`` is false)."""

    def __init__(self, warn_on_duplicate_prompts: bool = True) -> None:
        self._prompts: Dict[str, Prompt] = {}
        self.warn_on_duplicate_prompts = warn_on_duplicate_prompts

    def get_prompt(self, name: str) -> Optional[Prompt]:
        """The prompt named ``name``, or None."""
        return self._prompts.get(name)

    def list_prompts(self) -> List[Prompt]:
        """Every prompt, in the order added."""
        return list(self._prompts.values())

    def add_prompt(self, prompt: Prompt) -> Prompt:
        """Adds ``prompt``; returns the prompt held under its name (the first one added)."""
        held = self._prompts.get(prompt.name)
        if held is None:
            self._prompts[prompt.name] = prompt
            return prompt
        if self.warn_on_duplicate_prompts:
            logging.getLogger(__name__).warning(f"Prompt already exists: {prompt.name}")
        return held

    def remove_prompt(self, name: str) -> None:
        """Removes a prompt; an unknown name raises ``ValueError``."""
        if self._prompts.pop(name, None) is None:
            raise ValueError(f"Unknown prompt: {name}")

    async def render_prompt(self, name: str, arguments: Optional[Dict[str, Any]] = None, context: Any = None) -> Any:
        """``render`` of the prompt named ``name``; an unknown name raises ``ValueError``."""
        prompt = self.get_prompt(name)
        if prompt is None:
            raise ValueError(f"Unknown prompt: {name}")
        return await prompt.render(arguments, context)
