#!/usr/bin/env python3
"""Checks the subjects of the commits made since the commit style was adopted
(CONTRIBUTING.md, "Commits"): at most 72 characters, starting with one or more areas
(`core:`, `core, python:` ...). Earlier history is left as it is. Outside a git checkout, or
in a shallow clone that lacks the starting commit, it says so and passes: there is nothing
to read.

    python3 scripts/check-commits.py            # run by `make lint`
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The last commit before the check existed: its ancestors include two subjects over the
# limit, written before anything checked them.
SINCE = "21e314c"
AREAS = ("core", "http", "python", "node", "c", "docs", "test", "bench", "ci")
SUBJECT = re.compile(r"^(?:%s)(?:, (?:%s))*: \S" % ("|".join(AREAS), "|".join(AREAS)))
LIMIT = 72
# Commits that reached main with a subject over the limit, left as they are (history is not
# rewritten); every other commit since SINCE is checked.
GRANDFATHERED = {
    "fa215932e830d27d93e0f6681ead04135b873b54",
    "3e44c3b48426eea6450fd967fca41f4ab65ad210",
}


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)


def problems(subject: str) -> list[str]:
    """What is wrong with one subject line (nothing when it follows the style)."""
    found = []
    if len(subject) > LIMIT:
        found.append(f"{len(subject)} characters (at most {LIMIT})")
    if not SUBJECT.match(subject):
        found.append(f"does not start with an area ({', '.join(a + ':' for a in AREAS)})")
    return found


def main() -> int:
    if git("rev-parse", "--git-dir").returncode != 0:
        print("check-commits: not a git checkout, nothing to check")
        return 0
    if git("cat-file", "-e", f"{SINCE}^{{commit}}").returncode != 0:
        print(f"check-commits: {SINCE} is not in this clone (shallow?), nothing to check")
        return 0
    listed = git("log", "--no-merges", "--format=%H %s", f"{SINCE}..HEAD")
    if listed.returncode != 0:
        print(f"check-commits: git log failed: {listed.stderr.strip()}")
        return 1
    bad = 0
    for line in listed.stdout.splitlines():
        sha, _, subject = line.partition(" ")
        if sha in GRANDFATHERED:
            continue
        for p in problems(subject):
            print(f"check-commits: {sha[:7]} {subject!r}: {p}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
