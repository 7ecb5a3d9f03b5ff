//! What one request may see of the catalogue (see [`crate::catalogue`]): the application's
//! hook asked with the request as middleware sees it, nothing asked when no hook is set;
//! and, for a request with a bearer grant, only the tools whose required scopes it holds.

use std::sync::Arc;

use crate::auth::AuthInfo;
use crate::catalogue::{Catalogue, Kind, Visible};
use crate::error::ProtocolError;
use crate::middleware::Request;
use crate::registry::catalog::Listed;
use crate::registry::{Snapshot, TemplateEntry, ToolEntry};

/// The catalogue hook of a request, with the view of the request it is asked about, and
/// the grant its tools' scopes are checked against.
pub(crate) struct Sight {
    /// Boxed: a request carries its sight, and without a hook (the usual case) it is one
    /// word instead of the request view's size.
    hook: Option<Box<(Arc<dyn Catalogue>, Request)>>,
    /// The request's bearer grant and the registry it sees: a tool whose `required_scopes`
    /// the grant lacks is left out of lists and refused ([`Sight::permits`]). `None` for a
    /// request without a grant (stdio, in memory, HTTP without `auth`): nothing is checked.
    scoped: Option<(Arc<AuthInfo>, Arc<Snapshot>)>,
}

impl Sight {
    /// The sight of a request with `grant`; free when the server has no catalogue hook and
    /// the request no grant. `view` makes the request as the hook sees it, called only when
    /// there is a hook.
    pub fn new(snap: &Arc<Snapshot>, grant: Option<&Arc<AuthInfo>>, view: impl FnOnce() -> Request) -> Sight {
        let scoped = grant.map(|g| (g.clone(), snap.clone()));
        let Some(hook) = snap.catalogue.clone() else { return Sight { hook: None, scoped } };
        Sight { hook: Some(Box::new((hook, view()))), scoped }
    }

    /// True when a hook decides what is visible (lists are then built per request).
    pub fn is_filtered(&self) -> bool {
        self.hook.is_some()
    }

    /// What the request may see of `kind`: what the hook shows, and of the tools only those
    /// whose required scopes the request's grant holds.
    pub async fn of(&self, kind: Kind) -> Visible {
        let shown = self.of_hook(kind).await;
        match (&self.scoped, kind) {
            (Some((grant, snap)), Kind::Tools) => within_scopes(grant, snap, shown),
            _ => shown,
        }
    }

    /// Whether the hook shows the item of `kind` keyed `key` (one question to the hook). A
    /// tool's scopes are [`Sight::permits`]'s to check.
    pub async fn shows(&self, kind: Kind, key: &str) -> bool {
        self.hook.is_none() || self.of_hook(kind).await.contains(key)
    }

    /// What the hook alone shows of `kind`.
    async fn of_hook(&self, kind: Kind) -> Visible {
        match self.hook.as_deref() {
            None => Visible::All,
            Some((hook, view)) => hook.visible(view, kind).await,
        }
    }

    /// Whether the request's grant holds the scopes `tool` requires; when it does not, the
    /// refusal of its call (`-32600` with `data.httpStatus` 403, `error`
    /// `insufficient_scope` and the tool's `scope`, as a WebSocket refuses a token). Over
    /// HTTP the endpoint refuses such a call with 403 before it is dispatched.
    pub fn permits(&self, tool: &ToolEntry) -> Result<(), ProtocolError> {
        let needed = &tool.def.required_scopes;
        match &self.scoped {
            Some((grant, _)) if !grant.has_scopes(needed) => Err(ProtocolError::bearer_refused(
                format!("tool {} requires scopes: {}", tool.def.name, needed.join(" ")),
                403,
                "insufficient_scope",
                Some(needed),
            )),
            _ => Ok(()),
        }
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
        let visible = self.of_hook(Kind::ResourceTemplates).await;
        crate::registry::first_match(snap.templates.iter().filter(|t| visible.contains(t.key())), uri)
    }
}

/// The tools of `shown` whose required scopes `grant` holds: `shown` itself (cached pages
/// stay in use) when it hides none of them.
fn within_scopes(grant: &AuthInfo, snap: &Snapshot, shown: Visible) -> Visible {
    let permitted = |t: &ToolEntry| grant.has_scopes(&t.def.required_scopes);
    if snap.tools.iter().all(|t| permitted(t) || !shown.contains(t.key())) {
        return shown;
    }
    Visible::only(snap.tools.iter().filter(|t| permitted(t) && shown.contains(t.key())).map(|t| t.key().to_owned()))
}
