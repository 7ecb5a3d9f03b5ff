//! What a span or a log line keeps of text a client chose (a method, a tool name, a URI, a
//! request id): at most [`MAX_ATTRIBUTE_BYTES`], so that what waits for export, or for a
//! slow log reader, is bounded whatever a client sends.

use std::borrow::Cow;

/// The most bytes of one piece of client-chosen text a span or log line keeps.
pub(crate) const MAX_ATTRIBUTE_BYTES: usize = 256;

/// `text` as a span keeps it: whole up to [`MAX_ATTRIBUTE_BYTES`], else cut on a character
/// boundary and ended with `…` (the whole within the bound).
pub(crate) fn bounded(text: &str) -> Cow<'_, str> {
    if text.len() <= MAX_ATTRIBUTE_BYTES {
        return Cow::Borrowed(text);
    }
    let mut end = MAX_ATTRIBUTE_BYTES - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &text[..end]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        assert_eq!(super::bounded("tools/call"), "tools/call");
        let long = "é".repeat(1000);
        let cut = super::bounded(&long);
        assert!(cut.len() <= super::MAX_ATTRIBUTE_BYTES && cut.ends_with('…'), "{}", cut.len());
        assert!(cut.trim_end_matches('…').chars().all(|c| c == 'é'));
    }
}
