//! MCP Apps on a [`ServerBuilder`] and a running [`Server`]: an app resource registered
//! (served with the apps MIME type, its `_meta.ui` on the definition and on what is read),
//! a tool registered with its app in one call, and the `io.modelcontextprotocol/ui`
//! extension advertised.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::error::{Error, HandlerError};
use crate::handler::{BoxFuture, ResourceHandler, ResourceOutput};
use crate::protocol::{APP_MIME_TYPE, AppResource, Tool, UI_EXTENSION};
use crate::registry::ResourceEntry;
use crate::sugar::{IntoResourceHandler, IntoToolHandler};

use super::{Server, ServerBuilder};

/// The extension's settings: none (an empty object says the server serves apps).
fn settings() -> Value {
    json!({})
}

/// Reads an app: its HTML, or what its reader returns, as contents carrying the apps MIME
/// type and the app's `_meta` (where the reader set neither).
struct AppReader {
    html: Option<String>,
    reader: Option<Arc<dyn ResourceHandler>>,
    meta: Option<Value>,
}

impl ResourceHandler for AppReader {
    fn read(
        &self,
        ctx: crate::RequestContext,
        uri: String,
        vars: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<ResourceOutput, HandlerError>> {
        let html = self.html.clone();
        let reader = self.reader.clone();
        let meta = self.meta.clone();
        Box::pin(async move {
            let output = match (html, reader) {
                (Some(html), _) => ResourceOutput::Text(html),
                (None, Some(r)) => r.read(ctx, uri.clone(), vars).await?,
                (None, None) => ResourceOutput::Json(Value::Null),
            };
            let mut contents = output.into_contents(&uri, Some(APP_MIME_TYPE)).map_err(|e| {
                HandlerError::Protocol(crate::ProtocolError::internal(format!("the app's reader returned {e}")))
            })?;
            for c in &mut contents {
                if c.meta.is_none() {
                    c.meta = meta.clone();
                }
            }
            Ok(ResourceOutput::Contents(contents))
        })
    }
}

/// The app's registry entry, with `reader` producing its HTML when it has none.
fn entry(app: &AppResource, reader: Option<Arc<dyn ResourceHandler>>) -> Result<ResourceEntry, Error> {
    let invalid = |reason: String| Error::InvalidDefinition { what: "app", name: app.uri.clone(), reason };
    app.check().map_err(invalid)?;
    if app.html.is_none() && reader.is_none() {
        return Err(invalid("an app needs its HTML or a reader".into()));
    }
    let handler = Arc::new(AppReader { html: app.html.clone(), reader, meta: app.meta() });
    ResourceEntry::new(app.resource(), handler)
}

impl ServerBuilder {
    /// Registers an app (a `ui://` resource holding its HTML, see [`AppResource`]) and
    /// advertises the `io.modelcontextprotocol/ui` extension. Link a tool to it with
    /// [`Tool::ui`], or register both at once with [`ServerBuilder::app_tool`].
    pub fn app(self, app: AppResource) -> Self {
        self.app_entry(entry(&app, None))
    }

    /// Registers an app whose HTML `reader` produces when it is read
    /// (`|ctx, uri| async { Ok::<_, ToolError>(html) }`); the app's `html` is left unset.
    pub fn app_with<M>(self, app: AppResource, reader: impl IntoResourceHandler<M>) -> Self {
        self.app_entry(entry(&app, Some(reader.into_resource_handler())))
    }

    fn app_entry(mut self, entry: Result<ResourceEntry, Error>) -> Self {
        Self::push(&mut self.errors, &mut self.snapshot.resources, "app", entry);
        self.extensions.insert(UI_EXTENSION.to_owned(), settings());
        self
    }

    /// Registers a tool and the app it shows its results in, linked
    /// (`_meta.ui.resourceUri`), in one call.
    pub fn app_tool<M>(self, tool: Tool, app: AppResource, handler: impl IntoToolHandler<M>) -> Self {
        let uri = app.uri.clone();
        self.app(app).tool(tool.ui(uri), handler)
    }
}

impl Server {
    /// Registers an app while serving (see [`ServerBuilder::app`]; with `reader`, as
    /// [`ServerBuilder::app_with`]); clients are told the resource list changed.
    pub fn add_app(&self, app: AppResource, reader: Option<Arc<dyn ResourceHandler>>) -> Result<(), Error> {
        let entry = entry(&app, reader)?;
        let inserted = self.shared.registry.update(|s| s.resources.insert(entry));
        inserted.map_err(|name| Error::Duplicate { what: "app", name })?;
        self.advertise_extension(UI_EXTENSION, settings());
        self.shared.hub.list_changed(crate::ListKind::Resources);
        Ok(())
    }
}
