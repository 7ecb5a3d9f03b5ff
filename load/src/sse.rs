//! Reading a complete `text/event-stream` body: the data of each event, which on an MCP
//! endpoint is one JSON-RPC message.

/// The `data` of every event in `body`, in order. Multi-line data is not joined (MCP puts
/// each message on one `data:` line); events without data (priming events, comments,
/// `retry:` lines) yield nothing.
pub fn data_payloads(body: &[u8]) -> Vec<&[u8]> {
    body.split(|&b| b == b'\n')
        .filter_map(|line| line.strip_prefix(b"data:"))
        .map(|data| data.strip_prefix(b" ").unwrap_or(data).trim_ascii_end())
        .filter(|data| !data.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_yield_their_data_and_nothing_else() {
        let body =
            b"id: 1\ndata:\n\n: keep-alive\n\nevent: message\ndata: {\"id\":1}\r\n\r\ndata:{\"id\":2}\n\nretry: 10\n";
        assert_eq!(data_payloads(body), vec![&b"{\"id\":1}"[..], &b"{\"id\":2}"[..]]);
        assert!(data_payloads(b"").is_empty());
    }
}
