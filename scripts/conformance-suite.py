#!/usr/bin/env python3
"""Runs the official MCP conformance suite (the npm package @modelcontextprotocol/conformance)
against a running server, and counts its scenarios.

    scripts/conformance-suite.py URL [suite options...]
    e.g. scripts/conformance-suite.py http://127.0.0.1:3001/mcp --requirements 2026-07-28
    scripts/conformance-suite.py --client COMMAND [suite options...]
    e.g. scripts/conformance-suite.py --client target/debug/conformance_client --requirements 2025-11-25
    scripts/conformance-suite.py --install     (installs the suite and its Node.js, runs nothing)

With --client the suite runs its client scenarios: for each one it starts a test server and
runs COMMAND with the server's URL (the suite's `client` mode). Scenarios the client is known
not to pass yet are listed, with the reason, in the table between the
`conformance-client-expected` markers of docs/CONFORMANCE.md (a row may end in `*` to cover
every scenario with that prefix): such a failure is counted apart, and such a scenario that
passes is a failure (the list is stale), as in the suite's own expected-failures baselines.
A server run does the same with CONFORMANCE_EXPECTED=NAME, reading the table between the
`conformance-NAME-expected` markers (the gateway's: what cannot pass through a gateway).

The suite and the Node.js it needs (22 or newer: the suite's own requirement) are installed on
first use, at the versions pinned below, into target/tools/conformance; a `node` on PATH that is
new enough is used as it is. Nothing outside the repository is read or written.

Output goes to $CONFORMANCE_OUT (default target/conformance/run): output.log (the suite's own
output), results/ (its per-scenario checks.json files) and summary.txt, one line per scenario:
PASS, FAIL, SKIP (does not apply at the requested version), NOTSCORED (run, but not scored by
the requirement set: extensions, pending) or XFAIL (an expected failure: --client, CONFORMANCE_EXPECTED). A scenario fails when any of its checks failed. The
last line printed is `conformance: N passed, M failed`, counting PASS and FAIL only (with
--client or CONFORMANCE_EXPECTED, `conformance: N passed, M failed, K expected failures`).

Exit status: 0 when no scenario failed (or CONFORMANCE_ALLOW_FAIL=1), 1 when one did, 2 when
the suite could not be installed or run. An install that fails is tried again (three tries in
all, a pause between them), and npm's own messages go to standard error.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUITE_PACKAGE = "@modelcontextprotocol/conformance"
SUITE_VERSION = "0.2.0-alpha.12"
NODE_VERSION = "22.23.3"
NODE_MAJOR_NEEDED = 22

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "target" / "tools" / "conformance"


class RunError(Exception):
    """The suite could not be installed or run (exit status 2)."""


def log(message: str) -> None:
    print(f"conformance-suite: {message}", file=sys.stderr, flush=True)


def node_major(node: str) -> int:
    try:
        done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return 0
    match = re.match(r"v(\d+)\.", done.stdout.strip())
    return int(match.group(1)) if match else 0


INSTALL_TRIES = 3
INSTALL_PAUSE_S = 10


def npm_install(dest: Path, spec: str) -> None:
    """Installs `spec` (exact version) into a fresh `dest`, trying again after a failure (a
    registry that did not answer, a full disk that was cleared meanwhile)."""
    for attempt in range(1, INSTALL_TRIES + 1):
        try:
            npm_install_once(dest, spec)
            return
        except (RunError, OSError, subprocess.TimeoutExpired) as e:
            free = shutil.disk_usage(dest.parent if dest.parent.exists() else ROOT).free // (1 << 20)
            log(f"install of {spec}, try {attempt} of {INSTALL_TRIES}, failed: {e} ({free} MiB free on disk)")
            if attempt == INSTALL_TRIES:
                raise RunError(f"{spec} could not be installed ({INSTALL_TRIES} tries)") from e
            time.sleep(INSTALL_PAUSE_S * attempt)


def npm_install_once(dest: Path, spec: str) -> None:
    """Installs `spec` (exact version) into a fresh `dest`, atomically: a failed install leaves
    nothing behind, and a finished one is never half-replaced."""
    npm = shutil.which("npm")
    if npm is None:
        raise RunError(f"npm is needed once, to install {spec}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".install-", dir=dest.parent))
    try:
        (staging / "package.json").write_text('{"private": true}\n')
        log(f"installing {spec}")
        command = [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--save-exact", "--loglevel=error", spec]
        done = subprocess.run(command, cwd=staging, stdout=sys.stderr, timeout=900)
        if done.returncode != 0:
            raise RunError(f"npm install {spec} failed (status {done.returncode})")
        shutil.rmtree(dest, ignore_errors=True)
        staging.rename(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def find_node() -> str:
    """A Node.js at least NODE_MAJOR_NEEDED: the one on PATH, or the pinned one installed here."""
    on_path = shutil.which("node")
    if on_path and node_major(on_path) >= NODE_MAJOR_NEEDED:
        return on_path
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine().lower())
    if sys.platform != "linux" or arch is None:
        raise RunError(f"no Node.js {NODE_MAJOR_NEEDED}+ on PATH, and none can be installed for {sys.platform}/{platform.machine()}")
    package = f"node-linux-{arch}"
    home = TOOLS / f"node-{NODE_VERSION}"
    node = home / "node_modules" / package / "bin" / "node"
    if node_major(str(node)) < NODE_MAJOR_NEEDED:
        npm_install(home, f"{package}@{NODE_VERSION}")
    if node_major(str(node)) < NODE_MAJOR_NEEDED:
        raise RunError(f"the installed {package}@{NODE_VERSION} does not run")
    return str(node)


def find_suite() -> Path:
    """The suite's entry point, installed at SUITE_VERSION when missing."""
    home = TOOLS / f"suite-{SUITE_VERSION}"
    package = home / "node_modules" / SUITE_PACKAGE
    entry = package / "dist" / "index.js"

    def installed() -> bool:
        try:
            return entry.is_file() and json.loads((package / "package.json").read_text())["version"] == SUITE_VERSION
        except (OSError, ValueError, KeyError):
            return False

    if not installed():
        npm_install(home, f"{SUITE_PACKAGE}@{SUITE_VERSION}")
    if not installed():
        raise RunError(f"{SUITE_PACKAGE}@{SUITE_VERSION} did not install")
    return entry


