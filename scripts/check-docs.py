#!/usr/bin/env python3
"""The docs name only what the tree has. Three rules, over README.md, CONTRIBUTING.md,
docs/*.md and examples/README.md (run by `make lint`; its own test is
scripts/test_check_docs.py):

1. Every repository path a doc writes (in backticks or as a link target) exists: read from
   the repository root or from the doc's own folder; a path written relative to a deeper
   folder (`dispatch/router.rs`, meaning core/src/dispatch/router.rs) must be the end of some
   file or folder of the tree. Brace lists (`registry/{mod,page}.rs`) are expanded and
   globs (`protocol/*.rs`) must match something. Paths the build writes (`target/...`) and
   paths inside other projects (an npm package, a Python module of the official SDK) are not
   the tree's and are left out (see SKIP_PREFIXES and FOREIGN).
2. Every source module of core (core/src/**/*.rs) is named in docs/architecture.md, by its
   path under core/src (with or without the `core/src/` prefix, in a brace list, or by a
   `dir/*.rs` glob).
   A module folder's `mod.rs` is named by its folder (`dispatch/`).
3. Every make target a doc names (`make X` in backticks or a code block) is a target of the
   Makefile or mk/*.mk.
4. Every subpath of the npm package a doc imports (`mcpforge/server/mcp.js`) is exported by
   bindings-node/package.json.

Exit status 1 when any rule is broken, with one line per problem."""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

# Extensions that make a backticked word a file path of ours.
EXTENSIONS = (
    ".rs", ".py", ".pyi", ".mjs", ".js", ".cjs", ".ts", ".c", ".h", ".md", ".toml", ".sh",
    ".mk", ".json", ".yml", ".yaml", ".txt", ".in", ".cmake", ".svg", ".conf", ".example",
)
# The repository's top-level entries: a path starting with one of them (and a `/`) is a
# repository path even without a known extension (a folder such as `tests/c/`).
TOP_LEVEL = (
    "bench", "bindings-node", "bindings-python", "core", "deploy", "docs", "examples", "ffi",
    "fuzz", "include", "load", "mk", "scripts", "tests", ".ci", ".github",
)
# Paths the build or the install writes, or a user's machine holds: not in the tree.
SKIP_PREFIXES = (
    "target/", "./target/", ".venv/", "node_modules/", "/", "~", "$", "http://", "https://",
    "build/", "dist/", "site-packages/",
)
# Folders only an install or a build creates, wherever they sit.
GENERATED = {"node_modules", "target", ".venv", "__pycache__"}
# Paths inside other projects that the docs compare with or mount into: the official SDKs'
# module paths, an npm package's files, a peer's sources. Matched against the whole path.
FOREIGN = (
    "server/*.js", "client/*.js", "shared/*.js", "types.js", "mcp/*", "@*", "src/mcp/*",
    "mcpserver/*", "packages/*", "lib/node_modules/*", "dist/*",
)
DOCS = ("README.md", "CONTRIBUTING.md", "docs/*.md", "examples/README.md")
# The npm package's name: `mcpforge/<subpath>` is an import specifier (rule 4), not a path.
PACKAGE = "mcpforge"

TICKED = re.compile(r"`([^`\n]+)`")
BARE = re.compile(r"(?<![\w./$-])((?:\./)?(?:" + "|".join(re.escape(t) for t in TOP_LEVEL) + r")/[\w./*{},-]*[\w/*}])")
LINK = re.compile(r"\]\(([^)\s]+)\)")
MAKE = re.compile(r"^\s*(?:[A-Z_][A-Z0-9_]*=\S+\s+)*make\s+((?:[A-Za-z_][A-Za-z0-9_]*=\S+\s+)*)([a-z][a-z0-9-]*)")
SPECIFIER = re.compile(r"^" + re.escape("mcpforge") + r"/([A-Za-z0-9_./-]+)$")
TARGET = re.compile(r"^([A-Za-z0-9_.-]+(?:\s+[A-Za-z0-9_.-]+)*)\s*:(?!=)", re.M)


def doc_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for pattern in DOCS:
        found.extend(sorted(root.glob(pattern)))
    return found


