"""The Python package's import graph, read from its sources (no code of the package runs).

`graph(root)` maps each `.py` file under `root` (paths relative to it, `/`-separated:
`server.py`, `sdk/mcpserver.py`, `prompts/__init__.py`) to the files of the package it
imports when it is loaded: the imports at module level, class bodies and `try`/`if` blocks
included, those under `if TYPE_CHECKING:` and those inside functions left out. Relative
imports (`from .x import y`, `from .. import z`) and absolute ones naming the package by its
directory name (`import mcpforge.x`, `from mcpforge.x import y`) are both resolved:

- `from .a import b` is an edge to `a/b.py` (or `a/b/__init__.py`) when `b` is a module,
  else to `a.py` (or `a/__init__.py`); `import mcpforge.a.b` ends at the longest dotted
  prefix that is a file of the package;
- loading `a/b.py` first runs `a/__init__.py`, so that file is an edge too, unless the
  importing file sits inside `a/` (its package is already loading);
- a name that is no file of the package (the `_native` extension, the standard library,
  third-party packages) is no edge.

`function_imports(root)` lists the imports inside functions, as `(file, line, text)`,
except those whose lines carry one of two comments saying why the import waits:
`# optional dependency` (a package mcpforge does not require, such as pydantic or
starlette, imported by the feature that uses it) and `# loaded on use` (a module whose
import costs every program that does not use it, asyncio and the modules built on it:
docs/python.md, "Import cost"). An import inside a function for any other reason, such as
dodging a circle, is listed.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

# The comments that allow an import inside a function (see the module docstring).
ALLOWED = ("# optional dependency", "# loaded on use")


def _files(root: Path) -> List[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _package_of(rel: str) -> List[str]:
    """The package a file belongs to, as path segments below the root (`sdk/x.py` and
    `sdk/__init__.py` -> ["sdk"])."""
    return rel.split("/")[:-1]


def _module_file(files: Set[str], segments: List[str]) -> Optional[str]:
    """The file of the module `segments` (below the root), or None."""
    base = "/".join(segments)
    if not segments:
        return "__init__.py"
    for candidate in (f"{base}.py", f"{base}/__init__.py"):
        if candidate in files:
            return candidate
    return None


def _with_packages(importer: str, target: str) -> Set[str]:
    """`target` and the `__init__.py` of each package above it that is not already loading
    when `importer` runs (the packages `importer` itself sits in)."""
    out = {target}
    inside = _package_of(importer)
    segments = _package_of(target)
    for n in range(1, len(segments) + 1):
        if segments[:n] != inside[:n]:
            out.add("/".join(segments[:n]) + "/__init__.py")
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(body: List[ast.stmt], in_function: bool) -> Iterator[Tuple[ast.stmt, bool]]:
    """Every import statement under `body` with whether it runs inside a function; the
    bodies of `if TYPE_CHECKING:` are skipped (their `else` is not)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, in_function
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _imports(node.body, True)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _imports(node.orelse, in_function)
        else:
            for field in ("body", "orelse", "finalbody"):
                yield from _imports(getattr(node, field, []), in_function)
            # `try` handlers and `match` cases hold their statements one level down.
            for part in getattr(node, "handlers", []) + getattr(node, "cases", []):
                yield from _imports(part.body, in_function)


def _parse(root: Path, rel: str) -> Tuple[ast.Module, List[str]]:
    text = (root / rel).read_text(encoding="utf-8")
    return ast.parse(text, filename=rel), text.splitlines()


def _targets(files: Set[str], package: str, rel: str, node: ast.stmt) -> Set[str]:
    """The package files one import statement of `rel` loads."""
    out: Set[str] = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] != package:
                continue
            inner = parts[1:]
            for n in range(len(inner), -1, -1):
                found = _module_file(files, inner[:n])
                if found is not None:
                    out |= _with_packages(rel, found)
                    break
        return out
    assert isinstance(node, ast.ImportFrom)
    module = (node.module or "").split(".") if node.module else []
    if node.level > 0:
        here = rel.split("/")[:-1]
        up = node.level - 1
        if up > len(here):
            return out
        base = here[: len(here) - up] + module
    elif module and module[0] == package:
        base = module[1:]
    else:
        return out
    container = _module_file(files, base)
    for alias in node.names:
        sub = _module_file(files, base + [alias.name]) if alias.name != "*" else None
        if sub is not None:
            out |= _with_packages(rel, sub)
        elif container is not None:
            out |= _with_packages(rel, container)
    return out


def graph(root: Path) -> Dict[str, Set[str]]:
    """Each file of the package under `root` -> the package files it loads at module level."""
    root = Path(root)
    package = root.name
    names = _files(root)
    files = set(names)
    out: Dict[str, Set[str]] = {}
    for rel in names:
        tree, _ = _parse(root, rel)
        edges: Set[str] = set()
        for node, in_function in _imports(tree.body, False):
            if not in_function:
                edges |= _targets(files, package, rel, node)
        edges.discard(rel)
        out[rel] = edges
    return out


def function_imports(root: Path) -> List[Tuple[str, int, str]]:
    """The imports inside functions without an `ALLOWED` comment: (file, line, text)."""
    root = Path(root)
    found: List[Tuple[str, int, str]] = []
    for rel in _files(root):
        tree, lines = _parse(root, rel)
        for node, in_function in _imports(tree.body, False):
            if not in_function:
                continue
            span = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
            if any(marker in line for line in span for marker in ALLOWED):
                continue
            found.append((rel, node.lineno, span[0].strip()))
    return found
