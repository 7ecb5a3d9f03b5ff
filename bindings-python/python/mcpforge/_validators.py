"""Parameters annotated with pydantic's validators (``Annotated[str, AfterValidator(check)]``,
``BeforeValidator``, ``PlainValidator``, ``WrapValidator``): their JSON values are converted
by pydantic, so that the validators run, as in the official SDK. A validator refusing a
value (``ValueError``, pydantic's ``ValidationError``) is the caller's error; anything else
it raises is the tool's own failure, carried out of the conversion as ``ValidatorRaised`` so
that the wrappers report the original exception as the tool's (a crash, or an
``McpError``'s protocol error)."""

from __future__ import annotations

from typing import Any, Callable, Sequence

__all__ = ["ValidatorRaised", "has_validators", "validated"]

_KINDS = frozenset({"AfterValidator", "BeforeValidator", "PlainValidator", "WrapValidator"})


class ValidatorRaised(Exception):
    """A validator's own exception (``original``), not a refusal of the value."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(str(original))
        self.original = original


def has_validators(metadata: Sequence[Any]) -> bool:
    """Whether ``Annotated`` metadata holds one of pydantic's validators."""
    return any(type(m).__name__ in _KINDS and type(m).__module__.partition(".")[0] == "pydantic" for m in metadata)


def validated(tp: Any) -> Callable[[Any], Any]:
    """The converter of the annotated type ``tp``: pydantic's validation of the value."""
    from pydantic import TypeAdapter, ValidationError  # optional dependency

    adapter = TypeAdapter(tp)

    def convert(value: Any) -> Any:
        try:
            return adapter.validate_python(value)
        except ValidationError:
            raise
        except Exception as e:  # noqa: BLE001 - the validator's own failure, reported as the tool's
            raise ValidatorRaised(e) from e

    return convert
