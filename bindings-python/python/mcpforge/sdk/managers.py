"""``server._tool_manager``, ``_prompt_manager`` and ``_resource_manager``: the official
managers that published servers and the official tests reach into, as views over the
server's registrations. Their lists and dicts give views with the official ``Tool``'s,
``Prompt``'s, ``FunctionResource``'s and ``ResourceTemplate``'s readable fields (the
function, its ``context_kwarg``, the definition's fields); adding and removing go through the
server, with its rules (a second registration of a name keeps the first, an unknown name
raises). Nothing is kept here: every read asks the server. A prompt renders in Python
(``render``, ``render_prompt``) and a resource or a template's resource is had with
``get_resource``, outside any request, as the official managers do."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from .._function_spec import function_spec
from .._invoke.wrappers import is_async
from .._native import template_match
from .exceptions import ResourceNotFoundError
from .prompts import Prompt, PromptArgument
from .resources import FunctionResource


def _context_kwarg(fn: Optional[Callable[..., Any]]) -> Optional[str]:
    """The parameter of ``fn`` that receives the ``Context``, or None."""
    return function_spec(fn).context_param if callable(fn) else None


class ToolView:
    """One registered tool as the official ``Tool`` reads: ``name``, ``title``,
    ``description``, ``parameters`` (the input schema), ``output_schema``, ``annotations``,
    ``icons``, ``meta``, and for a function tool ``fn``, ``is_async`` and ``context_kwarg``
    (the parameter that receives the ``Context``)."""

    __slots__ = ("name", "title", "description", "parameters", "output_schema", "annotations", "icons", "meta", "fn", "is_async", "context_kwarg", "_server")

    def __init__(self, definition: Dict[str, Any], fn: Optional[Callable[..., Any]], server: Any = None) -> None:
        self.name: str = definition["name"]
        self.title: Optional[str] = definition.get("title")
        self.description: str = definition.get("description") or ""
        self.parameters: Dict[str, Any] = definition.get("inputSchema", {})
        self.output_schema: Optional[Dict[str, Any]] = definition.get("outputSchema")
        self.annotations: Optional[Dict[str, Any]] = definition.get("annotations")
        self.icons: Optional[List[Any]] = definition.get("icons")
        self.meta: Optional[Dict[str, Any]] = definition.get("_meta")
        self.fn = fn
        self.is_async = fn is not None and is_async(fn)
        self.context_kwarg = _context_kwarg(fn)
        self._server = server

    def __setattr__(self, name: str, value: Any) -> None:
        # ``tool.parameters = schema`` (published servers set an input schema this way):
        # the server serves the tool with it from now on.
        server = getattr(self, "_server", None)
        object.__setattr__(self, name, value)
        if name == "parameters" and server is not None:
            server._set_input_schema(self.name, value)

    def __repr__(self) -> str:
        return f"ToolView(name={self.name!r})"


class _Named:
    """What the tool and prompt managers share: views of the server's ``kind`` by name."""

    __slots__ = ("_server",)
    _kind = ""

    def __init__(self, server: Any) -> None:
        self._server = server

    def _view(self, definition: Dict[str, Any], fn: Optional[Callable[..., Any]]) -> Any:
        raise NotImplementedError

    def _by_name(self) -> Dict[str, Any]:
        functions = self._server._functions[self._kind]
        definitions = getattr(self._server, self._kind + "s")  # server.tools / server.prompts
        return {name: self._view(d, functions.get(name)) for name, d in definitions.items()}

    def _added(self, definition: Dict[str, Any]) -> Any:
        """The view of what is served under the name just registered (the first one, when
        the name was taken)."""
        return self._by_name()[definition["name"]]


class ToolManager(_Named):
    """The official ``ToolManager`` of ``server`` (see the module)."""

    __slots__ = ()
    _kind = "tool"

    def _view(self, definition: Dict[str, Any], fn: Optional[Callable[..., Any]]) -> ToolView:
        return ToolView(definition, fn, self._server)

    @property
    def _tools(self) -> Dict[str, ToolView]:
        """Every registered tool by name, as the official manager's dict."""
        return self._by_name()

    def get_tool(self, name: str) -> Optional[ToolView]:
        """The tool named ``name``, or None."""
        return self._tools.get(name)

    def list_tools(self) -> List[ToolView]:
        """Every registered tool, in registration order."""
        return list(self._tools.values())

    def add_tool(self, fn: Callable[..., Any], name: Optional[str] = None, **options: Any) -> ToolView:
        """Registers ``fn`` through the server (its keywords: ``title``, ``description``,
        ``annotations``, ``icons``, ``meta``, ``structured_output``) and returns the tool
        served under its name."""
        return self._added(self._server.add_tool(fn, name=name, **options))  # type: ignore[no-any-return]

    def remove_tool(self, name: str) -> None:
        """Removes a tool; an unknown name raises ``ToolError``, as the official manager."""
        self._server.remove_tool(name)

class PromptArgumentView:
    """One argument of a prompt, as the official ``PromptArgument``."""

    __slots__ = ("name", "description", "required")

    def __init__(self, argument: Dict[str, Any]) -> None:
        self.name: str = argument["name"]
        self.description: Optional[str] = argument.get("description")
        self.required: bool = bool(argument.get("required", False))


