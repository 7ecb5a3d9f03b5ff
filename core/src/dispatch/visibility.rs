//! What one request may see of the catalogue (see [`crate::catalogue`]): the application's
//! hook asked with the request as middleware sees it, nothing asked when no hook is set.

use std::sync::Arc;

use crate::catalogue::{Catalogue, Kind, Visible};
use crate::middleware::Request;
use crate::registry::catalog::Listed;
use crate::registry::{Snapshot, TemplateEntry};

/// The catalogue hook of a request, with the view of the request it is asked about.
pub(crate) struct Sight {
    /// Boxed: a request carries its sight, and without a hook (the usual case) it is one
    /// word instead of the request view's size.
    hook: Option<Box<(Arc<dyn Catalogue>, Request)>>,
}

impl Sight {
    /// The sight of a request; free when the server has no catalogue hook. `view` makes
    /// the request as the hook sees it, called only when there is a hook.
    pub fn new(snap: &Snapshot, view: impl FnOnce() -> Request) -> Sight {
        let Some(hook) = snap.catalogue.clone() else { return Sight { hook: None } };
        Sight { hook: Some(Box::new((hook, view()))) }
    }

    /// True when a hook decides what is visible (lists are then built per request).
    pub fn is_filtered(&self) -> bool {
        self.hook.is_some()
    }

    /// What the request may see of `kind`.
    pub async fn of(&self, kind: Kind) -> Visible {
        match self.hook.as_deref() {
            None => Visible::All,
            Some((hook, view)) => hook.visible(view, kind).await,
        }
    }

    /// Whether the item of `kind` keyed `key` is visible (one question to the hook).
    pub async fn shows(&self, kind: Kind, key: &str) -> bool {
        self.hook.is_none() || self.of(kind).await.contains(key)
    }

    /// The first visible template matching `uri`, with its variables.
    pub async fn template_for(
        &self,
        snap: &Snapshot,
        uri: &str,
    ) -> Option<(Arc<TemplateEntry>, std::collections::BTreeMap<String, String>)> {
        if self.hook.is_none() {
            return snap.match_template(uri);
        }
        let visible = self.of(Kind::ResourceTemplates).await;
        snap.templates
            .iter()
            .filter(|t| visible.contains(t.key()))
            .find_map(|t| t.template.matches(uri).map(|vars| (t.clone(), vars)))
    }
}
