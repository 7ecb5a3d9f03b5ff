#!/usr/bin/env python3
"""No import circles in any source root of the project, checked by `make lint`: no source
file reaches itself through the files it imports (CONTRIBUTING.md, docs/architecture.md).

Each root is read by the reader of its language (scripts/floors/): the Rust crates by
`rust_graph` (`use` trees, `crate::`/`super::`/`self::` paths, re-exports), the Node
library by `js_graph` (`require` anywhere, a lazy one inside a function too, and ES
`import`/`export ... from`), the Python package by `python_graph` (where an import inside
a function is a problem of its own, unless it loads an optional dependency). Each circle is printed
as closed paths of files, then each of its imports with how it is written. Also printed:
how many loads in the Node library sit inside functions (lazy loads, the way circles hide).
Exit status 1 when there is a circle (or a Python import inside a function). Core's other rule, floors, is scripts/check-floors.py."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterable, Mapping

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floors import cycles, js_graph, rust_graph  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

Edges = Mapping[str, Iterable[str]]


def rust_edges(src: Path) -> dict[str, dict[str, str]]:
    """A Rust crate's imports, each with the path that names it."""
    return rust_graph.Graph(src).edges


def python_reader() -> ModuleType:
    """scripts/floors/python_graph.py: an ImportError when it is missing, never a pass."""
    return importlib.import_module("floors.python_graph")


def python_edges(package: Path) -> Edges:
    """The Python package's imports at load time (those inside functions left out)."""
    return python_reader().graph(package)


def function_imports(name: str, package: Path) -> list[str]:
    """The Python package's imports inside functions, one problem each: such an import
    hides a circle from the graph (those marked `# optional dependency` are not listed)."""
    return [f"{name}/{rel}:{line}: import inside a function: {text}" for rel, line, text in python_reader().function_imports(package)]


# (source root, its reader): every folder of hand-written source the project ships, and the
# load tools and Rust examples (a program of one file can have no circle).
ROOTS: list[tuple[str, Callable[[Path], Edges]]] = [
    ("core/src", rust_edges),
    ("ffi/src", rust_edges),
    ("bindings-node/src", rust_edges),
    ("bindings-python/src", rust_edges),
    ("load/src", rust_edges),
    ("load/src/bin/mcpforge-hostile", rust_edges),
    ("examples/rust/src", rust_edges),
    ("bindings-node/lib", js_graph.edges),
    ("bindings-python/python/mcpforge", python_edges),
]
# Python roots where no import may sit inside a function but an optional dependency's or
# one marked as loaded on use (scripts/floors/python_graph.py says which comments allow it).
NO_FUNCTION_IMPORTS: list[str] = [
    "bindings-python/python/mcpforge",
]


def report(root: str, edges: Edges) -> list[str]:
    """One block per circle of `edges`: its files as closed paths, then its imports."""
    out: list[str] = []
    for circle in cycles.circles(edges):
        members = set(circle)
        out.append(f"{root}: circle of {len(circle)} files: {', '.join(circle)}")
        for path in cycles.paths_through(edges, circle):
            out.append("    " + " -> ".join(path))
        for rel in circle:
            targets = edges[rel]
            for target in sorted(t for t in targets if t in members):
                named = targets.get(target, "") if isinstance(targets, Mapping) else ""
                out.append(f"        {rel} imports {target}" + (f" ({named})" if named else ""))
    return out


def problems(roots: list[tuple[Path, str, Callable[[Path], Edges]]]) -> list[str]:
    """Every circle of every root; a root that is missing is a problem too."""
    out: list[str] = []
    for path, name, reader in roots:
        if not path.is_dir():
            out.append(f"{name}: no such source root")
            continue
        out.extend(report(name, reader(path)))
    return out


def main() -> int:
    roots = [(ROOT / name, name, reader) for name, reader in ROOTS]
    found = problems(roots)
    for name in NO_FUNCTION_IMPORTS:
        found.extend(function_imports(name, ROOT / name))
    for line in found:
        print(line)
    lazy = js_graph.lazy_loads(ROOT / "bindings-node" / "lib")
    print(f"check-circles: {len(roots)} source roots; bindings-node/lib loads {len(lazy)} modules inside functions:")
    for rel, line, text in lazy:
        print(f"    {rel}:{line}: {text}")
    if found:
        print("check-circles: files reach themselves through imports: move what both sides need into a file of its own")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
