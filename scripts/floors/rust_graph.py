"""The import graph of a Rust crate, read from its sources (nothing is compiled).

The graph has one node per source file under the crate's `src` folder (its root `lib.rs`,
else `main.rs`; the programs of `bin/` are crates of their own), named by paths relative to
it, `/`-separated: `lib.rs`, `dispatch/router.rs`. Its edges are every path a file names
outside its test module: `use` trees (braces expanded, `as` renames followed), paths in
code that start with `crate::`, `super::`, `self::`, a name the file imported or a child
module (`mod x;`, then `x::y`), and glob imports of the crate's modules (`use super::*`).
Inside an inline module (`mod imp { ... }`) `self` and `super` start from that module, so
`use super::X` there names the file's own module. A path ends at the file of its longest
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


def inline_modules(code: str) -> list[tuple[int, int, str]]:
    """The inline modules of a file's code (`mod imp { ... }`): start, end and name of each,
    outer ones before the modules they hold."""
    spans = []
    for m in re.finditer(r"\bmod\s+(\w+)\s*\{", code):
        depth = 0
        for end in range(m.end() - 1, len(code)):
            depth += (code[end] == "{") - (code[end] == "}")
            if depth == 0:
                break
        spans.append((m.start(), end, m.group(1)))
    return spans


class Graph:
    """The import graph of the Rust sources under `src`. Its `bin/` folder is left out: each
    program there is a crate of its own (a root of its own when it has modules)."""

    def __init__(self, src: Path):
        self.src = src
        self.root = crate_root(src)
        files = [p.relative_to(src).as_posix() for p in sorted(src.rglob("*.rs"))]
        self.code = {rel: code_of((src / rel).read_text()) for rel in files if not rel.startswith("bin/")}
        self.inline = {rel: inline_modules(code) for rel, code in self.code.items()}
        self.names = {rel: self._imports(rel) for rel in self.code}
        self.globs = {rel: self._globs(rel) for rel in self.code}
        self.edges: dict[str, dict[str, str]] = {rel: self._edges(rel) for rel in self.code}

    def _here(self, rel: str, at: int) -> list[str]:
        """The module path at offset `at` of `rel`'s code: the file's, then the inline modules
        around that offset."""
        return module_path(rel) + [name for start, end, name in self.inline[rel] if start <= at <= end]

    def _absolute(self, here: list[str], segs: list[str]) -> list[str] | None:
        """`segs` from the crate root, when it starts at the crate, a parent or the module
        `here`."""
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

    def _child(self, here: list[str], segs: list[str]) -> list[str] | None:
        """`segs` from the crate root, when it starts at a child module of the module `here`
        that is a file of its own (`mod x;`, then `x::y`)."""
        child = here + segs
        if segs and file_of(self.src, child, self.root)[0] != file_of(self.src, here, self.root)[0]:
            return child
        return None

    def _imports(self, rel: str) -> dict[str, list[str]]:
        """The names a file's `use` statements bind, each with its path from the crate root
        (a path into a child module, as `use methods::x` in a `mod.rs`, counts too)."""
        bound: dict[str, list[str]] = {}
        for m in re.finditer(r"\buse\s+([^;]+);", self.code[rel]):
            here = self._here(rel, m.start())
            for segs, alias in expand(m.group(1)):
                path = self._absolute(here, segs) or self._child(here, segs)
                if path is not None and alias and alias != "*":
                    bound[alias] = path
        return bound

    def _globs(self, rel: str) -> list[tuple[int, list[str]]]:
        """The modules of the crate a file imports every name of (`use super::*`), as
        written, each with its offset."""
        out = []
        for m in re.finditer(r"\buse\s+([^;]+);", self.code[rel]):
            for segs, alias in expand(m.group(1)):
                if alias == "*" and self._absolute(self._here(rel, m.start()), segs[:-1]) is not None:
                    out.append((m.start(), segs[:-1]))
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
        paths = [(m.start(), m.group(1).split("::")) for m in re.finditer(r"\b(\w+(?:::\w+)+)", self.code[rel])]
        # A bound name's path is already from the crate root: read it at the crate root.
        for at, segs in paths + [(-1, p) for p in bound.values()] + self.globs[rel]:
            here = [] if at < 0 else self._here(rel, at)
            path = self._absolute(here, segs)
            if path is None and segs[0] in bound:
                path = bound[segs[0]] + segs[1:]
            if path is None and at >= 0:
                path = self._child(here, segs)
            if path is None:
                continue
            target = self.resolve(path)
            if target != rel and target in self.code:
                out.setdefault(target, "::".join(segs))
        return out


def graph(src: Path) -> dict[str, set[str]]:
    """Each file of the crate under `src` with the files it imports."""
    return {rel: set(targets) for rel, targets in Graph(src).edges.items()}
