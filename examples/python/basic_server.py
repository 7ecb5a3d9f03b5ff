"""A basic MCP server: ``echo``, ``current_time`` and a safe ``calculate``.

``calculate`` parses the expression with :mod:`ast` and walks the tree itself: only numbers,
``+ - * / // % **``, unary plus and minus and parentheses are accepted, nothing is ever
evaluated by Python (no ``eval``), and exponents and integer sizes are bounded so that
``9**9**9`` cannot exhaust the machine (integers stay within 64 bits). A bad expression is a tool error naming the problem.

    python examples/python/basic_server.py                        # stdio
    python examples/python/basic_server.py --http 127.0.0.1:3000  # Streamable HTTP at /mcp
"""

from __future__ import annotations

import argparse
import ast
import math
import operator
import sys
from datetime import datetime, timezone
from typing import Annotated, Any, Callable, Dict, Union, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import mcpforge
from mcpforge import Server, ToolError

MAX_EXPRESSION_CHARS = 1000
MAX_EXPONENT = 1000
MAX_INT_BITS = 63  # integers stay within what JSON consumers read exactly as int64

Number = Union[int, float]

server = Server(
    "mcpforge-basic",
    version=mcpforge.__version__,
    instructions="Echo text, tell the time in any time zone, and do arithmetic exactly.",
)


@server.tool(title="Echo", annotations={"readOnlyHint": True})
def echo(text: Annotated[str, "The text to send back."]) -> str:
    """Echo the text back unchanged."""
    return text


@server.tool(title="Current time", annotations={"readOnlyHint": True})
def current_time(
    timezone_name: Annotated[str, "An IANA time zone such as Europe/Paris; UTC by default."] = "UTC",
) -> Dict[str, str]:
    """The current date and time (RFC 3339) in a time zone."""
    try:
        zone = timezone.utc if timezone_name == "UTC" else ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ToolError(f"unknown time zone {timezone_name!r} (use an IANA name such as 'Europe/Paris')") from None
    now = datetime.now(zone)
    return {"timezone": timezone_name, "time": now.isoformat().replace("+00:00", "Z")}


# ----- the calculator ----------------------------------------------------------------------

def _power(base: Number, exponent: Number) -> Number:
    if abs(exponent) > MAX_EXPONENT:
        raise ArithmeticError(f"the exponent {exponent} is larger than {MAX_EXPONENT}")
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0:
        if (abs(base).bit_length() - 1) * exponent > MAX_INT_BITS:  # a lower bound of the result's bits
            raise ArithmeticError("the result is too large")
    result = operator.pow(base, exponent)
    if isinstance(result, complex):
        raise ArithmeticError("the result is not a real number")
    return result


_BINARY: Dict[type, Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: _power,
}
_UNARY: Dict[type, Callable[[Number], Number]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}


def _evaluate(node: ast.AST) -> Number:
    """The value of an arithmetic syntax tree; anything else raises ValueError."""
    if isinstance(node, ast.Constant):
        if type(node.value) not in (int, float):
            raise ValueError(f"{node.value!r} is not a number")
        value = cast(Number, node.value)
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        value = _BINARY[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    elif isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        value = _UNARY[type(node.op)](_evaluate(node.operand))
    else:
        raise ValueError(f"{type(node).__name__.lower()} is not allowed (only numbers, + - * / // % ** and parentheses)")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ArithmeticError("the result is too large")
    if isinstance(value, float) and not math.isfinite(value):
        raise ArithmeticError("the result is too large")
    return value


def evaluate(expression: str) -> Number:
    """Parses and evaluates ``expression``; raises ToolError saying why it cannot."""
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise ToolError(f"the expression is longer than {MAX_EXPRESSION_CHARS} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as e:
        raise ToolError(f"cannot parse {expression!r}: {e.msg} at position {e.offset}") from None
    except (RecursionError, MemoryError):
        raise ToolError(f"cannot parse {expression!r}: nested too deeply") from None
    try:
        return _evaluate(tree.body)
    except ZeroDivisionError:
        raise ToolError(f"cannot evaluate {expression!r}: division by zero") from None
    except OverflowError:
        raise ToolError(f"cannot evaluate {expression!r}: the result is too large") from None
    except (ArithmeticError, ValueError) as e:
        raise ToolError(f"cannot evaluate {expression!r}: {e}") from None
    except RecursionError:
        raise ToolError(f"cannot evaluate {expression!r}: nested too deeply") from None


@server.tool(title="Calculate", annotations={"readOnlyHint": True})
def calculate(
    expression: Annotated[str, "Arithmetic such as (2 + 3) * 4 ** 2 / 8; numbers, + - * / // % ** and parentheses."],
) -> Dict[str, Any]:
    """Evaluate an arithmetic expression exactly (integers stay integers). Nothing is executed:
    the expression is parsed and only arithmetic is allowed."""
    return {"expression": expression, "result": evaluate(expression)}


# ----- serving -------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description="echo, current_time and calculate over MCP")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    server.serve(http=args.http)  # stdio, or HTTP with --http; returns on EOF, Ctrl-C or SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())
