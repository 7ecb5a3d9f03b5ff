//! Reading the top level of one incoming JSON-RPC frame: a message object's members are
//! taken as they are read, with no map made for the object itself, and a batch keeps its
//! items. A message is read on every call, and a map of the envelope (a tree node and a key
//! string per member, each taken out again) was about a third of the engine's work on a
//! small call.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The members of a message object that JSON-RPC gives a meaning; every other member is
/// checked to be JSON and dropped. A member given twice keeps its last value, as a JSON
/// object read into a map does.
#[derive(Debug, Default)]
pub struct Members {
    /// `jsonrpc`, which must be `"2.0"`.
    pub jsonrpc: Option<Value>,
    /// `id`: a request's or a response's.
    pub id: Option<Value>,
    /// `method`: a request's or a notification's.
    pub method: Option<Value>,
    /// `params`.
    pub params: Option<Value>,
    /// `result`: a response's.
    pub result: Option<Value>,
    /// `error`: an error response's.
    pub error: Option<Value>,
}

impl Members {
    /// The members of a message already read as a JSON object.
    pub fn from_map(mut obj: Map<String, Value>) -> Members {
        Members {
            jsonrpc: obj.remove("jsonrpc"),
            id: obj.remove("id"),
            method: obj.remove("method"),
            params: obj.remove("params"),
            result: obj.remove("result"),
            error: obj.remove("error"),
        }
    }
}

/// What one frame holds at its top level.
#[derive(Debug)]
pub enum Received {
    /// A JSON object: one message (not yet checked to be a valid one).
    One(Members),
    /// A JSON array: a batch, item by item.
    Batch(Vec<Value>),
    /// Any other JSON value, which is no message.
    NotObject,
}

impl Received {
    /// The top level of a frame already read as JSON.
    pub fn from_value(value: Value) -> Received {
        match value {
            Value::Object(obj) => Received::One(Members::from_map(obj)),
            Value::Array(items) => Received::Batch(items),
            _ => Received::NotObject,
        }
    }
}

/// Reads a frame: an error only when it is not JSON text (one value, nothing after it).
/// The frame's UTF-8 is checked once, as a whole, rather than string by string (most of what
/// reading a small message's dozen short strings cost); a frame that is not UTF-8 is read
/// byte by byte, so its error says where, as before.
pub fn read(frame: &[u8]) -> Result<Received, serde_json::Error> {
    match std::str::from_utf8(frame) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(frame),
    }
}

impl<'de> Deserialize<'de> for Received {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Received, D::Error> {
        deserializer.deserialize_any(TopLevel)
    }
}

/// Builds a [`Received`] from whichever JSON value the frame holds.
struct TopLevel;

