#!/usr/bin/env python3
"""Tests of scripts/check-floors.py (run by `make lint`): on a small crate made for each
case, the check passes when imports point down or sideways without a circle, and fails on
an import that points up a floor and on modules that reach themselves through imports,
however the import is spelled (a `use` tree, a path in code, `super::`, a renamed module),
but not through a name a module only re-exports."""

from __future__ import annotations

import importlib.util
import tempfile
import unittest
from pathlib import Path

SPEC = importlib.util.spec_from_file_location("check_floors", Path(__file__).with_name("check-floors.py"))
assert SPEC and SPEC.loader
check_floors = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(check_floors)


class Crate:
    """A crate of a few modules in a temporary folder: `lib.rs`, `error.rs` (wire floor),
    `handler.rs` (boundary) and `dispatch/{mod,a,b,c}.rs` (dispatch)."""

    def __init__(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.src = Path(self.dir.name)
        self.write("lib.rs", "//! crate\npub mod dispatch;\npub mod error;\npub mod handler;\n")
        self.write("error.rs", "//! errors\npub struct E;\n")
        self.write("handler.rs", "//! handlers\nuse crate::error::E;\npub struct H(E);\n")
        self.write("dispatch/mod.rs", "//! dispatch\npub mod a;\npub mod b;\npub mod c;\n")
        self.write("dispatch/a.rs", "//! a\npub struct A;\n")
        self.write("dispatch/b.rs", "//! b\nuse crate::dispatch::a::A;\npub struct B(A);\n")
        self.write("dispatch/c.rs", "//! c\npub struct C;\n")

    def write(self, rel: str, text: str) -> None:
        path = self.src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def problems(self) -> list[str]:
        return check_floors.problems(self.src)

    def __enter__(self) -> "Crate":
        return self

    def __exit__(self, *_: object) -> None:
        self.dir.cleanup()


class CheckFloorsTest(unittest.TestCase):
    def test_a_crate_without_circles_or_upward_imports_passes(self) -> None:
        with Crate() as c:
            self.assertEqual(c.problems(), [])

    def test_an_import_up_a_floor_fails(self) -> None:
        with Crate() as c:
            c.write("handler.rs", "//! handlers\nuse crate::dispatch::a::A;\npub struct H(A);\n")
            found = c.problems()
            self.assertEqual(found, ["handler.rs: boundary imports dispatch (crate::dispatch::a::A)"])

    def test_two_modules_that_import_each_other_fail(self) -> None:
        with Crate() as c:
            c.write("dispatch/a.rs", "//! a\nuse super::b::B;\npub struct A(Option<Box<B>>);\n")
            found = c.problems()
            self.assertIn("circle of 2 modules: dispatch/a.rs, dispatch/b.rs", found)
            self.assertIn("    dispatch/a.rs -> dispatch/b.rs (super::b::B)", found)

    def test_a_circle_through_a_use_tree_and_a_path_in_code_fails(self) -> None:
        with Crate() as c:
            c.write("dispatch/c.rs", "//! c\nuse crate::dispatch::{a::A, b};\npub fn f(_: A) -> b::B { todo!() }\n")
            c.write("dispatch/a.rs", "//! a\npub struct A;\npub fn g() { crate::dispatch::c::f(A); }\n")
            found = c.problems()
            self.assertIn("circle of 3 modules: dispatch/a.rs, dispatch/b.rs, dispatch/c.rs", found)

    def test_a_renamed_module_is_followed(self) -> None:
        with Crate() as c:
            c.write("dispatch/a.rs", "//! a\nuse crate::dispatch::b as other;\npub fn g() { other::make(); }\n")
            c.write("dispatch/b.rs", "//! b\nuse crate::dispatch::a::g;\npub fn make() { g() }\n")
            self.assertIn("circle of 2 modules: dispatch/a.rs, dispatch/b.rs", c.problems())

    def test_a_name_only_re_exported_is_no_edge_to_the_re_exporter(self) -> None:
        with Crate() as c:
            # mod.rs re-exports A and uses b; b imports A through the re-export: no circle.
            c.write("dispatch/mod.rs", "//! d\npub mod a;\npub mod b;\npub mod c;\npub use a::A;\nuse b::B;\n")
            c.write("dispatch/b.rs", "//! b\nuse crate::dispatch::A;\npub struct B(A);\n")
            self.assertEqual(c.problems(), [])

    def test_imports_in_comments_strings_and_tests_do_not_count(self) -> None:
        with Crate() as c:
            c.write(
                "dispatch/a.rs",
                '//! a, see crate::dispatch::b\npub struct A;\nconst S: &str = "crate::dispatch::b::B";\n'
                "#[cfg(test)]\nmod tests {\n    use crate::dispatch::b::B;\n}\n",
            )
            self.assertEqual(c.problems(), [])


if __name__ == "__main__":
    unittest.main(verbosity=0)
