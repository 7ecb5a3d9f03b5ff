//! Library part of the mcpforge examples: server definitions shared by an example binary and
//! its integration tests (binaries cannot be imported by tests).

pub mod cli;
pub mod conformance_fixture;
