#!/usr/bin/env python3
"""Files with one job, in every language: each hand-written source file of the project is
held to at most MAX_LINES lines (a file that long does more than one job; split it by job).

What counts, per language (run by `make lint`):

- Rust: the sources of the crates (not their tests and benchmarks), each counted up to its
  `#[cfg(test)]` module;
- Python: the package of the Python binding (`.py`, and the `.pyi` stubs written by hand);
- JavaScript: the npm package's `.js`, `.mjs` and `.cjs` files;
- TypeScript declarations: the npm package's hand-written `.d.ts` files.

Prints one line per file over the limit. Exit status 1 when there is one."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 800

# (folder, file name patterns): the hand-written sources held to the rule.
SOURCES = [
    ("core/src", ("*.rs",)),
    ("ffi/src", ("*.rs",)),
    ("bindings-python/src", ("*.rs",)),
    ("bindings-node/src", ("*.rs",)),
    ("load/src", ("*.rs",)),
    ("examples/rust/src", ("*.rs",)),
    ("bindings-python/python", ("*.py", "*.pyi")),
    ("bindings-node/lib", ("*.js", "*.mjs", "*.cjs", "*.d.ts")),
]
# Generated, not written by hand: bindings-node/lib/native.d.ts is written by
# bindings-node/scripts/typedefs.mjs from the addon crate's sources (`make node-types`), so
# its length follows the Rust API it mirrors.
GENERATED = {"bindings-node/lib/native.d.ts"}


def lines_of(path: Path) -> int:
    """The file's lines; a Rust file's up to its `#[cfg(test)]` module (tests may be long)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".rs":
        text = text.split("\n#[cfg(test)]")[0]
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def sized_files() -> list[Path]:
    """Every file the rule holds, sorted, generated ones left out."""
    found: set[Path] = set()
    for folder, patterns in SOURCES:
        for pattern in patterns:
            for path in (ROOT / folder).rglob(pattern):
                rel = path.relative_to(ROOT).as_posix()
                if rel not in GENERATED and "node_modules" not in path.parts and "__pycache__" not in path.parts:
                    found.add(path)
    return sorted(found)


def main() -> int:
    too_long = []
    for path in sized_files():
        n = lines_of(path)
        if n > MAX_LINES:
            what = "lines before its tests" if path.suffix == ".rs" else "lines"
            too_long.append(f"{path.relative_to(ROOT)}: {n} {what} (at most {MAX_LINES}: split it by job)")
    for t in too_long:
        print(t)
    if too_long:
        print(f"check-sizes: {len(too_long)} files over {MAX_LINES} lines")
    return 1 if too_long else 0


if __name__ == "__main__":
    sys.exit(main())
