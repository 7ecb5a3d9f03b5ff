"""The servers of test_python_mount.py, run over stdio by the official client:

- `leaf NAME`: a small server whose items all say NAME (tools `echo`, `pid` and `grow`,
  which adds the tool `extra`; resource `data://info`, template `data://item/{id}`, prompt
  `greet` with a completion for its argument `who`);
- `parent PYTHON [HOST:PORT]`: its own tool `echo` beside two leaves of this process
  mounted under `a` and `b` (their tools clash with its own and each other's) and a leaf
  run as a child process (`PYTHON mount_servers.py leaf c`) mounted under `c`; over stdio,
  or Streamable HTTP at HOST:PORT;
- `proxy PYTHON`: `Server.as_proxy` of a leaf run as a child process.
"""

from __future__ import annotations

import os
import sys

from mcpforge import Server, Upstream

HERE = os.path.abspath(__file__)


def leaf(name: str) -> Server:
    server = Server(name)

    @server.tool()
    def echo(text: str) -> str:
        return f"{name}: {text}"

    @server.tool()
    def pid() -> int:
        return os.getpid()

    @server.tool()
    def grow() -> str:
        server.add_tool(lambda: f"{name} extra", name="extra")
        return "grown"

    @server.resource("data://info")
    def info() -> str:
        return f"info of {name}"

    @server.resource("data://item/{id}")
    def item(id: str) -> str:
        return f"{name} item {id}"

    @server.prompt()
    def greet(who: str) -> str:
        return f"{name} greets {who}"

    @server.completion(prompt="greet")
    def whom(argument: str, value: str) -> list[str]:
        return [f"{name}-{value}"] if argument == "who" else []

    return server


def child(python: str, name: str) -> Upstream:
    return Upstream.command([python, HERE, "leaf", name], mode="shared", name=name)


def main() -> None:
    role = sys.argv[1]
    if role == "leaf":
        leaf(sys.argv[2]).run()
    elif role == "parent":
        parent = Server("parent")

        @parent.tool()
        def echo(text: str) -> str:
            return f"parent: {text}"

        parent.mount(leaf("a"), prefix="a")
        parent.mount("b", leaf("b"))
        parent.mount(child(sys.argv[2], "c"), prefix="c")
        parent.serve(http=sys.argv[3] if len(sys.argv) > 3 else None)
    elif role == "proxy":
        Server.as_proxy(child(sys.argv[2], "p"), name="proxy").run()
    else:
        raise SystemExit(f"unknown role {role}")


if __name__ == "__main__":
    main()
