"""``mcpforge.utilities.func_metadata``: what a function declares as a tool, under the
official SDK's names: ``func_metadata(fn, skip_names, structured_output)`` ->
``FuncMetadata`` (``arg_model``, a pydantic model of the arguments over ``ArgModelBase``;
``output_schema``; ``output_model``, the return annotation a structured result has), with
``validate_arguments``, ``call_fn``, ``convert_result`` and ``pre_parse_json``.

The schemas are the server's own reading of the function (``mcpforge._function_spec``), and
nothing here validates a second way: ``validate_arguments`` and ``convert_result`` go
through an engine server on which the function's declaration is registered (``_declared``),
so arguments are refused, converted and results shaped exactly as a server's tool call does
(a refusal raises pydantic's ``ValidationError`` with the server's reason). ``pre_parse_json``
is the official helper that reads JSON text given for a parameter that is not a ``str``; the
server does not apply it (docs/python.md). pydantic is needed here, as by the official
package this module stands in for."""

from __future__ import annotations

import functools
import inspect
import json
import warnings
from typing import Annotated, Any, Awaitable, Callable, Dict, Optional, Sequence

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model
from pydantic_core import ValidationError

from .._function_spec import function_spec, pydantic_field
from ..sdk.release import installed_release
from ..sdk.mcpserver import FastMCP, MCPServer
from ..sdk.offloop import call
from ._declared import Declared

__all__ = ["ArgModelBase", "FuncMetadata", "func_metadata", "server_class"]


def server_class() -> Any:
    """The engine server a standalone declaration is registered on: of the official release
    installed (``FastMCP`` where only 1.x's types are), so that results read as it has them."""
    return FastMCP if installed_release() == "1.x" else MCPServer


class ArgModelBase(BaseModel):
    """The base of every argument model: any type is allowed as a field."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    def model_dump_one_level(self) -> Dict[str, Any]:
        """The fields by name (their alias where they have one), values not dumped."""
        return {field.alias or name: getattr(self, name) for name, field in type(self).model_fields.items()}


def _model_signature(arg_model: Any) -> Callable[..., Any]:
    """A function whose parameters are the fields of ``arg_model`` (a hand-built
    ``FuncMetadata`` has no function of its own to read)."""

    def fields(**kwargs: Any) -> Any:
        return kwargs

    parameters = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=inspect.Parameter.empty if field.is_required() else field.get_default(call_default_factory=True),
            annotation=field.annotation,
        )
        for name, field in arg_model.model_fields.items()
    ]
    fields.__name__ = arg_model.__name__
    fields.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    fields.__annotations__ = {p.name: p.annotation for p in parameters}
    return fields


class FuncMetadata:
    """A function's argument model and output declaration (see the module)."""

    def __init__(
        self,
        arg_model: Any,
        output_schema: Optional[Dict[str, Any]] = None,
        output_model: Any = None,
        wrap_output: bool = False,
        *,
        fn: Optional[Callable[..., Any]] = None,
        skip_names: Sequence[str] = (),
        structured_output: Optional[bool] = None,
    ) -> None:
        self.arg_model = arg_model
        self.output_schema = output_schema
        self.output_model = output_model
        self.wrap_output = wrap_output
        self._declaration = (fn, tuple(skip_names), structured_output)

    @functools.cached_property
    def _declared(self) -> Declared:
        fn, skip, structured_output = self._declaration
        if fn is None:
            fn, structured_output = _model_signature(self.arg_model), False
        return Declared(server_class()(name="func_metadata"), fn, skip, structured_output)

    def validate_arguments(self, arguments_to_validate: Dict[str, Any]) -> Dict[str, Any]:
        """The keyword arguments a server's call of the function would get for these
        arguments (validated and converted by the server); refused ones raise pydantic's
        ``ValidationError`` with the server's reason."""
        bound, reason = self._declared.bind(dict(arguments_to_validate))
        if bound is None:
            line = {"type": "value_error", "loc": (), "input": arguments_to_validate, "ctx": {"error": ValueError(reason)}}
            raise ValidationError.from_exception_data(self.arg_model.__name__, [line])  # type: ignore[list-item]
        return bound

    async def call_fn(
        self,
        fn: Callable[..., Any],
        fn_is_async: bool,
        arguments: Dict[str, Any],
        arguments_to_pass_directly: Optional[Dict[str, Any]] = None,
    ) -> Any:
        """Calls ``fn`` with ``arguments`` (``validate_arguments``'s) and
        ``arguments_to_pass_directly``; a plain function runs off the event loop."""
        kwargs = {**arguments, **(arguments_to_pass_directly or {})}
        if fn_is_async:
            value: Awaitable[Any] = fn(**kwargs)
            return await value
        return await call(fn, **kwargs)

    async def call_fn_with_arg_validation(
        self,
        fn: Callable[..., Any],
        fn_is_async: bool,
        arguments_to_validate: Dict[str, Any],
        arguments_to_pass_directly: Optional[Dict[str, Any]],
        pre_validated: Optional[Dict[str, Any]] = None,
    ) -> Any:
        """``validate_arguments`` (unless ``pre_validated``) then ``call_fn``; deprecated by
        the official package, and warned so."""
        deprecation = _deprecation()
        if deprecation is not None:
            warnings.warn(
                "FuncMetadata.call_fn_with_arg_validation() is deprecated and will be removed in 3.0; call validate_arguments() and then call_fn() instead.",
                deprecation,
                stacklevel=2,
            )
        arguments = pre_validated if pre_validated is not None else self.validate_arguments(arguments_to_validate)
        return await self.call_fn(fn, fn_is_async, arguments, arguments_to_pass_directly)

    def convert_result(self, result: Any) -> Any:
        """What a server sends for a function returning ``result``, as the release's direct
        ``call_tool`` returns it: 2.x's ``CallToolResult`` (content, and the structured
        content under the output schema), 1.x's content blocks (paired with the structured
        content when there is some). A ``CallToolResult`` or ``InputRequiredResult`` is
        returned as it is."""
        if type(result).__name__ in ("InputRequiredResult", "CallToolResult"):
            return result
        return self._declared.server._tool_result(self._declared.shape(result))

    def pre_parse_json(self, data: Dict[str, Any]) -> Dict[str, Any]:
        """``data`` with the JSON text given for a parameter not annotated ``str`` read as
        the array, object, boolean or null it holds (a number or a string stays text)."""
        fields: Dict[str, Any] = {}
        for name, field in self.arg_model.model_fields.items():
            fields[name] = field
            if field.alias:
                fields[field.alias] = field
        parsed = dict(data)
        for key, value in data.items():
            field = fields.get(key)
            if field is None or not isinstance(value, str) or field.annotation is str:
                continue
            try:
                found = json.loads(value)
            except (ValueError, RecursionError):
                continue
            if not isinstance(found, (str, int, float)):
                parsed[key] = found
        return parsed


