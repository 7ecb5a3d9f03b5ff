"""A developer-tools MCP server for the projects under one base directory: ``git_status``,
``git_log``, ``run_tests``, ``lint``, ``build_project``, ``analyze_dependencies`` and
``project_stats``.

The test, lint and build commands follow the project's framework, read from the files at
its root: ``Cargo.toml`` (cargo), ``package.json`` (npm, with the scripts it defines),
``pyproject.toml``/``setup.py``/``setup.cfg``/``pytest.ini``/``tox.ini`` (pytest,
ruff or compileall; also Python files at the root), then a ``Makefile`` (its ``test``, ``lint`` and ``build`` targets).
``--test-cmd``, ``--lint-cmd`` and ``--build-cmd`` replace what is detected.

Every command runs as an argument list (never through a shell) in the project directory,
with a time limit, standard input closed and its output kept to the last
``MAX_OUTPUT_CHARS`` characters (written to a temporary file, so a chatty command cannot fill
the memory), so nothing the model passes can become a command. A tool's ``project`` is a
directory inside the base (default: the base itself). The model can only narrow the test and
lint commands to existing paths inside the project: ``..``, absolute paths, symlinks that
lead out, and anything that reads as an option (``-x``, ``--flag``) or as an argument file
(``@file``, which pytest and other argparse programs expand into arguments) are refused, the
last two also after normalization (``./-x``). The paths go after ``--``, so the commands must
accept it (pytest, ruff, mypy, compileall and npm do), and git takes them as literal paths
(``GIT_LITERAL_PATHSPECS``), never as pathspec magic.

    python examples/python/devtools_server.py [--test-cmd "python -m pytest -q"]
        [--lint-cmd "python -m compileall -q"] [--build-cmd CMD] [--timeout SECONDS]
        [--http HOST:PORT] BASE_DIR
"""

from __future__ import annotations

import argparse
import configparser
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Dict, Iterator, List, Optional, Tuple

import mcpforge
from mcpforge import Field, Server, ToolError

MAX_OUTPUT_CHARS = 20_000
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_STATS_FILES = 50_000  # project_stats stops walking after this many files (and says so)
MAX_COUNTED_BYTES = 8 * 1024 * 1024  # larger files are counted, their lines are not
SKIPPED_DIRS = {".git", ".hg", ".svn", "node_modules", "target", "__pycache__", ".venv", "venv", ".tox",
                ".mypy_cache", ".pytest_cache", ".ruff_cache", "dist", "build"}
LANGUAGES = {".py": "Python", ".pyi": "Python", ".rs": "Rust", ".js": "JavaScript", ".mjs": "JavaScript",
             ".cjs": "JavaScript", ".ts": "TypeScript", ".tsx": "TypeScript", ".jsx": "JavaScript", ".c": "C",
             ".h": "C", ".cc": "C++", ".cpp": "C++", ".hpp": "C++", ".go": "Go", ".java": "Java", ".rb": "Ruby",
             ".sh": "Shell", ".md": "Markdown", ".rst": "reStructuredText", ".toml": "TOML", ".json": "JSON",
             ".yaml": "YAML", ".yml": "YAML", ".html": "HTML", ".css": "CSS", ".sql": "SQL"}

server = Server(
    "mcpforge-devtools",
    version=mcpforge.__version__,
    instructions="Inspect a project's git state, run its tests, linter and build, read its dependencies and size.",
)

BASE = Path(".").resolve()
OVERRIDES: Dict[str, List[str]] = {}  # "test", "lint", "build" -> the command given on the command line
TIMEOUT = 120.0


# ----- running commands ----------------------------------------------------------------------


@dataclass
class Finished:
    """A command that ran to its end: its exit code, the tail of its output, its duration."""

    command: List[str]
    exit_code: int
    output: str
    seconds: float


