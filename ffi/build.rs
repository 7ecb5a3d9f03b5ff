//! Gives the shared library its ABI name on Linux: `libmcpforge.so.<abi>`, where the ABI is the
//! major version from 1.0 on, and `0.<minor>` before (a 0.x minor release may break the C API,
//! as Cargo's own compatibility rule says). Installs and the build tree provide that name as a
//! link to the library (`make install`, `make c-lib`).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
    let abi = if major == "0" { format!("0.{minor}") } else { major };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libmcpforge.so.{abi}");
}
