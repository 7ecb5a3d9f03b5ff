//! Registered prompts with their handlers.

use std::sync::Arc;

use serde_json::Value;

use super::catalog::Listed;
use crate::error::Error;
use crate::handler::PromptHandler;
use crate::protocol::{Prompt, ProtocolVersion, shaping};

pub(crate) struct PromptEntry {
    pub def: Prompt,
    pub handler: Arc<dyn PromptHandler>,
    json: Value,
}

impl PromptEntry {
    pub fn new(def: Prompt, handler: Arc<dyn PromptHandler>) -> Result<PromptEntry, Error> {
        let invalid = |reason: String| Error::InvalidDefinition { what: "prompt", name: def.name.clone(), reason };
        super::tool::check_name(&def.name).map_err(invalid)?;
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = def.argument_list().iter().find(|a| !seen.insert(a.name.as_str())) {
            return Err(invalid(format!("argument `{}` is declared twice", dup.name)));
        }
        let json = serde_json::to_value(&def).map_err(|e| invalid(e.to_string()))?;
        Ok(PromptEntry { def, handler, json })
    }
}

impl Listed for PromptEntry {
    fn key(&self) -> &str {
        &self.def.name
    }

    fn list_json(&self, version: ProtocolVersion) -> Value {
        let mut v = self.json.clone();
        if let Some(obj) = v.as_object_mut() {
            shaping::prompt(obj, version);
        }
        v
    }
}
