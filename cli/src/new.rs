//! `new`: makes a server project in one language from the templates (templates.rs): the
//! package with its command (console script, `bin`, binary), one tool, a test that calls it,
//! a CI workflow and a README.

use std::path::{Path, PathBuf};

use crate::args::{Lang, NewArgs};
use crate::failure::Failure;
use crate::output;
use crate::templates;

/// The description a new project starts with.
const DESCRIPTION: &str = "An MCP server made with mcpforge";
/// The longest project name.
const MAX_NAME: usize = 64;

/// Runs `new`.
pub(crate) fn run(args: NewArgs) -> Result<i32, Failure> {
    check_name(&args.name)?;
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from(&args.name));
    let occupied = std::fs::read_dir(&dir).map(|mut entries| entries.next().is_some()).unwrap_or(false);
    if occupied || dir.is_file() {
        return Err(Failure::usage(format!("{}: already exists and is not empty", dir.display())));
    }
    let written = make(&args.name, args.lang, &dir)?;
    let next = match args.lang {
        Lang::Python => "python -m pip install '.[test]' && python -m pytest -q",
        Lang::Node => "npm install && npm test",
        Lang::Rust => "cargo test",
        Lang::C => "make test (PKG_CONFIG_PATH naming mcpforge.pc)",
    };
    output::line(&format!("made {} ({written} files); then, in it: {next}", dir.display()));
    Ok(0)
}

/// Writes the project's files into `dir`; returns how many.
fn make(name: &str, lang: Lang, dir: &Path) -> Result<usize, Failure> {
    let files = templates::files(lang);
    for (path, text) in files {
        let path = dir.join(fill(path, name));
        let failed = |e: std::io::Error| Failure::new(format!("{}: {e}", path.display()));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(failed)?;
        }
        std::fs::write(&path, fill(text, name)).map_err(failed)?;
        if path.extension().is_some_and(|e| e == "js") && path.parent().is_some_and(|p| p.ends_with("bin")) {
            executable(&path).map_err(failed)?;
        }
    }
    Ok(files.len())
}

/// A template's text with the project's values.
fn fill(text: &str, name: &str) -> String {
    let identifier = name.replace('-', "_");
    text.replace("{{name}}", name)
        .replace("{{module}}", &identifier)
        .replace("{{crate}}", &identifier)
        .replace("{{description}}", DESCRIPTION)
        .replace("{{version}}", env!("CARGO_PKG_VERSION"))
}

/// A name every language takes as a package and a command: a lowercase letter, then
/// lowercase letters, digits, `-` and `_`.
fn check_name(name: &str) -> Result<(), Failure> {
    let mut chars = name.chars();
    let first = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if first
        && name.len() <= MAX_NAME
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        Ok(())
    } else {
        Err(Failure::usage(format!(
            "{name:?}: a project name is a lowercase letter, then lowercase letters, digits, - and _ (at most {MAX_NAME})"
        )))
    }
}

#[cfg(unix)]
fn executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn executable(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_filled_in() {
        assert!(check_name("weather-tools").is_ok());
        assert!(check_name("Weather").is_err());
        assert!(check_name("1st").is_err());
        assert!(check_name("a/b").is_err());
        assert_eq!(fill("{{name}} {{module}}", "my-server"), "my-server my_server");
    }

    #[test]
    fn every_language_has_its_command_test_ci_and_readme() {
        for lang in [Lang::Python, Lang::Node, Lang::Rust, Lang::C] {
            let paths: Vec<&str> = templates::files(lang).iter().map(|(p, _)| *p).collect();
            assert!(paths.contains(&".github/workflows/ci.yml") && paths.contains(&"README.md"), "{lang:?}");
            assert!(paths.iter().any(|p| p.starts_with("test")), "{lang:?}: {paths:?}");
        }
    }
}
