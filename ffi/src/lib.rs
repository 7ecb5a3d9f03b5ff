//! The C ABI of mcpforge: `libmcpforge.so` / `libmcpforge.a` and the cbindgen-generated
//! `include/mcpforge.h`. One module per C concept; every export goes through
//! [`boundary`] (panic boundary, NULL checks, pointer casts, last-error bookkeeping), so the
//! rules of the header's top comment are enforced in one place.
//!
//! Names follow C, not Rust (`mcpf_server`, `mcpf_status`): they are the public C API.
#![allow(non_camel_case_types)]

pub mod apps_skills;
pub mod ask;
pub mod auth;
mod boundary;
pub mod call;
pub mod catalogue;
pub mod client;
pub mod codes;
pub mod error;
pub mod error_hook;
mod handles;
pub mod initialize_hook;
mod last_error;
pub mod live;
pub mod metrics;
pub mod middleware;
pub mod mount;
mod registration;
pub mod responder;
pub mod server;
pub mod serving;
pub mod status;
mod stop;
pub mod user_data;
pub mod versions;
