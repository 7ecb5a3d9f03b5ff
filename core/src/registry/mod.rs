//! The registry: tools, resources, templates, prompts and completions, held as an
//! immutable snapshot that is swapped on change (readers never wait on writers), with each
//! list's serialized pages cached per protocol version. A registered item can be disabled
//! server-wide: the snapshot then holds it aside, out of every list and lookup, until it is
//! enabled again.

pub mod catalog;
pub mod completion;
pub mod page;
pub mod prompt;
pub mod resource;
pub mod template;
pub mod tool;

use std::sync::{Arc, RwLock};

use crate::catalogue::{Catalogue, Kind};
use crate::error_hook::ErrorHook;
use crate::initialize_hook::InitializeHook;
use crate::middleware::Chain;
use crate::protocol::CompletionRef;
use template::TemplateMatch;

pub(crate) use catalog::Catalog;
pub(crate) use completion::Completions;
pub(crate) use prompt::PromptEntry;
pub(crate) use resource::{ResourceEntry, TemplateEntry};
pub(crate) use tool::ToolEntry;

/// Everything registered at one moment.
#[derive(Clone, Default)]
pub(crate) struct Snapshot {
    pub tools: Catalog<ToolEntry>,
    pub resources: Catalog<ResourceEntry>,
    pub templates: Catalog<TemplateEntry>,
    pub prompts: Catalog<PromptEntry>,
    pub completions: Completions,
    /// The middleware chain around every request, outermost first.
    pub middleware: Chain,
    /// The engine's own links at the inner end of `middleware` (a mount's relay), kept there
    /// when the application's part of the chain is replaced or added to.
    pub pinned: Chain,
    /// Told of every unexpected failure of a request.
    pub error_hook: Option<Arc<dyn ErrorHook>>,
    /// Decides per request which registered items are visible (none: all are).
    pub catalogue: Option<Arc<dyn Catalogue>>,
    /// Decides the answer to each client's `initialize` (none: the engine's).
    pub initialize_hook: Option<Arc<dyn InitializeHook>>,
    /// The skills served through the skills extension (their files are `resources`).
    pub skills: crate::skills::Skills,
}

impl Snapshot {
    /// Finds the first template matching `uri`, with its variables (see `first_match`).
    pub fn match_template(
        &self,
        uri: &str,
    ) -> Option<(Arc<TemplateEntry>, std::collections::BTreeMap<String, String>)> {
        first_match(self.templates.iter(), uri)
    }

    /// Enables or disables the item of `kind` keyed `key` (name, URI or URI template as
    /// registered): `None` when none is registered, else whether that changed anything.
    pub fn set_enabled(&mut self, kind: Kind, key: &str, enabled: bool) -> Option<bool> {
        let changed = match kind {
            Kind::Tools => self.tools.set_enabled(key, enabled),
            Kind::Resources => self.resources.set_enabled(key, enabled),
            Kind::ResourceTemplates => self.templates.set_enabled(key, enabled),
            Kind::Prompts => self.prompts.set_enabled(key, enabled),
        }?;
        self.sync_completion(kind, key);
        Some(changed)
    }

    /// Whether the item of `kind` keyed `key` is enabled; `None` when none is registered.
    pub fn is_enabled(&self, kind: Kind, key: &str) -> Option<bool> {
        match kind {
            Kind::Tools => self.tools.is_enabled(key),
            Kind::Resources => self.resources.is_enabled(key),
            Kind::ResourceTemplates => self.templates.is_enabled(key),
            Kind::Prompts => self.prompts.is_enabled(key),
        }
    }

    /// Removes the item of `kind` keyed `key`, enabled or not; true when there was one.
    pub fn remove(&mut self, kind: Kind, key: &str) -> bool {
        let removed = match kind {
            Kind::Tools => self.tools.remove(key),
            Kind::Resources => self.resources.remove(key),
            Kind::ResourceTemplates => self.templates.remove(key),
            Kind::Prompts => self.prompts.remove(key),
        };
        if removed {
            self.sync_completion(kind, key);
        }
        removed
    }

