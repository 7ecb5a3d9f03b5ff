//! MCP Apps (the `io.modelcontextprotocol/ui` extension) on the wire: an app resource's
//! definition (a `ui://` URI, the `text/html;profile=mcp-app` MIME type, its `_meta.ui`
//! with the content security policy, permissions, domain and border preference a host
//! applies to its sandbox). A tool's link to its app is `tool_ui.rs`.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::resource::Resource;
pub use super::tool_ui::{ToolUi, UI_SCHEME};

/// The extension's identifier in `capabilities.extensions`.
pub const UI_EXTENSION: &str = "io.modelcontextprotocol/ui";

/// The MIME type of an app's HTML.
pub const APP_MIME_TYPE: &str = "text/html;profile=mcp-app";

/// The permissions an app may ask its host for.
const PERMISSIONS: [&str; 4] = ["camera", "microphone", "geolocation", "clipboardWrite"];

/// The origins an app's sandbox may reach (its content security policy); each list empty
/// by default, which hosts read as "none".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AppCsp {
    /// Origins for `fetch`, XHR and WebSocket (`connect-src`).
    #[serde(default, alias = "connect_domains")]
    pub connect_domains: Vec<String>,
    /// Origins for scripts, styles, images, fonts and media.
    #[serde(default, alias = "resource_domains")]
    pub resource_domains: Vec<String>,
    /// Origins of nested frames (`frame-src`).
    #[serde(default, alias = "frame_domains")]
    pub frame_domains: Vec<String>,
    /// Origins allowed as the document's base URI (`base-uri`).
    #[serde(default, alias = "base_uri_domains")]
    pub base_uri_domains: Vec<String>,
}

impl AppCsp {
    fn to_json(&self) -> Option<Value> {
        let mut out = Map::new();
        for (key, list) in [
            ("connectDomains", &self.connect_domains),
            ("resourceDomains", &self.resource_domains),
            ("frameDomains", &self.frame_domains),
            ("baseUriDomains", &self.base_uri_domains),
        ] {
            if !list.is_empty() {
                out.insert(key.into(), json!(list));
            }
        }
        (!out.is_empty()).then_some(Value::Object(out))
    }
}

/// An app: HTML served at a `ui://` URI with the apps MIME type and the `_meta.ui` a host
/// reads before rendering it. Built with [`AppResource::new`] and its setters, or read from
/// a binding's options (`uri`, `html`, `name`, `title`, `description`, `csp`,
/// `permissions`, `domain`, `prefersBorder`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AppResource {
    /// The `ui://` URI.
    pub uri: String,
    /// The HTML (none: a reader registered with the app produces it).
    #[serde(default)]
    pub html: Option<String>,
    /// The resource's name (default: the URI).
    #[serde(default)]
    pub name: Option<String>,
    /// The resource's title.
    #[serde(default)]
    pub title: Option<String>,
    /// What the app shows.
    #[serde(default)]
    pub description: Option<String>,
    /// The origins its sandbox may reach.
    #[serde(default)]
    pub csp: AppCsp,
    /// The permissions it asks for (`camera`, `microphone`, `geolocation`, `clipboardWrite`).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// The dedicated origin the host should give its sandbox.
    #[serde(default)]
    pub domain: Option<String>,
    /// Whether the host should draw a border around it.
    #[serde(default, alias = "prefers_border")]
    pub prefers_border: Option<bool>,
}

impl AppResource {
    /// An app at `uri` (`ui://...`) showing `html`.
    pub fn new(uri: impl Into<String>, html: impl Into<String>) -> AppResource {
        AppResource { uri: uri.into(), html: Some(html.into()), ..AppResource::default() }
    }

    /// An app at `uri` whose HTML a reader produces when it is read.
    pub fn loaded(uri: impl Into<String>) -> AppResource {
        AppResource { uri: uri.into(), ..AppResource::default() }
    }

