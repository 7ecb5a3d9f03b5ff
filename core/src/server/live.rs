//! What an application changes on a [`Server`] while it serves: tools, resources, templates,
//! prompts and completions added or removed, and the list-changed notifications they send.

use std::sync::Arc;

use crate::catalogue::Kind;
use crate::error::Error;
use crate::handler::CompletionHandler;
use crate::protocol::ListKind;
use crate::protocol::{CompletionRef, Prompt, Resource, ResourceTemplate, Tool};
use crate::registry::{PromptEntry, ResourceEntry, TemplateEntry, ToolEntry};
use crate::sugar::{IntoPromptHandler, IntoResourceHandler, IntoResourceLister, IntoTemplateHandler, IntoToolHandler};

use super::Server;

impl Server {
    /// Adds a tool while serving; clients are told the list changed. A name already
    /// registered is refused ([`Error::Duplicate`]): replacing is `remove_tool`, then this.
    pub fn add_tool<M>(&self, tool: Tool, handler: impl IntoToolHandler<M>) -> Result<(), Error> {
        let entry = ToolEntry::checked(tool, handler.into_tool_handler(), !self.shared.lenient_tool_names)?;
        let inserted = self.shared.registry.update(|s| s.tools.insert(entry));
        inserted.map_err(|name| Error::Duplicate { what: "tool", name })?;
        self.shared.hub.list_changed(ListKind::Tools);
        Ok(())
    }

    /// Holds the list-changed notices of the changes made from now on until the matching
    /// [`Server::release_list_changes`], which tells each list that changed once: a tool
    /// replaced (removed, then added again) is then one change, as the official SDKs tell a
    /// handle's `update`. Holds nest; every hold must be released.
    pub fn hold_list_changes(&self) {
        self.shared.hub.hold_lists();
    }

    /// Ends one [`Server::hold_list_changes`]; when it was the last, clients are told of each
    /// list that changed meanwhile, once.
    pub fn release_list_changes(&self) {
        self.shared.hub.release_lists();
    }

    /// Whether sessions of the handshake versions are told of changes of `list` from now on
    /// (`on`), and whether the capabilities of the sessions that initialize afterwards claim
    /// `listChanged` for it (see [`ServerBuilder::quiet_lists`](crate::ServerBuilder::quiet_lists)).
    pub fn tell_list_changes(&self, list: ListKind, on: bool) {
        self.shared.hub.set_told(list, on);
    }

    /// Replaces the instructions sent to clients from the next `initialize` or
    /// `server/discover` on (`None`: none).
    pub fn set_instructions(&self, instructions: Option<String>) {
        *crate::sync::lock(&self.shared.instructions) = instructions;
    }

    /// Removes a tool, enabled or disabled ([`Server::disable_tool`]); true if it existed
    /// (clients are told the list changed).
    pub fn remove_tool(&self, name: &str) -> bool {
        let removed = self.shared.registry.update(|s| s.remove(Kind::Tools, name));
        if removed {
            self.shared.hub.list_changed(ListKind::Tools);
        }
        removed
    }

    /// Adds a resource while serving (a URI already registered is refused).
    pub fn add_resource<M>(&self, resource: Resource, handler: impl IntoResourceHandler<M>) -> Result<(), Error> {
        let entry = ResourceEntry::new(resource, handler.into_resource_handler())?;
        let inserted = self.shared.registry.update(|s| s.resources.insert(entry));
        inserted.map_err(|name| Error::Duplicate { what: "resource", name })?;
        self.shared.hub.list_changed(ListKind::Resources);
        Ok(())
    }

    /// Removes a resource; true if it existed.
    pub fn remove_resource(&self, uri: &str) -> bool {
        let removed = self.shared.registry.update(|s| s.remove(Kind::Resources, uri));
        if removed {
            self.shared.hub.list_changed(ListKind::Resources);
        }
        removed
    }

    /// Adds a prompt while serving (a name already registered is refused).
    pub fn add_prompt<M>(&self, prompt: Prompt, handler: impl IntoPromptHandler<M>) -> Result<(), Error> {
        let entry = PromptEntry::new(prompt, handler.into_prompt_handler())?;
        let inserted = self.shared.registry.update(|s| s.prompts.insert(entry));
        inserted.map_err(|name| Error::Duplicate { what: "prompt", name })?;
        self.shared.hub.list_changed(ListKind::Prompts);
        Ok(())
    }

    /// Removes a prompt; true if it existed.
    pub fn remove_prompt(&self, name: &str) -> bool {
        let removed = self.shared.registry.update(|s| s.remove(Kind::Prompts, name));
        if removed {
            self.shared.hub.list_changed(ListKind::Prompts);
        }
        removed
    }

    /// Adds a resource template while serving (clients are told the resource list changed;
    /// a template already registered is refused).
    pub fn add_resource_template<M>(
        &self,
        template: ResourceTemplate,
        handler: impl IntoTemplateHandler<M>,
    ) -> Result<(), Error> {
        self.insert_template(TemplateEntry::new(template, handler.into_template_handler())?)
    }

    /// Adds a resource template whose `lister` says which resources it stands for:
    /// `resources/list` adds them after the concrete resources (see [`crate::ResourceLister`]).
    /// Otherwise as [`Server::add_resource_template`].
    pub fn add_listed_resource_template<M, L>(
        &self,
        template: ResourceTemplate,
        handler: impl IntoTemplateHandler<M>,
        lister: impl IntoResourceLister<L>,
    ) -> Result<(), Error> {
        let entry = TemplateEntry::new(template, handler.into_template_handler())?;
        self.insert_template(entry.with_lister(lister.into_resource_lister()))
    }

    fn insert_template(&self, entry: TemplateEntry) -> Result<(), Error> {
        let inserted = self.shared.registry.update(|s| s.templates.insert(entry));
        inserted.map_err(|name| Error::Duplicate { what: "resource template", name })?;
        self.shared.hub.list_changed(ListKind::Resources);
        Ok(())
    }

    /// Removes a resource template (by its template string); true if it existed (clients are
    /// told the resource list changed).
    pub fn remove_resource_template(&self, uri_template: &str) -> bool {
        let removed = self.shared.registry.update(|s| s.remove(Kind::ResourceTemplates, uri_template));
        if removed {
            self.shared.hub.list_changed(ListKind::Resources);
        }
        removed
    }

    /// Adds or replaces a completion provider while serving (`None`: the fallback for every
    /// reference without its own provider).
    pub fn add_completion(&self, reference: Option<CompletionRef>, handler: Arc<dyn CompletionHandler>) {
        self.shared.registry.update(|s| s.completions.insert(reference, handler));
    }

    /// Tells subscribed clients that a resource changed (`notifications/resources/updated`
    /// to legacy subscribers and to 2026 listen streams that listed the URI).
    pub fn notify_resource_updated(&self, uri: &str) {
        self.shared.hub.resource_updated(uri);
    }

    /// Tells clients the tool list changed (when tools change outside the registry, e.g.
    /// a handler whose availability depends on external state).
    pub fn notify_tools_changed(&self) {
        self.shared.hub.list_changed(ListKind::Tools);
    }

    /// Tells clients the prompt list changed.
    pub fn notify_prompts_changed(&self) {
        self.shared.hub.list_changed(ListKind::Prompts);
    }

    /// Tells clients the resource list changed.
    pub fn notify_resources_changed(&self) {
        self.shared.hub.list_changed(ListKind::Resources);
    }
}
