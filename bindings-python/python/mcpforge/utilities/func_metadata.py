"""``mcpforge.utilities.func_metadata``: what a function declares as a tool, under the
official SDK's names (``func_metadata(fn, skip_names, structured_output)`` ->
``FuncMetadata``: ``arg_model``, a pydantic model of the arguments over ``ArgModelBase``,
and ``output_schema``). The schemas come from the server's own reading of the function
(``mcpforge._function_spec``); the argument model is built from the same parameters.
pydantic is needed here, as by the official package this module stands in for."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, Optional, Sequence

from pydantic import BaseModel, ConfigDict, create_model

from .._function_spec import function_spec

__all__ = ["ArgModelBase", "FuncMetadata", "func_metadata"]


class ArgModelBase(BaseModel):
    """The base of every argument model: any type is allowed as a field."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    def model_dump_one_level(self) -> Dict[str, Any]:
        """The fields by name (their alias where they have one), values not dumped."""
        return {field.alias or name: getattr(self, name) for name, field in type(self).model_fields.items()}


class FuncMetadata:
    """A function's argument model and output schema (see the module)."""

    def __init__(self, arg_model: Any, output_schema: Optional[Dict[str, Any]] = None, output_model: Any = None, wrap_output: bool = False) -> None:
        self.arg_model = arg_model
        self.output_schema = output_schema
        self.output_model = output_model
        self.wrap_output = wrap_output


def func_metadata(fn: Callable[..., Any], skip_names: Sequence[str] = (), structured_output: Optional[bool] = None) -> FuncMetadata:
    """The ``FuncMetadata`` of ``fn``: its parameters but ``skip_names`` and the one taking
    the ``Context``, and the output schema the server writes for it."""
    spec = function_spec(fn, structured_output=structured_output, skip=tuple(skip_names), text_schema=True, titles=True, official_docs=True)
    signature = inspect.signature(fn)
    fields: Dict[str, Any] = {}
    for param in spec.params:
        default = signature.parameters[param.name].default
        fields[param.name] = (param.annotation, ... if default is inspect.Parameter.empty else default)
    name = getattr(fn, "__name__", type(fn).__name__)
    arg_model = create_model(f"{name}Arguments", __base__=ArgModelBase, **fields)
    return FuncMetadata(arg_model, spec.output_schema, wrap_output=spec.wrap_output)