def tree_files(root: Path) -> list[str]:
    """The tree's files and folders, relative to the root (git's list when it is a checkout)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout
        files = [line for line in out.splitlines() if line and (root / line).exists()]
    except (OSError, subprocess.CalledProcessError):
        files = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "target" not in p.parts]
    folders = {str(Path(f).parent) for f in files}
    for folder in list(folders):
        parts = Path(folder).parts
        folders.update(str(Path(*parts[:i])) for i in range(1, len(parts)))
    folders.discard(".")
    return sorted(set(files) | folders)


def expand(word: str) -> list[str]:
    """`a/{b,c}.rs` -> [`a/b.rs`, `a/c.rs`] (one brace group at a time, nested allowed)."""
    match = re.search(r"\{([^{}]*)\}", word)
    if not match:
        return [word]
    head, tail = word[: match.start()], word[match.end():]
    return [out for part in match.group(1).split(",") for out in expand(head + part.strip() + tail)]


def candidate(word: str) -> str | None:
    """The path a backticked word or a link names, or None when it is not a repository path."""
    word = word.strip().split("#", 1)[0].split("?", 1)[0]
    word = re.sub(r":\d+(-\d+)?$", "", word)  # file.rs:12
    if not word or " " in word or "=" in word or word.startswith(SKIP_PREFIXES):
        return None
    # Placeholders (`PREFIX/include/mcpforge.h`, `mcpforge.<platform>.node`) name no one file.
    if "<" in word or re.match(r"[A-Z][A-Z_]+/", word) or word.startswith(PACKAGE + "/"):
        return None
    if "://" in word or word.startswith(("-", "<", "(", "'", '"')) or word.endswith(("(", ")")):
        return None
    bare = word.rstrip("/")
    if GENERATED & set(bare.split("/")):
        return None
    first = bare.split("/", 1)[0]
    if "/" in bare and first in TOP_LEVEL:
        return word
    if word.endswith(EXTENSIONS) and ("/" in word or (Path(word).suffix == ".md")):
        return word
    return None


def exists(path: str, doc: Path, root: Path, tree: list[str]) -> bool:
    bare = path.rstrip("/")
    if bare.startswith("./"):
        bare = bare[2:]
    if any(fnmatch.fnmatch(bare, pattern) for pattern in FOREIGN):
        return True
    for base in (root, doc.parent):
        if "*" in bare:
            if list(base.glob(bare)):
                return True
        elif (base / bare).exists():
            return True
    # A path written relative to a deeper folder: the end of some tree path.
    if bare.startswith("../"):
        return False
    suffix = "/" + bare
    return any(fnmatch.fnmatch("/" + t, "*" + suffix) if "*" in bare else ("/" + t).endswith(suffix) for t in tree)


def doc_lines(root: Path) -> Iterator[tuple[Path, int, str, bool]]:
    """Every line of every doc: the doc, the line's number, the line, and whether it is
    inside a fenced code block (the fences themselves are left out)."""
    for doc in doc_files(root):
        in_code_block = False
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("```"):
                in_code_block = not in_code_block
                continue
            yield doc, number, line, in_code_block


def check_paths(root: Path, tree: list[str]) -> list[str]:
    problems: list[str] = []
    for doc, number, line, in_code_block in doc_lines(root):
        # In a code block only words that start with a top-level folder are paths.
        words = BARE.findall(line) if in_code_block else TICKED.findall(line) + LINK.findall(line)
        for word in words:
            path = candidate(word)
            if path is None:
                continue
            for one in expand(path):
                if not exists(one, doc, root, tree):
                    problems.append(f"{doc.relative_to(root)}:{number}: names `{one}`, which the tree lacks")
    return problems


def check_modules(root: Path) -> list[str]:
    arch = root / "docs" / "architecture.md"
    src = root / "core" / "src"
    if not arch.exists() or not src.exists():
        return []
    named: set[str] = set()
    globs: list[str] = []
    for word in TICKED.findall(arch.read_text(encoding="utf-8")):
        for one in expand(word.strip()):
            one = one.removeprefix("core/src/")
            if "*" in one:
                globs.append(one)
            elif one.endswith(".rs"):
                named.add(one)
            elif one.endswith("/"):
                named.add(one + "mod.rs")
    problems = []
    for module in sorted(src.rglob("*.rs")):
        rel = str(module.relative_to(src))
        if rel in named or any(fnmatch.fnmatch(rel, g) and "/" not in rel[len(g.rsplit("/", 1)[0]) + 1:] for g in globs if "/" in g):
            continue
        problems.append(f"docs/architecture.md: does not name core/src/{rel}")
    return problems


def make_targets(root: Path) -> set[str]:
    targets: set[str] = set()
    for makefile in [root / "Makefile", *sorted((root / "mk").glob("*.mk"))]:
        if not makefile.exists():
            continue
        for match in TARGET.finditer(makefile.read_text(encoding="utf-8")):
            targets.update(match.group(1).split())
    return targets


def check_targets(root: Path) -> list[str]:
    targets = make_targets(root)
    problems = []
    for doc, number, line, in_code_block in doc_lines(root):
        commands = [line] if in_code_block else TICKED.findall(line)
        for command in commands:
            for part in re.split(r"&&|;|\|", command):
                match = MAKE.match(part)
                if match and match.group(2) not in targets:
                    problems.append(f"{doc.relative_to(root)}:{number}: names `make {match.group(2)}`, which no makefile has")
    return problems


def check_specifiers(root: Path) -> list[str]:
    manifest = root / "bindings-node" / "package.json"
    if not manifest.exists():
        return []
    exported = set(json.loads(manifest.read_text(encoding="utf-8")).get("exports", {}))
    problems = []
    for doc, number, line, _ in doc_lines(root):
        for word in TICKED.findall(line):
            match = SPECIFIER.match(word.strip())
            if match and "./" + match.group(1) not in exported:
                problems.append(f"{doc.relative_to(root)}:{number}: imports `{word}`, which bindings-node/package.json does not export")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv)
    root = args.root.resolve()
    problems = check_paths(root, tree_files(root)) + check_modules(root) + check_targets(root) + check_specifiers(root)
    for problem in problems:
        print(f"check-docs: {problem}")
    if problems:
        print(f"check-docs: {len(problems)} problems (docs must name only what the tree has)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
