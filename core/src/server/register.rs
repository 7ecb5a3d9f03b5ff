//! What a [`ServerBuilder`] registers before the server is built: tools, resources,
//! templates, prompts, completions and middleware.

use std::sync::Arc;

use crate::error::Error;
use crate::handler::{CompletionHandler, PromptHandler, ResourceHandler, ToolHandler};
use crate::middleware::Middleware;
use crate::protocol::{CompletionRef, Prompt, Resource, ResourceTemplate, Tool};
use crate::registry::{PromptEntry, ResourceEntry, TemplateEntry, ToolEntry};
use crate::sugar::{IntoPromptHandler, IntoResourceHandler, IntoResourceLister, IntoTemplateHandler, IntoToolHandler};

use super::ServerBuilder;

impl ServerBuilder {
    pub(super) fn push<T: crate::registry::catalog::Listed>(
        errors: &mut Vec<Error>,
        catalog: &mut crate::registry::Catalog<T>,
        what: &'static str,
        entry: Result<T, Error>,
    ) {
        match entry {
            Ok(e) => {
                if let Err(name) = catalog.insert(e) {
                    errors.push(Error::Duplicate { what, name });
                }
            }
            Err(e) => errors.push(e),
        }
    }

    /// Adds `middleware` to the chain around every request, after (inside) the ones added
    /// before: the first added sees a request first and its answer last. A closure
    /// `|req, next| async move { next.run(req).await }` is a middleware; see
    /// [`crate::middleware`].
    pub fn middleware(mut self, middleware: impl Middleware) -> Self {
        let link: Arc<dyn Middleware> = Arc::new(middleware);
        self.snapshot.middleware = self.snapshot.middleware.iter().cloned().chain([link]).collect();
        self
    }

    /// Registers a tool. The handler is a closure or async fn taking the arguments (any
    /// `serde` type, or `serde_json::Value`) and optionally a [`crate::RequestContext`]
    /// first; or an `Arc<dyn ToolHandler>`.
    pub fn tool<M>(mut self, tool: Tool, handler: impl IntoToolHandler<M>) -> Self {
        let entry = ToolEntry::checked(tool, handler.into_tool_handler(), !self.lenient_tool_names);
        Self::push(&mut self.errors, &mut self.snapshot.tools, "tool", entry);
        self
    }

    /// Registers a tool whose input schema is derived from its argument type `A`.
    #[cfg(feature = "schemars")]
    pub fn typed_tool<A, M>(self, name: &str, description: &str, handler: impl IntoToolHandler<M>) -> Self
    where
        A: schemars::JsonSchema,
    {
        let tool = Tool::new(name).description(description).input_schema(crate::sugar::schema_for::<A>());
        self.tool(tool, handler)
    }

    /// Registers a concrete resource with a reader `|ctx, uri| async { ... }`.
    pub fn resource<M>(mut self, resource: Resource, handler: impl IntoResourceHandler<M>) -> Self {
        let entry = ResourceEntry::new(resource, handler.into_resource_handler());
        Self::push(&mut self.errors, &mut self.snapshot.resources, "resource", entry);
        self
    }

    /// Registers a resource template with a reader `|ctx, uri, vars| async { ... }`.
    pub fn resource_template<M>(mut self, template: ResourceTemplate, handler: impl IntoTemplateHandler<M>) -> Self {
        let entry = TemplateEntry::new(template, handler.into_template_handler());
        Self::push(&mut self.errors, &mut self.snapshot.templates, "resource template", entry);
        self
    }

    /// Registers a resource template whose `lister` (`|ctx| async { Ok(vec![...]) }` or an
    /// `Arc<dyn ResourceLister>`) says which resources it stands for: `resources/list` adds
    /// them after the concrete resources.
    pub fn listed_resource_template<M, L>(
        mut self,
        template: ResourceTemplate,
        handler: impl IntoTemplateHandler<M>,
        lister: impl IntoResourceLister<L>,
    ) -> Self {
        let entry = TemplateEntry::new(template, handler.into_template_handler())
            .map(|e| e.with_lister(lister.into_resource_lister()));
        Self::push(&mut self.errors, &mut self.snapshot.templates, "resource template", entry);
        self
    }

    /// Registers a prompt with a renderer `|ctx, args| async { ... }`.
    pub fn prompt<M>(mut self, prompt: Prompt, handler: impl IntoPromptHandler<M>) -> Self {
        let entry = PromptEntry::new(prompt, handler.into_prompt_handler());
        Self::push(&mut self.errors, &mut self.snapshot.prompts, "prompt", entry);
        self
    }

    /// Registers a completion provider for one prompt or template (`Some(ref)`), or for
    /// every reference without its own provider (`None`).
    pub fn completion(mut self, reference: Option<CompletionRef>, handler: Arc<dyn CompletionHandler>) -> Self {
        self.snapshot.completions.insert(reference, handler);
        self
    }

    /// Registers a tool from a boxed handler (what bindings use).
    pub fn tool_handler(self, tool: Tool, handler: Arc<dyn ToolHandler>) -> Self {
        self.tool(tool, handler)
    }

    /// Registers a resource from a boxed handler.
    pub fn resource_handler(self, resource: Resource, handler: Arc<dyn ResourceHandler>) -> Self {
        self.resource(resource, handler)
    }

    /// Registers a template from a boxed handler.
    pub fn template_handler(self, template: ResourceTemplate, handler: Arc<dyn ResourceHandler>) -> Self {
        self.resource_template(template, handler)
    }

    /// Registers a prompt from a boxed handler.
    pub fn prompt_handler(self, prompt: Prompt, handler: Arc<dyn PromptHandler>) -> Self {
        self.prompt(prompt, handler)
    }
}
