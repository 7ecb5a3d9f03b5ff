"""A filesystem MCP server confined to one base directory: ``list_files``, ``read_file``,
``create_file``, and every file as a resource (``file:///{+path}``, relative to the base).

Every path a client gives is relative to the base directory. Absolute paths and ``..``
segments are refused outright; what is left is resolved to its real path (following
symlinks) and must still lie inside the base's real path, so a symlink pointing outside is
refused too. Files larger than ``--max-bytes`` are neither read nor written, and new files
are created with ``O_EXCL | O_NOFOLLOW`` so a symlink swapped in at the last moment is not
followed.

Answers, errors included, speak only of paths relative to the base: never of the base's
absolute path, nor of where a symlink leads. The operating system's own errors (``OSError``,
whose text names the absolute path) are caught and reported with the client's path and the
reason alone (``confined``).

    python examples/python/filesystem_server.py [--max-bytes N] [--http HOST:PORT] BASE_DIR
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Dict, Iterator, List

import mcpforge
from mcpforge import Server, ToolError

server = Server(
    "mcpforge-filesystem",
    version=mcpforge.__version__,
    instructions="Lists, reads and creates files inside one directory. Paths are relative to it.",
)

# Set by main() from the command line.
BASE: Path = Path(".").resolve()
MAX_BYTES = 1024 * 1024


def resolve(path: str) -> Path:
    """The real path of ``path`` (relative to the base), refused unless it is inside the base."""
    if not path or "\0" in path:
        raise ToolError("the path is empty or contains a NUL character")
    relative = PurePosixPath(path)
    if relative.is_absolute() or path.startswith("\\") or (len(path) > 1 and path[1] == ":"):
        raise ToolError("absolute paths are not allowed (give a path relative to the base directory)")
    if ".." in relative.parts:
        raise ToolError(f"'..' is not allowed in paths: {path!r}")
    real = (BASE / relative).resolve()
    if real != BASE and BASE not in real.parents:
        raise ToolError(f"{path!r} resolves outside the base directory (through a symbolic link)")
    return real


@contextlib.contextmanager
def confined(path: str) -> Iterator[None]:
    """Reports the operating system's errors while serving ``path`` by the client's path and
    the reason only: their own text names the absolute path."""
    try:
        yield
    except OSError as e:
        raise ToolError(f"cannot access {path!r}: {e.strerror or type(e).__name__}") from None
    except RuntimeError:  # Path.resolve() on a symlink loop (before Python 3.13, which raises OSError)
        raise ToolError(f"cannot access {path!r}: too many levels of symbolic links") from None


def shown(real: Path) -> str:
    """How a resolved path is shown to the client: relative to the base."""
    return real.relative_to(BASE).as_posix() if real != BASE else "."


def read_checked(path: str) -> bytes:
    """The bytes of a regular file inside the base, at most MAX_BYTES of them."""
    real = resolve(path)
    if not real.exists():
        raise ToolError(f"no such file: {path!r}")
    if not real.is_file():
        raise ToolError(f"not a regular file: {path!r}")
    size = real.stat().st_size
    if size > MAX_BYTES:
        raise ToolError(f"{path!r} is {size} bytes, more than the {MAX_BYTES}-byte limit")
    with open(real, "rb") as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:  # it grew since stat
        raise ToolError(f"{path!r} is more than the {MAX_BYTES}-byte limit")
    return data


@server.tool(title="List files", annotations={"readOnlyHint": True})
def list_files(
    path: Annotated[str, "A directory relative to the base directory."] = ".",
    recursive: Annotated[bool, "Also list subdirectories' contents."] = False,
) -> Dict[str, Any]:
    """List the entries of a directory: name, type (file, directory, symlink) and size."""
    with confined(path):
        real = resolve(path)
        if not real.is_dir():
            raise ToolError(f"not a directory: {path!r}")
        entries: List[Dict[str, Any]] = []
        walker = sorted(real.rglob("*")) if recursive else sorted(real.iterdir())
        for entry in walker:
            kind = "symlink" if entry.is_symlink() else "directory" if entry.is_dir() else "file"
            entries.append(
                {
                    "path": entry.relative_to(BASE).as_posix(),
                    "type": kind,
                    "size": entry.lstat().st_size if kind == "file" else None,
                }
            )
        return {"directory": shown(real), "entries": entries}


@server.tool(title="Read a file", annotations={"readOnlyHint": True})
def read_file(path: Annotated[str, "A file relative to the base directory."]) -> str:
    """Read a UTF-8 text file."""
    with confined(path):
        data = read_checked(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ToolError(f"{path!r} is not UTF-8 text") from None


@server.tool(title="Create a file", annotations={"destructiveHint": False})
def create_file(
    path: Annotated[str, "The new file, relative to the base directory; missing parent directories are created."],
    content: Annotated[str, "The file's text (UTF-8)."],
    overwrite: Annotated[bool, "Replace the file when it exists."] = False,
) -> Dict[str, Any]:
    """Create a text file (or replace one with overwrite)."""
    data = content.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise ToolError(f"the content is {len(data)} bytes, more than the {MAX_BYTES}-byte limit")
    with confined(path):
        real = resolve(path)
        if real == BASE or real.is_dir():
            raise ToolError(f"{path!r} is a directory")
        real.parent.mkdir(parents=True, exist_ok=True)
        resolve(shown(real.parent))  # the created parents are still inside (no race through a link)
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_TRUNC if overwrite else os.O_EXCL)
        try:
            fd = os.open(real, flags, 0o644)
        except FileExistsError:
            raise ToolError(f"{path!r} already exists (pass overwrite: true to replace it)") from None
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return {"path": shown(real), "bytes": len(data), "overwritten": overwrite}


@server.resource(
    "file:///{+path}",
    name="file",
    description="A file inside the base directory (text files as text, others as a blob).",
)
def file_resource(path: str) -> Any:
    """A missing file is "resource not found"; a refused path an invalid-params error."""
    with confined(path):
        if not resolve(path).exists():
            return None
        data = read_checked(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def main() -> int:
    global BASE, MAX_BYTES
    parser = argparse.ArgumentParser(description="files inside one directory over MCP")
    parser.add_argument("base", help="the directory the server may read and write")
    parser.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="the largest file read or written (default 1 MiB)")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    BASE = Path(args.base).resolve()
    if not BASE.is_dir():
        parser.error(f"{args.base} is not a directory")
    if args.max_bytes < 1:
        parser.error("--max-bytes must be positive")
    MAX_BYTES = args.max_bytes
    server.serve(http=args.http)  # stdio, or HTTP with --http; returns on EOF, Ctrl-C or SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())
