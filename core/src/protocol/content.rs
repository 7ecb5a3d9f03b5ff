//! Content blocks and tool results: text, image, audio, resource links and embedded resources.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who a message or content block is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The user.
    User,
    /// The assistant (model).
    Assistant,
}

/// The contents of a resource: text or base64 binary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceContents {
    /// The resource URI.
    pub uri: String,
    /// The MIME type.
    #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Text contents (exclusive with `blob`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Base64 binary contents (exclusive with `text`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blob: Option<String>,
    /// Extra metadata.
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

impl ResourceContents {
    /// Text contents.
    pub fn text(uri: impl Into<String>, mime_type: Option<&str>, text: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            mime_type: mime_type.map(str::to_owned),
            text: Some(text.into()),
            blob: None,
            meta: None,
        }
    }

    /// Binary contents, already base64-encoded.
    pub fn blob(uri: impl Into<String>, mime_type: Option<&str>, base64: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            mime_type: mime_type.map(str::to_owned),
            text: None,
            blob: Some(base64.into()),
            meta: None,
        }
    }
}

/// One content block of a tool result or prompt message.
///
/// Deserialized through `ContentWire` (one flat struct) rather than serde's internally
/// tagged enum support, which buffers every block into an intermediate tree first: results
/// that bindings hand over as JSON text parse about twice as fast this way.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Content {
    /// Plain text.
    Text {
        /// The text.
        text: String,
        /// Optional annotations (audience, priority, lastModified).
        #[serde(skip_serializing_if = "Option::is_none")]
        annotations: Option<Value>,
        /// Extra metadata.
        #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
        meta: Option<Value>,
    },
    /// A base64 image.
    Image {
        /// Base64 data.
        data: String,
        /// MIME type, e.g. `image/png`.
        #[serde(rename = "mimeType")]
        mime_type: String,
        /// Optional annotations.
        #[serde(skip_serializing_if = "Option::is_none")]
        annotations: Option<Value>,
        /// Extra metadata.
        #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
        meta: Option<Value>,
    },
    /// Base64 audio (2025-03-26+).
    Audio {
        /// Base64 data.
        data: String,
        /// MIME type, e.g. `audio/wav`.
        #[serde(rename = "mimeType")]
        mime_type: String,
        /// Optional annotations.
        #[serde(skip_serializing_if = "Option::is_none")]
        annotations: Option<Value>,
        /// Extra metadata.
        #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
        meta: Option<Value>,
    },
    /// A link to a resource (2025-06-18+).
    ResourceLink {
        /// The resource URI.
        uri: String,
        /// The resource name.
        name: String,
        /// Human-readable title.
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// Description.
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// MIME type.
        #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
        /// Size in bytes.
        #[serde(skip_serializing_if = "Option::is_none")]
        size: Option<u64>,
        /// Optional annotations.
        #[serde(skip_serializing_if = "Option::is_none")]
        annotations: Option<Value>,
        /// Extra metadata.
        #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
        meta: Option<Value>,
    },
    /// An embedded resource.
    Resource {
        /// The contents.
        resource: ResourceContents,
        /// Optional annotations.
        #[serde(skip_serializing_if = "Option::is_none")]
        annotations: Option<Value>,
        /// Extra metadata.
        #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
        meta: Option<Value>,
    },
}

/// Every field any content block has, in one struct that serde reads in a single pass.
#[derive(Deserialize)]
struct ContentWire {
    #[serde(rename = "type")]
    kind: String,
    text: Option<String>,
    data: Option<String>,
    #[serde(rename = "mimeType")]
    mime_type: Option<String>,
    uri: Option<String>,
    name: Option<String>,
    title: Option<String>,
    description: Option<String>,
    size: Option<u64>,
    resource: Option<ResourceContents>,
    annotations: Option<Value>,
    #[serde(rename = "_meta")]
    meta: Option<Value>,
}

