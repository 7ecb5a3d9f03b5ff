//! The newline framing of stdio and other byte streams (`jsonrpc::LineReader`): whatever the
//! bytes and however they are cut into reads, the frames are exactly those of a simple model
//! (split on `\n`, drop one trailing `\r`, lines over the limit reported by length, blank
//! lines skipped), so no frame ever holds a `\n`, is blank or exceeds the limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpforge::fuzzing::{OwnedFrame, frames};

fuzz_target!(|data: &[u8]| {
    // Two bytes choose the limit and the read size; the rest is the stream.
    let [limit, read, stream @ ..] = data else { return };
    let max = usize::from(limit % 64);
    let got = frames(stream, max, usize::from(read % 32) + 1);
    for frame in &got {
        match frame {
            OwnedFrame::Line(line) => {
                assert!(line.len() <= max && !line.iter().all(u8::is_ascii_whitespace));
                assert!(!line.contains(&b'\n'));
            }
            OwnedFrame::Oversized(n) => assert!(*n > max),
        }
    }
    assert_eq!(got, model(stream, max));
});

/// The frames of `stream`, computed on the whole input at once.
fn model(stream: &[u8], max: usize) -> Vec<OwnedFrame> {
    let mut lines: Vec<&[u8]> = stream.split(|&b| b == b'\n').collect();
    // What follows the last `\n` is a line only when it is not empty.
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
        .into_iter()
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter_map(|l| match l {
            l if l.len() > max => Some(OwnedFrame::Oversized(l.len())),
            l if l.iter().all(u8::is_ascii_whitespace) => None,
            l => Some(OwnedFrame::Line(l.to_vec())),
        })
        .collect()
}
