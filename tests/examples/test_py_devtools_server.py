"""The official MCP client drives examples/python/devtools_server.py over stdio on both wires
and over Streamable HTTP, on a scratch git repository this test creates (two commits, then
a modified, a staged and an untracked file): `git_status` and `git_log` compared with what
git itself says, `run_tests` passing, failing and narrowed to one file, `lint` clean and
finding a syntax error, a test command that exceeds its time limit, and paths or options
that try to leave the project refused. Options and argument files (`@file`, which pytest
expands into arguments even after `--`) are refused in every spelling before anything runs,
and the paths that pass reach the commands after `--`. On a base holding a Python, an npm, a
Cargo and a Makefile project, the test, lint and build commands follow each project's files
(npm's scripts and make's targets really run), `analyze_dependencies` reads each manifest and
`project_stats` counts files, lines and bytes per language, skipping node_modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TextIO

import pytest
from support import REPO_ROOT, WIRES, http_server, over_http, over_stdio, Peer, run, structured, tool_error

SCRIPT = REPO_ROOT / "examples" / "python" / "devtools_server.py"
GIT_ENV = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com", "GIT_COMMITTER_NAME": "Ada",
           "GIT_COMMITTER_EMAIL": "ada@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True,
                          check=True, timeout=30, stdin=subprocess.DEVNULL).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    git(project, "init", "-q", "-b", "main")
    (project / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (project / "tests" / "test_calc.py").write_text("from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5\n")
    (project / "conftest.py").write_text("")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "Add calc")
    (project / "README.md").write_text("# calc\n")
    git(project, "add", "README.md")
    git(project, "commit", "-q", "-m", "Add a README")
    (project / "calc.py").write_text("def add(a, b):\n    return a + b  # sum\n")  # modified, not staged
    (project / "notes.txt").write_text("todo\n")  # untracked
    (project / "README.md").write_text("# calc\n\nAdds.\n")
    git(project, "add", "README.md")  # staged
    (tmp_path / "elsewhere").mkdir()
    (project / "escape").symlink_to(tmp_path / "elsewhere")  # untracked, and leads out of the project
    return project


def command(repo: Path, *extra: str) -> list[str]:
    return [sys.executable, str(SCRIPT), "--test-cmd", f"{sys.executable} -m pytest -q -p no:cacheprovider", *extra, str(repo)]


async def check_git(peer: Peer, repo: Path) -> None:
    tools = {t.name: t for t in (await peer.list_tools()).tools}
    assert sorted(tools) == ["analyze_dependencies", "build_project", "git_log", "git_status", "lint", "project_stats",
                             "run_tests"]
    status = structured(await peer.call_tool("git_status", {}))
    assert status == {"branch": "main", "clean": False, "files": [
        {"path": "README.md", "index": "M", "worktree": None, "untracked": False},
        {"path": "calc.py", "index": None, "worktree": "M", "untracked": False},
        {"path": "escape", "index": "?", "worktree": "?", "untracked": True},
        {"path": "notes.txt", "index": "?", "worktree": "?", "untracked": True},
    ]}
    log = structured(await peer.call_tool("git_log", {}))["commits"]
    assert [c["subject"] for c in log] == ["Add a README", "Add calc"]
    assert [c["hash"] for c in log] == git(repo, "log", "--format=%H").split()
    assert all(c["author"] == "Ada" and c["date"][:4].isdigit() for c in log)
    assert [c["subject"] for c in structured(await peer.call_tool("git_log", {"max_count": 1}))["commits"]] == ["Add a README"]
    only_calc = structured(await peer.call_tool("git_log", {"path": "calc.py"}))["commits"]
    assert [c["subject"] for c in only_calc] == ["Add calc"]
    for args, message in [
        ({"path": "../x"}, "paths must be relative to the project, without '..'"),
        ({"path": "/etc/passwd"}, "paths must be relative to the project"),
        ({"path": "--all"}, "not a path: '--all' (options and @argument files cannot be passed)"),
        ({"path": "nope.py"}, "no such file or directory in the project: 'nope.py'"),
    ]:
        assert tool_error(await peer.call_tool("git_log", args)).startswith(message), args
    assert "Invalid arguments for tool git_log" in tool_error(await peer.call_tool("git_log", {"max_count": 0}))


async def check_tests_and_lint(peer: Peer, repo: Path) -> None:
    passed = structured(await peer.call_tool("run_tests", {}))
    assert passed["passed"] is True and passed["exit_code"] == 0 and "1 passed" in passed["output"]
    assert passed["command"].endswith("-m pytest -q -p no:cacheprovider")
    (repo / "tests" / "test_broken.py").write_text("def test_broken():\n    assert 1 == 2\n")
    failed = structured(await peer.call_tool("run_tests", {}))
    assert failed["passed"] is False and failed["exit_code"] == 1 and "1 failed, 1 passed" in failed["output"]
    narrowed = structured(await peer.call_tool("run_tests", {"paths": ["tests/test_calc.py"]}))
    assert narrowed["passed"] is True and narrowed["command"].endswith("-p no:cacheprovider -- tests/test_calc.py")
    assert tool_error(await peer.call_tool("run_tests", {"paths": ["-p", "evil"]})) == (
        "not a path: '-p' (options and @argument files cannot be passed)")

    clean = structured(await peer.call_tool("lint", {}))
    assert clean["clean"] is True and clean["exit_code"] == 0
    (repo / "broken.py").write_text("def oops(:\n    pass\n")
    dirty = structured(await peer.call_tool("lint", {}))
    assert dirty["clean"] is False and "broken.py" in dirty["output"] and "SyntaxError" in dirty["output"]
    assert structured(await peer.call_tool("lint", {"paths": ["calc.py"]}))["clean"] is True
    assert "resolves outside the project" in tool_error(await peer.call_tool("lint", {"paths": ["escape"]}))


@pytest.mark.parametrize("wire", WIRES)
def test_devtools_over_stdio(wire: str, repo: Path, errlog: TextIO) -> None:

    async def body() -> None:
        async with over_stdio(command(repo), wire, errlog) as peer:
            await check_git(peer, repo)
            await check_tests_and_lint(peer, repo)

    run(body)


def test_devtools_over_http(repo: Path, errlog: TextIO) -> None:
    with http_server(command(repo), errlog) as url:

        async def body() -> None:
            async with over_http(url, WIRES[0]) as peer:
                await check_git(peer, repo)
                await check_tests_and_lint(peer, repo)

        run(body)


def test_devtools_refuses_options_and_argument_files(repo: Path, tmp_path: Path, errlog: TextIO) -> None:
    """The test and lint commands record their arguments instead of running: files named
    like an option or an argument file exist in the project (so only the refusal stops them),
    and nothing runs for any of them."""
    ran = tmp_path / "ran.log"
    recorder = tmp_path / "record.py"
    recorder.write_text(f"import sys\nwith open({str(ran)!r}, 'a') as f:\n    f.write(repr(sys.argv[1:]) + '\\n')\n")
    (repo / "@args").write_text("--version\n")
    (repo / "-k").write_text("")
    (repo / "--collect-only").write_text("")
    record = f"{sys.executable} {recorder}"
    refused = ["@args", "./@args", "@/etc/passwd", "@", "-k", "./-k", ".//-k", "--collect-only", "--co", "-",
               "--", "--rootdir=/"]

    async def body() -> None:
        async with over_stdio([sys.executable, str(SCRIPT), "--test-cmd", f"{record} test", "--lint-cmd", f"{record} lint",
                               str(repo)], WIRES[0], errlog) as peer:
            for path in refused:
                message = f"not a path: {path!r} (options and @argument files cannot be passed)"
                for tool, args in [("run_tests", {"paths": [path]}), ("run_tests", {"paths": ["calc.py", path]}),
                                   ("lint", {"paths": [path]}), ("git_log", {"path": path})]:
                    assert tool_error(await peer.call_tool(tool, args)) == message, (tool, args)
            assert not ran.exists()  # nothing ran
            tested = structured(await peer.call_tool("run_tests", {"paths": ["tests/test_calc.py", "./calc.py"]}))
            linted = structured(await peer.call_tool("lint", {}))
            assert tested["exit_code"] == 0 and linted["exit_code"] == 0

    run(body)
    assert ran.read_text().splitlines() == ["['test', '--', 'tests/test_calc.py', 'calc.py']", "['lint', '--', '.']"]


def test_devtools_time_limit(repo: Path, errlog: TextIO) -> None:
    hang = f"{sys.executable} -c 'import time; time.sleep(60)'"

    async def body() -> None:
        async with over_stdio([sys.executable, str(SCRIPT), "--test-cmd", hang, "--timeout", "0.5", str(repo)],
                              WIRES[1], errlog) as peer:
            message = tool_error(await peer.call_tool("run_tests", {}))
            assert message.endswith("-c 'import time; time.sleep(60)' did not finish within 0.5 s and was stopped")
            assert structured(await peer.call_tool("git_log", {"max_count": 1}))["commits"][0]["subject"] == "Add a README"

    run(body)


@pytest.fixture
def projects(repo: Path) -> Path:
    """Four projects under the repository: python (pyproject.toml), web (package.json), rs
    (Cargo.toml) and mk (a Makefile)."""
    py = repo / "py"
    (py / "tests").mkdir(parents=True)
    (py / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\n'
        '[project]\nname = "py"\nversion = "1"\ndependencies = ["httpx>=0.27", "pydantic[email]==2.9.2"]\n'
        '[project.optional-dependencies]\ndev = ["pytest"]\n')
    (py / "requirements-dev.txt").write_text("# tools\nruff==0.6.9  # linter\n-r other.txt\n")
    (py / "tests" / "test_ok.py").write_text("def test_ok():\n    assert True\n")
    web = repo / "web"
    (web / "node_modules" / "left-pad").mkdir(parents=True)
    (web / "node_modules" / "left-pad" / "index.js").write_text("module.exports = 1;\n" * 100)
    (web / "test.js").write_text("console.log('web tests ran with', JSON.stringify(process.argv.slice(2)));\n")
    (web / "build.js").write_text("require('fs').writeFileSync('bundle.js', '// built\\n');\nconsole.log('bundled');\n")
    (web / "package.json").write_text(json.dumps({
        "name": "web", "version": "1.0.0", "scripts": {"test": "node test.js", "build": "node build.js"},
        "dependencies": {"express": "^4.19.2", "left-pad": "1.3.0"}, "devDependencies": {"eslint": "9.12.0"}}))
    rs = repo / "rs"
    (rs / "src").mkdir(parents=True)
    (rs / "Cargo.toml").write_text('[package]\nname = "rs"\nversion = "0.1.0"\n[dependencies]\n'
                                   'serde = { version = "1", features = ["derive"] }\nlog = "=0.4.22"\n'
                                   '[dev-dependencies]\ntempfile = "3"\n')
    (rs / "src" / "lib.rs").write_text("pub fn one() -> u8 {\n    1\n}\n")
    mk = repo / "mk"
    mk.mkdir()
    (mk / "Makefile").write_text("test:\n\t@echo make tests ran\nbuild:\n\t@echo built > out.txt\n")
    return repo


def test_devtools_frameworks(projects: Path, errlog: TextIO) -> None:

    async def body() -> None:
        async with over_stdio([sys.executable, str(SCRIPT), str(projects)], WIRES[0], errlog) as peer:
            py = structured(await peer.call_tool("run_tests", {"project": "py"}))
            assert py["framework"] == "python" and py["passed"] and py["command"].endswith("-m pytest -q"), py
            assert structured(await peer.call_tool("lint", {"project": "py"}))["clean"] is True
            built = structured(await peer.call_tool("build_project", {"project": "py"}))
            assert built["succeeded"] and built["command"].endswith("-m compileall -q .")

            web = structured(await peer.call_tool("run_tests", {"project": "web", "paths": ["test.js"]}))
            assert web["framework"] == "npm" and web["command"] == "npm test --silent -- test.js" and web["passed"]
            assert 'web tests ran with ["test.js"]' in web["output"]
            assert tool_error(await peer.call_tool("lint", {"project": "web"})) == (
                "no lint command: a npm project (package.json); give one with --lint-cmd")
            bundled = structured(await peer.call_tool("build_project", {"project": "web"}))
            assert bundled["succeeded"] and "bundled" in bundled["output"] and (projects / "web" / "bundle.js").exists()

            assert tool_error(await peer.call_tool("run_tests", {"project": "rs", "paths": ["src"]})) == (
                "the cargo test command cannot be narrowed to paths")

            made = structured(await peer.call_tool("run_tests", {"project": "mk"}))
            assert made["framework"] == "make" and made["command"] == "make test" and "make tests ran" in made["output"]
            assert structured(await peer.call_tool("build_project", {"project": "mk"}))["succeeded"]
            assert (projects / "mk" / "out.txt").read_text() == "built\n"
            assert tool_error(await peer.call_tool("lint", {"project": "mk"})).startswith("no lint command: a make project")

            deps = structured(await peer.call_tool("analyze_dependencies", {"project": "py"}))
            assert deps["manifests"] == ["pyproject.toml", "requirements-dev.txt"]
            assert [(d["name"], d["spec"], d["kind"], d["pinned"]) for d in deps["dependencies"]] == [
                ("httpx", ">=0.27", "runtime", False), ("pydantic", "==2.9.2", "runtime", True),
                ("pytest", None, "optional:dev", False), ("setuptools", ">=61", "build", False),
                ("ruff", "==0.6.9", "dev", True)]
            assert deps["by_kind"] == {"runtime": 2, "optional:dev": 1, "build": 1, "dev": 1}
            node = structured(await peer.call_tool("analyze_dependencies", {"project": "web"}))
            assert node["unpinned"] == ["express"] and node["by_kind"] == {"runtime": 2, "dev": 1}
            cargo = structured(await peer.call_tool("analyze_dependencies", {"project": "rs"}))
            assert [(d["name"], d["spec"], d["kind"], d["pinned"]) for d in cargo["dependencies"]] == [
                ("serde", "1", "runtime", False), ("log", "=0.4.22", "runtime", True), ("tempfile", "3", "dev", False)]

            stats = structured(await peer.call_tool("project_stats", {"project": "web"}))
            assert stats["framework"] == "npm" and stats["complete"] is True
            js = stats["languages"]["JavaScript"]
            assert stats["files"] == 4 and (js["files"], js["lines"]) == (3, 4)  # test.js, build.js, bundle.js
            assert "node_modules/left-pad/index.js" not in [f["path"] for f in stats["largest_files"]]
            whole = structured(await peer.call_tool("project_stats", {}))
            assert whole["languages"]["Rust"] == {"files": 1, "lines": 3, "bytes": len("pub fn one() -> u8 {\n    1\n}\n")}
            assert whole["languages"]["Python"]["files"] == 4 and whole["framework"] == "python"

            for args, message in [({"project": "../x"}, "paths must be relative to the project, without '..'"),
                                  ({"project": "escape"}, "'escape' resolves outside the project"),
                                  ({"project": "calc.py"}, "not a directory: 'calc.py'"),
                                  ({"project": "-rf"}, "not a path: '-rf'")]:
                for tool in ("run_tests", "build_project", "analyze_dependencies", "project_stats"):
                    assert tool_error(await peer.call_tool(tool, args)).startswith(message), (tool, args)

    run(body)