impl ContentWire {
    /// The block this describes, or why it is not a valid one.
    fn into_content(self) -> Result<Content, String> {
        fn need<T>(field: Option<T>, kind: &str, name: &str) -> Result<T, String> {
            field.ok_or_else(|| format!("missing field `{name}` in a `{kind}` content block"))
        }
        let (annotations, meta) = (self.annotations, self.meta);
        let kind = self.kind.as_str();
        Ok(match kind {
            "text" => Content::Text { text: need(self.text, kind, "text")?, annotations, meta },
            "image" => Content::Image {
                data: need(self.data, kind, "data")?,
                mime_type: need(self.mime_type, kind, "mimeType")?,
                annotations,
                meta,
            },
            "audio" => Content::Audio {
                data: need(self.data, kind, "data")?,
                mime_type: need(self.mime_type, kind, "mimeType")?,
                annotations,
                meta,
            },
            "resource_link" => Content::ResourceLink {
                uri: need(self.uri, kind, "uri")?,
                name: need(self.name, kind, "name")?,
                title: self.title,
                description: self.description,
                mime_type: self.mime_type,
                size: self.size,
                annotations,
                meta,
            },
            "resource" => Content::Resource { resource: need(self.resource, kind, "resource")?, annotations, meta },
            other => {
                return Err(format!(
                    "unknown variant `{other}`, expected one of `text`, `image`, `audio`, `resource_link`, `resource`"
                ));
            }
        })
    }
}

impl<'de> Deserialize<'de> for Content {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Content, D::Error> {
        ContentWire::deserialize(deserializer)?.into_content().map_err(serde::de::Error::custom)
    }
}

impl Content {
    /// A text block.
    pub fn text(text: impl Into<String>) -> Self {
        Content::Text { text: text.into(), annotations: None, meta: None }
    }

    /// An image block from base64 data.
    pub fn image(base64: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Content::Image { data: base64.into(), mime_type: mime_type.into(), annotations: None, meta: None }
    }

    /// An audio block from base64 data.
    pub fn audio(base64: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Content::Audio { data: base64.into(), mime_type: mime_type.into(), annotations: None, meta: None }
    }

    /// A resource link.
    pub fn resource_link(uri: impl Into<String>, name: impl Into<String>) -> Self {
        Content::ResourceLink {
            uri: uri.into(),
            name: name.into(),
            title: None,
            description: None,
            mime_type: None,
            size: None,
            annotations: None,
            meta: None,
        }
    }

    /// An embedded resource.
    pub fn embedded(resource: ResourceContents) -> Self {
        Content::Resource { resource, annotations: None, meta: None }
    }

    /// The text of a text block.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Content::Text { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// The result of `tools/call`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallToolResult {
    /// Unstructured content (may be empty).
    pub content: Vec<Content>,
    /// Structured content, validated against the tool's `outputSchema` when it has one.
    #[serde(rename = "structuredContent", skip_serializing_if = "Option::is_none")]
    pub structured_content: Option<Value>,
    /// True when the tool failed.
    #[serde(rename = "isError", default, skip_serializing_if = "std::ops::Not::not")]
    pub is_error: bool,
    /// Extra metadata.
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

impl CallToolResult {
    /// About how many bytes the result takes serialized (its texts and data, plus room for
    /// the members around them and a few escapes), to size the buffer it is written into.
    pub(crate) fn size_hint(&self) -> usize {
        let blocks: usize = self
            .content
            .iter()
            .map(|c| match c {
                Content::Text { text: s, .. } | Content::Image { data: s, .. } | Content::Audio { data: s, .. } => {
                    s.len() + s.len() / 16 + 96
                }
                _ => 256,
            })
            .sum();
        blocks + 256
    }

    /// A successful result with the given content.
    pub fn success(content: Vec<Content>) -> Self {
        Self { content, ..Self::default() }
    }

    /// A successful result with one text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::success(vec![Content::text(text)])
    }

    /// A failed result with one text block (`isError: true`).
    pub fn error(message: impl Into<String>) -> Self {
        Self { content: vec![Content::text(message)], is_error: true, ..Self::default() }
    }

    /// A structured result; the JSON is mirrored as a text block for older clients.
    pub fn structured(value: Value) -> Self {
        Self { content: vec![Content::text(value.to_string())], structured_content: Some(value), ..Self::default() }
    }
}
