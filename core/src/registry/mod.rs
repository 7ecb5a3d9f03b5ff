//! The registry: tools, resources, templates, prompts and completions, held as an
//! immutable snapshot that is swapped on change (readers never wait on writers), with each
//! list's serialized pages cached per protocol version.

pub mod catalog;
pub mod completion;
pub mod page;
pub mod prompt;
pub mod resource;
pub mod template;
pub mod tool;

use std::sync::{Arc, RwLock};

use crate::catalogue::Catalogue;
use crate::error_hook::ErrorHook;
use crate::middleware::Chain;

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
    /// Told of every unexpected failure of a request.
    pub error_hook: Option<Arc<dyn ErrorHook>>,
    /// Decides per request which registered items are visible (none: all are).
    pub catalogue: Option<Arc<dyn Catalogue>>,
}

impl Snapshot {
    /// Finds the first template matching `uri`, with its variables.
    pub fn match_template(
        &self,
        uri: &str,
    ) -> Option<(Arc<TemplateEntry>, std::collections::BTreeMap<String, String>)> {
        self.templates.iter().find_map(|t| t.template.matches(uri).map(|vars| (t.clone(), vars)))
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
}
