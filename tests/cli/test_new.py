"""`mcpforge new` in every language: the project is made in a temporary directory, and its own
tests pass as its README says to run them; its command then serves the server, which
`mcpforge call` reaches over stdio. Python: installed with pip (no index) and tested with
this interpreter, which has the built wheel; Node: with the packed tarballs installed
(`make node-pack`); C: built against the built library and header (`make c-lib`). Rust: the
project is made and its files checked here; compiling it and its dependencies anew takes
minutes, so `make cli-new-rust` runs its tests (docs/cli.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cli_support import mcpforge, ok
from support import REPO_ROOT, target_dir

NODE_OUT = REPO_ROOT / "target" / "node"
# Installing, building and testing one project ends well within this.
PROJECT_BOUND = 300.0


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Runs `args` in `cwd`; its output, or a failure that shows it."""
    result = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=PROJECT_BOUND, env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, f"{args}: status {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def new(name: str, lang: str, where: Path, via: str = "cargo") -> Path:
    said = ok(mcpforge("new", name, "--lang", lang, "--dir", str(where / name), via=via))
    assert said.startswith(f"made {where / name} ")
    project = where / name
    assert (project / ".github" / "workflows" / "ci.yml").is_file() and (project / "README.md").is_file()
    return project


def greets(*command: str, env: dict[str, str] | None = None) -> None:
    """The project's command serves the server over stdio, and `greet` answers."""
    assert ok(mcpforge("call", "greet", "name=Ada", "--", *command, env=env)) == "Hello, Ada!\n"


def test_python(tmp_path: Path) -> None:
    project = new("weather-py", "python", tmp_path, via="python")
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"] == {"weather-py": "weather_py.__main__:main"}
    site = tmp_path / "site"
    run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index", "--target", str(site), "."], project)
    env = {"PYTHONPATH": str(site)}
    assert "1 passed" in run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env)
    greets(str(site / "bin" / "weather-py"), env=env)


def test_node(tmp_path: Path) -> None:
    project = new("weather-js", "node", tmp_path, via="node")
    package = json.loads((project / "package.json").read_text(encoding="utf-8"))
    assert package["bin"] == {"weather-js": "bin/weather-js.js"}
    assert os.access(project / "bin" / "weather-js.js", os.X_OK)
    tarballs = sorted(str(p) for p in NODE_OUT.glob("mcpforge-*.tgz"))
    assert len(tarballs) == 2, f"make node-pack packs the package and its addon: {tarballs}"
    run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--offline", "--loglevel=error", *tarballs], project)
    assert "# pass 1" in run(["npm", "test"], project)
    greets("node", str(project / "bin" / "weather-js.js"))


def test_c(tmp_path: Path) -> None:
    project = new("weather-c", "c", tmp_path)
    env = {"PKG_CONFIG_PATH": str(REPO_ROOT / "target" / "c" / "pkgconfig")}
    assert "2 passed, 0 failed" in run(["make", "test"], project, env)
    greets(str(project / "build" / "weather-c"))


def test_rust_is_made(tmp_path: Path) -> None:
    project = new("weather-rs", "rust", tmp_path)
    manifest = tomllib.loads((project / "Cargo.toml").read_text(encoding="utf-8"))
    version = tomllib.loads((REPO_ROOT / "Cargo.toml").read_text(encoding="utf-8"))["workspace"]["package"]["version"]
    assert manifest["package"]["name"] == "weather-rs"
    assert manifest["dependencies"]["mcpforge"] == version
    assert "weather_rs::server()" in (project / "src" / "main.rs").read_text(encoding="utf-8")
    assert "connect_memory" in (project / "tests" / "server.rs").read_text(encoding="utf-8")


@pytest.mark.skipif(os.environ.get("MCPFORGE_NEW_RUST") != "1", reason="make cli-new-rust runs it")
def test_rust_builds_and_passes_its_tests(tmp_path: Path) -> None:
    """The project against this checkout's core crate (a `[patch]` to its path), built in a
    target directory of its own that later runs reuse."""
    project = new("weather-rs", "rust", tmp_path)
    with (project / "Cargo.toml").open("a", encoding="utf-8") as manifest:
        manifest.write(f'\n[patch.crates-io]\nmcpforge = {{ path = "{REPO_ROOT / "core"}" }}\n')
    (project / "Cargo.lock").write_bytes((REPO_ROOT / "Cargo.lock").read_bytes())
    env = {"CARGO_TARGET_DIR": str(target_dir() / "cli-new")}
    out = run(["cargo", "test", "--offline", "-j2"], project, env)
    assert "test greet_answers_with_the_name ... ok" in out, out
    greets(str(target_dir() / "cli-new" / "debug" / "weather-rs"))


def test_a_name_every_language_takes(tmp_path: Path) -> None:
    for name in ("Weather", "1st", "a b", "../up"):
        result = mcpforge("new", name, "--lang", "python", "--dir", str(tmp_path / "x"))
        assert result.returncode == 2 and "a project name is" in result.stderr, result
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine", encoding="utf-8")
    result = mcpforge("new", "taken", "--lang", "node", "--dir", str(taken))
    assert result.returncode == 2 and "not empty" in result.stderr, result
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]
