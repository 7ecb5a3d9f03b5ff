"""The import graph of a Rust crate, read from its sources (nothing is compiled).

The graph has one node per source file under the crate's `src` folder (paths relative to
it, `/`-separated: `lib.rs`, `dispatch/router.rs`). Its edges are every path a file names
outside its test module: `use` trees (braces expanded, `as` renames followed), and paths in
code that start with `crate::`, `super::`, `self::` or a name the file imported. A path
ends at the file of its longest module prefix; a name that file only re-exports (`pub use`)
leads on to the file that defines it, so importing through a re-export is no edge to the
re-exporting module. Comments, string contents and the `#[cfg(test)]` module name nothing.

`Graph(src).edges` maps each file to the files it imports, each with the first path that
names it; `graph(src)` is the same without the paths."""

from __future__ import annotations

import re
from pathlib import Path


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


def graph(src: Path) -> dict[str, set[str]]:
    """Each file of the crate under `src` with the files it imports."""
    return {rel: set(targets) for rel, targets in Graph(src).edges.items()}
