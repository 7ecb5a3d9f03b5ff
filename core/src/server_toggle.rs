//! Disabling and enabling registered tools, resources, resource templates and prompts while
//! serving: a disabled item stays registered (its name stays taken, its handler kept) but is
//! out of its list, and calling, reading or getting it is answered exactly as for an item
//! that was never registered, for every client and on every wire, until it is enabled again
//! (back in its place in registration order). Clients are told the list changed, as for
//! adding and removing. Unlike a catalogue hook ([`crate::catalogue`]), which decides per
//! request, this is server-wide and costs requests nothing.

use crate::catalogue::Kind;
use crate::protocol::ListKind;
use crate::server::Server;

impl Server {
    /// Enables (`true`) or disables (`false`) the item of `kind` registered under `key` (a
    /// tool or prompt name, a resource URI, a URI template as registered). True when such an
    /// item is registered, enabled or not; clients are told the list changed when its state
    /// changed (enabling an enabled item, or disabling a disabled one, does nothing).
    pub fn set_enabled(&self, kind: Kind, key: &str, enabled: bool) -> bool {
        let set = |s: &mut crate::registry::Snapshot| {
            let changed = s.set_enabled(kind, key, enabled);
            (changed, changed == Some(true))
        };
        let Some(changed) = self.shared.registry.update_if(set) else { return false };
        if changed {
            self.shared.hub.list_changed(match kind {
                Kind::Tools => ListKind::Tools,
                Kind::Prompts => ListKind::Prompts,
                Kind::Resources | Kind::ResourceTemplates => ListKind::Resources,
            });
        }
        true
    }

    /// Whether the item of `kind` registered under `key` is enabled; `None` when none is.
    pub fn is_enabled(&self, kind: Kind, key: &str) -> Option<bool> {
        self.shared.registry.snapshot().is_enabled(kind, key)
    }

    /// Disables the tool `name` (see [`Server::set_enabled`]): not listed, and a call is
    /// answered as for an unknown tool, until [`Server::enable_tool`]. True if it is registered.
    pub fn disable_tool(&self, name: &str) -> bool {
        self.set_enabled(Kind::Tools, name, false)
    }

    /// Enables the tool `name` again; true if it is registered.
    pub fn enable_tool(&self, name: &str) -> bool {
        self.set_enabled(Kind::Tools, name, true)
    }

    /// Disables the resource `uri`: not listed, and reading it is answered as for an unknown
    /// resource (a resource template the URI matches, if any, reads it instead); true if it
    /// is registered.
    pub fn disable_resource(&self, uri: &str) -> bool {
        self.set_enabled(Kind::Resources, uri, false)
    }

    /// Enables the resource `uri` again; true if it is registered.
    pub fn enable_resource(&self, uri: &str) -> bool {
        self.set_enabled(Kind::Resources, uri, true)
    }

    /// Disables the resource template `uri_template` (as registered): not listed, its
    /// lister's resources not either, no URI reads through it, and its completion provider
    /// is set aside; true if it is registered.
    pub fn disable_resource_template(&self, uri_template: &str) -> bool {
        self.set_enabled(Kind::ResourceTemplates, uri_template, false)
    }

    /// Enables the resource template `uri_template` again; true if it is registered.
    pub fn enable_resource_template(&self, uri_template: &str) -> bool {
        self.set_enabled(Kind::ResourceTemplates, uri_template, true)
    }

    /// Disables the prompt `name`: not listed, `prompts/get` is answered as for an unknown
    /// prompt and its completion provider is set aside; true if it is registered.
    pub fn disable_prompt(&self, name: &str) -> bool {
        self.set_enabled(Kind::Prompts, name, false)
    }

    /// Enables the prompt `name` again; true if it is registered.
    pub fn enable_prompt(&self, name: &str) -> bool {
        self.set_enabled(Kind::Prompts, name, true)
    }
}
