//! Completion providers, keyed by the prompt or resource template they complete. The
//! provider of a disabled prompt or template is set aside until it is enabled again: its
//! reference completes as an unknown one does (through the fallback, if any).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::handler::CompletionHandler;
use crate::protocol::CompletionRef;

#[derive(Clone, Default)]
pub(crate) struct Completions {
    by_ref: HashMap<CompletionRef, Arc<dyn CompletionHandler>>,
    fallback: Option<Arc<dyn CompletionHandler>>,
    /// References of disabled prompts and templates (empty unless something is disabled).
    off: HashSet<CompletionRef>,
}

impl Completions {
    /// Registers a provider for one prompt or template (`None`: for everything else).
    pub fn insert(&mut self, reference: Option<CompletionRef>, handler: Arc<dyn CompletionHandler>) {
        match reference {
            Some(r) => {
                self.by_ref.insert(r, handler);
            }
            None => self.fallback = Some(handler),
        }
    }

    /// The provider for a reference.
    pub fn get(&self, reference: &CompletionRef) -> Option<&Arc<dyn CompletionHandler>> {
        let own = if self.off.is_empty() || !self.off.contains(reference) { self.by_ref.get(reference) } else { None };
        own.or(self.fallback.as_ref())
    }

    /// Sets aside the provider of `reference` (`off`), or puts it back, as the prompt or
    /// template it completes is disabled or enabled (or removed).
    pub fn set_off(&mut self, reference: CompletionRef, off: bool) {
        if off {
            self.off.insert(reference);
        } else {
            self.off.remove(&reference);
        }
    }

    /// The provider for every reference without its own, if any.
    pub fn fallback(&self) -> Option<Arc<dyn CompletionHandler>> {
        self.fallback.clone()
    }

    /// True when any provider is registered.
    pub fn is_empty(&self) -> bool {
        self.by_ref.is_empty() && self.fallback.is_none()
    }
}
