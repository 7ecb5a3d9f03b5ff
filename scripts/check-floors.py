#!/usr/bin/env python3
"""The core crate's floors (docs/architecture.md, CONTRIBUTING.md), checked by `make lint`:
each module imports only from its own floor or the floors below it.

The import graph is read by scripts/floors/rust_graph.py (`use` trees, paths in code,
re-exports followed). Exit status 1 when an import points up a floor; each one is printed.
Circles, inside a floor too and in every other source root, are scripts/check-circles.py's
job; the size of files is scripts/check-sizes.py's."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floors.rust_graph import Graph  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "core" / "src"

# Lowest first. A module belongs to the floor of its longest matching prefix (the client's
# transports, client/transport/, sit a floor above the client engine, client/).
FLOORS = [
    ("wire", ["jsonrpc/", "protocol/", "error.rs", "dial.rs", "schema.rs", "seal.rs", "seal_official.rs", "sync.rs", "outbox.rs", "budget.rs", "serde_fields.rs", "identity.rs", "path_policy.rs", "telemetry/", "store/"]),
    ("boundary", ["handler.rs", "error_hook.rs", "arguments.rs", "tool_output.rs", "tool_bytes.rs", "resource_output.rs", "prompt_output.rs", "completion_output.rs", "auth.rs", "context.rs", "deadline.rs", "session.rs", "request_info.rs", "middleware.rs", "catalogue.rs", "initialize_hook.rs", "span_link.rs"]),
    ("registry", ["registry/", "skills/"]),
    ("dispatch", ["dispatch/", "tasks/", "client/"]),
    ("transports", ["transport/", "client/transport/"]),
    ("facade", ["server.rs", "server_config.rs", "sdk_options.rs", "server_toggle.rs", "server/", "lib.rs", "sugar.rs", "fuzzing.rs"]),
    ("gateway", ["proxy/"]),
]
RANK = {name: i for i, (name, _) in enumerate(FLOORS)}


def floor_of(rel: str) -> str:
    matches = [(len(p), name) for name, prefixes in FLOORS for p in prefixes if rel == p or rel.startswith(p)]
    if matches:
        return max(matches)[1]
    raise SystemExit(f"check-floors: {rel} belongs to no floor: add it to scripts/check-floors.py")


def problems(src: Path) -> list[str]:
    """Every import that points up a floor."""
    graph = Graph(src)
    out = []
    for rel, targets in graph.edges.items():
        for target, named in targets.items():
            here, there = floor_of(rel), floor_of(target)
            if RANK[there] > RANK[here]:
                out.append(f"{rel}: {here} imports {there} ({named})")
    return out


def main() -> int:
    found = problems(SRC)
    for line in found:
        print(line)
    if found:
        print("check-floors: imports point up a floor (see docs/architecture.md)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
