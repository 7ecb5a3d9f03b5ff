//! SSE `Last-Event-ID` resumption: event id parsing and the bounded event store behind it.
//! An id parses only in its canonical form (formatting the parsed parts gives it back) and
//! every formatted id parses back. The rest of the input runs operations on a small store
//! (open, append, position, close, resume from an issued or a made-up id): a resume from the
//! id just issued on a stream replays nothing, and any replay is in order, on the id's
//! stream, strictly after it, within the store's byte limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpforge::fuzzing::{EventStore, StoreLimits, StreamId, format_event_id, parse_event_id};

/// Event data, cut to the length an operation asks for.
const DATA: &[u8] = &[b'x'; 256];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some((stream, seq)) = parse_event_id(&text) {
        assert_eq!(format_event_id(stream, seq), text);
    }
    if let Some((a, b)) = data.split_first_chunk::<16>().map(|(head, _)| head.split_at(8)) {
        let (a, b) = (u64::from_le_bytes(a.try_into().unwrap()), u64::from_le_bytes(b.try_into().unwrap()));
        assert_eq!(parse_event_id(&format_event_id(a, b)), Some((a, b)));
    }

    let [per_stream, bytes, streams, ops @ ..] = data else { return };
    let limits = StoreLimits {
        events_per_stream: usize::from(per_stream % 8),
        max_bytes: usize::from(*bytes),
        max_streams: usize::from(streams % 5),
    };
    let max_bytes = limits.max_bytes;
    let mut store = EventStore::new(limits);
    let mut opened = 0u64;
    let mut issued: Vec<String> = Vec::new();
    for op in ops.chunks(2) {
        let arg = op.get(1).copied().unwrap_or(0);
        // Streams 1..=opened were handed out; the others never were.
        let stream = StreamId(u64::from(arg % 8));
        match op[0] % 5 {
            0 => opened = store.open_stream().0,
            1 | 2 => {
                let id = if op[0] % 5 == 1 {
                    store.append(stream, DATA[..usize::from(arg)].to_vec().into())
                } else {
                    store.position(stream)
                };
                // Resuming from the id just issued replays nothing, on a stream handed out.
                match store.replay_after(&id) {
                    Ok((s, events)) => assert!(s == stream && events.is_empty() && (1..=opened).contains(&s.0)),
                    Err(e) => assert!(!(1..=opened).contains(&stream.0), "{id}: {e:?}"),
                }
                issued.push(id);
            }
            3 => store.close_stream(stream),
            _ => {
                // An id issued earlier, or a made-up one.
                let id = issued.get(usize::from(arg)).cloned().unwrap_or_else(|| format!("{}-{}", arg % 8, op[0] / 5));
                check_replay(&store, &id, max_bytes);
            }
        }
    }
});

/// A replay is on the id's stream, in order, strictly after the id, within the byte limit.
fn check_replay(store: &EventStore, id: &str, max_bytes: usize) {
    let Ok((stream, events)) = store.replay_after(id) else { return };
    let (s, mut after) = parse_event_id(id).expect("a replayed id parses");
    assert_eq!(stream, StreamId(s));
    assert!(events.iter().map(|(_, d)| d.len()).sum::<usize>() <= max_bytes);
    for (event, _) in &events {
        let (s, seq) = parse_event_id(event).expect("event ids parse");
        assert!(s == stream.0 && seq > after, "{id}: {event}");
        after = seq;
    }
}
