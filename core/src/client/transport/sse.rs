//! Reading a server-sent-events body: the `data` of each event, joined across its `data:`
//! lines, in order; comments, ids and event names are skipped (MCP sends every message as
//! the default event). Written here because the client needs only this much of the format,
//! not a whole event-source client.

/// Splits a stream of body chunks into the data of complete events.
#[derive(Debug, Default)]
pub(crate) struct EventReader {
    buffer: Vec<u8>,
    max: usize,
}

impl EventReader {
    /// A reader that refuses an event over `max` bytes.
    pub(crate) fn new(max: usize) -> EventReader {
        EventReader { buffer: Vec::new(), max }
    }

    /// Takes a chunk; returns the data of each event it completes, or an error when one
    /// event grows over the limit.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<Vec<Vec<u8>>, String> {
        self.buffer.extend_from_slice(chunk);
        let mut events = Vec::new();
        while let Some((end, skip)) = event_end(&self.buffer) {
            let event: Vec<u8> = self.buffer.drain(..end + skip).take(end).collect();
            if let Some(data) = data_of(&event) {
                events.push(data);
            }
        }
        if self.buffer.len() > self.max {
            return Err(format!("a server-sent event over {} bytes", self.max));
        }
        Ok(events)
    }
}

/// Where the first event ends (a blank line) and how long its terminator is.
fn event_end(buffer: &[u8]) -> Option<(usize, usize)> {
    let lf = buffer.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    let crlf = buffer.windows(4).position(|w| w == b"\r\n\r\n").map(|i| (i, 4));
    match (lf, crlf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// The event's `data` lines joined by newlines; `None` when it has none (a comment, a
/// keep-alive).
fn data_of(event: &[u8]) -> Option<Vec<u8>> {
    let mut data: Option<Vec<u8>> = None;
    for line in event.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(value) = line.strip_prefix(b"data:") else { continue };
        let value = value.strip_prefix(b" ").unwrap_or(value);
        match &mut data {
            Some(d) => {
                d.push(b'\n');
                d.extend_from_slice(value);
            }
            None => data = Some(value.to_vec()),
        }
    }
    data
}

#[cfg(test)]
mod tests {
    use super::EventReader;

    #[test]
    fn events_split_across_chunks_and_comments_skipped() {
        let mut reader = EventReader::new(1024);
        assert!(reader.push(b": keepalive\n\nevent: message\ndata: {\"a\"").unwrap().is_empty());
        let events = reader.push(b":1}\r\n\r\ndata: x\ndata: y\n\n").unwrap();
        assert_eq!(events, vec![b"{\"a\":1}".to_vec(), b"x\ny".to_vec()]);
    }

    #[test]
    fn an_event_over_the_limit_is_refused() {
        let mut reader = EventReader::new(8);
        assert!(reader.push(b"data: 0123456789").is_err());
    }
}
