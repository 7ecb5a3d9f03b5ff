//! What raw bytes returned by a tool become: one content block, chosen by the type their
//! first bytes show (docs/results.md, "Bytes"). Every binding hands its language's bytes
//! here instead of deciding.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use infer::MatcherType;

use crate::protocol::{Content, ResourceContents};

/// The MIME type of bytes whose type is not recognised.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// The scheme of the URI of the embedded resource that bytes which are neither an image nor
/// audio become: the bytes have no address of their own, so the URI only says what they
/// are (`data:application/octet-stream`).
const BYTES_URI_SCHEME: &str = "data:";

/// The content block for `data`, a tool's raw bytes, base64-encoded once:
///
/// | the bytes are | block |
/// |---|---|
/// | an image (PNG, JPEG, GIF, WebP, ...) | `image` with its MIME type |
/// | audio (WAV, MP3, OGG, FLAC, ...) | `audio` with its MIME type |
/// | anything else, empty bytes included | `resource`: `{uri: "data:" + mimeType, mimeType, blob}`, the sniffed type or `application/octet-stream` |
pub fn bytes_content(data: &[u8]) -> Content {
    let kind = infer::get(data);
    let encoded = STANDARD.encode(data);
    match kind.map(|t| (t.matcher_type(), media_name(t))) {
        Some((MatcherType::Image, mime)) => Content::image(encoded, mime),
        Some((MatcherType::Audio, mime)) => Content::audio(encoded, mime),
        other => {
            let mime = other.map_or(OCTET_STREAM, |(_, mime)| mime);
            Content::embedded(ResourceContents::blob(format!("{BYTES_URI_SCHEME}{mime}"), Some(mime), encoded))
        }
    }
}

/// The MIME type of `data` when its first bytes show an image or an audio clip (what
/// [`bytes_content`] makes an image or audio block of), else `None`: for content helpers
/// that are given bytes without a type (Python's `Image(data)`, `Audio(data)`).
pub fn media_type(data: &[u8]) -> Option<&'static str> {
    infer::get(data).filter(|t| matches!(t.matcher_type(), MatcherType::Image | MatcherType::Audio)).map(media_name)
}

/// The MIME type of a sniffed type, under the name clients and the official SDKs use for
/// the audio types the sniffer names by their older `x-` form.
fn media_name(t: infer::Type) -> &'static str {
    match t.mime_type() {
        "audio/x-wav" => "audio/wav",
        "audio/x-flac" => "audio/flac",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn block(data: &[u8]) -> Value {
        serde_json::to_value(bytes_content(data)).unwrap()
    }

    /// The first bytes of a PNG file.
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    /// The first bytes of a WAV file.
    const WAV: &[u8] = b"RIFF\x24\0\0\0WAVEfmt ";

    #[test]
    fn an_image_is_an_image_block() {
        assert_eq!(block(PNG), json!({"type": "image", "data": STANDARD.encode(PNG), "mimeType": "image/png"}));
        assert_eq!(block(b"GIF89a\x01\0")["mimeType"], "image/gif");
        assert_eq!(block(b"\xff\xd8\xff\xe0\0\x10JFIF")["mimeType"], "image/jpeg");
        assert_eq!(block(b"RIFF\0\0\0\0WEBPVP8 ")["mimeType"], "image/webp");
    }

    #[test]
    fn audio_is_an_audio_block_under_its_usual_name() {
        assert_eq!(block(WAV), json!({"type": "audio", "data": STANDARD.encode(WAV), "mimeType": "audio/wav"}));
        assert_eq!(block(b"fLaC\0\0\0\x22")["mimeType"], "audio/flac");
        assert_eq!(block(b"ID3\x03\0\0\0\0\0\0")["mimeType"], "audio/mpeg");
    }

    #[test]
    fn the_media_type_is_an_image_or_audio_type_only() {
        assert_eq!(media_type(PNG), Some("image/png"));
        assert_eq!(media_type(WAV), Some("audio/wav"));
        assert_eq!(media_type(b"%PDF-1.7\n"), None);
        assert_eq!(media_type(b""), None);
    }

    #[test]
    fn anything_else_is_an_embedded_blob() {
        let embedded = |mime: &str, blob: &str| json!({"type": "resource", "resource": {"uri": format!("data:{mime}"), "mimeType": mime, "blob": blob}});
        assert_eq!(block(&[0x00, 0xff, b'h', b'i']), embedded(OCTET_STREAM, "AP9oaQ=="));
        assert_eq!(block(b""), embedded(OCTET_STREAM, ""));
        assert_eq!(block(b"%PDF-1.7\n"), embedded("application/pdf", "JVBERi0xLjcK"));
    }
}
