//! Changing what a server offers, at any time (before or while it runs): removing,
//! disabling and enabling a tool, prompt, resource or resource template, and telling
//! clients that a resource or a list changed.

use std::ffi::c_char;

use mcpforge::CatalogueKind;

use crate::boundary::{self, Fail, try_ref, try_str};
use crate::server::mcpf_server;
use crate::status::mcpf_status;

/// `mcpf_server_notify_list_changed`: the tool list.
pub const MCPF_LIST_TOOLS: u32 = 1;
/// `mcpf_server_notify_list_changed`: the prompt list.
pub const MCPF_LIST_PROMPTS: u32 = 2;
/// `mcpf_server_notify_list_changed`: the resource list (resources and templates).
pub const MCPF_LIST_RESOURCES: u32 = 3;

/// What kind of registration to remove, disable or enable.
#[derive(Clone, Copy)]
enum Kind {
    Tool,
    Prompt,
    Resource,
    Template,
}

impl Kind {
    /// The engine's name for the kind.
    fn engine(self) -> CatalogueKind {
        match self {
            Kind::Tool => CatalogueKind::Tools,
            Kind::Prompt => CatalogueKind::Prompts,
            Kind::Resource => CatalogueKind::Resources,
            Kind::Template => CatalogueKind::ResourceTemplates,
        }
    }

    /// The kind in an error message.
    fn what(self) -> &'static str {
        match self {
            Kind::Tool => "tool",
            Kind::Prompt => "prompt",
            Kind::Resource => "resource",
            Kind::Template => "resource template",
        }
    }
}

/// Removes one registration from the engine (clients are told the list changed); its
/// `free_user_data` runs once nothing uses it any more (at once, or after its last call).
fn remove(server: &mcpf_server, kind: Kind, key: &str) -> Result<(), Fail> {
    let engine = &server.engine;
    let removed = match kind {
        Kind::Tool => engine.remove_tool(key),
        Kind::Prompt => engine.remove_prompt(key),
        Kind::Resource => engine.remove_resource(key),
        Kind::Template => engine.remove_resource_template(key),
    };
    if removed { Ok(()) } else { Err(not_found(kind, key)) }
}

/// `MCPF_STATUS_NOT_FOUND`: nothing of `kind` is registered under `key`.
fn not_found(kind: Kind, key: &str) -> Fail {
    Fail::new(mcpf_status::NotFound, format!("no {} `{key}` is registered", kind.what()))
}

/// The shared body of the `mcpf_server_remove_*` functions.
///
/// # Safety
/// As for them.
unsafe fn remove_named(server: *mut mcpf_server, key: *const c_char, key_len: usize, kind: Kind) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let key = unsafe { try_str(key, key_len, "name") }?;
        remove(server, kind, key)
    })
}

/// Removes the tool called `name` (UTF-8, `SIZE_MAX`: NUL-terminated), enabled or disabled.
/// Thread-safe, at any time; while the server runs, clients are told the tool list changed and new calls of the
/// tool fail (calls already running finish). Its `free_user_data` runs now, or when the
/// last of its calls is answered. `MCPF_STATUS_NOT_FOUND` when no such tool is registered.
///
/// # Safety
/// `server` is NULL or a live server; `name` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_remove_tool(
    server: *mut mcpf_server,
    name: *const c_char,
    name_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { remove_named(server, name, name_len, Kind::Tool) }
}

/// Removes the prompt called `name`; as `mcpf_server_remove_tool`.
///
/// # Safety
/// As for `mcpf_server_remove_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_remove_prompt(
    server: *mut mcpf_server,
    name: *const c_char,
    name_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { remove_named(server, name, name_len, Kind::Prompt) }
}

/// Removes the concrete resource at `uri`; as `mcpf_server_remove_tool` (clients are told
/// the resource list changed).
///
/// # Safety
/// As for `mcpf_server_remove_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_remove_resource(
    server: *mut mcpf_server,
    uri: *const c_char,
    uri_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { remove_named(server, uri, uri_len, Kind::Resource) }
}

/// Removes the resource template registered with the template string `uri_template`; as
/// `mcpf_server_remove_tool` (clients are told the resource list changed).
///
/// # Safety
/// As for `mcpf_server_remove_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_remove_resource_template(
    server: *mut mcpf_server,
    uri_template: *const c_char,
    uri_template_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { remove_named(server, uri_template, uri_template_len, Kind::Template) }
}

/// The shared body of the `mcpf_server_enable_*` and `mcpf_server_disable_*` functions.
///
/// # Safety
/// As for them.
unsafe fn set_enabled(
    server: *mut mcpf_server,
    key: *const c_char,
    key_len: usize,
    kind: Kind,
    enabled: bool,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let key = unsafe { try_str(key, key_len, "name") }?;
        if server.engine.set_enabled(kind.engine(), key, enabled) { Ok(()) } else { Err(not_found(kind, key)) }
    })
}