SUMMARY_LINE = re.compile(r"^[✓✗] (\S+): (\d+) passed, (\d+) failed$")
SKIPPED_LINE = re.compile(r"^SKIPPED: scenario '([^']+)'")
NOT_SCORED_ITEM = re.compile(r"^  [✓✗] (\S+)")


def verdicts(output: str, results: Path, need_success: bool = False) -> dict[str, str]:
    """Each scenario's verdict (PASS, FAIL, SKIP, NOTSCORED), from the suite's summary block,
    or from the checks.json files when it printed none (a single-scenario run). With
    `need_success` (client scenarios, whose program may simply fail to run) a scenario with
    no passed check is a failure too."""
    found: dict[str, str] = {}
    lines = output.splitlines()
    heading = next((h for h in ("=== SUMMARY ===", "=== SUITE SUMMARY ===") if h in lines), None)
    if heading:
        block = lines[lines.index(heading) + 1 :]
        for line in block:
            if line.startswith("Total: "):
                break
            match = SUMMARY_LINE.match(line)
            if match:
                failing = int(match.group(3)) > 0 or (need_success and int(match.group(2)) == 0)
                found[match.group(1)] = "FAIL" if failing else "PASS"
    else:
        for checks in sorted(results.rglob("checks.json")):
            relative = checks.parent.relative_to(results).as_posix()
            name = re.sub(r"-\d{4}-\d{2}-\d{2}T.*$", "", relative.removeprefix("server-"))
            statuses = {c.get("status") for c in json.loads(checks.read_text())}
            failing = "FAILURE" in statuses or (need_success and "SUCCESS" not in statuses)
            found[name] = "FAIL" if failing else "PASS"
    for line in lines:
        match = SKIPPED_LINE.match(line)
        if match:
            found[match.group(1)] = "SKIP"
    scoring = False
    for line in lines:
        if line.startswith("Not scored for "):
            scoring = True
            continue
        match = NOT_SCORED_ITEM.match(line) if scoring else None
        if match:
            found[match.group(1)] = "NOTSCORED"
        else:
            scoring = False
    return found


