#!/usr/bin/env python3
"""Tests of scripts/check-docs.py (run by `make lint`): on a small tree made for each case,
the check passes when the docs name only what the tree has, and fails, naming the doc and
the line, on a missing path, a core module docs/architecture.md leaves out, a make target
no makefile has and an npm subpath the package does not export."""

from __future__ import annotations

import importlib.util
import io
import json
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

SPEC = importlib.util.spec_from_file_location("check_docs", Path(__file__).with_name("check-docs.py"))
assert SPEC and SPEC.loader
check_docs = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(check_docs)


class Tree:
    """A repository of a few files in a temporary folder."""

    def __init__(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.root = Path(self.dir.name)
        self.write("core/src/lib.rs", "//! crate\n")
        self.write("core/src/dispatch/mod.rs", "//! dispatch\n")
        self.write("core/src/dispatch/router.rs", "//! router\n")
        self.write("Makefile", "demo: build\n\t./demo\n\ntest lint: build\n")
        self.write("mk/extra.mk", ".PHONY: soak\nsoak:\n\t./soak\n")
        self.write("bindings-node/package.json", json.dumps({"exports": {".": {}, "./server/mcp.js": {}}}))
        self.write(
            "docs/architecture.md",
            "| facade | `lib.rs` |\n| dispatch | `core/src/dispatch/`, `dispatch/router.rs` |\n",
        )
        self.write("README.md", "Run `make demo`; see [the design](docs/architecture.md).\n")

    def write(self, path: str, text: str) -> None:
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_text(text, encoding="utf-8")

    def check(self) -> tuple[int, str]:
        out = io.StringIO()
        with redirect_stdout(out):
            status = check_docs.main(["--root", str(self.root)])
        return status, out.getvalue()

    def close(self) -> None:
        self.dir.cleanup()


class CheckDocs(unittest.TestCase):
    def setUp(self) -> None:
        self.tree = Tree()

    def tearDown(self) -> None:
        self.tree.close()

    def test_a_tree_whose_docs_name_what_it_has_passes(self) -> None:
        status, out = self.tree.check()
        self.assertEqual(status, 0, out)

    def test_a_missing_path_fails(self) -> None:
        self.tree.write("docs/guide.md", "intro\nThe router is `core/src/dispatch/observe.rs`.\n")
        status, out = self.tree.check()
        self.assertEqual(status, 1)
        self.assertIn("docs/guide.md:2: names `core/src/dispatch/observe.rs`", out)

    def test_a_path_relative_to_a_deeper_folder_must_end_a_tree_path(self) -> None:
        self.tree.write("docs/guide.md", "See `dispatch/router.rs` and `registry/template.rs`.\n")
        status, out = self.tree.check()
        self.assertEqual(status, 1)
        self.assertIn("`registry/template.rs`", out)
        self.assertNotIn("`dispatch/router.rs`", out)

    def test_a_path_in_a_code_block_and_a_brace_list_are_read(self) -> None:
        self.tree.write("examples/README.md", "```sh\nmake demo  # (tests/e2e/gone.test.mjs)\n```\n")
        self.tree.write("docs/more.md", "`core/src/dispatch/{router,nothing}.rs`\n")
        status, out = self.tree.check()
        self.assertEqual(status, 1)
        self.assertIn("examples/README.md:2: names `tests/e2e/gone.test.mjs`", out)
        self.assertIn("`core/src/dispatch/nothing.rs`", out)

    def test_built_and_foreign_paths_are_not_the_trees(self) -> None:
        self.tree.write("docs/guide.md", "`target/debug/demo`, `PREFIX/include/x.h`, `node_modules/a/b.js`\n")
        status, out = self.tree.check()
        self.assertEqual(status, 0, out)

    def test_a_core_module_the_architecture_leaves_out_fails(self) -> None:
        self.tree.write("core/src/dispatch/rate_limit.rs", "//! limits\n")
        status, out = self.tree.check()
        self.assertEqual(status, 1)
        self.assertIn("docs/architecture.md: does not name core/src/dispatch/rate_limit.rs", out)

    def test_a_glob_names_the_modules_of_its_folder(self) -> None:
        self.tree.write("core/src/dispatch/rate_limit.rs", "//! limits\n")
        self.tree.write("docs/architecture.md", "`lib.rs`, `dispatch/` and `core/src/dispatch/*.rs`\n")
        status, out = self.tree.check()
        self.assertEqual(status, 0, out)

    def test_a_make_target_no_makefile_has_fails(self) -> None:
        self.tree.write("docs/guide.md", "Run `make soak`, then `make lint`, then `make fuzz-long`.\n")
        status, out = self.tree.check()
        self.assertEqual(status, 1)
        self.assertIn("docs/guide.md:1: names `make fuzz-long`", out)
        self.assertNotIn("make soak`", out)

    def test_make_in_prose_is_not_a_command(self) -> None:
        self.tree.write("docs/guide.md", "These make them faster.\n")
        status, out = self.tree.check()
        self.assertEqual(status, 0, out)

    def test_an_npm_subpath_the_package_does_not_export_fails(self) -> None:
        self.tree.write("docs/node.md", "Import `mcpforge/server/mcp.js` or `mcpforge/server/sse.js`.\n")
        status, out = self.tree.check()
        self.assertEqual(status, 1)
        self.assertIn("imports `mcpforge/server/sse.js`", out)
        self.assertNotIn("`mcpforge/server/mcp.js`", out)


class TheRepository(unittest.TestCase):
    def test_the_repositorys_docs_pass(self) -> None:
        out = io.StringIO()
        with redirect_stdout(out):
            status = check_docs.main([])
        self.assertEqual(status, 0, out.getvalue())


if __name__ == "__main__":
    unittest.main()
