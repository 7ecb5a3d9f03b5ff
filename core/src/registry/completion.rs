//! Completion providers, keyed by the prompt or resource template they complete.

use std::collections::HashMap;
use std::sync::Arc;

use crate::handler::CompletionHandler;
use crate::protocol::CompletionRef;

#[derive(Clone, Default)]
pub(crate) struct Completions {
    by_ref: HashMap<CompletionRef, Arc<dyn CompletionHandler>>,
    fallback: Option<Arc<dyn CompletionHandler>>,
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
        self.by_ref.get(reference).or(self.fallback.as_ref())
    }

    /// True when any provider is registered.
    pub fn is_empty(&self) -> bool {
        self.by_ref.is_empty() && self.fallback.is_none()
    }
}
