//! Reading a server-sent-events body: the `data` of each event, joined across its `data:`
//! lines, in order, and the two fields a client needs to resume a stream: the last event
//! `id` seen and the `retry` delay the server asked for. Comments are skipped, as is an event
//! whose data is empty (a priming event, which only carries an id); event names matter only
//! to the 2024-11-05 transport (its `endpoint` event), which reads them with
//! [`EventReader::push_named`]. Written here rather than taken from a
//! crate because the reader must refuse an event over the size limit while it is still
//! arriving, which the event-stream crates (they buffer a line whatever its length) do not.

use std::time::Duration;

/// An event's name (`None` for the default event) and its data.
pub(crate) type NamedEvent = (Option<String>, Vec<u8>);

/// Splits a stream of body chunks into the data of complete events.
#[derive(Debug, Default)]
pub(crate) struct EventReader {
    buffer: Vec<u8>,
    /// How much of `buffer` is known to hold no event end (so each byte is searched once,
    /// however slowly a long event arrives).
    scanned: usize,
    max: usize,
    /// The id of the last event that carried one (`Last-Event-ID` when resuming).
    last_id: Option<String>,
    /// The reconnection delay the server last asked for.
    retry: Option<Duration>,
}

impl EventReader {
    /// A reader that refuses an event over `max` bytes.
    pub(crate) fn new(max: usize) -> EventReader {
        EventReader { max, ..EventReader::default() }
    }

    /// Takes a chunk; returns the data of each event it completes, or an error when one
    /// event grows over the limit.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<Vec<Vec<u8>>, String> {
        Ok(self.push_named(chunk)?.into_iter().map(|(_, data)| data).collect())
    }

    /// [`EventReader::push`] with each event's name (`None` for the default event).
    pub(crate) fn push_named(&mut self, chunk: &[u8]) -> Result<Vec<NamedEvent>, String> {
        self.buffer.extend_from_slice(chunk);
        let mut events = Vec::new();
        loop {
            // A terminator may straddle the chunks: look back three bytes.
            let from = self.scanned.saturating_sub(3);
            let Some((end, skip)) = event_end(&self.buffer[from..]).map(|(end, skip)| (from + end, skip)) else {
                self.scanned = self.buffer.len();
                break;
            };
            let event: Vec<u8> = self.buffer.drain(..end + skip).take(end).collect();
            self.scanned = 0;
            if let Some(data) = self.read_event(&event) {
                events.push(data);
            }
        }
        if self.buffer.len() > self.max {
            return Err(format!("a server-sent event over {} bytes", self.max));
        }
        Ok(events)
    }

    /// The id of the last event that carried one.
    pub(crate) fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// The reconnection delay the server asked for, if it did.
    pub(crate) fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// Notes the event's `id` and `retry` fields; returns its name and its `data` lines
    /// joined by newlines, `None` when it has no data (a comment, a keep-alive, a priming
    /// event).
    fn read_event(&mut self, event: &[u8]) -> Option<NamedEvent> {
        let mut data: Option<Vec<u8>> = None;
        let mut name = None;
        for line in event.split(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let (field, value) = match line.iter().position(|b| *b == b':') {
                Some(0) => continue,
                Some(i) => (&line[..i], &line[i + 1..]),
                None => (line, &[][..]),
            };
            let value = value.strip_prefix(b" ").unwrap_or(value);
            match field {
                b"data" => match &mut data {
                    Some(d) => {
                        d.push(b'\n');
                        d.extend_from_slice(value);
                    }
                    None => data = Some(value.to_vec()),
                },
                // An id with a NUL in it is ignored, as the format says.
                b"id" if !value.contains(&0) => self.last_id = Some(String::from_utf8_lossy(value).into_owned()),
                b"event" => name = Some(String::from_utf8_lossy(value).into_owned()),
                b"retry" => {
                    if let Some(ms) = std::str::from_utf8(value).ok().and_then(|v| v.parse::<u64>().ok()) {
                        self.retry = Some(Duration::from_millis(ms));
                    }
                }
                _ => {}
            }
        }
        data.filter(|d| !d.is_empty()).map(|d| (name, d))
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::EventReader;

    #[test]
    fn events_split_across_chunks_and_comments_skipped() {
        let mut reader = EventReader::new(1024);
        assert!(reader.push(b": keepalive\n\nevent: message\ndata: {\"a\"").unwrap().is_empty());
        let events = reader.push(b":1}\r\n\r\ndata: x\ndata: y\n\n").unwrap();
        assert_eq!(events, vec![b"{\"a\":1}".to_vec(), b"x\ny".to_vec()]);
    }

    #[test]
    fn event_names_are_read_when_asked_for() {
        let mut reader = EventReader::new(1024);
        let events = reader
            .push_named(
                b"event: endpoint
data: /messages?s=1

data: {}

",
            )
            .unwrap();
        assert_eq!(events, vec![(Some("endpoint".to_owned()), b"/messages?s=1".to_vec()), (None, b"{}".to_vec())]);
    }

    #[test]
    fn a_terminator_split_across_chunks_is_found() {
        let mut reader = EventReader::new(1024);
        assert!(reader.push(b"data: a\r").unwrap().is_empty());
        assert!(reader.push(b"\n\r").unwrap().is_empty());
        assert_eq!(reader.push(b"\ndata: b\n").unwrap(), vec![b"a".to_vec()]);
        assert_eq!(reader.push(b"\n").unwrap(), vec![b"b".to_vec()]);
    }

    #[test]
    fn an_event_over_the_limit_is_refused() {
        let mut reader = EventReader::new(8);
        assert!(reader.push(b"data: 0123456789").is_err());
    }

    #[test]
    fn a_priming_event_sets_the_id_and_retry_and_delivers_nothing() {
        let mut reader = EventReader::new(1024);
        assert!(reader.push(b"id: event-1\nretry: 500\ndata: \n\n").unwrap().is_empty());
        assert_eq!((reader.last_id(), reader.retry()), (Some("event-1"), Some(Duration::from_millis(500))));
        assert_eq!(reader.push(b"id: e2\ndata: {}\n\nretry: soon\n\n").unwrap(), vec![b"{}".to_vec()]);
        assert_eq!((reader.last_id(), reader.retry()), (Some("e2"), Some(Duration::from_millis(500))));
    }
}
