//! The five protocol versions, their feature sets, and how they are told apart.

use serde::{Deserialize, Serialize};

/// An MCP protocol revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ProtocolVersion {
    /// 2024-11-05: the first revision (stdio, HTTP+SSE).
    #[serde(rename = "2024-11-05")]
    V2024_11_05,
    /// 2025-03-26: Streamable HTTP, batches, tool annotations, audio, completions capability.
    #[serde(rename = "2025-03-26")]
    V2025_03_26,
    /// 2025-06-18: structured output, elicitation, titles, resource links; no batches.
    #[serde(rename = "2025-06-18")]
    V2025_06_18,
    /// 2025-11-25: icons, URL elicitation, experimental tasks, input errors as tool results.
    #[serde(rename = "2025-11-25")]
    V2025_11_25,
    /// 2026-07-28: the stateless wire (`server/discover`, per-request `_meta`, MRTR).
    #[serde(rename = "2026-07-28")]
    V2026_07_28,
}

impl ProtocolVersion {
    /// Every version the engine knows, newest first (the order they are advertised in).
    pub const ALL: [ProtocolVersion; 5] = [
        ProtocolVersion::V2026_07_28,
        ProtocolVersion::V2025_11_25,
        ProtocolVersion::V2025_06_18,
        ProtocolVersion::V2025_03_26,
        ProtocolVersion::V2024_11_05,
    ];

    /// The handshake (legacy) versions, newest first: what the official SDKs call their
    /// supported versions (`SUPPORTED_PROTOCOL_VERSIONS`).
    pub const HANDSHAKE: [ProtocolVersion; 4] = [
        ProtocolVersion::V2025_11_25,
        ProtocolVersion::V2025_06_18,
        ProtocolVersion::V2025_03_26,
        ProtocolVersion::V2024_11_05,
    ];

    /// The newest handshake (legacy) version: what a client offers in `initialize` by
    /// default (the official SDKs' `LATEST_PROTOCOL_VERSION`).
    pub const LATEST_LEGACY: ProtocolVersion = ProtocolVersion::V2025_11_25;

    /// The stateless wire's version (no handshake, no sessions).
    pub const STATELESS: ProtocolVersion = ProtocolVersion::V2026_07_28;

    /// The version string on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProtocolVersion::V2024_11_05 => "2024-11-05",
            ProtocolVersion::V2025_03_26 => "2025-03-26",
            ProtocolVersion::V2025_06_18 => "2025-06-18",
            ProtocolVersion::V2025_11_25 => "2025-11-25",
            ProtocolVersion::V2026_07_28 => "2026-07-28",
        }
    }

    /// Parses a version string; `None` for anything unknown.
    pub fn parse(s: &str) -> Option<ProtocolVersion> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// True for the stateless 2026-07-28 wire.
    pub const fn is_modern(self) -> bool {
        matches!(self, ProtocolVersion::V2026_07_28)
    }

    /// JSON-RPC batches must be accepted (2025-03-26 only).
    pub fn accepts_batches(self) -> bool {
        self == ProtocolVersion::V2025_03_26
    }

    /// Tool annotations, audio content, progress messages and the `completions` capability.
    pub fn has_annotations_and_audio(self) -> bool {
        self >= ProtocolVersion::V2025_03_26
    }

    /// `title` fields, `_meta` on most types, `resource_link`, `structuredContent`/`outputSchema`,
    /// elicitation (form).
    pub fn has_structured_output(self) -> bool {
        self >= ProtocolVersion::V2025_06_18
    }

    /// Icons, `Implementation.description/websiteUrl`, URL elicitation, sampling tools.
    pub fn has_icons(self) -> bool {
        self >= ProtocolVersion::V2025_11_25
    }

    /// Argument schema failures are reported as `isError` results (else -32602).
    pub fn input_errors_are_tool_results(self) -> bool {
        self >= ProtocolVersion::V2025_11_25
    }

    /// The code for "resource not found": -32002 on legacy versions, -32602 on 2026-07-28.
    pub fn resource_not_found_code(self) -> i64 {
        if self.is_modern() { crate::error::codes::INVALID_PARAMS } else { crate::error::codes::RESOURCE_NOT_FOUND }
    }

    /// Error responses whose id could not be read omit the id (2025-11-25+ schemas); older
    /// schemas require the member, so they get `"id": null`.
    pub fn omits_unknown_error_id(self) -> bool {
        self >= ProtocolVersion::V2025_11_25
    }
}

/// The versions the engine serves, as the bindings publish them to their languages (Node's
/// `protocolVersions()`, C's `mcpf_protocol_versions()`; Python's `_native` constants hold the
/// same values): `{"all": [...], "handshake": [...], "latest": "2025-11-25", "stateless":
/// "2026-07-28"}`, lists newest first ([`ProtocolVersion::ALL`],
/// [`ProtocolVersion::HANDSHAKE`], [`ProtocolVersion::LATEST_LEGACY`],
/// [`ProtocolVersion::STATELESS`]).
pub fn versions_json() -> serde_json::Value {
    let names = |list: &[ProtocolVersion]| list.iter().map(|v| v.as_str()).collect::<Vec<_>>();
    serde_json::json!({
        "all": names(&ProtocolVersion::ALL),
        "handshake": names(&ProtocolVersion::HANDSHAKE),
        "latest": ProtocolVersion::LATEST_LEGACY.as_str(),
        "stateless": ProtocolVersion::STATELESS.as_str(),
    })
}

impl std::fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ProtocolVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| format!("unknown protocol version `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_lists_agree_with_the_versions() {
        let handshake: Vec<_> = ProtocolVersion::ALL.into_iter().filter(|v| !v.is_modern()).collect();
        assert_eq!(handshake, ProtocolVersion::HANDSHAKE, "every non-stateless version, newest first");
        assert_eq!(ProtocolVersion::HANDSHAKE[0], ProtocolVersion::LATEST_LEGACY);
        assert!(ProtocolVersion::STATELESS.is_modern());
        assert_eq!(ProtocolVersion::ALL[0], ProtocolVersion::STATELESS, "the stateless wire is the newest");
        let json = versions_json();
        assert_eq!(json["latest"], "2025-11-25");
        assert_eq!(json["stateless"], "2026-07-28");
        assert_eq!(json["all"].as_array().map(Vec::len), Some(5));
        assert_eq!(json["handshake"][3], "2024-11-05");
    }
}
