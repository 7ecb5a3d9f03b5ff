//! `completion/complete`: what is being completed and the suggestions returned.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What an argument completion refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum CompletionRef {
    /// An argument of a prompt.
    #[serde(rename = "ref/prompt")]
    Prompt {
        /// The prompt name.
        name: String,
    },
    /// A variable of a resource template.
    #[serde(rename = "ref/resource")]
    Resource {
        /// The template (or URI).
        uri: String,
    },
}

/// A completion request.
#[derive(Debug, Clone, PartialEq)]
pub struct CompleteRequest {
    /// What is completed.
    pub reference: CompletionRef,
    /// The argument name.
    pub argument: String,
    /// The partial value typed so far.
    pub value: String,
    /// Values of other arguments already resolved (2025-06-18+ `context.arguments`).
    pub context: BTreeMap<String, String>,
}

/// Completion suggestions (at most 100 are sent; the engine truncates and sets `hasMore`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Completion {
    /// Suggested values.
    pub values: Vec<String>,
    /// Total number of matches, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// More matches exist than were returned.
    #[serde(rename = "hasMore", skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
}

impl Completion {
    /// Suggestions from a list of values.
    pub fn new(values: Vec<String>) -> Self {
        Self { values, total: None, has_more: None }
    }
}
