//! What a completion provider returns ([`CompletionOutput`]) and the one rule that turns it
//! into a `Completion`. Every binding maps its language's return values onto these
//! variants; only this file decides the wire shape (docs/results.md).

use serde_json::Value;

use crate::protocol::Completion;
use crate::protocol::header_params::json_type as kind;

/// What a completion provider produces. How each variant becomes a `Completion` (the engine
/// then sends at most 100 values, setting `total` and `hasMore` when there are more):
///
/// | variant | `Completion` |
/// |---|---|
/// | `Values(list)` | `values: list` |
/// | `Json(null)` | no values |
/// | `Json([v, ...])` | one value per item: a string as is, a number or boolean as its JSON text |
/// | `Json({"values": [...], "total"?, "hasMore"?})` | as given |
/// | `Result(c)` | `c` |
#[derive(Debug, Clone, PartialEq)]
pub enum CompletionOutput {
    /// The suggested values.
    Values(Vec<String>),
    /// A JSON value a binding hands over as is (see the table for each kind of value).
    Json(Value),
    /// A whole completion.
    Result(Completion),
}

impl CompletionOutput {
    /// The completion. `Err` says what could not be read as one.
    pub fn into_completion(self) -> Result<Completion, String> {
        match self {
            CompletionOutput::Values(values) => Ok(Completion::new(values)),
            CompletionOutput::Result(c) => Ok(c),
            CompletionOutput::Json(Value::Null) => Ok(Completion::default()),
            CompletionOutput::Json(Value::Array(items)) => {
                Ok(Completion::new(items.into_iter().map(value).collect::<Result<_, _>>()?))
            }
            CompletionOutput::Json(v @ Value::Object(_)) => {
                serde_json::from_value(v).map_err(|e| format!("the completion could not be read: {e}"))
            }
            CompletionOutput::Json(v) => {
                Err(format!("a completion returns a list of values or {{values}}, not {}", kind(&v)))
            }
        }
    }
}

fn value(item: Value) -> Result<String, String> {
    match item {
        Value::String(s) => Ok(s),
        v @ (Value::Number(_) | Value::Bool(_)) => Ok(v.to_string()),
        other => Err(format!("a completion value must be a string, not {}", kind(&other))),
    }
}

impl From<Completion> for CompletionOutput {
    fn from(c: Completion) -> Self {
        CompletionOutput::Result(c)
    }
}

impl From<Vec<String>> for CompletionOutput {
    fn from(values: Vec<String>) -> Self {
        CompletionOutput::Values(values)
    }
}

impl From<Value> for CompletionOutput {
    fn from(v: Value) -> Self {
        CompletionOutput::Json(v)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn lists_and_objects_become_completions() {
        let read = |v: Value| serde_json::to_value(CompletionOutput::Json(v).into_completion().unwrap()).unwrap();
        assert_eq!(read(json!(["a", 2, true])), json!({ "values": ["a", "2", "true"] }));
        assert_eq!(
            read(json!({ "values": ["a"], "total": 9, "hasMore": true })),
            json!({ "values": ["a"], "total": 9, "hasMore": true })
        );
        assert_eq!(read(Value::Null), json!({ "values": [] }));
        assert!(CompletionOutput::Json(json!([{}])).into_completion().is_err());
        assert!(CompletionOutput::Json(json!("a")).into_completion().is_err());
    }
}
