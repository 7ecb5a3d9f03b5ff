//! Registered resources and resource templates with their handlers (and, for templates,
//! the listers of the resources they stand for).

use std::sync::Arc;

use serde_json::Value;

use super::catalog::Listed;
use super::template::UriTemplate;
use crate::error::Error;
use crate::handler::{ResourceHandler, ResourceLister};
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
    /// Lists the resources the template stands for (added to `resources/list`).
    pub lister: Option<Arc<dyn ResourceLister>>,
    json: Value,
}

impl TemplateEntry {
    pub fn new(def: ResourceTemplate, handler: Arc<dyn ResourceHandler>) -> Result<TemplateEntry, Error> {
        let invalid = |reason: String| Error::InvalidDefinition {
            what: "resource template",
            name: def.uri_template.clone(),
            reason,
        };
        let template = UriTemplate::parse(&def.uri_template)
            .map_err(|e| invalid(e.to_string()))?
            .with_policy(def.path_policy.clone());
        let json = serde_json::to_value(&def).map_err(|e| invalid(e.to_string()))?;
        Ok(TemplateEntry { def, template, handler, lister: None, json })
    }

    /// The entry with a lister of the resources it stands for.
    pub fn with_lister(mut self, lister: Arc<dyn ResourceLister>) -> TemplateEntry {
        self.lister = Some(lister);
        self
    }

    /// A resource this template's lister returned, as listed for `version`: what it leaves
    /// out is taken from the template (title, description, MIME type, annotations, icons,
    /// `_meta`).
    pub fn listed_json(&self, mut r: Resource, version: ProtocolVersion) -> Value {
        let t = &self.def;
        r.title = r.title.or_else(|| t.title.clone());
        r.description = r.description.or_else(|| t.description.clone());
        r.mime_type = r.mime_type.or_else(|| t.mime_type.clone());
        r.annotations = r.annotations.or_else(|| t.annotations.clone());
        r.icons = r.icons.or_else(|| t.icons.clone());
        r.meta = r.meta.or_else(|| t.meta.clone());
        let mut v = serde_json::to_value(&r).unwrap_or(Value::Null);
        if let Some(obj) = v.as_object_mut() {
            shaping::resource(obj, version);
        }
        v
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
