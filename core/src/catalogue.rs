//! Per-client catalogues: the one hook an application sets to decide, at request time,
//! which of the registered tools, resources, resource templates and prompts a request may
//! see (from the caller's auth grant, client info, session or `_meta`, or a database).
//!
//! The engine asks the hook at most once per kind and request. Lists hold only what the
//! request may see (paginated over that); a call, read, `prompts/get`, completion or
//! subscription naming something it may not see is refused exactly as for a name that is
//! not registered, so a hidden item cannot be told from a missing one. Without a hook every
//! registered item is visible and lists are served from their caches; with one, lists are
//! built per request. A resource read through a template is visible when the template is;
//! resources a template's lister returns are listed when the template is visible.
//!
//! Items still come from registration (`add_tool`, `remove_tool`, ... with list-changed
//! notifications): an application whose catalogue lives in a database registers its rows
//! and lets the hook choose among them per request. What is switched off for everyone is
//! better disabled (`Server::disable_tool`, ...): the hook is only asked about enabled
//! items, and a server without a hook serves lists from their caches.

use std::collections::HashSet;
use std::future::Future;

use crate::middleware::Request;
use crate::sync::BoxFuture;

/// A kind of registered item, as the catalogue hook is asked about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Tools, by name.
    Tools,
    /// Concrete resources, by URI.
    Resources,
    /// Resource templates, by their URI template as registered (`notes://{id}`).
    ResourceTemplates,
    /// Prompts, by name.
    Prompts,
}

impl Kind {
    /// The kind's name in the bindings: `tools`, `resources`, `resource_templates`, `prompts`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Tools => "tools",
            Kind::Resources => "resources",
            Kind::ResourceTemplates => "resource_templates",
            Kind::Prompts => "prompts",
        }
    }

    /// The kind [`Kind::as_str`] calls `name`, if any.
    pub fn from_name(name: &str) -> Option<Kind> {
        [Kind::Tools, Kind::Resources, Kind::ResourceTemplates, Kind::Prompts].into_iter().find(|k| k.as_str() == name)
    }
}

/// What a request may see of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visible {
    /// Every registered item.
    All,
    /// Only the registered items with these keys (names, URIs, URI templates); keys that are
    /// not registered are ignored.
    Only(HashSet<String>),
}

impl Visible {
    /// Only the items named in `keys`.
    pub fn only<I, S>(keys: I) -> Visible
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Visible::Only(keys.into_iter().map(Into::into).collect())
    }

    /// Whether the item with `key` is visible.
    pub fn contains(&self, key: &str) -> bool {
        match self {
            Visible::All => true,
            Visible::Only(keys) => keys.contains(key),
        }
    }
}

/// Decides what a request may see. `req` is the request as middleware sees it (method,
/// auth grant, client info, session, `_meta`). Closures `|req, kind| async move { ... }`
/// implement it. An error is not possible: a hook that cannot decide should answer with
/// what is safe (often `Visible::Only` of nothing).
pub trait Catalogue: Send + Sync + 'static {
    /// The items of `kind` that `req` may see.
    fn visible<'a>(&'a self, req: &'a Request, kind: Kind) -> BoxFuture<'a, Visible>;
}

impl<F, Fut> Catalogue for F
where
    F: Fn(&Request, Kind) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Visible> + Send + 'static,
{
    fn visible<'a>(&'a self, req: &'a Request, kind: Kind) -> BoxFuture<'a, Visible> {
        Box::pin(self(req, kind))
    }
}