def run(command: List[str], cwd: Path, timeout: Optional[float] = None) -> Finished:
    """Runs ``command`` in ``cwd``, no shell, bounded in time; stdout and stderr go to one
    temporary file, of which the last ``MAX_OUTPUT_CHARS`` characters are kept."""
    limit = timeout or TIMEOUT
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat", "NO_COLOR": "1",
           "GIT_LITERAL_PATHSPECS": "1", "CI": "1"}
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        try:
            done = subprocess.run(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                  timeout=limit, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise ToolError(f"{shlex.join(command)} did not finish within {limit:g} s and was stopped") from None
        except OSError as e:
            raise ToolError(f"cannot run {command[0]}: {e.strerror}") from None
        size = out.seek(0, os.SEEK_END)
        out.seek(max(0, size - 4 * MAX_OUTPUT_CHARS))
        text = out.read().decode("utf-8", "replace")
    if size > 4 * MAX_OUTPUT_CHARS or len(text) > MAX_OUTPUT_CHARS:
        text = "…" + text[-MAX_OUTPUT_CHARS:]
    return Finished(command, done.returncode, text, round(time.monotonic() - started, 3))


def git(*args: str) -> str:
    """git's standard output; a failure is a tool error with what git said."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "GIT_LITERAL_PATHSPECS": "1"}
        try:
            done = subprocess.run(["git", "--no-pager", *args], cwd=BASE, stdin=subprocess.DEVNULL, stdout=out,
                                  stderr=err, timeout=min(TIMEOUT, 30), env=env, check=False)
        except subprocess.TimeoutExpired:
            raise ToolError(f"git {args[0]} did not finish in time and was stopped") from None
        except OSError as e:
            raise ToolError(f"cannot run git: {e.strerror}") from None
        if done.returncode != 0:
            err.seek(0)
            raise ToolError(f"git {args[0]} failed: {err.read(4096).decode('utf-8', 'replace').strip() or done.returncode}")
        out.seek(0)
        return out.read(MAX_MANIFEST_BYTES).decode("utf-8", "replace")


# ----- paths ---------------------------------------------------------------------------------


def inside(base: Path, path: str) -> Tuple[str, Path]:
    """``path`` checked to be an existing path inside ``base``, neither an option nor an
    argument file: its normalized relative form (to be passed after ``--``) and real path."""
    relative = PurePosixPath(path)
    if not path or path.startswith(("-", "@")) or relative.as_posix().startswith(("-", "@")):
        raise ToolError(f"not a path: {path!r} (options and @argument files cannot be passed)")
    if relative.is_absolute() or ".." in relative.parts:
        raise ToolError(f"paths must be relative to the project, without '..': {path!r}")
    real = (base / relative).resolve()
    if real != base and base not in real.parents:
        raise ToolError(f"{path!r} resolves outside the project")
    if not real.exists():
        raise ToolError(f"no such file or directory in the project: {path!r}")
    return relative.as_posix(), real


def project_paths(paths: List[str], base: Optional[Path] = None) -> List[str]:
    """Each of ``paths`` checked by ``inside`` (relative to ``base``, default the base directory)."""
    return [inside(base or BASE, path)[0] for path in paths]


def project_dir(project: str) -> Path:
    """The project directory ``project`` names: a directory inside the base."""
    if project in ("", "."):
        return BASE
    real = inside(BASE, project)[1]
    if not real.is_dir():
        raise ToolError(f"not a directory: {project!r}")
    return real


# ----- frameworks ----------------------------------------------------------------------------

PYTHON_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "pytest.ini", "tox.ini")


@dataclass
class Framework:
    """What a project is built with, and its commands (``None``: it has none for that job)."""

    name: str
    marker: str
    commands: Dict[str, Optional[List[str]]] = field(default_factory=dict)
    takes_paths: bool = True  # whether `-- paths` narrows its test and lint commands


def read_manifest(path: Path) -> str:
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise ToolError(f"{path.name} is larger than {MAX_MANIFEST_BYTES} bytes")
    return path.read_text(encoding="utf-8", errors="replace")


def package_scripts(directory: Path) -> Dict[str, str]:
    try:
        scripts = json.loads(read_manifest(directory / "package.json")).get("scripts") or {}
    except ValueError as e:
        raise ToolError(f"package.json does not parse: {e}") from None
    return {k: v for k, v in scripts.items() if isinstance(v, str)} if isinstance(scripts, dict) else {}


def make_targets(directory: Path) -> set[str]:
    return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", read_manifest(directory / "Makefile"), re.MULTILINE))


def python_lint() -> List[str]:
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff", "check"]
    if shutil.which("ruff"):
        return ["ruff", "check"]
    return [sys.executable, "-m", "compileall", "-q"]


def detect(directory: Path) -> Framework:
    """The framework of the project in ``directory``, from the files at its root."""
    if (directory / "Cargo.toml").is_file():
        return Framework("cargo", "Cargo.toml", {"test": ["cargo", "test"], "lint": ["cargo", "clippy"],
                                                 "build": ["cargo", "build"]}, takes_paths=False)
    if (directory / "package.json").is_file():
        scripts = package_scripts(directory)
        return Framework("npm", "package.json", {
            "test": ["npm", "test", "--silent"] if "test" in scripts else None,
            "lint": ["npm", "run", "--silent", "lint"] if "lint" in scripts else None,
            "build": ["npm", "run", "--silent", "build"] if "build" in scripts else None,
        })
    marker = next((m for m in PYTHON_MARKERS if (directory / m).is_file()), None)
    if marker is None and any(directory.glob("*.py")):
        marker = "*.py"
    if marker is not None:
        return Framework("python", marker, {"test": [sys.executable, "-m", "pytest", "-q"], "lint": python_lint(),
                                            "build": [sys.executable, "-m", "compileall", "-q", "."]})
    if (directory / "Makefile").is_file():
        targets = make_targets(directory)
        return Framework("make", "Makefile", {job: ["make", job] if job in targets else None
                                              for job in ("test", "lint", "build")}, takes_paths=False)
    return Framework("unknown", "", {})


def command_for(job: str, directory: Path) -> Tuple[Framework, List[str]]:
    """The command of ``job`` for the project in ``directory``: the one given on the command
    line, else the framework's; a tool error when there is none."""
    framework = detect(directory)
    if job in OVERRIDES:
        return Framework(framework.name, framework.marker, {job: OVERRIDES[job]}), OVERRIDES[job]
    command = framework.commands.get(job)
    if command is None:
        found = f"a {framework.name} project ({framework.marker})" if framework.marker else "no known project files"
        raise ToolError(f"no {job} command: {found}; give one with --{job}-cmd")
    return framework, command


def run_job(job: str, project: str, paths: List[str], default_paths: Optional[List[str]] = None) -> Tuple[Framework, Finished]:
    directory = project_dir(project)
    framework, command = command_for(job, directory)
    checked = project_paths(paths, directory)
    if checked and job not in OVERRIDES and not framework.takes_paths:
        raise ToolError(f"the {framework.name} {job} command cannot be narrowed to paths")
    if checked or default_paths:
        command = command + ["--", *(checked or default_paths or [])]
    return framework, run(command, directory)


def report(framework: Framework, done: Finished, ok: str) -> Dict[str, Any]:
    return {"framework": framework.name, "command": shlex.join(done.command), "exit_code": done.exit_code,
            ok: done.exit_code == 0, "seconds": done.seconds, "output": done.output}


# ----- tools: git ----------------------------------------------------------------------------

ProjectArg = Annotated[str, "A project directory inside the base directory (default: the base itself)."]


@server.tool(title="git status", annotations={"readOnlyHint": True})
def git_status() -> Dict[str, Any]:
    """The current branch, its upstream divergence, and the changed, staged and untracked files."""
    lines = git("status", "--porcelain=v1", "--branch", "-z").split("\0")
    header, entries = lines[0], [line for line in lines[1:] if line]
    branch = header[3:].split("...")[0] if header.startswith("## ") else None
    files = []
    skip = False
    for entry in entries:
        if skip:  # the source of a rename
            skip = False
            continue
        index, worktree, path = entry[0], entry[1], entry[3:]
        skip = "R" in (index, worktree) or "C" in (index, worktree)
        files.append({"path": path, "index": index.strip() or None, "worktree": worktree.strip() or None,
                      "untracked": index == "?"})
    return {"branch": branch, "clean": not files, "files": files}


@server.tool(title="git log", annotations={"readOnlyHint": True})
def git_log(
    max_count: Annotated[int, Field(ge=1, le=200, description="How many commits.")] = 10,
    path: Annotated[Optional[str], "Only commits touching this path."] = None,
) -> Dict[str, Any]:
    """The latest commits: hash, author, date (ISO 8601) and subject."""
    args = ["log", f"--max-count={max_count}", "--format=%H%x1f%an%x1f%aI%x1f%s%x1e"]
    if path is not None:
        args += ["--", *project_paths([path])]
    commits = []
    for record in git(*args).split("\x1e"):
        fields = record.strip("\n").split("\x1f")
        if len(fields) == 4:
            commits.append(dict(zip(("hash", "author", "date", "subject"), fields)))
    return {"commits": commits}


# ----- tools: test, lint, build --------------------------------------------------------------


@server.tool(title="Run the tests", annotations={"readOnlyHint": False, "destructiveHint": False})
def run_tests(
    paths: Annotated[List[str], "Test files or directories to limit the run to."] = [],  # noqa: B006
    project: ProjectArg = ".",
) -> Dict[str, Any]:
    """Run the project's tests (pytest, npm test, cargo test or make test, by its files;
    optionally on some paths) and report whether they passed."""
    return report(*run_job("test", project, paths), "passed")


@server.tool(title="Lint", annotations={"readOnlyHint": True})
def lint(
    paths: Annotated[List[str], "Files or directories to lint (default: the project)."] = [],  # noqa: B006
    project: ProjectArg = ".",
) -> Dict[str, Any]:
    """Run the project's linter (ruff or compileall, npm run lint, cargo clippy or make lint,
    by its files) and report its findings."""
    framework, _ = command_for("lint", project_dir(project))
    default = ["."] if "lint" in OVERRIDES or framework.name == "python" else None
    return report(*run_job("lint", project, paths, default), "clean")


@server.tool(title="Build the project", annotations={"readOnlyHint": False, "destructiveHint": False})
def build_project(project: ProjectArg = ".") -> Dict[str, Any]:
    """Build the project (cargo build, npm run build, make build, or byte-compile a Python
    project, by its files) and report whether it succeeded, with the end of its output."""
    return report(*run_job("build", project, []), "succeeded")


# ----- tools: dependencies and statistics ----------------------------------------------------

REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*?)\s*$")


