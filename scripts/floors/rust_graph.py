"""The import graph of a Rust crate, read from its sources (nothing is compiled).

The graph has one node per source file under the crate's `src` folder (its root `lib.rs`,
else `main.rs`; the programs of `bin/` are crates of their own), named by paths relative to
it, `/`-separated: `lib.rs`, `dispatch/router.rs`. Its edges are every path a file names
outside its test module: `use` trees (braces expanded, `as` renames followed), paths in
code that start with `crate::`, `super::`, `self::` or a name the file imported, and glob
imports of the crate's modules (`use super::*`). A path ends at the file of its longest
module prefix; a name that file only re-exports (`pub use`) leads on to the file that
defines it, so importing through a re-export is no edge to the re-exporting module.
Comments, string contents and the `#[cfg(test)]` module name nothing.

`Graph(src).edges` maps each file to the files it imports, each with the first path that
names it; `graph(src)` is the same without the paths."""

from __future__ import annotations

import re
from pathlib import Path


def crate_root(src: Path) -> str:
    """The crate's root file: `lib.rs`, else `main.rs` (a program)."""
    return "lib.rs" if (src / "lib.rs").is_file() or not (src / "main.rs").is_file() else "main.rs"


def module_path(rel: str) -> list[str]:
    """`dispatch/router.rs` -> ["dispatch", "router"]; `dispatch/mod.rs` -> ["dispatch"];
    the crate root (`lib.rs`, `main.rs`) -> []."""
    parts = rel[:-3].split("/")
    if parts[-1] == "mod" or (len(parts) == 1 and parts[0] in ("lib", "main")):
        parts = parts[:-1]
    return parts


def file_of(src: Path, segments: list[str], root: str = "lib.rs") -> tuple[str, list[str]]:
    """The source file of the longest module prefix of `segments`, and what follows it
    (the crate root `root` when no prefix is a file)."""
    for n in range(len(segments), 0, -1):
        base = "/".join(segments[:n])
        for candidate in (f"{base}.rs", f"{base}/mod.rs"):
            if (src / candidate).is_file():
                return candidate, segments[n:]
    return root, segments


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
    """The import graph of the Rust sources under `src`. Its `bin/` folder is left out: each
    program there is a crate of its own (a root of its own when it has modules)."""

    def __init__(self, src: Path):
        self.src = src
        self.root = crate_root(src)
        files = [p.relative_to(src).as_posix() for p in sorted(src.rglob("*.rs"))]
        self.code = {rel: code_of((src / rel).read_text()) for rel in files if not rel.startswith("bin/")}
        self.names = {rel: self._imports(rel) for rel in self.code}
        self.globs = {rel: self._globs(rel) for rel in self.code}
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

    def _child(self, rel: str, segs: list[str]) -> list[str] | None:
        """`segs` from the crate root, when it starts at a child module of `rel` (`mod x;`
        in `rel`, then `x::y`)."""
        child = module_path(rel) + segs
        if segs and file_of(self.src, child, self.root)[0] != self.root:
            return child
        return None

    def _imports(self, rel: str) -> dict[str, list[str]]:
        """The names a file's `use` statements bind, each with its path from the crate root
        (a path into a child module, as `use methods::x` in a `mod.rs`, counts too)."""
        bound: dict[str, list[str]] = {}
        for m in re.finditer(r"\buse\s+([^;]+);", self.code[rel]):
            for segs, alias in expand(m.group(1)):
                path = self._absolute(rel, segs) or self._child(rel, segs)
                if path is not None and alias and alias != "*":
                    bound[alias] = path
        return bound

    def _globs(self, rel: str) -> list[list[str]]:
        """The modules of the crate a file imports every name of (`use super::*`), as
        written."""
        out = []
        for m in re.finditer(r"\buse\s+([^;]+);", self.code[rel]):
            for segs, alias in expand(m.group(1)):
                if alias == "*" and self._absolute(rel, segs[:-1]) is not None:
                    out.append(segs[:-1])
        return out

    def resolve(self, segs: list[str], depth: int = 0) -> str:
        """The file that defines what `segs` names, through re-exports."""
        target, rest = file_of(self.src, segs, self.root)
        if rest and depth < 16 and target in self.code:
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
        for segs in paths + list(bound.values()) + self.globs[rel]:
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
