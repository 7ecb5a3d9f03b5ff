#!/usr/bin/env python3
"""Tests of scripts/check-circles.py and its readers (run by `make lint`): on a small tree
made for each case, a tree without a circle passes and a circle fails, however the import
is spelled: in Rust a `use` tree, a path in code, `super::`, a renamed module, a glob
import, in a library or a program (but not a name a module only re-exports); in JavaScript `require` at the top or inside a function,
`import`/`export ... from`, `import()`, a folder's `index.js` (but not a name in a comment
or a string); in Python whatever scripts/floors/python_graph.py reports (imports inside
functions too), and a missing reader fails loudly."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
import tempfile
import types
import unittest
from pathlib import Path
from typing import Callable, Iterator

SPEC = importlib.util.spec_from_file_location("check_circles", Path(__file__).with_name("check-circles.py"))
assert SPEC and SPEC.loader
check_circles = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(check_circles)

from floors import cycles, js_graph  # noqa: E402 (check-circles.py put scripts/ on the path)


class Tree:
    """A few source files in a temporary folder, checked as one source root."""

    def __init__(self, files: dict[str, str], reader: Callable) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.root = Path(self.dir.name)
        self.reader = reader
        for rel, text in files.items():
            self.write(rel, text)

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def problems(self) -> list[str]:
        return check_circles.problems([(self.root, "root", self.reader)])

    def __enter__(self) -> "Tree":
        return self

    def __exit__(self, *_: object) -> None:
        self.dir.cleanup()


def crate() -> Tree:
    """`lib.rs` and `dispatch/{mod,a,b,c}.rs`; b imports a."""
    return Tree(
        {
            "lib.rs": "//! crate\npub mod dispatch;\n",
            "dispatch/mod.rs": "//! dispatch\npub mod a;\npub mod b;\npub mod c;\n",
            "dispatch/a.rs": "//! a\npub struct A;\n",
            "dispatch/b.rs": "//! b\nuse crate::dispatch::a::A;\npub struct B(A);\n",
            "dispatch/c.rs": "//! c\npub struct C;\n",
        },
        check_circles.rust_edges,
    )


class RustTest(unittest.TestCase):
    def test_a_crate_without_circles_passes(self) -> None:
        with crate() as c:
            self.assertEqual(c.problems(), [])

    def test_two_modules_that_import_each_other_through_super_fail(self) -> None:
        with crate() as c:
            c.write("dispatch/a.rs", "//! a\nuse super::b::B;\npub struct A(Option<Box<B>>);\n")
            found = c.problems()
            self.assertIn("root: circle of 2 files: dispatch/a.rs, dispatch/b.rs", found)
            self.assertIn("    dispatch/a.rs -> dispatch/b.rs -> dispatch/a.rs", found)
            self.assertIn("        dispatch/a.rs imports dispatch/b.rs (super::b::B)", found)

    def test_a_circle_through_a_use_tree_and_a_path_in_code_fails(self) -> None:
        with crate() as c:
            c.write("dispatch/c.rs", "//! c\nuse crate::dispatch::{a::A, b};\npub fn f(_: A) -> b::B { todo!() }\n")
            c.write("dispatch/a.rs", "//! a\npub struct A;\npub fn g() { crate::dispatch::c::f(A); }\n")
            found = c.problems()
            self.assertIn("root: circle of 3 files: dispatch/a.rs, dispatch/b.rs, dispatch/c.rs", found)
            self.assertIn("    dispatch/a.rs -> dispatch/c.rs -> dispatch/b.rs -> dispatch/a.rs", found)
            self.assertIn("        dispatch/c.rs imports dispatch/b.rs (b::B)", found)

    def test_a_renamed_module_is_followed(self) -> None:
        with crate() as c:
            c.write("dispatch/a.rs", "//! a\nuse crate::dispatch::b as other;\npub fn g() { other::make(); }\n")
            c.write("dispatch/b.rs", "//! b\nuse crate::dispatch::a::g;\npub fn make() { g() }\n")
            self.assertIn("root: circle of 2 files: dispatch/a.rs, dispatch/b.rs", c.problems())

    def test_a_name_only_re_exported_is_no_edge_to_the_re_exporter(self) -> None:
        with crate() as c:
            # mod.rs re-exports A and uses b; b imports A through the re-export: no circle.
            c.write("dispatch/mod.rs", "//! d\npub mod a;\npub mod b;\npub mod c;\npub use a::A;\nuse b::B;\n")
            c.write("dispatch/b.rs", "//! b\nuse crate::dispatch::A;\npub struct B(A);\n")
            self.assertEqual(c.problems(), [])

    def test_a_glob_import_of_a_parent_closes_a_circle(self) -> None:
        with crate() as c:
            c.write("dispatch/mod.rs", "//! d\npub mod a;\npub mod b;\npub mod c;\npub struct D(a::A);\nuse self::a::A;\n")
            c.write("dispatch/a.rs", "//! a\nuse super::*;\npub struct A;\n")
            self.assertIn("root: circle of 2 files: dispatch/a.rs, dispatch/mod.rs", c.problems())

    def test_a_program_s_modules_are_read_from_main_rs_and_bin_is_left_out(self) -> None:
        files = {
            "main.rs": "//! program\nmod run;\nfn main() { crate::run::go(); }\npub fn helper() {}\n",
            "run.rs": "//! run\npub fn go() { super::helper(); }\n",
            "bin/other.rs": "//! another program\nfn main() { crate::run::go(); }\n",
        }
        with Tree(files, check_circles.rust_edges) as t:
            self.assertIn("root: circle of 2 files: main.rs, run.rs", t.problems())
            self.assertNotIn("bin/other.rs", check_circles.rust_edges(t.root))

    def test_a_path_into_a_child_module_without_use_closes_a_circle(self) -> None:
        with crate() as c:
            # mod.rs calls into its child `a` by a bare path; `a` uses a type of mod.rs.
            c.write("dispatch/mod.rs", "//! d\npub mod a;\npub mod b;\npub mod c;\npub struct D;\npub fn f() { a::make(); }\n")
            c.write("dispatch/a.rs", "//! a\nuse super::D;\npub fn make() -> D { D }\n")
            found = c.problems()
            self.assertIn("root: circle of 2 files: dispatch/a.rs, dispatch/mod.rs", found)
            self.assertIn("        dispatch/mod.rs imports dispatch/a.rs (a::make)", found)

    def test_super_inside_an_inline_module_is_the_file_s_own_module(self) -> None:
        with crate() as c:
            # mod.rs calls into a; a's inline `mod imp` names a's own type through `super`.
            c.write("dispatch/mod.rs", "//! d\npub mod a;\npub mod b;\npub mod c;\npub fn g() { a::start(); }\n")
            c.write(
                "dispatch/a.rs",
                "//! a\npub struct Wake;\nmod imp {\n    use super::Wake;\n    pub fn w() -> Wake { Wake }\n}\n"
                "pub fn start() { imp::w(); }\n",
            )
            self.assertEqual(c.problems(), [])
            self.assertEqual(check_circles.rust_edges(c.root)["dispatch/a.rs"], {})
            # Two levels up from the inline module is the file's parent module: an edge.
            c.write("dispatch/a.rs", "//! a\nmod imp {\n    use super::super::b::B;\n}\n")
            self.assertIn("dispatch/b.rs", check_circles.rust_edges(c.root)["dispatch/a.rs"])

    def test_imports_in_comments_strings_and_tests_do_not_count(self) -> None:
        with crate() as c:
            c.write(
                "dispatch/a.rs",
                '//! a, see crate::dispatch::b\npub struct A;\nconst S: &str = "crate::dispatch::b::B";\n'
                "#[cfg(test)]\nmod tests {\n    use crate::dispatch::b::B;\n}\n",
            )
            self.assertEqual(c.problems(), [])


def library(extra: dict[str, str] | None = None) -> Tree:
    """`index.js` loads `a.js` and `util/index.js`; `a.js` loads `b.mjs`."""
    files = {
        "index.js": "'use strict';\nconst a = require('./a');\nconst util = require('./util');\n",
        "a.js": "import { b } from './b.mjs';\nexport const a = b;\n",
        "b.mjs": "export const b = 1;\n",
        "util/index.js": "module.exports = {};\n",
    }
    files.update(extra or {})
    return Tree(files, js_graph.edges)


class JavaScriptTest(unittest.TestCase):
    def test_a_library_without_circles_passes(self) -> None:
        with library() as t:
            self.assertEqual(t.problems(), [])
            self.assertEqual(js_graph.graph(t.root)["index.js"], {"a.js", "util/index.js"})

    def test_a_require_at_the_top_closes_a_circle(self) -> None:
        with library({"util/index.js": "const { x } = require('../index.js');\n"}) as t:
            found = t.problems()
            self.assertIn("root: circle of 2 files: index.js, util/index.js", found)
            self.assertIn("    index.js -> util/index.js -> index.js", found)
            self.assertIn("        util/index.js imports index.js ('../index.js' line 1)", found)

    def test_a_require_inside_a_function_closes_a_circle_and_is_listed(self) -> None:
        lazy = "function f() {\n  if (x) {\n    return require('..');\n  }\n}\nmodule.exports = { f };\n"
        with library({"util/index.js": lazy}) as t:
            self.assertIn("root: circle of 2 files: index.js, util/index.js", t.problems())
            self.assertEqual(js_graph.lazy_loads(t.root), [("util/index.js", 3, "return require('..');")])

    def test_a_require_in_an_arrow_body_or_a_method_is_lazy(self) -> None:
        text = "const f = () => require('./a');\nclass C {\n  m() { return require('./b.mjs'); }\n}\nconst top = require('./util');\n"
        with library({"c.js": text}) as t:
            self.assertEqual([line for _, line, _ in js_graph.lazy_loads(t.root)], [1, 3])
            self.assertEqual(js_graph.graph(t.root)["c.js"], {"a.js", "b.mjs", "util/index.js"})

    def test_an_es_import_export_from_and_dynamic_import_close_circles(self) -> None:
        for text in ("import './a.js';\n", "export { a } from './a.js';\n", "export * from './a.js';\n", "const m = await import('./a.js');\n"):
            with self.subTest(text=text), library({"b.mjs": text + "export const b = 1;\n"}) as t:
                self.assertIn("root: circle of 2 files: a.js, b.mjs", t.problems())

    def test_names_in_comments_strings_and_regular_expressions_do_not_count(self) -> None:
        text = (
            "// require('./index.js')\n/** @param {import('./index.js').X} x */\n"
            "const s = \"require('./index.js')\";\nconst r = /require\\('.\\/index.js'\\)/;\n"
            "const t = `${s} require('./index.js')`;\nrequire.resolve('./index.js');\nrequire(name);\n"
        )
        with library({"util/index.js": text}) as t:
            self.assertEqual(t.problems(), [])
            self.assertEqual(js_graph.graph(t.root)["util/index.js"], set())

    def test_a_load_in_a_template_placeholder_counts(self) -> None:
        text = "function v() { return `${require('../index.js').version}`; }\n"
        with library({"util/index.js": text}) as t:
            self.assertIn("root: circle of 2 files: index.js, util/index.js", t.problems())


@contextlib.contextmanager
def python_reader(module: types.ModuleType | None) -> Iterator[None]:
    """`module` stands in for scripts/floors/python_graph.py (None: as if it were missing)."""
    saved = sys.modules.get("floors.python_graph")
    sys.modules["floors.python_graph"] = module  # type: ignore[assignment]
    try:
        yield
    finally:
        if saved is None:
            del sys.modules["floors.python_graph"]
        else:
            sys.modules["floors.python_graph"] = saved


def stand_in(graph: dict[str, set[str]], inside: list[tuple[str, int, str]] | None = None) -> types.ModuleType:
    """A reader that reports `graph`, and `inside` as the imports inside functions."""
    module = types.ModuleType("floors.python_graph")
    module.graph = lambda root: graph  # type: ignore[attr-defined]
    module.function_imports = lambda root: inside or []  # type: ignore[attr-defined]
    return module


class PythonHookTest(unittest.TestCase):
    """The Python root is read by scripts/floors/python_graph.py; a stand-in replaces it."""

    def problems(self, module: types.ModuleType | None) -> list[str]:
        with python_reader(module), Tree({"__init__.py": ""}, check_circles.python_edges) as t:
            return t.problems()

    def test_a_circle_the_reader_reports_fails(self) -> None:
        found = self.problems(stand_in({"a.py": {"b.py"}, "b.py": {"a.py"}, "c.py": {"a.py"}}))
        self.assertIn("root: circle of 2 files: a.py, b.py", found)
        self.assertIn("    a.py -> b.py -> a.py", found)

    def test_a_graph_without_circles_passes(self) -> None:
        self.assertEqual(self.problems(stand_in({"a.py": {"b.py"}, "b.py": set()})), [])

    def test_a_missing_reader_fails_loudly(self) -> None:
        with self.assertRaises(ImportError):
            self.problems(None)

    def test_an_import_inside_a_function_fails(self) -> None:
        with python_reader(stand_in({}, [("server.py", 12, "from .context import Context")])):
            found = check_circles.function_imports("pkg", Path("."))
        self.assertEqual(found, ["pkg/server.py:12: import inside a function: from .context import Context"])


class CyclesTest(unittest.TestCase):
    def test_every_file_of_a_circle_stands_in_a_printed_path(self) -> None:
        graph = {"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": {"b"}, "e": {"a"}}
        self.assertEqual(cycles.circles(graph), [["a", "b", "c", "d"]])
        self.assertEqual(cycles.paths_through(graph, ["a", "b", "c", "d"]), [["a", "b", "a"], ["c", "d", "b", "c"]])

    def test_a_missing_root_is_a_problem(self) -> None:
        self.assertEqual(check_circles.problems([(Path("/nonexistent-root"), "gone", js_graph.edges)]), ["gone: no such source root"])


if __name__ == "__main__":
    unittest.main(verbosity=0)
