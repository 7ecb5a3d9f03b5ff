//! Transports: they move bytes; dispatch decides what the bytes mean.

pub mod http;
pub mod link;
pub mod memory;
pub(crate) mod reading;
pub(crate) mod signals;
pub mod stdio;
#[cfg(unix)]
mod stdio_unix;
pub(crate) mod stream;
mod writing;