class PromptView:
    """One registered prompt as the official ``Prompt`` reads: ``name``, ``title``,
    ``description``, ``arguments`` (``PromptArgumentView``), ``icons``, ``fn`` and
    ``context_kwarg``."""

    __slots__ = ("name", "title", "description", "arguments", "icons", "fn", "context_kwarg")

    def __init__(self, definition: Dict[str, Any], fn: Optional[Callable[..., Any]]) -> None:
        self.name: str = definition["name"]
        self.title: Optional[str] = definition.get("title")
        self.description: Optional[str] = definition.get("description")
        self.arguments = [PromptArgumentView(a) for a in definition.get("arguments", [])]
        self.icons: Optional[List[Any]] = definition.get("icons")
        self.fn = fn
        self.context_kwarg = _context_kwarg(fn)

    def __repr__(self) -> str:
        return f"PromptView(name={self.name!r})"

    async def render(self, arguments: Optional[Dict[str, Any]] = None, context: Any = None) -> Any:
        """The prompt's messages for ``arguments``, as the official ``Prompt.render``
        (``sdk.prompts``): rendered in Python, outside any request."""
        arguments_ = [PromptArgument(a.name, a.description, a.required) for a in self.arguments]
        prompt = Prompt(name=self.name, fn=self.fn, arguments=arguments_, context_kwarg=self.context_kwarg)  # type: ignore[arg-type]
        return await prompt.render(arguments, context)


class PromptManager(_Named):
    """The official ``PromptManager`` of ``server`` (see the module)."""

    __slots__ = ()
    _kind = "prompt"
    _view = PromptView

    @property
    def _prompts(self) -> Dict[str, PromptView]:
        """Every registered prompt by name, as the official manager's dict."""
        return self._by_name()

    def get_prompt(self, name: str) -> Optional[PromptView]:
        """The prompt named ``name``, or None."""
        return self._prompts.get(name)

    def list_prompts(self) -> List[PromptView]:
        """Every registered prompt, in registration order."""
        return list(self._prompts.values())

    def add_prompt(self, prompt: Any) -> PromptView:
        """Registers a function or an official ``Prompt`` through the server and returns the
        prompt served under its name."""
        return self._added(self._server.add_prompt(prompt))  # type: ignore[no-any-return]

    def remove_prompt(self, name: str) -> None:
        """Removes a prompt; an unknown name raises ``ValueError``, as the official manager."""
        self._server.remove_prompt(name)

    async def render_prompt(self, name: str, arguments: Optional[Dict[str, Any]] = None, context: Any = None) -> Any:
        """``render`` of the prompt named ``name``; an unknown name raises ``ValueError``."""
        prompt = self.get_prompt(name)
        if prompt is None:
            raise ValueError(f"Unknown prompt: {name}")
        return await prompt.render(arguments, context)

class ResourceView:
    """One registered resource (``uri``) or template (``uri_template``) as the official
    ``FunctionResource`` and ``ResourceTemplate`` read: ``name``, ``title``,
    ``description``, ``mime_type``, ``annotations``, ``icons``, ``meta``, ``fn`` and
    ``context_kwarg``."""

    __slots__ = ("uri", "uri_template", "name", "title", "description", "mime_type", "annotations", "icons", "meta", "fn", "context_kwarg")

    def __init__(self, definition: Dict[str, Any], fn: Optional[Callable[..., Any]]) -> None:
        self.uri: Optional[str] = definition.get("uri")
        self.uri_template: Optional[str] = definition.get("uriTemplate")
        self.name: Optional[str] = definition.get("name")
        self.title: Optional[str] = definition.get("title")
        self.description: Optional[str] = definition.get("description")
        self.mime_type: Optional[str] = definition.get("mimeType")
        self.annotations: Optional[Dict[str, Any]] = definition.get("annotations")
        self.icons: Optional[List[Any]] = definition.get("icons")
        self.meta: Optional[Dict[str, Any]] = definition.get("_meta")
        self.fn = fn
        self.context_kwarg = _context_kwarg(fn)

    def __repr__(self) -> str:
        return f"ResourceView(uri={self.uri or self.uri_template!r})"


class ResourceManager:
    """The official ``ResourceManager`` of ``server`` (see the module)."""

    __slots__ = ("_server",)

    def __init__(self, server: Any) -> None:
        self._server = server

    def _views(self, templates: bool) -> Dict[str, ResourceView]:
        functions = self._server._functions["resource"]
        return {
            key: ResourceView(d, functions.get(key)) for key, d in self._server.resources.items() if ("uriTemplate" in d) == templates
        }

    @property
    def _resources(self) -> Dict[str, ResourceView]:
        """Every concrete resource by URI, as the official manager's dict."""
        return self._views(templates=False)

    @property
    def _templates(self) -> Dict[str, ResourceView]:
        """Every template by URI template, as the official manager's dict."""
        return self._views(templates=True)

    def list_resources(self) -> List[ResourceView]:
        """Every concrete resource, in registration order."""
        return list(self._resources.values())

    def list_templates(self) -> List[ResourceView]:
        """Every template, in registration order."""
        return list(self._templates.values())

    def add_resource(self, resource: Any) -> ResourceView:
        """Registers an official ``Resource`` object through the server and returns the
        resource served at its URI."""
        self._server.add_resource(resource)
        return self._resources[str(resource.uri)]

    async def get_resource(self, uri: Any, context: Any = None) -> FunctionResource:
        """The resource at ``uri`` or of the template it matches, read now through the
        server (as the official manager calls a template's function) and held in a
        ``FunctionResource`` with the listing's fields; an unknown URI raises
        ``ResourceNotFoundError``."""
        key = str(uri)
        view = self._resources.get(key) or next((t for t in self._templates.values() if template_match(t.uri_template or "", key)[0] is not None), None)
        if view is None:
            raise ResourceNotFoundError(f"Unknown resource: {uri}")
        contents = await self._server.read_resource(key)
        value = contents[0].content if len(contents) == 1 else [c.content for c in contents]
        fields = {"title": view.title, "description": view.description, "mime_type": view.mime_type or "text/plain"}
        return FunctionResource(uri=key, name=view.name, annotations=view.annotations, icons=view.icons, meta=view.meta, fn=lambda: value, **fields)
