//! The JSON-RPC error codes as C constants (`MCPF_ERROR_*`), for `mcpf_responder_protocol_error`
//! and for reading errors. The values are the engine's (`mcpforge::error::codes`); C needs
//! them as literals, and a test checks each against the engine's table.

/// Invalid JSON was received (-32700).
pub const MCPF_ERROR_PARSE_ERROR: i64 = -32700;
/// The JSON sent is not a valid request object (-32600).
pub const MCPF_ERROR_INVALID_REQUEST: i64 = -32600;
/// The method does not exist or its capability is not advertised (-32601).
pub const MCPF_ERROR_METHOD_NOT_FOUND: i64 = -32601;
/// Invalid method parameters (-32602).
pub const MCPF_ERROR_INVALID_PARAMS: i64 = -32602;
/// Internal error (-32603).
pub const MCPF_ERROR_INTERNAL_ERROR: i64 = -32603;
/// Resource not found (-32002; the engine sends -32602 on 2026-07-28).
pub const MCPF_ERROR_RESOURCE_NOT_FOUND: i64 = -32002;
/// URL elicitation required (-32042, 2025-11-25).
pub const MCPF_ERROR_URL_ELICITATION_REQUIRED: i64 = -32042;
/// 2026-07-28: a transport header is missing or disagrees with the body (-32020).
pub const MCPF_ERROR_HEADER_MISMATCH: i64 = -32020;
/// 2026-07-28: the request needs a client capability it did not declare (-32021).
pub const MCPF_ERROR_MISSING_REQUIRED_CLIENT_CAPABILITY: i64 = -32021;
/// 2026-07-28: the requested protocol version is not supported (-32022).
pub const MCPF_ERROR_UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;
/// mcpforge: a rate limit refused the request; `data.retryAfterMs` says when to retry (-32029).
pub const MCPF_ERROR_RATE_LIMITED: i64 = -32029;

#[cfg(test)]
mod tests {
    use mcpforge::error::codes;

    #[test]
    fn every_constant_is_the_engines_code() {
        let pairs = [
            (super::MCPF_ERROR_PARSE_ERROR, codes::PARSE_ERROR),
            (super::MCPF_ERROR_INVALID_REQUEST, codes::INVALID_REQUEST),
            (super::MCPF_ERROR_METHOD_NOT_FOUND, codes::METHOD_NOT_FOUND),
            (super::MCPF_ERROR_INVALID_PARAMS, codes::INVALID_PARAMS),
            (super::MCPF_ERROR_INTERNAL_ERROR, codes::INTERNAL_ERROR),
            (super::MCPF_ERROR_RESOURCE_NOT_FOUND, codes::RESOURCE_NOT_FOUND),
            (super::MCPF_ERROR_URL_ELICITATION_REQUIRED, codes::URL_ELICITATION_REQUIRED),
            (super::MCPF_ERROR_HEADER_MISMATCH, codes::HEADER_MISMATCH),
            (super::MCPF_ERROR_MISSING_REQUIRED_CLIENT_CAPABILITY, codes::MISSING_REQUIRED_CLIENT_CAPABILITY),
            (super::MCPF_ERROR_UNSUPPORTED_PROTOCOL_VERSION, codes::UNSUPPORTED_PROTOCOL_VERSION),
            (super::MCPF_ERROR_RATE_LIMITED, codes::RATE_LIMITED),
        ];
        for (c, engine) in pairs {
            assert_eq!(c, engine);
        }
        assert_eq!(pairs.len(), codes::ALL.len(), "every engine code has a C constant");
    }
}
