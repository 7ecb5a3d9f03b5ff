"""The official SDK's ``ResourceTemplate``, for programs that build one outside a server
(``mcp.server.mcpserver.resources``; published by ``mcpforge.resources`` and
``mcpforge.resources.templates``): ``ResourceTemplate.from_function(fn, uri_template)``,
``template.matches(uri)`` (the variables a URI gives, or None) and ``await
template.create_resource(uri, params, context)``, which calls the function and holds its
value in a ``FunctionResource``. The template is parsed and matched by the engine.

``ResourceSecurity`` is the official 2.x path policy of a template's values (refuse ``..``
climbing above the start, absolute paths, NUL; ``exempt_params`` skip every check), the
engine's ``PathPolicy`` under its official name: a template matches with its ``security``
(``DEFAULT_RESOURCE_SECURITY``, every check on, unless given), and a value it refuses raises
``ResourceSecurityError`` from ``matches`` (no later template may serve that URI). Values
come as strings (a ``{/x*}`` value too, as one string)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import AbstractSet, Any, Callable, Dict, List, Optional

from .._function_spec import function_spec
from .._invoke.binding import from_strings
from .._invoke.failures import is_protocol_error
from .._native import template_match, template_variables
from .exceptions import InvalidUriTemplate, UnexpectedResourceError
from .offloop import call, input_required_result
from .resources import FunctionResource

__all__ = ["DEFAULT_RESOURCE_SECURITY", "ResourceSecurity", "ResourceSecurityError", "ResourceTemplate"]


@dataclass(frozen=True)
class ResourceSecurity:
    """The path rules a template's matched values are held to (see the module documentation)."""

    reject_path_traversal: bool = True
    reject_absolute_paths: bool = True
    reject_null_bytes: bool = True
    exempt_params: AbstractSet[str] = field(default_factory=frozenset)

    def engine_policy(self) -> Dict[str, Any]:
        """The policy as the engine takes it (``Server.add_resource(path_policy=...)``)."""
        return {
            "reject_path_traversal": self.reject_path_traversal,
            "reject_absolute_paths": self.reject_absolute_paths,
            "reject_null_bytes": self.reject_null_bytes,
            "exempt_params": sorted(self.exempt_params),
        }


DEFAULT_RESOURCE_SECURITY = ResourceSecurity()


class ResourceSecurityError(ValueError):
    """A matched value the template's ``ResourceSecurity`` refuses: ``template`` and the
    variable, ``param``."""

    def __init__(self, template: str, param: str) -> None:
        super().__init__(f"Parameter {param!r} of template {template!r} failed security validation")
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
        security: ResourceSecurity = DEFAULT_RESOURCE_SECURITY,
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
        self.security = security
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
        ``name`` and ``description`` are given; its values are held to ``security``. A
        malformed template raises ``InvalidUriTemplate``."""
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
            security=security,
        )

    def matches(self, uri: str) -> Optional[Dict[str, str]]:
        """The variables ``uri`` gives this template, decoded, or None when it does not
        match; ``ResourceSecurityError`` when a value breaks the template's ``security``."""
        values, refused = template_match(self.uri_template, str(uri), self.security.engine_policy())
        if refused is not None:
            raise ResourceSecurityError(self.uri_template, refused)
        return values

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
