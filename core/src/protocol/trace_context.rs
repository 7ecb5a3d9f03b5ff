//! W3C Trace Context carried in a request's `_meta` (`traceparent`, `tracestate`): the
//! parsed form the engine continues a client's trace from and hands to handlers.

use serde_json::{Map, Value};

/// `_meta` key of the W3C `traceparent` value.
pub const TRACEPARENT_KEY: &str = "traceparent";
/// `_meta` key of the W3C `tracestate` value.
pub const TRACESTATE_KEY: &str = "tracestate";

/// The longest `tracestate` kept (the W3C limit is 32 members of at most 256 bytes plus
/// separators; a longer value is dropped, as the recommendation says, not cut).
const MAX_TRACESTATE: usize = 8 * 1024;

/// A trace position: the trace, the span within it, the sampling flag, and the vendor
/// `tracestate` that travels with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    /// The 16-byte trace id (never all zero).
    pub trace_id: [u8; 16],
    /// The 8-byte id of the span this context points at (never all zero).
    pub span_id: [u8; 8],
    /// The trace flags (bit 0: sampled).
    pub flags: u8,
    /// The `tracestate` value, passed on as received.
    pub tracestate: Option<String>,
}

impl TraceContext {
    /// Parses a `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`; later versions are read by
    /// their first four fields, as the W3C specification asks). `None` for anything else,
    /// including all-zero ids and the invalid version `ff`.
    pub fn parse(traceparent: &str, tracestate: Option<&str>) -> Option<TraceContext> {
        let t = traceparent.trim().as_bytes();
        if t.len() < 55 || t[2] != b'-' || t[35] != b'-' || t[52] != b'-' {
            return None;
        }
        let version = hex_byte(&t[0..2])?;
        // Version 00 is exactly 55 characters; a later one may append `-…` fields.
        if version == 0xff || (version == 0 && t.len() != 55) || (t.len() > 55 && t[55] != b'-') {
            return None;
        }
        let mut trace_id = [0u8; 16];
        for (i, b) in trace_id.iter_mut().enumerate() {
            *b = hex_byte(&t[3 + 2 * i..5 + 2 * i])?;
        }
        let mut span_id = [0u8; 8];
        for (i, b) in span_id.iter_mut().enumerate() {
            *b = hex_byte(&t[36 + 2 * i..38 + 2 * i])?;
        }
        let flags = hex_byte(&t[53..55])?;
        if trace_id == [0; 16] || span_id == [0; 8] {
            return None;
        }
        let tracestate = tracestate.map(str::trim).filter(|s| !s.is_empty() && s.len() <= MAX_TRACESTATE);
        Some(TraceContext { trace_id, span_id, flags, tracestate: tracestate.map(str::to_owned) })
    }

    /// The context a request's `_meta` carries, if it carries a valid one.
    pub fn from_meta(meta: &Map<String, Value>) -> Option<TraceContext> {
        let parent = meta.get(TRACEPARENT_KEY)?.as_str()?;
        TraceContext::parse(parent, meta.get(TRACESTATE_KEY).and_then(Value::as_str))
    }

    /// The context in a request's params (`params._meta`), if there is a valid one.
    pub fn from_params(params: Option<&Map<String, Value>>) -> Option<TraceContext> {
        TraceContext::from_meta(params?.get("_meta")?.as_object()?)
    }

    /// The trace id as 32 lowercase hex digits.
    pub fn trace_id_hex(&self) -> String {
        hex(&self.trace_id)
    }

    /// The span id as 16 lowercase hex digits.
    pub fn span_id_hex(&self) -> String {
        hex(&self.span_id)
    }

    /// Whether the sampled flag is set.
    pub fn is_sampled(&self) -> bool {
        self.flags & 1 == 1
    }

    /// The form bindings hand over: `{"traceparent", "tracestate"?, "traceId", "spanId",
    /// "sampled"}`.
    pub fn to_json(&self) -> Value {
        let mut v = serde_json::json!({
            "traceparent": self.traceparent(),
            "traceId": self.trace_id_hex(),
            "spanId": self.span_id_hex(),
            "sampled": self.is_sampled(),
        });
        if let Some(state) = &self.tracestate {
            v["tracestate"] = Value::String(state.clone());
        }
        v
    }

    /// The `traceparent` value (version 00) of this context.
    pub fn traceparent(&self) -> String {
        format!("00-{}-{}-{:02x}", self.trace_id_hex(), self.span_id_hex(), self.flags)
    }
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    Some(digit(pair[0])? << 4 | digit(pair[1])?)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_valid_traceparent_round_trips() {
        let c = TraceContext::parse(PARENT, Some("congo=t61rcWkgMzE")).unwrap();
        assert_eq!(c.trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(c.span_id_hex(), "00f067aa0ba902b7");
        assert!(c.is_sampled());
        assert_eq!(c.traceparent(), PARENT);
        assert_eq!(c.tracestate.as_deref(), Some("congo=t61rcWkgMzE"));
    }

    #[test]
    fn invalid_values_are_refused() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        ] {
            assert!(TraceContext::parse(bad, None).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_later_version_is_read_by_its_first_fields() {
        let later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-what-comes-next";
        let c = TraceContext::parse(later, None).unwrap();
        assert!(!c.is_sampled());
        assert_eq!(c.traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
    }

    #[test]
    fn it_is_read_from_meta() {
        let params = serde_json::json!({ "_meta": { "traceparent": PARENT, "tracestate": "" } });
        let c = TraceContext::from_params(params.as_object()).unwrap();
        assert_eq!(c.tracestate, None);
        assert!(TraceContext::from_params(serde_json::json!({ "_meta": { "traceparent": 1 } }).as_object()).is_none());
    }
}
