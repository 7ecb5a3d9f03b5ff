//! The JavaScript catalogue hook behind the engine's `Catalogue`: one handler in the
//! server's table (lib/catalogue.js), asked with the request and the kind as JSON, answering
//! `null` (everything) or the array of keys the request may see.

use std::collections::HashSet;
use std::sync::Arc;

use mcpforge::{BoxFuture, Catalogue, CatalogueKind, MiddlewareRequest, Visible};
use serde_json::{Value, json};

use crate::call_state::Reply;
use crate::callback::JsHandler;
use crate::middleware::request_value;

/// The JavaScript hook, called once per kind and request.
pub(crate) struct JsCatalogue {
    pub handler: Arc<JsHandler>,
}

impl Catalogue for JsCatalogue {
    fn visible<'a>(&'a self, req: &'a MiddlewareRequest, kind: CatalogueKind) -> BoxFuture<'a, Visible> {
        let payload = json!({ "request": request_value(req), "kind": kind.as_str() }).to_string();
        let handler = self.handler.clone();
        Box::pin(async move {
            match handler.invoke_plain(payload).await {
                Ok(Reply::Json(text)) => visible_of(&text),
                // lib/catalogue.js answers JSON, or a tool error after logging the throw and
                // reporting it to the error hook. Fail closed: what the hook could not
                // decide is not shown.
                _ => Visible::Only(HashSet::new()),
            }
        })
    }
}

/// `null` is everything; an array holds the visible keys (lib/catalogue.js checked them).
fn visible_of(text: &str) -> Visible {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(keys)) => {
            Visible::Only(keys.into_iter().filter_map(|k| k.as_str().map(str::to_owned)).collect())
        }
        Ok(Value::Null) => Visible::All,
        _ => Visible::Only(HashSet::new()),
    }
}
