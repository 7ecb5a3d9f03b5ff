//! Resource and resource-template definitions as listed by `resources/list` and
//! `resources/templates/list`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::path_policy::PathPolicy;

/// A concrete resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// The URI.
    pub uri: String,
    /// A short name.
    pub name: String,
    /// Human-readable title (2025-06-18+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// MIME type.
    #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Size in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Annotations (audience, priority, lastModified).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Value>,
    /// Icons (2025-11-25+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icons: Option<Vec<Value>>,
    /// Extra metadata.
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

impl Resource {
    /// A resource with a URI and name.
    pub fn new(uri: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            name: name.into(),
            title: None,
            description: None,
            mime_type: None,
            size: None,
            annotations: None,
            icons: None,
            meta: None,
        }
    }

    /// Sets the description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Sets the MIME type.
    pub fn mime_type(mut self, m: impl Into<String>) -> Self {
        self.mime_type = Some(m.into());
        self
    }

    /// Sets the title.
    pub fn title(mut self, t: impl Into<String>) -> Self {
        self.title = Some(t.into());
        self
    }

    /// The resources a template's lister answered as JSON: a list of definitions, or the
    /// list under `resources` (the official SDKs' `{ resources }`), `null` for none. The one
    /// reading every binding's lister uses; `Err` says what is not a resource list.
    pub fn listed_from_json(value: Value) -> Result<Vec<Resource>, String> {
        let list = match value {
            Value::Null => return Ok(Vec::new()),
            Value::Object(mut obj) if obj.contains_key("resources") => obj.remove("resources").unwrap_or_default(),
            other => other,
        };
        serde_json::from_value(list).map_err(|e| format!("invalid resource list: {e}"))
    }
}

/// A parameterized resource (RFC 6570 URI template).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceTemplate {
    /// The RFC 6570 template.
    #[serde(rename = "uriTemplate")]
    pub uri_template: String,
    /// A short name.
    pub name: String,
    /// Human-readable title (2025-06-18+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// MIME type of the resources it produces.
    #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Annotations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Value>,
    /// Icons (2025-11-25+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icons: Option<Vec<Value>>,
    /// Extra metadata.
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
    /// Path-safety rules the values of a read's URI are held to in place of the engine's
    /// own (see [`PathPolicy`]); never on the wire.
    #[serde(skip)]
    pub path_policy: Option<PathPolicy>,
}

impl ResourceTemplate {
    /// A template with a URI template and name.
    pub fn new(uri_template: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            uri_template: uri_template.into(),
            name: name.into(),
            title: None,
            description: None,
            mime_type: None,
            annotations: None,
            icons: None,
            meta: None,
            path_policy: None,
        }
    }

    /// Holds the values of a read's URI to `policy` instead of the engine's path-safety rules.
    #[must_use]
    pub fn path_policy(mut self, policy: PathPolicy) -> Self {
        self.path_policy = Some(policy);
        self
    }

    /// Sets the description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Sets the MIME type.
    pub fn mime_type(mut self, m: impl Into<String>) -> Self {
        self.mime_type = Some(m.into());
        self
    }
}
