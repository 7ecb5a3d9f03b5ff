//! Registered resources and resource templates with their handlers.

use std::sync::Arc;

use serde_json::Value;

use super::catalog::Listed;
use super::template::UriTemplate;
use crate::error::Error;
use crate::handler::ResourceHandler;
use crate::protocol::{ProtocolVersion, Resource, ResourceTemplate, shaping};

pub(crate) struct ResourceEntry {
    pub def: Resource,
    pub handler: Arc<dyn ResourceHandler>,
    json: Value,
}

impl ResourceEntry {
    pub fn new(def: Resource, handler: Arc<dyn ResourceHandler>) -> Result<ResourceEntry, Error> {
        let invalid = |reason: String| Error::InvalidDefinition { what: "resource", name: def.uri.clone(), reason };
        if def.uri.is_empty() || !def.uri.contains(':') {
            return Err(invalid("the URI needs a scheme, e.g. `file:///a.txt`".into()));
        }
        let json = serde_json::to_value(&def).map_err(|e| invalid(e.to_string()))?;
        Ok(ResourceEntry { def, handler, json })
    }
}

impl Listed for ResourceEntry {
    fn key(&self) -> &str {
        &self.def.uri
    }

    fn list_json(&self, version: ProtocolVersion) -> Value {
        let mut v = self.json.clone();
        if let Some(obj) = v.as_object_mut() {
            shaping::resource(obj, version);
        }
        v
    }
}

pub(crate) struct TemplateEntry {
    pub def: ResourceTemplate,
    pub template: UriTemplate,
    pub handler: Arc<dyn ResourceHandler>,
    json: Value,
}

impl TemplateEntry {
    pub fn new(def: ResourceTemplate, handler: Arc<dyn ResourceHandler>) -> Result<TemplateEntry, Error> {
        let invalid = |reason: String| Error::InvalidDefinition {
            what: "resource template",
            name: def.uri_template.clone(),
            reason,
        };
        let template = UriTemplate::parse(&def.uri_template).map_err(|e| invalid(e.to_string()))?;
        let json = serde_json::to_value(&def).map_err(|e| invalid(e.to_string()))?;
        Ok(TemplateEntry { def, template, handler, json })
    }
}

impl Listed for TemplateEntry {
    fn key(&self) -> &str {
        &self.def.uri_template
    }

    fn list_json(&self, version: ProtocolVersion) -> Value {
        let mut v = self.json.clone();
        if let Some(obj) = v.as_object_mut() {
            shaping::resource(obj, version);
        }
        v
    }
}
