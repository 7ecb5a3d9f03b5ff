#!/usr/bin/env python3
"""Tests of scripts/floors/python_graph.py (run by `make lint`): on a small package made for
each case, the graph has an edge for each import that runs when a file is loaded, however
it is spelled (relative, absolute, `from . import module`, a submodule through its
package), none for what runs later or never (inside a function, under `if TYPE_CHECKING:`)
or lies outside the package; and the imports inside functions are listed unless a comment
says why they wait."""

from __future__ import annotations

import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floors import python_graph  # noqa: E402


class Package:
    """A package named `pkg` in a temporary folder, written file by file."""

    def __init__(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.root = Path(self.dir.name) / "pkg"
        self.write("__init__.py", "")

    def write(self, rel: str, text: str) -> "Package":
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return self

    def close(self) -> None:
        self.dir.cleanup()


class GraphTest(unittest.TestCase):
    def setUp(self) -> None:
        self.pkg = Package()
        self.addCleanup(self.pkg.close)

    def graph(self) -> dict[str, set[str]]:
        return python_graph.graph(self.pkg.root)

    def test_each_spelling_of_an_import_is_an_edge(self) -> None:
        self.pkg.write("a.py", "").write("b.py", "").write("c.py", "").write("d.py", "")
        self.pkg.write(
            "user.py",
            """
            from . import a
            from .b import thing
            import pkg.c
            from pkg.d import other
            import json
            from ._native import fast
            """,
        )
        self.assertEqual(self.graph()["user.py"], {"a.py", "b.py", "c.py", "d.py"})

    def test_a_submodule_loads_its_package_first(self) -> None:
        self.pkg.write("sub/__init__.py", "").write("sub/inner.py", "from ..base import X\nfrom . import sibling\n")
        self.pkg.write("sub/sibling.py", "").write("base.py", "X = 1\n")
        self.pkg.write("user.py", "from .sub.inner import Y\nfrom .sub import sibling\n")
        graph = self.graph()
        self.assertEqual(graph["user.py"], {"sub/__init__.py", "sub/inner.py", "sub/sibling.py"})
        # Inside `sub/`, its own `__init__.py` is already loading: no edge to it.
        self.assertEqual(graph["sub/inner.py"], {"base.py", "sub/sibling.py"})

    def test_a_name_of_a_module_is_an_edge_to_that_module(self) -> None:
        self.pkg.write("sub/__init__.py", "from .part import P\n").write("sub/part.py", "P = 1\n")
        self.pkg.write("user.py", "from .sub import P\n")
        self.assertEqual(self.graph()["user.py"], {"sub/__init__.py"})

    def test_only_what_runs_on_loading_is_an_edge(self) -> None:
        for name in ("a", "b", "c", "d", "e", "f"):
            self.pkg.write(f"{name}.py", "")
        self.pkg.write(
            "user.py",
            """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from .a import A
            else:
                from .b import B
            try:
                from .c import C
            except ImportError:
                from .f import F
            def later():
                from .d import D
            class K:
                from .e import E
            """,
        )
        self.assertEqual(self.graph()["user.py"], {"b.py", "c.py", "e.py", "f.py"})

    def test_a_file_that_imports_itself_is_no_edge(self) -> None:
        # Python hands the file its own module, half loaded, from sys.modules: no other file is
        # involved, so there is no circle of files to report.
        self.pkg.write("a.py", "from . import a\nimport pkg.a\nfrom .a import X\nX = 1\n")
        self.assertEqual(self.graph()["a.py"], set())

    def test_a_circle_shows_in_the_graph(self) -> None:
        self.pkg.write("a.py", "from .b import B\nA = 1\n").write("b.py", "from . import a\nB = 2\n")
        graph = self.graph()
        self.assertIn("b.py", graph["a.py"])
        self.assertIn("a.py", graph["b.py"])


class FunctionImportsTest(unittest.TestCase):
    def test_imports_inside_functions_are_listed_unless_a_comment_says_why(self) -> None:
        pkg = Package()
        self.addCleanup(pkg.close)
        pkg.write("a.py", "")
        pkg.write(
            "user.py",
            """
            import json
            def f():
                from .a import A
                import asyncio  # loaded on use
                from pydantic import TypeAdapter  # optional dependency
                import signal
            async def g():
                from .a import (
                    B,
                )
            """,
        )
        found = python_graph.function_imports(pkg.root)
        self.assertEqual(found, [("user.py", 4, "from .a import A"), ("user.py", 7, "import signal"), ("user.py", 9, "from .a import (")])


if __name__ == "__main__":
    unittest.main()
