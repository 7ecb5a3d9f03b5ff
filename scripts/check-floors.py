#!/usr/bin/env python3
"""The core crate's floors (docs/architecture.md): each module imports only from its own
floor or the floors below it. Reads every `crate::…` and `super::…` path in core/src,
resolves names re-exported at the crate root to where they live, and prints each import
that points up a floor. Also holds every Rust source file of the project to at most
MAX_LINES lines before its test module (a file that long does more than one job). Exit
status 1 when either rule is broken."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "core" / "src"
# The Rust sources held to the size rule (tests excluded: their own `#[cfg(test)]` module,
# and the test and benchmark directories).
SIZED = ["core/src", "ffi/src", "bindings-python/src", "bindings-node/src", "load/src", "examples/rust/src"]
MAX_LINES = 800

# Lowest first. A module belongs to the first floor with a matching prefix.
FLOORS = [
    ("wire", ["jsonrpc/", "protocol/", "error.rs", "schema.rs", "seal.rs", "sync.rs", "outbox.rs", "budget.rs", "serde_fields.rs", "identity.rs", "telemetry/", "store/"]),
    ("boundary", ["handler.rs", "error_hook.rs", "arguments.rs", "tool_output.rs", "auth.rs", "context.rs", "session.rs", "request_info.rs", "middleware.rs", "catalogue.rs", "span_link.rs"]),
    ("registry", ["registry/"]),
    ("dispatch", ["dispatch/", "tasks/"]),
    ("transports", ["transport/"]),
    ("facade", ["server.rs", "server_config.rs", "server/", "lib.rs", "sugar.rs", "fuzzing.rs"]),
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


def file_of(segments: list[str]) -> str | None:
    """The source file of the longest module prefix of `segments`."""
    for n in range(len(segments), 0, -1):
        base = "/".join(segments[:n])
        for candidate in (f"{base}.rs", f"{base}/mod.rs"):
            if (SRC / candidate).is_file():
                return candidate
    return None


def root_reexports() -> dict[str, list[str]]:
    """Names `pub use`d at the crate root, mapped to the module path they come from."""
    text = (SRC / "lib.rs").read_text()
    out: dict[str, list[str]] = {}
    for m in re.finditer(r"pub use ([\w:]+)::\{([^}]*)\};|pub use ([\w:]+)::(\w+);", text, re.S):
        if m.group(1):
            base, names = m.group(1), [n.strip() for n in m.group(2).split(",") if n.strip()]
        else:
            base, names = m.group(3), [m.group(4)]
        for n in names:
            out[n.split(" as ")[-1].strip()] = base.split("::")
    return out


PATH = re.compile(r"\b(crate|super)((?:::\w+)+)")


def main() -> int:
    reexports = root_reexports()
    violations = []
    for path in sorted(SRC.rglob("*.rs")):
        rel = path.relative_to(SRC).as_posix()
        here = floor_of(rel)
        text = path.read_text()
        # Test modules may reach anywhere.
        text = text.split("#[cfg(test)]")[0]
        for lineno, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("//"):
                continue
            for m in PATH.finditer(line):
                segments = m.group(2).strip(":").split("::")
                if m.group(1) == "super":
                    parent = module_path(rel)[:-1]
                    while segments and segments[0] == "super":
                        parent, segments = parent[:-1], segments[1:]
                    segments = parent + segments
                elif segments and segments[0] in reexports and not (SRC / f"{segments[0]}.rs").exists() \
                        and not (SRC / segments[0]).is_dir():
                    segments = reexports[segments[0]] + segments[1:]
                target = file_of(segments)
                if target is None or target == rel:
                    continue
                there = floor_of(target)
                if RANK[there] > RANK[here]:
                    violations.append(f"{rel}:{lineno}: {here} imports {there} ({'::'.join(segments)})")
    for v in violations:
        print(v)
    if violations:
        print(f"check-floors: {len(violations)} imports point up a floor (see docs/architecture.md)")
    too_long = []
    for folder in SIZED:
        for path in sorted((ROOT / folder).rglob("*.rs")):
            lines = path.read_text().split("\n#[cfg(test)]")[0].count("\n") + 1
            if lines > MAX_LINES:
                too_long.append(f"{path.relative_to(ROOT)}: {lines} lines before its tests (at most {MAX_LINES})")
    for t in too_long:
        print(t)
    return 1 if violations or too_long else 0


if __name__ == "__main__":
    sys.exit(main())
