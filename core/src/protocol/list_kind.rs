//! Which of the server's lists changed, and the notification that says so.

use super::method::Method;

/// Which list changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListKind {
    /// The tools (`notifications/tools/list_changed`).
    Tools,
    /// The prompts (`notifications/prompts/list_changed`).
    Prompts,
    /// The resources (`notifications/resources/list_changed`).
    Resources,
}

impl ListKind {
    /// Every list.
    pub const ALL: [ListKind; 3] = [ListKind::Tools, ListKind::Prompts, ListKind::Resources];

    /// The `list_changed` notification of this list.
    pub fn method(self) -> &'static str {
        match self {
            ListKind::Tools => Method::ToolListChanged.as_str(),
            ListKind::Prompts => Method::PromptListChanged.as_str(),
            ListKind::Resources => Method::ResourceListChanged.as_str(),
        }
    }
}
