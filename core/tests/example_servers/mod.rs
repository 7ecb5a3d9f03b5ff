//! The example servers the tests start as child processes (built by
//! `cargo build -p mcpforge-examples`), and what a test asks of a process by its pid.

use std::path::{Path, PathBuf};

/// An example server's binary in the debug build, asserted to exist.
pub fn example(name: &str) -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("target"),
    };
    let binary = target.join("debug").join(name);
    assert!(binary.exists(), "{} is missing: cargo build -p mcpforge-examples --bin {name}", binary.display());
    binary
}

/// The `everything` example server.
pub fn everything() -> PathBuf {
    example("everything")
}

/// The command name of process `pid`.
pub fn command_of(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_owned()
}

/// Whether process `pid` is gone (or a zombie: dead, waiting to be reaped).
pub fn gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')),
        Err(_) => true,
    }
}

/// The live processes (not zombies) whose environment holds `key=value`.
pub fn with_env(key: &str, value: &str) -> Vec<u32> {
    let wanted = format!("{key}={value}");
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            environ.split(|b| *b == 0).any(|kv| kv == wanted.as_bytes()) && !gone(*pid)
        })
        .collect()
}
