#!/usr/bin/env python3
"""Tests of scripts/check-floors.py (run by `make lint`): on a small crate made for each
case, the check passes when imports point down or sideways, and fails on an import that
points up a floor. How the reader finds imports (every spelling, re-exports) is tested in
scripts/test_check_circles.py."""

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
    def test_a_crate_without_upward_imports_passes(self) -> None:
        with Crate() as c:
            self.assertEqual(c.problems(), [])

    def test_an_import_up_a_floor_fails(self) -> None:
        with Crate() as c:
            c.write("handler.rs", "//! handlers\nuse crate::dispatch::a::A;\npub struct H(A);\n")
            found = c.problems()
            self.assertEqual(found, ["handler.rs: boundary imports dispatch (crate::dispatch::a::A)"])

    def test_imports_in_comments_strings_and_tests_do_not_count(self) -> None:
        with Crate() as c:
            c.write(
                "handler.rs",
                '//! handlers, see crate::dispatch::a\npub struct H;\nconst S: &str = "crate::dispatch::a::A";\n'
                "#[cfg(test)]\nmod tests {\n    use crate::dispatch::a::A;\n}\n",
            )
            self.assertEqual(c.problems(), [])

    def test_a_module_takes_the_floor_of_its_longest_prefix(self) -> None:
        # client/ is the engine (dispatch floor), client/transport/ its transports, a floor up.
        self.assertEqual(check_floors.floor_of("client/peer.rs"), "dispatch")
        self.assertEqual(check_floors.floor_of("client/transport/http.rs"), "transports")
        with Crate() as c:
            c.write("lib.rs", "//! crate\npub mod client;\npub mod error;\n")
            c.write("client/mod.rs", "//! engine\npub mod transport;\nuse crate::client::transport::T;\n")
            c.write("client/transport/mod.rs", "//! transports\npub struct T;\n")
            self.assertEqual(c.problems(), ["client/mod.rs: dispatch imports transports (crate::client::transport::T)"])


if __name__ == "__main__":
    unittest.main(verbosity=0)
