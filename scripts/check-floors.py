#!/usr/bin/env python3
"""The core crate's import graph (docs/architecture.md, CONTRIBUTING.md), checked by
`make lint`:

- floors: each module imports only from its own floor or the floors below it;
- no circles: no module reaches itself through imports, inside a floor too.

The graph has one node per source file of core/src. Its edges are every path a file names
outside its test module: `use` trees (braces expanded, `as` renames followed), and paths in
code that start with `crate::`, `super::`, `self::` or a name the file imported. A path
ends at the file of its longest module prefix; a name that file only re-exports (`pub use`)
leads on to the file that defines it, so importing through a re-export is no edge to the
re-exporting module. Exit status 1 when either rule is broken; each broken edge is printed.
The size of files is scripts/check-sizes.py's job."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "core" / "src"

# Lowest first. A module belongs to the first floor with a matching prefix.
FLOORS = [
    ("wire", ["jsonrpc/", "protocol/", "error.rs", "schema.rs", "seal.rs", "sync.rs", "outbox.rs", "budget.rs", "serde_fields.rs", "identity.rs", "telemetry/", "store/"]),
    ("boundary", ["handler.rs", "error_hook.rs", "arguments.rs", "tool_output.rs", "tool_bytes.rs", "resource_output.rs", "prompt_output.rs", "completion_output.rs", "auth.rs", "context.rs", "deadline.rs", "session.rs", "request_info.rs", "middleware.rs", "catalogue.rs", "span_link.rs"]),
    ("registry", ["registry/"]),
    ("dispatch", ["dispatch/", "tasks/"]),
    ("transports", ["transport/"]),
    ("facade", ["server.rs", "server_config.rs", "sdk_options.rs", "server_toggle.rs", "server/", "lib.rs", "sugar.rs", "fuzzing.rs"]),
]
RANK = {name: i for i, (name, _) in enumerate(FLOORS)}


def floor_of(rel: str) -> str:
    for name, prefixes in FLOORS:
        if any(rel == p or rel.startswith(p) for p in prefixes):
            return name
    raise SystemExit(f"check-floors: {rel} belongs to no floor: add it to scripts/check-floors.py")


def module_path(rel: str) -> list[str]:
    """`dispatch/router.rs` -> ["dispatch", "router"]; `dispatch/mod.rs` -> ["dispatch"]."""
    parts = rel[:-3].split("/")
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return parts


def file_of(src: Path, segments: list[str]) -> tuple[str, list[str]]:
    """The source file of the longest module prefix of `segments`, and what follows it."""
    for n in range(len(segments), 0, -1):
        base = "/".join(segments[:n])
        for candidate in (f"{base}.rs", f"{base}/mod.rs"):
            if (src / candidate).is_file():
                return candidate, segments[n:]
    return "lib.rs", segments


def code_of(text: str) -> str:
    """The file's code before its test module, without comments and string contents."""
    text = text.split("#[cfg(test)]")[0]
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)
    return re.sub(r"//[^\n]*", "", text)


def expand(tree: str) -> list[tuple[list[str], str | None]]:
    """A `use` tree as (path, name bound) pairs: `a::{b, c::{d as e}}` ->
    [(["a", "b"], "b"), (["a", "c", "d"], "e")]."""
    tree = tree.strip()
    m = re.match(r"^([\w:]*?)(?:::)?\{(.*)\}$", tree, re.S)
    if m:
        prefix = [p for p in m.group(1).split("::") if p]
        items, depth, current = [], 0, ""
        for ch in m.group(2):
            depth += (ch == "{") - (ch == "}")
            if ch == "," and depth == 0:
                items.append(current)
                current = ""
            else:
                current += ch
        items.append(current)
        return [(prefix + segs, alias) for item in items if item.strip() for segs, alias in expand(item)]
    alias = None
    if " as " in tree:
        tree, alias = (x.strip() for x in tree.split(" as ", 1))
    segs = [p for p in tree.split("::") if p]
    if segs and segs[-1] == "self":
        segs = segs[:-1]
    return [(segs, alias or (segs[-1] if segs else None))]


