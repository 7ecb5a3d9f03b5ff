#!/usr/bin/env python3
"""One engine build for the whole workspace: the crates that `make` builds on their own
(UNIFIED) must resolve the same features for every dependency as the whole workspace does,
or cargo compiles the engine and everything above the differing dependency once more for
each of them (minutes per crate in CI). workspace-hack/Cargo.toml lists the features that
make them equal; this check (run by `make lint`) prints, for each crate, each dependency
whose features differ and what to add there. Exit status 1 when one differs.

Reads `cargo tree` only: nothing is compiled."""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The packages built alone: the C library (`make c-lib`), the Python extension (`maturin
# build`), the Node addon (`make node-addon`), the examples (`make c-test`, the gateway).
UNIFIED = ("mcpforge-ffi", "mcpforge-python", "mcpforge-node", "mcpforge-examples")
TARGET = "x86_64-unknown-linux-gnu"
# Features allowed to differ, and why: the engine's `mimalloc` is the Python and Node
# bindings' allocator only; linked into the C library or an example, mimalloc's C library
# would run its load-time constructor there (the engine alone is compiled twice for it).
ALLOWED = {("mcpforge", "mimalloc")}


def features(selection: list[str]) -> dict[str, set[str]]:
    """Each package of the build's tree and the features it is compiled with."""
    cmd = ["cargo", "tree", "--locked", "-e", "normal,build", "--target", TARGET, "-f", "{p}|{f}",
           "--prefix", "none", "--no-dedupe", *selection]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"check-features: {' '.join(cmd)} failed:\n{run.stderr}")
    out = run.stdout
    found: dict[str, set[str]] = collections.defaultdict(set)
    for line in out.splitlines():
        package, sep, names = line.partition("|")
        if sep:
            found[package.split(" (")[0].strip()] |= {n for n in names.split(",") if n}
    return found


def main() -> int:
    whole = features(["--workspace"])
    differ = 0
    for crate in UNIFIED:
        for package, names in sorted(features(["-p", crate]).items()):
            name = package.split(" ")[0]
            if {n for n in names ^ whole[package] if (name, n) not in ALLOWED}:
                differ += 1
                print(f"{crate}: {package} is built with features {sorted(names)}, the workspace "
                      f"with {sorted(whole[package])}: add {sorted(whole[package] - names)} in "
                      "workspace-hack/Cargo.toml")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
