//! The MIME type a skill file is served with: from its extension for the text formats
//! skills carry, from its leading bytes for binary files (the `infer` crate), else
//! `text/plain` for UTF-8 and `application/octet-stream` for the rest.

/// The MIME type of the file at `path` holding `bytes`.
pub(super) fn mime_type(path: &str, bytes: &[u8]) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let known = match ext.as_str() {
        "md" | "markdown" => Some("text/markdown"),
        "txt" => Some("text/plain"),
        "json" => Some("application/json"),
        "yaml" | "yml" => Some("application/yaml"),
        "toml" => Some("application/toml"),
        "csv" => Some("text/csv"),
        "html" | "htm" => Some("text/html"),
        "css" => Some("text/css"),
        "js" | "mjs" => Some("text/javascript"),
        "ts" => Some("text/x-typescript"),
        "py" => Some("text/x-python"),
        "sh" => Some("text/x-shellscript"),
        "xml" => Some("application/xml"),
        "svg" => Some("image/svg+xml"),
        _ => None,
    };
    if let Some(m) = known {
        return m;
    }
    if let Some(kind) = infer::get(bytes) {
        return kind.mime_type();
    }
    if std::str::from_utf8(bytes).is_ok() { "text/plain" } else { "application/octet-stream" }
}

#[cfg(test)]
mod tests {
    use super::mime_type;

    #[test]
    fn types_come_from_the_extension_then_the_bytes() {
        assert_eq!(mime_type("SKILL.md", b"# x"), "text/markdown");
        assert_eq!(mime_type("scripts/run.PY", b""), "text/x-python");
        assert_eq!(mime_type("logo", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(mime_type("LICENSE", b"MIT"), "text/plain");
        assert_eq!(mime_type("blob.bin", &[0xff, 0xfe, 0x00]), "application/octet-stream");
    }
}
