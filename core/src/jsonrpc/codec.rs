//! Newline framing for byte streams (stdio, in-memory pipes): one JSON-RPC message per line,
//! with a maximum message size that is enforced without buffering the excess.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// One unit read from a byte stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A complete line without its terminator (`\n` or `\r\n`); never empty. Borrowed from
    /// the reader's buffer, which is reused for the next line.
    Line(&'a [u8]),
    /// A line longer than the maximum; its bytes were discarded. Carries its length.
    Oversized(usize),
}

/// Line buffer capacity kept between messages; a buffer over four times as large is released
/// after use.
const KEEP_CAPACITY: usize = 64 * 1024;

/// Reads newline-delimited frames with a size cap. Blank lines are skipped.
pub struct LineReader<R> {
    inner: R,
    max: usize,
    line: Vec<u8>,
}

impl<R: AsyncBufRead + Unpin> LineReader<R> {
    /// Wraps a buffered reader; lines longer than `max` bytes become [`Frame::Oversized`].
    pub fn new(inner: R, max: usize) -> Self {
        Self { inner, max, line: Vec::new() }
    }

    /// The next frame, or `None` at end of stream. A final line without a newline counts.
    pub async fn next_frame(&mut self) -> std::io::Result<Option<Frame<'_>>> {
        loop {
            let mut oversized: Option<usize> = None;
            // Whether the last byte read is a `\r`: the `\r` of a CRLF terminator is not
            // part of the message, so it does not count towards the limit.
            let mut last_cr = false;
            self.line.clear();
            // Keep the buffer for the next line, but do not hold on to a large one (shrinking
            // only past four times the kept size, so messages of a similar size in a row do not
            // regrow it each time).
            if self.line.capacity() > 4 * KEEP_CAPACITY {
                self.line.shrink_to(KEEP_CAPACITY);
            }
            loop {
                let buf = self.inner.fill_buf().await?;
                if buf.is_empty() {
                    // End of stream: flush what we have.
                    if let Some(n) = oversized {
                        return Ok(Some(Frame::Oversized(n - usize::from(last_cr))));
                    }
                    if self.line.is_empty() {
                        return Ok(None);
                    }
                    break;
                }
                let (chunk, found) = match memchr::memchr(b'\n', buf) {
                    Some(i) => (&buf[..i], Some(i)),
                    None => (buf, None),
                };
                if let Some(&b) = chunk.last() {
                    last_cr = b == b'\r';
                }
                match oversized.as_mut() {
                    Some(n) => *n += chunk.len(),
                    // One byte of slack for a trailing `\r`; the exact check follows below.
                    None if self.line.len() + chunk.len() > self.max.saturating_add(1) => {
                        oversized = Some(self.line.len() + chunk.len());
                        self.line.clear();
                    }
                    None => self.line.extend_from_slice(chunk),
                }
                let consumed = found.map_or(buf.len(), |i| i + 1);
                self.inner.consume(consumed);
                if found.is_some() {
                    break;
                }
            }
            if let Some(n) = oversized {
                return Ok(Some(Frame::Oversized(n - usize::from(last_cr))));
            }
            if self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
            if self.line.len() > self.max {
                return Ok(Some(Frame::Oversized(self.line.len())));
            }
            if self.line.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            return Ok(Some(Frame::Line(&self.line)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An owned copy of a frame, for comparisons.
    #[derive(Debug, PartialEq, Eq)]
    enum Owned {
        Line(Vec<u8>),
        Oversized(usize),
    }

    async fn frames(input: &[u8], max: usize) -> Vec<Owned> {
        let reader = tokio::io::BufReader::with_capacity(4, input);
        let mut r = LineReader::new(reader, max);
        let mut out = Vec::new();
        while let Some(f) = r.next_frame().await.unwrap() {
            out.push(match f {
                Frame::Line(l) => Owned::Line(l.to_vec()),
                Frame::Oversized(n) => Owned::Oversized(n),
            });
        }
        out
    }

    #[tokio::test]
    async fn splits_lines_and_skips_blank_ones() {
        let got = frames(b"{\"a\":1}\n\n\r\n{\"b\":2}\r\n{\"c\":3}", 100).await;
        assert_eq!(
            got,
            vec![
                Owned::Line(b"{\"a\":1}".to_vec()),
                Owned::Line(b"{\"b\":2}".to_vec()),
                Owned::Line(b"{\"c\":3}".to_vec()),
            ]
        );
    }

    #[tokio::test]
    async fn oversized_lines_are_discarded_and_reading_continues() {
        let got = frames(b"0123456789abcdef\nok\n0123456789", 8).await;
        assert_eq!(got, vec![Owned::Oversized(16), Owned::Line(b"ok".to_vec()), Owned::Oversized(10)]);
    }

    #[tokio::test]
    async fn a_crlf_terminator_does_not_count_towards_the_limit() {
        let got = frames(b"12345678\r\n123456789\r\n123456789\n1234567890\r\n", 8).await;
        assert_eq!(
            got,
            vec![Owned::Line(b"12345678".to_vec()), Owned::Oversized(9), Owned::Oversized(9), Owned::Oversized(10)]
        );
    }
}
