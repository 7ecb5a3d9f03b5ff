#!/usr/bin/env python3
"""One engine build for the whole workspace: the crates that `make` builds on their own
(UNIFIED) must resolve the same features for every dependency as the whole workspace does,
or cargo compiles the engine and everything above the differing dependency once more for
each of them (minutes per crate in CI). workspace-hack/Cargo.toml lists the features that
make them equal; this check (run by `make lint`) prints, for each crate, each dependency
whose features differ and what to add there. Every debug build passes the Makefile's
DEBUG_FEATURES (the features the dev-dependencies add), so `cargo test --workspace` must
resolve the same features as the debug build too, or it compiles the dependencies again.
Exit status 1 when one differs.

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


def debug_features() -> list[str]:
    """The Makefile's DEBUG_FEATURES, as cargo arguments."""
    for line in (ROOT / "Makefile").read_text().splitlines():
        name, sep, value = line.partition(":=")
        if sep and name.strip() == "DEBUG_FEATURES":
            return value.split()
    sys.exit("check-features: the Makefile defines no DEBUG_FEATURES")


def features(selection: list[str], edges: str = "normal,build") -> dict[str, set[str]]:
    """Each package of the build's tree and the features it is compiled with."""
    cmd = ["cargo", "tree", "--locked", "-e", edges, "--target", TARGET, "-f", "{p}|{f}",
           "--prefix", "none", "--no-dedupe", *debug_features(), *selection]
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
    # The test build: the dev-dependencies' crates are compiled for it alone; a package both
    # builds compile must have the same features in each.
    for package, names in sorted(features(["--workspace"], "normal,build,dev").items()):
        if package in whole and names != whole[package]:
            differ += 1
            print(f"cargo test: {package} is compiled with features {sorted(names)}, the debug build "
                  f"with {sorted(whole[package])}: add {sorted(names - whole[package])} to the "
                  "`tests` feature of workspace-hack/Cargo.toml")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
