//! Where a user's settings live on this system: the home directory, and the directory of
//! applications' settings (%APPDATA% on Windows, Application Support on macOS,
//! $XDG_CONFIG_HOME, default ~/.config, elsewhere).

use std::path::PathBuf;

/// The user's home directory.
pub(crate) fn home() -> Result<PathBuf, String> {
    std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| "no home directory (HOME is not set)".to_owned())
}

/// The directory applications keep their settings in.
pub(crate) fn settings() -> Result<PathBuf, String> {
    if cfg!(windows) {
        std::env::var_os("APPDATA").map(PathBuf::from).ok_or_else(|| "APPDATA is not set".to_owned())
    } else if cfg!(target_os = "macos") {
        Ok(home()?.join("Library").join("Application Support"))
    } else {
        match std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
            Some(dir) => Ok(PathBuf::from(dir)),
            None => Ok(home()?.join(".config")),
        }
    }
}