impl<'de> Visitor<'de> for TopLevel {
    type Value = Received;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Received, A::Error> {
        let mut m = Members::default();
        while let Some(key) = map.next_key::<Member>()? {
            let slot = match key {
                Member::Jsonrpc => &mut m.jsonrpc,
                Member::Id => &mut m.id,
                Member::Method => &mut m.method,
                Member::Params => &mut m.params,
                Member::Result => &mut m.result,
                Member::Error => &mut m.error,
                Member::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = Some(map.next_value()?);
        }
        Ok(Received::One(m))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Received, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Received::Batch(items))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Received, E> {
        Ok(Received::NotObject)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Received, E> {
        Ok(Received::NotObject)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Received, E> {
        Ok(Received::NotObject)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Received, E> {
        Ok(Received::NotObject)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Received, E> {
        Ok(Received::NotObject)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Received, E> {
        Ok(Received::NotObject)
    }
}

/// The name of a member of a message object.
enum Member {
    Jsonrpc,
    Id,
    Method,
    Params,
    Result,
    Error,
    Other,
}

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Member, D::Error> {
        deserializer.deserialize_identifier(MemberName)
    }
}

/// Reads a member's name without keeping it.
struct MemberName;

impl Visitor<'_> for MemberName {
    type Value = Member;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Member, E> {
        Ok(match name {
            "jsonrpc" => Member::Jsonrpc,
            "id" => Member::Id,
            "method" => Member::Method,
            "params" => Member::Params,
            "result" => Member::Result,
            "error" => Member::Error,
            _ => Member::Other,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The members of `text` read both ways: straight from the bytes, and through a map.
    fn both(text: &str) -> (Members, Members) {
        let Received::One(direct) = read(text.as_bytes()).unwrap() else { panic!("not one message: {text}") };
        let Received::One(mapped) = Received::from_value(serde_json::from_str(text).unwrap()) else { unreachable!() };
        (direct, mapped)
    }

    fn same(a: &Members, b: &Members) {
        assert_eq!(a.jsonrpc, b.jsonrpc);
        assert_eq!(a.id, b.id);
        assert_eq!(a.method, b.method);
        assert_eq!(a.params, b.params);
        assert_eq!(a.result, b.result);
        assert_eq!(a.error, b.error);
    }

    #[test]
    fn members_read_from_bytes_are_the_members_of_the_map() {
        for text in [
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}"#,
            r#"{"method":"notifications/initialized","jsonrpc":"2.0"}"#,
            r#"{"jsonrpc":"2.0","id":"a","result":{"x":[1,2,{"y":null}]},"extra":{"deep":[true]}}"#,
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"no"}}"#,
            r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"a","method":"b"}"#,
            r#"{"jsonr\u0070c":"2\u002e0","\u0069d":3,"method":"ping"}"#,
            r#"{}"#,
        ] {
            let (direct, mapped) = both(text);
            same(&direct, &mapped);
        }
        let (direct, _) = both(r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"a","method":"b"}"#);
        assert_eq!(direct.id, Some(json!(2)), "the last of a repeated member counts");
        assert_eq!(direct.method, Some(json!("b")));
    }

    #[test]
    fn batches_and_other_values_are_told_apart() {
        let Received::Batch(items) = read(br#"[{"a":1},2,"x"]"#).unwrap() else { panic!("not a batch") };
        assert_eq!(items, vec![json!({"a": 1}), json!(2), json!("x")]);
        assert!(matches!(read(b"[]").unwrap(), Received::Batch(v) if v.is_empty()));
        for text in ["1", "-1", "1.5", "\"x\"", "true", "null", "18446744073709551615"] {
            assert!(matches!(read(text.as_bytes()).unwrap(), Received::NotObject), "{text}");
        }
    }

    #[test]
    fn what_is_not_json_is_refused_as_before() {
        for text in [
            "",
            "{",
            r#"{"jsonrpc":"2.0",}"#,
            r#"{"jsonrpc":"2.0"} x"#,
            r#"{"unknown":[1,}"#,
            r#"{"id":1 "method":"x"}"#,
            "[1,2",
        ] {
            assert!(read(text.as_bytes()).is_err(), "{text:?} was read");
            assert!(serde_json::from_str::<Value>(text).is_err(), "{text:?} is JSON");
        }
    }

    #[test]
    fn a_frame_that_is_not_utf8_is_refused_where_it_breaks() {
        let frame = b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\xffb\"}";
        let e = read(frame).unwrap_err();
        let expected = serde_json::from_slice::<Value>(frame).unwrap_err();
        assert_eq!(e.to_string(), expected.to_string());
        let Received::One(m) = read("{\"method\":\"caf\u{e9} \u{1F600}\"}".as_bytes()).unwrap() else { panic!() };
        assert_eq!(m.method, Some(json!("caf\u{e9} \u{1F600}")));
    }

    #[test]
    fn nesting_is_bounded_as_for_a_json_value() {
        let deep = |n: usize| {
            format!(r#"{{"jsonrpc":"2.0","id":1,"method":"x","params":{}1{}}}"#, "[".repeat(n), "]".repeat(n))
        };
        for n in [100, 126, 127, 128, 200] {
            let text = deep(n);
            assert_eq!(read(text.as_bytes()).is_ok(), serde_json::from_str::<Value>(&text).is_ok(), "depth {n}");
        }
    }
}
