//! Feature unification, and nothing else: the crates that `make` builds on their own (the C
//! library, the Python extension, the Node addon, the examples) depend on this crate so that
//! each resolves the same features for the engine's dependencies as the whole workspace
//! does, and cargo reuses them instead of compiling them once per crate. The engine itself
//! differs by one feature, the bindings' `mimalloc`, kept out of the C library. Its `tests`
//! feature, on every debug build, adds what the tests' dev-dependencies add, so that
//! `cargo test` reuses the debug build's dependencies too.
//! It has no code; its dependencies are listed in its Cargo.toml.