def requirement(text: str, kind: str, manifest: str) -> Dict[str, Any]:
    """A PEP 508 requirement split into its name and the rest (version and markers)."""
    match = REQUIREMENT.match(text)
    name, spec = (match.group(1), match.group(3)) if match else (text.strip(), "")
    return {"name": name, "spec": spec or None, "kind": kind, "manifest": manifest, "pinned": spec.startswith("==")}


def versioned(name: str, spec: Any, kind: str, manifest: str) -> Dict[str, Any]:
    """A package.json or Cargo.toml entry (a version string, or a table with ``version``)."""
    version = spec.get("version") if isinstance(spec, dict) else spec
    text = version if isinstance(version, str) else None
    pinned = bool(text) and (re.fullmatch(r"=?\d+\.\d+\.\d+\S*", text or "") is not None)
    return {"name": name, "spec": text or (json.dumps(spec) if spec else None), "kind": kind, "manifest": manifest,
            "pinned": pinned}


def python_dependencies(directory: Path) -> Iterator[Dict[str, Any]]:
    if (directory / "pyproject.toml").is_file():
        try:
            data = tomllib.loads(read_manifest(directory / "pyproject.toml"))
        except tomllib.TOMLDecodeError as e:
            raise ToolError(f"pyproject.toml does not parse: {e}") from None
        project = data.get("project") or {}
        for text in project.get("dependencies") or []:
            yield requirement(text, "runtime", "pyproject.toml")
        for extra, texts in (project.get("optional-dependencies") or {}).items():
            for text in texts:
                yield requirement(text, f"optional:{extra}", "pyproject.toml")
        for text in (data.get("build-system") or {}).get("requires") or []:
            yield requirement(text, "build", "pyproject.toml")
    for path in sorted(directory.glob("requirements*.txt")):
        kind = "runtime" if path.name == "requirements.txt" else "dev"
        for line in read_manifest(path).splitlines():
            line = line.split(" #")[0].strip()
            if line and not line.startswith(("#", "-")):
                yield requirement(line, kind, path.name)


