//! A tool's link to the MCP app that shows its results: the app's `ui://` URI and who may
//! call the tool (`model`, `app`), read from a definition's `ui` and written into the
//! tool's `_meta.ui` when it is registered ([`crate::protocol::Tool::ui`]).

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};

/// The URI scheme of app resources.
pub const UI_SCHEME: &str = "ui://";

/// Who may call a tool linked to an app.
const VISIBILITY: [&str; 2] = ["model", "app"];

/// A tool's link to its app: the app's URI, and who may call the tool (`model`, `app`;
/// none: both). Read from a definition's `ui`, a URI string or
/// `{"resourceUri": ..., "visibility": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolUi {
    /// The `ui://` URI of the app.
    pub resource_uri: String,
    /// Who may call the tool.
    pub visibility: Option<Vec<String>>,
}

impl<'de> Deserialize<'de> for ToolUi {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "camelCase")]
        struct Full {
            #[serde(alias = "resource_uri")]
            resource_uri: String,
            #[serde(default)]
            visibility: Option<Vec<String>>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Uri(String),
            Full(Full),
        }
        Ok(match Form::deserialize(d)? {
            Form::Uri(resource_uri) => ToolUi { resource_uri, visibility: None },
            Form::Full(f) => ToolUi { resource_uri: f.resource_uri, visibility: f.visibility },
        })
    }
}

impl ToolUi {
    /// Writes the link into a tool's `meta`: `_meta.ui` (`resourceUri`, `visibility`, other
    /// keys of `_meta.ui` kept), and the same URI under `_meta["ui/resourceUri"]`, the key
    /// hosts read before the extension was stable. `Err` says what is wrong with the link.
    pub fn write_into(self, meta: &mut Option<Value>) -> Result<(), String> {
        if !self.resource_uri.starts_with(UI_SCHEME) {
            return Err(format!("the app a tool links to must have a `{UI_SCHEME}` URI"));
        }
        let mut link = Map::new();
        link.insert("resourceUri".into(), json!(self.resource_uri));
        if let Some(v) = &self.visibility {
            if let Some(bad) = v.iter().find(|x| !VISIBILITY.contains(&x.as_str())) {
                return Err(format!("unknown visibility `{bad}` (`model` or `app`)"));
            }
            link.insert("visibility".into(), json!(v));
        }
        let meta = meta.get_or_insert_with(|| json!({}));
        let Some(obj) = meta.as_object_mut() else { return Err("_meta must be an object".into()) };
        let slot = obj.entry("ui").or_insert_with(|| json!({}));
        match slot.as_object_mut() {
            Some(existing) => existing.extend(link),
            None => *slot = Value::Object(link),
        }
        obj.insert("ui/resourceUri".into(), json!(self.resource_uri));
        Ok(())
    }
}
