//! The C catalogue hook (`mcpf_server_set_catalogue`): one callback per server that says,
//! per request and kind, which registered items the request may see, by adding their keys
//! to a lent `mcpf_visible` (or showing everything with `mcpf_visible_all`).

use std::collections::HashSet;
use std::ffi::{c_char, c_void};

use mcpforge::{BoxFuture, Catalogue, CatalogueKind, MiddlewareRequest, Visible};

use crate::boundary::{self, try_ref, try_str};
use crate::middleware::mcpf_middleware_request;
use crate::server::mcpf_server;
use crate::status::mcpf_status;
use crate::user_data::{UserData, mcpf_free_callback};

/// The kind of registered item a catalogue hook is asked about (one of `MCPF_CATALOGUE_*`).
pub type mcpf_catalogue_kind = u32;
/// Tools, by name.
pub const MCPF_CATALOGUE_TOOLS: mcpf_catalogue_kind = 0;
/// Concrete resources, by URI.
pub const MCPF_CATALOGUE_RESOURCES: mcpf_catalogue_kind = 1;
/// Resource templates, by their URI template as registered.
pub const MCPF_CATALOGUE_RESOURCE_TEMPLATES: mcpf_catalogue_kind = 2;
/// Prompts, by name.
pub const MCPF_CATALOGUE_PROMPTS: mcpf_catalogue_kind = 3;

/// What a request may see of one kind, filled in by the catalogue hook. Lent: valid until
/// the hook returns. Starts empty (nothing visible).
pub struct mcpf_visible {
    all: bool,
    keys: HashSet<String>,
}

/// Called on an engine thread, at most once per kind and request, with the request's view
/// (read with the `mcpf_middleware_request_*` getters; valid until it returns), the kind,
/// and the set to fill: `mcpf_visible_add` for each visible key, or `mcpf_visible_all`.
/// Adding nothing shows nothing of that kind. Keep it quick (a lookup in memory).
pub type mcpf_catalogue_hook = Option<
    unsafe extern "C" fn(
        request: *const mcpf_middleware_request,
        kind: mcpf_catalogue_kind,
        visible: *mut mcpf_visible,
        user_data: *mut c_void,
    ),
>;

/// The C hook behind the engine's `Catalogue`.
struct CCatalogue {
    hook: unsafe extern "C" fn(*const mcpf_middleware_request, mcpf_catalogue_kind, *mut mcpf_visible, *mut c_void),
    user_data: UserData,
}

impl Catalogue for CCatalogue {
    fn visible<'a>(&'a self, req: &'a MiddlewareRequest, kind: CatalogueKind) -> BoxFuture<'a, Visible> {
        let view = mcpf_middleware_request::read_only(req.clone());
        let code = match kind {
            CatalogueKind::Tools => MCPF_CATALOGUE_TOOLS,
            CatalogueKind::Resources => MCPF_CATALOGUE_RESOURCES,
            CatalogueKind::ResourceTemplates => MCPF_CATALOGUE_RESOURCE_TEMPLATES,
            CatalogueKind::Prompts => MCPF_CATALOGUE_PROMPTS,
        };
        let mut visible = mcpf_visible { all: false, keys: HashSet::new() };
        // SAFETY: the hook C registered, called with a view and a set that outlive the call,
        // and the `user_data` registered with it.
        unsafe { (self.hook)(&view, code, &mut visible, self.user_data.ptr) };
        let answer = if visible.all { Visible::All } else { Visible::Only(visible.keys) };
        Box::pin(std::future::ready(answer))
    }
}

/// Makes `hook` the server's catalogue hook, replacing any (see docs/hooks.md): it decides
/// which registered tools, resources, templates and prompts each request that starts
/// afterwards may see. Lists then hold only those, and anything else named by a call, read,
/// `prompts/get`, completion or subscription is answered as for an unknown name. A NULL
/// `hook` removes it (everything is visible again). Thread-safe.
///
/// On success the library owns `user_data` and calls `free_user_data(user_data)` (if not
/// NULL) exactly once, when the hook is replaced or removed and no request is using it any
/// more, or when the server is freed. With a NULL `hook`, `user_data` is not kept.
///
/// # Safety
/// `server` is NULL or a live server; `hook` and `free_user_data` are NULL or valid
/// functions of those signatures; `user_data` is usable from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_set_catalogue(
    server: *mut mcpf_server,
    hook: mcpf_catalogue_hook,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        match hook {
            Some(hook) => {
                let user_data = UserData::new(user_data, free_user_data);
                server.engine.set_catalogue(CCatalogue { hook, user_data });
            }
            None => server.engine.clear_catalogue(),
        }
        Ok(())
    })
}

/// Adds `key` (a tool or prompt name, a resource URI, a URI template as registered) to what
/// the request may see. Only inside the catalogue hook that lent `visible`.
///
/// # Safety
/// `visible` is NULL or the set a running catalogue hook received; `key` is NULL or
/// readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_visible_add(
    visible: *mut mcpf_visible,
    key: *const c_char,
    key_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee: the lent set, not aliased during the hook.
        let visible = unsafe { visible.as_mut() }.ok_or_else(|| boundary::null("visible"))?;
        // SAFETY: forwarded caller guarantee.
        let key = unsafe { try_str(key, key_len, "key") }?;
        visible.keys.insert(key.to_owned());
        Ok(())
    })
}

/// Lets the request see every registered item of the kind the hook was asked about.
///
/// # Safety
/// `visible` is NULL or the set a running catalogue hook received.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_visible_all(visible: *mut mcpf_visible) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee: the lent set, not aliased during the hook.
        let visible = unsafe { visible.as_mut() }.ok_or_else(|| boundary::null("visible"))?;
        visible.all = true;
        Ok(())
    })
}