def expected_failures(table: str = "client") -> list[str]:
    """The scenarios (or `prefix*` patterns) docs/CONFORMANCE.md lists as expected to fail
    in its `table` (`client`, or a server run's CONFORMANCE_EXPECTED): the first cell of each
    row of the table between the `conformance-TABLE-expected` markers."""
    begin, end = f"<!-- conformance-{table}-expected:begin -->", f"<!-- conformance-{table}-expected:end -->"
    doc = (ROOT / "docs" / "CONFORMANCE.md").read_text(encoding="utf-8")
    if begin not in doc or end not in doc:
        raise RunError(f"docs/CONFORMANCE.md has no {begin} / {end} markers")
    rows = doc.split(begin, 1)[1].split(end, 1)[0].splitlines()
    cells = [row.strip("|").split("|")[0].strip().strip("`") for row in rows if row.startswith("|")]
    return [c for c in cells[2:] if c]


def is_expected(name: str, patterns: list[str]) -> bool:
    return any(name.startswith(p[:-1]) if p.endswith("*") else name == p for p in patterns)


def main(argv: list[str]) -> int:
    if argv == ["--install"]:
        try:
            node, entry = find_node(), find_suite()
        except (RunError, OSError, subprocess.TimeoutExpired) as e:
            log(str(e))
            return 2
        log(f"suite {SUITE_VERSION} at {entry}, node at {node}")
        return 0
    client = len(argv) >= 2 and argv[0] == "--client"
    if not client and (not argv or argv[0] in ("-h", "--help") or not argv[0].startswith(("http://", "https://"))):
        print(__doc__, file=sys.stderr)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    target, extra = (argv[1], argv[2:]) if client else (argv[0], argv[1:])
    out = Path(os.environ.get("CONFORMANCE_OUT") or ROOT / "target" / "conformance" / "run").resolve()
    try:
        node, entry = find_node(), find_suite()
        out.mkdir(parents=True, exist_ok=True)
        results = out / "results"
        table = os.environ.get("CONFORMANCE_EXPECTED") or ("client" if client else None)
        expected = expected_failures(table) if table else []
        mode = ["client", "--command", target] if client else ["server", "--url", target]
        command = [node, str(entry), *mode, "-o", str(results), *extra]
        env = {**os.environ, "NO_COLOR": "1", "PATH": f"{Path(node).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        log(f"suite {SUITE_VERSION}, node {subprocess.run([node, '--version'], capture_output=True, text=True).stdout.strip()}, {target}")
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True, timeout=3600)
    except (RunError, OSError, subprocess.TimeoutExpired) as e:
        log(str(e))
        return 2
    (out / "output.log").write_text(done.stdout)
    (out / "suite-exit-code").write_text(f"{done.returncode}\n")
    found = verdicts(done.stdout, results, need_success=client)
    for name, verdict in found.items():
        if verdict in ("PASS", "FAIL") and is_expected(name, expected):
            # An expected failure that passes means the list is stale: that is a failure too.
            found[name] = "XFAIL" if verdict == "FAIL" else "FAIL"
    passed = sum(v == "PASS" for v in found.values())
    failed = [name for name, v in found.items() if v == "FAIL"]
    final = f"conformance: {passed} passed, {len(failed)} failed"
    if table:
        final += f", {sum(v == 'XFAIL' for v in found.values())} expected failures"
    (out / "summary.txt").write_text("".join(f"{v} {name}\n" for name, v in found.items()) + final + "\n")
    if not found:
        log(f"no scenario results (suite exit status {done.returncode}); see {out / 'output.log'}")
        print(final)
        return 2
    for name in failed:
        log(f"failed: {name}")
    print(final)
    return 1 if failed and os.environ.get("CONFORMANCE_ALLOW_FAIL") != "1" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