    /// Sets the name listed in `resources/list`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the content security policy.
    pub fn csp(mut self, csp: AppCsp) -> Self {
        self.csp = csp;
        self
    }

    /// Asks for a permission (`camera`, `microphone`, `geolocation`, `clipboardWrite`).
    pub fn permission(mut self, permission: impl Into<String>) -> Self {
        self.permissions.push(permission.into());
        self
    }

    /// Sets the dedicated origin of its sandbox.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Sets whether the host should draw a border around it.
    pub fn prefers_border(mut self, on: bool) -> Self {
        self.prefers_border = Some(on);
        self
    }

    /// Checks the URI's scheme and the permissions asked for.
    pub fn check(&self) -> Result<(), String> {
        if !self.uri.starts_with(UI_SCHEME) || self.uri.len() == UI_SCHEME.len() {
            return Err(format!("an app's URI must start with `{UI_SCHEME}`"));
        }
        if let Some(p) = self.permissions.iter().find(|p| !PERMISSIONS.contains(&p.as_str())) {
            return Err(format!("unknown permission `{p}` (one of {})", PERMISSIONS.join(", ")));
        }
        Ok(())
    }

    /// The `_meta` of the app's definition and of its contents: `{"ui": {...}}`, or none
    /// when nothing is set.
    pub fn meta(&self) -> Option<Value> {
        let mut ui = Map::new();
        if let Some(csp) = self.csp.to_json() {
            ui.insert("csp".into(), csp);
        }
        if !self.permissions.is_empty() {
            let asked: Map<String, Value> = self.permissions.iter().map(|p| (p.clone(), json!({}))).collect();
            ui.insert("permissions".into(), Value::Object(asked));
        }
        if let Some(d) = &self.domain {
            ui.insert("domain".into(), json!(d));
        }
        if let Some(b) = self.prefers_border {
            ui.insert("prefersBorder".into(), json!(b));
        }
        (!ui.is_empty()).then(|| json!({ "ui": ui }))
    }

    /// The resource definition listed in `resources/list`.
    pub fn resource(&self) -> Resource {
        let mut def = Resource::new(&self.uri, self.name.as_deref().unwrap_or(&self.uri)).mime_type(APP_MIME_TYPE);
        def.title = self.title.clone();
        def.description = self.description.clone();
        def.meta = self.meta();
        def
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Tool;

    #[test]
    fn an_app_carries_its_sandbox_settings_in_meta() {
        let csp = AppCsp { connect_domains: vec!["https://api.example.com".into()], ..AppCsp::default() };
        let app = AppResource::new("ui://weather/view", "<p>hi</p>").csp(csp).permission("camera").prefers_border(true);
        app.check().unwrap();
        let def = app.resource();
        assert_eq!(def.mime_type.as_deref(), Some(APP_MIME_TYPE));
        let meta = def.meta.unwrap();
        assert_eq!(meta["ui"]["csp"]["connectDomains"][0], "https://api.example.com");
        assert_eq!(meta["ui"]["permissions"]["camera"], json!({}));
        assert_eq!(meta["ui"]["prefersBorder"], true);
        assert!(AppResource::new("https://x", "").check().is_err());
        assert!(AppResource::new("ui://x", "").permission("usb").check().is_err());
    }

    #[test]
    fn a_tool_links_to_its_app() {
        let mut tool = Tool::new("show").ui("ui://weather/view").ui_visibility(["app"]);
        tool.link_ui().unwrap();
        let meta = tool.meta.unwrap();
        assert_eq!(meta["ui"], json!({ "resourceUri": "ui://weather/view", "visibility": ["app"] }));
        assert_eq!(meta["ui/resourceUri"], "ui://weather/view");
        let read: Tool = serde_json::from_value(json!({ "name": "t", "inputSchema": {}, "ui": "ui://a" })).unwrap();
        assert_eq!(read.ui.unwrap().resource_uri, "ui://a");
        let mut bad = Tool::new("t").ui("https://a");
        assert!(bad.link_ui().is_err());
    }
}
