//! What the load tool's tests share: where the workspace's server binaries are.

use std::path::PathBuf;

/// A server binary in the workspace's debug target dir: `cargo test --workspace` builds both
/// (`quickstart` and `slow_server` belong to packages with integration tests), as does
/// `cargo build --workspace --bins`.
pub fn server(name: &str) -> String {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir.parent().expect("load/ is inside the workspace");
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace.join("target"), |dir| workspace.join(dir));
    let path = target.join("debug").join(name);
    assert!(
        path.is_file(),
        "{} is missing: build the servers first (`cargo build --workspace --bins`)",
        path.display()
    );
    path.to_string_lossy().into_owned()
}
