//! Pagination cursors: opaque strings that encode a list offset.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

use crate::error::ProtocolError;

/// Encodes an offset as an opaque cursor.
pub fn encode(offset: usize) -> String {
    B64.encode(format!("offset:{offset}"))
}

/// Decodes a cursor produced by [`encode`]; anything else, or an offset past the end of a
/// list of `len` items, is -32602.
pub fn decode(cursor: &str, len: usize) -> Result<usize, ProtocolError> {
    let invalid = || ProtocolError::invalid_params(format!("invalid cursor `{cursor}`"));
    let bytes = B64.decode(cursor).map_err(|_| invalid())?;
    let text = std::str::from_utf8(&bytes).map_err(|_| invalid())?;
    let offset: usize = text.strip_prefix("offset:").and_then(|n| n.parse().ok()).ok_or_else(invalid)?;
    if offset > len {
        return Err(invalid());
    }
    Ok(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejects_garbage() {
        assert_eq!(decode(&encode(50), 100).unwrap(), 50);
        assert!(decode(&encode(150), 100).is_err());
        assert!(decode("not-a-cursor", 100).is_err());
        assert!(decode("", 100).is_err());
    }
}