def node_dependencies(directory: Path) -> Iterator[Dict[str, Any]]:
    if not (directory / "package.json").is_file():
        return
    try:
        data = json.loads(read_manifest(directory / "package.json"))
    except ValueError as e:
        raise ToolError(f"package.json does not parse: {e}") from None
    for section, kind in (("dependencies", "runtime"), ("devDependencies", "dev"), ("peerDependencies", "peer"),
                          ("optionalDependencies", "optional")):
        for name, spec in (data.get(section) or {}).items():
            yield versioned(name, spec, kind, "package.json")


def cargo_dependencies(directory: Path) -> Iterator[Dict[str, Any]]:
    if not (directory / "Cargo.toml").is_file():
        return
    try:
        data = tomllib.loads(read_manifest(directory / "Cargo.toml"))
    except tomllib.TOMLDecodeError as e:
        raise ToolError(f"Cargo.toml does not parse: {e}") from None
    for section, kind in (("dependencies", "runtime"), ("dev-dependencies", "dev"), ("build-dependencies", "build")):
        for name, spec in (data.get(section) or {}).items():
            yield versioned(name, spec, kind, "Cargo.toml")


@server.tool(title="Analyze dependencies", annotations={"readOnlyHint": True})
def analyze_dependencies(project: ProjectArg = ".") -> Dict[str, Any]:
    """The project's declared dependencies, read from pyproject.toml, requirements*.txt,
    package.json and Cargo.toml: name, version requirement, kind (runtime, dev, build,
    optional) and whether the version is pinned exactly; with counts per kind."""
    directory = project_dir(project)
    dependencies = [*python_dependencies(directory), *node_dependencies(directory), *cargo_dependencies(directory)]
    kinds: Dict[str, int] = {}
    for d in dependencies:
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    return {"framework": detect(directory).name, "manifests": sorted({d["manifest"] for d in dependencies}),
            "total": len(dependencies), "by_kind": kinds, "unpinned": sorted({d["name"] for d in dependencies if not d["pinned"]}),
            "dependencies": dependencies}


