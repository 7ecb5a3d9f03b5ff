"""The official SDK's ``ResourceTemplate``, for programs that build one outside a server
(``mcp.server.mcpserver.resources``; published by ``mcpforge.resources`` and
``mcpforge.resources.templates``): ``ResourceTemplate.from_function(fn, uri_template)``,
``template.matches(uri)`` (the variables a URI gives, or None) and ``await
template.create_resource(uri, params, context)``, which calls the function and holds its
value in a ``FunctionResource``. The template is parsed and matched by the engine, with its
path-safety rules (a value such as ``..`` is no match): the official ``ResourceSecurity``
policies are not taken (see ``mcpforge.sdk.mcpserver``), and ``DEFAULT_RESOURCE_SECURITY``
stands for the engine's rules. ``ResourceSecurityError`` is importable for programs that
catch it; the engine's refusals are no match instead. Values come as strings (a ``{/x*}``
value too, as one string)."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from .._function_spec import function_spec
from .._invoke.binding import from_strings
from .._invoke.failures import is_protocol_error
from .._native import template_match, template_variables
from .exceptions import InvalidUriTemplate, UnexpectedResourceError
from .offloop import call, input_required_result
from .resources import FunctionResource

__all__ = ["DEFAULT_RESOURCE_SECURITY", "ResourceSecurityError", "ResourceTemplate"]

# The policy a template is matched with: the engine's path-safety rules.
DEFAULT_RESOURCE_SECURITY: Any = None


class ResourceSecurityError(ValueError):
    """The official error of a matched value its security policy refuses; never raised
    here (the engine's refusal is no match)."""

    def __init__(self, template: str, param: str) -> None:
        super().__init__(f"parameter {param!r} of {template} was refused")
        self.template, self.param = template, param


class ResourceTemplate:
    """A resource template: ``uri_template``, ``name``, ``title``, ``description``,
    ``mime_type`` (``text/plain`` by default), ``icons``, ``annotations``, ``meta``, the
    function ``fn``, its ``parameters`` (JSON Schema) and ``context_kwarg``."""

    def __init__(
        self,
        *,
        uri_template: str,
        name: str,
        fn: Callable[..., Any],
        parameters: Optional[Dict[str, Any]] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        mime_type: str = "text/plain",
        icons: Optional[List[Any]] = None,
        annotations: Any = None,
        meta: Optional[Dict[str, Any]] = None,
        context_kwarg: Optional[str] = None,
    ) -> None:
        try:
            template_variables(uri_template)
        except ValueError as e:
            raise InvalidUriTemplate(str(e)) from None
        spec = function_spec(fn, structured_output=False)
        self.uri_template, self.name, self.fn, self.title, self.description = uri_template, name, fn, title, description
        self.parameters = parameters if parameters is not None else spec.input_schema
        self.mime_type, self.icons, self.annotations, self.meta = mime_type, icons, annotations, meta
        self.context_kwarg = context_kwarg if context_kwarg is not None else spec.context_param
        self._convert = from_strings(spec)

    @classmethod
    def from_function(
        cls,
        fn: Callable[..., Any],
        uri_template: str,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        mime_type: Optional[str] = None,
        icons: Optional[List[Any]] = None,
        annotations: Any = None,
        meta: Optional[Dict[str, Any]] = None,
        context_kwarg: Optional[str] = None,
        security: Any = DEFAULT_RESOURCE_SECURITY,
    ) -> "ResourceTemplate":
        """A template of ``fn``, named after it and described by its docstring unless
        ``name`` and ``description`` are given. A malformed template raises
        ``InvalidUriTemplate``; a ``security`` policy other than the default raises
        ``NotImplementedError`` (the engine's rules apply)."""
        if security is not DEFAULT_RESOURCE_SECURITY:
            raise NotImplementedError("resource_security: the engine applies its own path-safety rules to template variables")
        name = name or fn.__name__
        if name == "<lambda>":
            raise ValueError("a lambda template needs a name")
        return cls(
            uri_template=uri_template,
            name=name,
            fn=fn,
            title=title,
            description=description or fn.__doc__ or "",
            mime_type=mime_type or "text/plain",
            icons=icons,
            annotations=annotations,
            meta=meta,
            context_kwarg=context_kwarg,
        )

    def matches(self, uri: str) -> Optional[Dict[str, str]]:
        """The variables ``uri`` gives this template, decoded, or None when it does not
        match (or a value breaks the engine's path-safety rules)."""
        return template_match(self.uri_template, str(uri))

    async def create_resource(self, uri: str, params: Dict[str, Any], context: Any = None) -> Any:
        """Calls the function with ``params`` (strings converted to its parameters' types)
        and returns a ``FunctionResource`` holding its value, or the ``InputRequiredResult``
        it returned. A ``ResourceError`` or protocol error it raises passes through; any
        other failure raises ``UnexpectedResourceError`` with it as ``__cause__``."""
        try:
            kwargs = self._convert(params)
            if self.context_kwarg is not None:
                kwargs[self.context_kwarg] = context
            value = await call(self.fn, **kwargs)
        except Exception as exc:
            if is_protocol_error(exc):
                raise
            raise UnexpectedResourceError(f"Error creating resource from template {uri}") from exc
        if input_required_result(value):
            return value
        return FunctionResource(
            uri=str(uri),
            name=self.name,
            title=self.title,
            description=self.description,
            mime_type=self.mime_type,
            icons=self.icons,
            annotations=self.annotations,
            meta=self.meta,
            fn=lambda: value,
        )

    def __repr__(self) -> str:
        return f"ResourceTemplate(uri_template={self.uri_template!r})"
