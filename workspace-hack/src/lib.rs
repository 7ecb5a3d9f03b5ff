//! Feature unification, and nothing else: the crates that `make` builds on their own (the C
//! library, the Python extension, the Node addon, the examples) depend on this crate so that
//! each resolves the same features for the engine and its dependencies as the whole
//! workspace does, and cargo reuses one compiled engine instead of compiling one per crate.
//! It has no code; its dependencies are listed in its Cargo.toml.
