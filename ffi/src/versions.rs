//! The protocol versions the engine serves, for C (`mcpf_protocol_versions`): read from the
//! engine, so C has no list of its own to keep up to date.

use std::ffi::{CString, c_char};
use std::sync::OnceLock;

/// The protocol versions the engine serves, as JSON text in the form every binding reads
/// them in: `{"all": [...], "handshake": [...], "latest": "2025-11-25", "stateless":
/// "2026-07-28"}` (every version, newest first; the handshake versions, newest first; the
/// newest handshake version, what clients offer by default; the stateless wire's). A static
/// NUL-terminated string owned by the library: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn mcpf_protocol_versions() -> *const c_char {
    static TEXT: OnceLock<CString> = OnceLock::new();
    TEXT.get_or_init(|| CString::new(mcpforge::protocol::version::versions_json().to_string()).unwrap_or_default())
        .as_ptr()
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    #[test]
    fn the_text_is_the_engines_json() {
        // SAFETY: the function returns a static NUL-terminated string.
        let text = unsafe { CStr::from_ptr(super::mcpf_protocol_versions()) }.to_str().expect("UTF-8");
        let parsed: serde_json::Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(parsed, mcpforge::protocol::version::versions_json());
        assert_eq!(parsed["latest"], mcpforge::ProtocolVersion::LATEST_LEGACY.as_str());
    }
}