def count_lines(path: Path, size: int) -> Optional[int]:
    """The number of lines of a text file; None for binary files (a NUL byte in the first
    block) and files above ``MAX_COUNTED_BYTES``."""
    if size > MAX_COUNTED_BYTES:
        return None
    lines, last = 0, b"\n"
    with path.open("rb") as f:
        first = True
        while block := f.read(65536):
            if first and b"\0" in block:
                return None
            first = False
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


@server.tool(title="Project statistics", annotations={"readOnlyHint": True})
def project_stats(project: ProjectArg = ".") -> Dict[str, Any]:
    """Files, lines and bytes of the project per language (by file extension), and its five
    largest files. Version-control, dependency and build directories (.git, node_modules,
    target, .venv, dist, build, caches) are skipped, and symlinks are not followed."""
    directory = project_dir(project)
    languages: Dict[str, Dict[str, int]] = {}
    largest: List[Tuple[int, str]] = []
    files = total_bytes = total_lines = 0
    complete = True
    for root, dirs, names in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info"))
        for name in sorted(names):
            if files >= MAX_STATS_FILES:
                complete = False
                break
            path = Path(root) / name
            if path.is_symlink() or not path.is_file():
                continue
            size = path.stat().st_size
            lines = count_lines(path, size)
            language = LANGUAGES.get(path.suffix.lower(), "other")
            entry = languages.setdefault(language, {"files": 0, "lines": 0, "bytes": 0})
            entry["files"] += 1
            entry["bytes"] += size
            entry["lines"] += lines or 0
            files, total_bytes, total_lines = files + 1, total_bytes + size, total_lines + (lines or 0)
            largest = sorted([*largest, (size, path.relative_to(directory).as_posix())], key=lambda e: (-e[0], e[1]))[:5]
        if not complete:
            break
    return {"framework": detect(directory).name, "files": files, "lines": total_lines, "bytes": total_bytes,
            "complete": complete, "languages": dict(sorted(languages.items())),
            "largest_files": [{"path": p, "bytes": s} for s, p in largest]}


def main() -> int:
    global BASE, TIMEOUT
    parser = argparse.ArgumentParser(description="git, tests, lint, build and statistics of projects over MCP")
    parser.add_argument("root", help="the base directory (a git work tree); projects are directories inside it")
    for job in ("test", "lint", "build"):
        parser.add_argument(f"--{job}-cmd", help=f"the {job} command (default: chosen by the project's files)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds a command may take (default 120)")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    BASE = Path(args.root).resolve()
    if not BASE.is_dir():
        parser.error(f"{args.root} is not a directory")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    TIMEOUT = args.timeout
    for job in ("test", "lint", "build"):
        given = getattr(args, f"{job}_cmd")
        if given:
            OVERRIDES[job] = shlex.split(given)
    server.serve(http=args.http)  # stdio, or HTTP with --http; returns on EOF, Ctrl-C or SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())