    /// Sets aside the completion provider of a prompt or template while it is disabled (a
    /// reference that names neither an enabled nor a disabled item keeps its provider, as
    /// before anything was disabled).
    fn sync_completion(&mut self, kind: Kind, key: &str) {
        let (reference, off) = match kind {
            Kind::Tools => return,
            Kind::Prompts => {
                (CompletionRef::Prompt { name: key.to_owned() }, self.prompts.is_enabled(key) == Some(false))
            }
            Kind::Resources | Kind::ResourceTemplates => {
                let (t, r) = (self.templates.is_enabled(key), self.resources.is_enabled(key));
                let off = t != Some(true) && r != Some(true) && (t == Some(false) || r == Some(false));
                (CompletionRef::Resource { uri: key.to_owned() }, off)
            }
        };
        self.completions.set_off(reference, off);
    }
}

/// The live registry.
#[derive(Default)]
pub(crate) struct Registry {
    current: RwLock<Arc<Snapshot>>,
}

impl Registry {
    pub fn new(snapshot: Snapshot) -> Registry {
        Registry { current: RwLock::new(Arc::new(snapshot)) }
    }

    /// The current snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Applies a change to a copy of the snapshot and publishes it (page caches of the
    /// changed lists start empty).
    pub fn update<R>(&self, f: impl FnOnce(&mut Snapshot) -> R) -> R {
        let mut guard = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut next = (**guard).clone();
        let r = f(&mut next);
        *guard = Arc::new(next);
        r
    }

    /// As [`Registry::update`], but publishes the copy only when `f` says it changed
    /// something (`(result, changed)`): a change that changes nothing keeps the page caches.
    pub fn update_if<R>(&self, f: impl FnOnce(&mut Snapshot) -> (R, bool)) -> R {
        let mut guard = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut next = (**guard).clone();
        let (r, changed) = f(&mut next);
        if changed {
            *guard = Arc::new(next);
        }
        r
    }
}

/// The first of `templates` that matches `uri`, with its variables. A template whose path
/// policy refuses the URI's value ends the search with none: a later, laxer template must
/// not serve what a stricter one refused.
pub(crate) fn first_match<'a>(
    templates: impl Iterator<Item = &'a Arc<TemplateEntry>>,
    uri: &str,
) -> Option<(Arc<TemplateEntry>, std::collections::BTreeMap<String, String>)> {
    for entry in templates {
        match entry.template.matching(uri) {
            TemplateMatch::NoMatch => {}
            TemplateMatch::Matched(vars) => return Some((entry.clone(), vars)),
            TemplateMatch::Refused(_) => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path_policy::PathPolicy;
    use crate::protocol::ResourceTemplate;

    /// A reader never called: these tests only find templates.
    struct Unread;

    impl crate::handler::ResourceHandler for Unread {
        fn read(
            &self,
            _ctx: crate::context::RequestContext,
            _uri: String,
            _vars: std::collections::BTreeMap<String, String>,
        ) -> crate::handler::BoxFuture<'static, Result<crate::handler::ResourceOutput, crate::error::HandlerError>>
        {
            unreachable!("only matched")
        }
    }

    fn entry(template: &str, policy: PathPolicy) -> Arc<TemplateEntry> {
        let def = ResourceTemplate::new(template, "t").path_policy(policy);
        Arc::new(TemplateEntry::new(def, Arc::new(Unread)).expect("a valid template"))
    }

    #[test]
    fn a_refused_value_ends_the_search_for_a_template() {
        let lax = PathPolicy { exempt_params: ["path".to_owned()].into(), ..PathPolicy::default() };
        let templates = [entry("file://docs/{name}", PathPolicy::default()), entry("file://docs/{+path}", lax)];
        assert!(first_match(templates.iter(), "file://docs/..%2Fsecrets").is_none());
        let (found, vars) = first_match(templates.iter(), "file://docs/../x").expect("the lax template matches");
        assert_eq!((found.def.uri_template.as_str(), vars["path"].as_str()), ("file://docs/{+path}", "../x"));
    }
}
