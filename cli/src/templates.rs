//! The files `new` writes for each language (cli/templates/), with where each goes in the
//! project. Their text holds placeholders that `new` fills in: `{{name}}` (the project's
//! name), `{{module}}` (the Python package), `{{crate}}` (the Rust crate), `{{description}}`
//! and `{{version}}` (the mcpforge version the project depends on).

use crate::args::Lang;

/// A file of a project: its path in the project (placeholders allowed) and its text.
pub(crate) type Template = (&'static str, &'static str);

const CI: &str = ".github/workflows/ci.yml";

const PYTHON: &[Template] = &[
    ("pyproject.toml", include_str!("../templates/python/pyproject.toml")),
    ("README.md", include_str!("../templates/python/README.md")),
    ("src/{{module}}/__init__.py", include_str!("../templates/python/__init__.py")),
    ("src/{{module}}/__main__.py", include_str!("../templates/python/__main__.py")),
    ("src/{{module}}/server.py", include_str!("../templates/python/server.py")),
    ("tests/test_server.py", include_str!("../templates/python/test_server.py")),
    (CI, include_str!("../templates/python/ci.yml")),
    (".gitignore", "__pycache__/\n*.egg-info/\nbuild/\ndist/\n.venv/\n"),
];

const NODE: &[Template] = &[
    ("package.json", include_str!("../templates/node/package.json")),
    ("README.md", include_str!("../templates/node/README.md")),
    ("src/server.js", include_str!("../templates/node/server.js")),
    ("bin/{{name}}.js", include_str!("../templates/node/bin.js")),
    ("test/server.test.js", include_str!("../templates/node/server.test.js")),
    (CI, include_str!("../templates/node/ci.yml")),
    (".gitignore", "node_modules/\n"),
];

const RUST: &[Template] = &[
    ("Cargo.toml", include_str!("../templates/rust/Cargo.toml")),
    ("README.md", include_str!("../templates/rust/README.md")),
    ("src/lib.rs", include_str!("../templates/rust/lib.rs")),
    ("src/main.rs", include_str!("../templates/rust/main.rs")),
    ("tests/server.rs", include_str!("../templates/rust/server_test.rs")),
    (CI, include_str!("../templates/rust/ci.yml")),
    (".gitignore", "/target\n"),
];

const C: &[Template] = &[
    ("Makefile", include_str!("../templates/c/Makefile")),
    ("README.md", include_str!("../templates/c/README.md")),
    ("src/main.c", include_str!("../templates/c/main.c")),
    ("tests/test_server.c", include_str!("../templates/c/test_server.c")),
    (CI, include_str!("../templates/c/ci.yml")),
    (".gitignore", "/build\n"),
];

/// The files of a project in `lang`.
pub(crate) fn files(lang: Lang) -> &'static [Template] {
    match lang {
        Lang::Python => PYTHON,
        Lang::Node => NODE,
        Lang::Rust => RUST,
        Lang::C => C,
    }
}
