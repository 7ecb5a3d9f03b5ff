"""The native API does not import the drop-in layer, and the floor of value types imports
nothing above it. The modules that give mcpforge the official SDK's server classes and
names (DROP_IN) build on the rest of the package, never the other way round: a native
module that needs something of theirs offers a hook they call instead (as
``_serving.accept_option_names``). Only the entry points, which publish both, import them:
the package and the command line (``mcpforge sdk`` runs the stand-in). Read from the sources, so an import inside a function counts."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator

PACKAGE = Path(__file__).resolve().parents[1] / "python" / "mcpforge"
# The official SDK's compatibility layer: the ``sdk`` subpackage (``MCPServer``/``FastMCP``,
# the SDK's option names, its in-process connections, registration checks, direct calls, log
# records, context, HTTP apps and settings), and the thin modules that publish its names
# under the official module paths.
DROP_IN = {"sdk", "mcpserver", "exceptions", "resources", "utilities", "prompts", "tools", "resolve"}
# The entry points (``from mcpforge import MCPServer``; the ``mcpforge`` command).
ENTRIES = {"__init__.py", "cli.py"}
# The bottom floor: value types and plain data (errors, content blocks and their JSON form,
# auth grants, docstrings, type hints as JSON Schema). They import nothing else of the
# package but each other and the native module, so every other module may import them.
FLOOR = {"errors", "_block", "_convert", "content", "auth", "_docstrings", "_validators", "schema"}


def imported_modules(tree: ast.AST, depth: int = 0) -> Iterator[str]:
    """The package's top-level modules and subpackages an AST imports, by name
    (``mcpserver``, ``sdk``, ...); ``depth`` is how many subpackages down the file sits."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == depth + 1 or (node.level == 0 and (module == "mcpforge" or module.startswith("mcpforge."))):
                inside = module if node.level else module[len("mcpforge") :].lstrip(".")
                if inside:
                    yield inside.split(".")[0]
                else:  # from . import x / from mcpforge import x
                    yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("mcpforge."):
                    yield alias.name.split(".")[1]


def test_the_drop_in_modules_exist() -> None:
    for name in DROP_IN:
        assert (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name / "__init__.py").is_file(), name


def test_native_modules_do_not_import_the_drop_in_layer() -> None:
    offending = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0].removesuffix(".py") in DROP_IN or rel.as_posix() in ENTRIES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        offending += [f"{rel} imports {name}" for name in imported_modules(tree, len(rel.parts) - 1) if name in DROP_IN]
    assert not offending, "the native API imports the drop-in layer: " + "; ".join(offending)


def test_the_floor_imports_nothing_above_it() -> None:
    offending = []
    for name in sorted(FLOOR):
        path = PACKAGE / f"{name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        offending += [f"{name}.py imports {m}" for m in imported_modules(tree) if m not in FLOOR and m != "_native"]
    assert not offending, "the floor of value types imports from above it: " + "; ".join(offending)


def test_the_check_sees_each_form_of_import() -> None:
    forms = [
        ("from .mcpserver import MCPServer", 0),
        ("from . import sdk", 0),
        ("from .sdk.options import sdk_options", 0),
        ("from mcpforge.mcpserver import FastMCP", 0),
        ("import mcpforge.sdk.options", 0),
        ("def f():\n    from .sdk.options import sdk_options", 0),
        ("from ..sdk.log import SdkLog", 1),
    ]
    for source, depth in forms:
        assert set(imported_modules(ast.parse(source), depth)) & DROP_IN, source
    assert not set(imported_modules(ast.parse("from .server import Server\nimport json"))) & DROP_IN
    assert not set(imported_modules(ast.parse("from .sdk import x"), 1)) & DROP_IN  # a sibling in a subpackage