class Graph:
    """The import graph of the Rust sources under `src`."""

    def __init__(self, src: Path):
        self.src = src
        self.code = {p.relative_to(src).as_posix(): code_of(p.read_text()) for p in sorted(src.rglob("*.rs"))}
        self.names = {rel: self._imports(rel) for rel in self.code}
        self.edges: dict[str, dict[str, str]] = {rel: self._edges(rel) for rel in self.code}

    def _absolute(self, rel: str, segs: list[str]) -> list[str] | None:
        """`segs` from the crate root, when it starts at the crate, a parent or this module."""
        here = module_path(rel)
        if not segs:
            return None
        if segs[0] == "crate":
            return segs[1:]
        if segs[0] == "super":
            parent, segs = here[:-1], segs[1:]
            while segs and segs[0] == "super":
                parent, segs = parent[:-1], segs[1:]
            return parent + segs
        if segs[0] == "self":
            return here + segs[1:]
        return None

    def _imports(self, rel: str) -> dict[str, list[str]]:
        """The names a file's `use` statements bind, each with its path from the crate root
        (a path into a child module, as `use methods::x` in a `mod.rs`, counts too)."""
        bound: dict[str, list[str]] = {}
        for m in re.finditer(r"\buse\s+([^;]+);", self.code[rel]):
            for segs, alias in expand(m.group(1)):
                path = self._absolute(rel, segs)
                if path is None and segs:
                    child = module_path(rel) + segs
                    if file_of(self.src, child)[0] != "lib.rs":
                        path = child
                if path is not None and alias and alias != "*":
                    bound[alias] = path
        return bound

    def resolve(self, segs: list[str], depth: int = 0) -> str:
        """The file that defines what `segs` names, through re-exports."""
        target, rest = file_of(self.src, segs)
        if rest and depth < 16:
            name = rest[0]
            reexported = re.search(r"\bpub(\([^)]*\))?\s+use\b[^;]*\b" + re.escape(name) + r"\b", self.code[target])
            if name in self.names[target] and reexported:
                return self.resolve(self.names[target][name] + rest[1:], depth + 1)
        return target

    def _edges(self, rel: str) -> dict[str, str]:
        """The files `rel` imports from, each with the first path that names it."""
        out: dict[str, str] = {}
        bound = self.names[rel]
        paths = [m.group(1).split("::") for m in re.finditer(r"\b(\w+(?:::\w+)+)", self.code[rel])]
        for segs in paths + list(bound.values()):
            path = self._absolute(rel, segs)
            if path is None and segs[0] in bound:
                path = bound[segs[0]] + segs[1:]
            if path is None:
                continue
            target = self.resolve(path)
            if target != rel and target in self.code:
                out.setdefault(target, "::".join(segs))
        return out

    def circles(self) -> list[list[str]]:
        """The strongly connected sets of more than one file (Tarjan's algorithm)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        found: list[list[str]] = []

        def visit(v: str) -> None:
            index[v] = low[v] = len(index)
            stack.append(v)
            on_stack.add(v)
            for w in self.edges[v]:
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

        sys.setrecursionlimit(max(1000, 4 * len(self.code)))
        for v in self.code:
            if v not in index:
                visit(v)
        return found


def problems(src: Path) -> list[str]:
    """Every import that points up a floor, and every circle with its edges."""
    graph = Graph(src)
    out = []
    for rel, targets in graph.edges.items():
        for target, named in targets.items():
            here, there = floor_of(rel), floor_of(target)
            if RANK[there] > RANK[here]:
                out.append(f"{rel}: {here} imports {there} ({named})")
    for circle in graph.circles():
        members = set(circle)
        out.append(f"circle of {len(circle)} modules: {', '.join(circle)}")
        for rel in circle:
            for target, named in graph.edges[rel].items():
                if target in members:
                    out.append(f"    {rel} -> {target} ({named})")
    return out


def main() -> int:
    found = problems(SRC)
    for line in found:
        print(line)
    if found:
        print("check-floors: imports point up a floor or go round in a circle (see docs/architecture.md)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