/// Disables the tool called `name` (UTF-8, `SIZE_MAX`: NUL-terminated) without removing it:
/// it is left out of `tools/list` and a call of it is answered exactly as for a tool that
/// is not registered, for every client, until `mcpf_server_enable_tool`. It stays
/// registered: its name stays taken, its callback and `user_data` are kept (calls already
/// running finish), and `mcpf_server_remove_tool` removes it. Thread-safe, at any time;
/// while the server runs, clients are told the tool list changed (disabling a disabled
/// tool changes nothing). `MCPF_STATUS_NOT_FOUND` when no such tool is registered.
///
/// # Safety
/// `server` is NULL or a live server; `name` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_disable_tool(
    server: *mut mcpf_server,
    name: *const c_char,
    name_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { set_enabled(server, name, name_len, Kind::Tool, false) }
}

/// Enables a tool disabled with `mcpf_server_disable_tool`: listed again, in its place in
/// registration order, and callable; as `mcpf_server_disable_tool` (enabling an enabled
/// tool changes nothing).
///
/// # Safety
/// As for `mcpf_server_disable_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_enable_tool(
    server: *mut mcpf_server,
    name: *const c_char,
    name_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { set_enabled(server, name, name_len, Kind::Tool, true) }
}

/// Disables the prompt called `name`: not listed, and `prompts/get` (and a completion of its
/// arguments) answered as for a prompt that is not registered; as `mcpf_server_disable_tool`.
///
/// # Safety
/// As for `mcpf_server_disable_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_disable_prompt(
    server: *mut mcpf_server,
    name: *const c_char,
    name_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { set_enabled(server, name, name_len, Kind::Prompt, false) }
}

/// Enables a prompt disabled with `mcpf_server_disable_prompt`; as `mcpf_server_enable_tool`.
///
/// # Safety
/// As for `mcpf_server_disable_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_enable_prompt(
    server: *mut mcpf_server,
    name: *const c_char,
    name_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { set_enabled(server, name, name_len, Kind::Prompt, true) }
}

/// Disables the concrete resource at `uri`: not listed, and reading it is answered as for a
/// resource that is not registered (a resource template the URI matches reads it instead,
/// if there is one); as `mcpf_server_disable_tool` (clients are told the resource list
/// changed).
///
/// # Safety
/// As for `mcpf_server_disable_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_disable_resource(
    server: *mut mcpf_server,
    uri: *const c_char,
    uri_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { set_enabled(server, uri, uri_len, Kind::Resource, false) }
}

/// Enables a resource disabled with `mcpf_server_disable_resource`; as
/// `mcpf_server_enable_tool`.
///
/// # Safety
/// As for `mcpf_server_disable_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_enable_resource(
    server: *mut mcpf_server,
    uri: *const c_char,
    uri_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { set_enabled(server, uri, uri_len, Kind::Resource, true) }
}

/// Disables the resource template registered with the template string `uri_template`: not
/// listed (nor the resources its lister returns), no URI is read through it, and completions
/// of its variables are answered as for an unknown template; as `mcpf_server_disable_tool`
/// (clients are told the resource list changed).
///
/// # Safety
/// As for `mcpf_server_disable_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_disable_resource_template(
    server: *mut mcpf_server,
    uri_template: *const c_char,
    uri_template_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { set_enabled(server, uri_template, uri_template_len, Kind::Template, false) }
}

/// Enables a resource template disabled with `mcpf_server_disable_resource_template`; as
/// `mcpf_server_enable_tool`.
///
/// # Safety
/// As for `mcpf_server_disable_tool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_enable_resource_template(
    server: *mut mcpf_server,
    uri_template: *const c_char,
    uri_template_len: usize,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantee.
    unsafe { set_enabled(server, uri_template, uri_template_len, Kind::Template, true) }
}

/// Tells the clients subscribed to `uri` that the resource changed
/// (`notifications/resources/updated` to legacy sessions that subscribed and to 2026 listen
/// streams that listed it). Thread-safe; a no-op while the server is not running (no client
/// is connected then).
///
/// # Safety
/// `server` is NULL or a live server; `uri` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_notify_resource_updated(
    server: *mut mcpf_server,
    uri: *const c_char,
    uri_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let uri = unsafe { try_str(uri, uri_len, "uri") }?;
        server.engine.notify_resource_updated(uri);
        Ok(())
    })
}

/// Tells clients a list changed when it depends on something outside the server's
/// registrations (registering and removing notify by themselves): `list` is
/// `MCPF_LIST_TOOLS`, `MCPF_LIST_PROMPTS` or `MCPF_LIST_RESOURCES` (anything else:
/// `MCPF_STATUS_INVALID_ARGUMENT`). Thread-safe; a no-op while the server is not running.
///
/// # Safety
/// `server` is NULL or a live server.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_notify_list_changed(server: *mut mcpf_server, list: u32) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        if !matches!(list, MCPF_LIST_TOOLS | MCPF_LIST_PROMPTS | MCPF_LIST_RESOURCES) {
            return Err(Fail::new(mcpf_status::InvalidArgument, format!("unknown list {list}")));
        }
        match list {
            MCPF_LIST_TOOLS => server.engine.notify_tools_changed(),
            MCPF_LIST_PROMPTS => server.engine.notify_prompts_changed(),
            _ => server.engine.notify_resources_changed(),
        }
        Ok(())
    })
}
