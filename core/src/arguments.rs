//! A tool call's arguments as handlers receive them ([`Arguments`]): validated once, shared
//! (never deep-copied) between the engine, a task and every round of the handler, with their
//! JSON text made at most once for the bindings that hand text to their language.

use std::ffi::CStr;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The arguments of one `tools/call`: a JSON object already validated against the tool's
/// `inputSchema`. Cloning is a reference-count increment. Derefs to the [`Value`].
#[derive(Clone)]
pub struct Arguments(Arc<Inner>);

struct Inner {
    value: Value,
    /// The compact JSON text followed by one NUL byte (so C can borrow it as a string).
    text: OnceLock<String>,
}

impl Arguments {
    /// Wraps a JSON value (normally an object).
    pub fn new(value: Value) -> Self {
        Arguments(Arc::new(Inner { value, text: OnceLock::new() }))
    }

    /// The arguments as a JSON value.
    pub fn value(&self) -> &Value {
        &self.0.value
    }

    /// Reads the arguments as any `serde` type (without copying the JSON first).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.0.value)
    }

    /// The compact JSON text of the arguments, made on first use and kept.
    pub fn json_text(&self) -> &str {
        let text = self.with_nul();
        &text[..text.len() - 1]
    }

    /// [`json_text`](Self::json_text) as a C string (JSON text never holds a raw NUL byte).
    pub fn json_c_str(&self) -> &CStr {
        CStr::from_bytes_with_nul(self.with_nul().as_bytes()).unwrap_or_default()
    }

    fn with_nul(&self) -> &String {
        self.0.text.get_or_init(|| {
            // serde_json writes into one buffer (`Display` would go through the formatter
            // piece by piece); serializing a `Value` cannot fail.
            let mut text = serde_json::to_string(&self.0.value).unwrap_or_else(|_| "{}".to_owned());
            text.push('\0');
            text
        })
    }

    /// The value, copied only when another clone of these arguments is still alive.
    pub fn into_value(self) -> Value {
        match Arc::try_unwrap(self.0) {
            Ok(inner) => inner.value,
            Err(shared) => shared.value.clone(),
        }
    }
}

impl Default for Arguments {
    /// An empty object.
    fn default() -> Self {
        Arguments::new(Value::Object(Map::new()))
    }
}

impl Deref for Arguments {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.0.value
    }
}

impl From<Value> for Arguments {
    fn from(value: Value) -> Self {
        Arguments::new(value)
    }
}

impl fmt::Debug for Arguments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.value.fmt(f)
    }
}

impl PartialEq for Arguments {
    fn eq(&self, other: &Self) -> bool {
        self.0.value == other.0.value
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn clones_share_one_value_and_one_text() {
        let args = Arguments::new(json!({"text": "héllo", "n": 2}));
        let other = args.clone();
        assert!(std::ptr::eq(args.value(), other.value()));
        assert_eq!(args.json_text(), r#"{"n":2,"text":"héllo"}"#);
        assert!(std::ptr::eq(args.json_text(), other.json_text()));
        assert_eq!(args.json_c_str().to_str().unwrap(), args.json_text());
        #[derive(serde::Deserialize)]
        struct A {
            n: u32,
        }
        assert_eq!(args.parse::<A>().unwrap().n, 2);
        drop(other);
        assert_eq!(args.into_value(), json!({"text": "héllo", "n": 2}));
    }
}