def _deprecation() -> Any:
    """The official package's deprecation warning class (2.x deprecates the method; 1.x,
    which has no such class, does not), or None."""
    try:
        from mcp import MCPDeprecationWarning  # type: ignore[import-not-found, unused-ignore]  # optional dependency

        return MCPDeprecationWarning
    except ImportError:
        return None


def func_metadata(fn: Callable[..., Any], skip_names: Sequence[str] = (), structured_output: Optional[bool] = None) -> FuncMetadata:
    """The ``FuncMetadata`` of ``fn``: its parameters but ``skip_names`` and the one taking
    the ``Context``, and the output declaration the server writes for it."""
    spec = function_spec(fn, structured_output=structured_output, skip=tuple(skip_names), text_schema=True, titles=True, official_docs=True, release=installed_release())
    signature = inspect.signature(fn)
    fields: Dict[str, Any] = {}
    for param in spec.params:
        default = signature.parameters[param.name].default
        given = pydantic_field(default)
        field = given if given is not None else Field(... if default is inspect.Parameter.empty else default)
        annotation = param.annotation
        if signature.parameters[param.name].annotation is inspect.Parameter.empty:
            # As the official model declares an unannotated parameter: any value, and a
            # string in its JSON Schema.
            annotation = Annotated[annotation, WithJsonSchema({"title": param.name, "type": "string"})]
        name = param.name
        if callable(getattr(BaseModel, name, None)):
            # A parameter named as a model's method (``json``, ``model_dump``) is a field
            # under another name, with its own name as the alias.
            field, name = Field(field.default, alias=name), f"field_{name}"
        fields[name] = (annotation, field)
    name = getattr(fn, "__name__", type(fn).__name__)
    arg_model = create_model(f"{name}Arguments", __base__=ArgModelBase, **fields)
    output_model = spec.return_annotation if spec.output_schema is not None else None
    return FuncMetadata(
        arg_model,
        spec.output_schema,
        output_model,
        spec.wrap_output,
        fn=fn,
        skip_names=skip_names,
        structured_output=structured_output,
    )
