//! URLs as the OAuth client handles them, on hyper's `Uri`: parsing an absolute `http(s)` URL,
//! its origin, a reference resolved against it (a redirect's `Location`, a metadata URL), and
//! the parameters of its query. Hand-written rather than a URL crate: these few operations on
//! absolute URLs are all the flow needs, and a full WHATWG URL parser (with its
//! internationalized-domain tables) would double the crates of a default build.

use hyper::Uri;

/// An absolute `http` or `https` URL with a host; a fragment is dropped.
pub fn parse(url: &str) -> Result<Uri, String> {
    let without_fragment = url.split('#').next().unwrap_or_default();
    let uri: Uri = without_fragment.parse().map_err(|e| format!("{url} is not a URL: {e}"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(host)) if !host.is_empty() => Ok(uri),
        _ => Err(format!("{url} is not an absolute http(s) URL")),
    }
}

/// `scheme://host[:port]`, the host in lower case and the scheme's default port left out.
pub fn origin(uri: &Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("http");
    let host = uri.host().unwrap_or_default().to_ascii_lowercase();
    let default = if scheme == "https" { 443 } else { 80 };
    match uri.port_u16().filter(|p| *p != default) {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    }
}

/// `reference` resolved against `base`: an absolute URL, a network-path (`//host/...`), an
/// absolute path (`/...`), or a path relative to `base`'s folder; `.` and `..` segments of a
/// path are removed (RFC 3986 §5.2.4).
pub fn resolve(base: &Uri, reference: &str) -> Result<Uri, String> {
    if reference.contains("://") {
        return parse(reference);
    }
    let scheme = base.scheme_str().unwrap_or("http");
    if let Some(rest) = reference.strip_prefix("//") {
        return parse(&format!("{scheme}://{rest}"));
    }
    let joined = if reference.starts_with('/') {
        reference.to_owned()
    } else {
        let folder = base.path().rsplit_once('/').map_or("", |(folder, _)| folder);
        format!("{folder}/{reference}")
    };
    let (path, query) = joined.split_once('?').map_or((joined.as_str(), None), |(p, q)| (p, Some(q)));
    let path = without_dot_segments(path);
    match query {
        Some(query) => parse(&format!("{}{path}?{query}", origin(base))),
        None => parse(&format!("{}{path}", origin(base))),
    }
}

/// An absolute path with its `.` and `..` segments applied (`..` above the root stays at
/// the root).
fn without_dot_segments(path: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *segment {
            "." | ".." => {
                if *segment == ".." {
                    kept.pop();
                }
                // A trailing `.` or `..` leaves the path ending in a folder.
                if last {
                    kept.push("");
                }
            }
            other => kept.push(other),
        }
    }
    format!("/{}", kept.join("/"))
}

/// The value of query parameter `name` in `url` (the first one), decoded.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let url = url.split('#').next().unwrap_or_default();
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// `url` with `pairs` added to its query.
pub fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let added = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    let separator = match url.split_once('?') {
        None => '?',
        Some((_, "")) => return format!("{url}{added}"),
        Some(_) => '&',
    };
    format!("{url}{separator}{added}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_absolute_urls_and_their_origin() {
        assert_eq!(origin(&parse("HTTP://Example.COM:80/a#f").unwrap()), "http://example.com");
        assert_eq!(origin(&parse("http://127.0.0.1:9/a").unwrap()), "http://127.0.0.1:9");
        assert_eq!(origin(&parse("https://h:443").unwrap()), "https://h");
        assert!(parse("/relative").is_err());
        assert!(parse("ftp://h/x").is_err());
        assert!(parse("not a url").is_err());
    }

    #[test]
    fn resolves_references() {
        let base = parse("http://h:1/a/b?q=1").unwrap();
        assert_eq!(resolve(&base, "/x?y=2").unwrap().to_string(), "http://h:1/x?y=2");
        assert_eq!(resolve(&base, "c").unwrap().to_string(), "http://h:1/a/c");
        assert_eq!(resolve(&base, "//o:2/p").unwrap().to_string(), "http://o:2/p");
        assert_eq!(resolve(&base, "https://o/p").unwrap().to_string(), "https://o/p");
        assert_eq!(resolve(&base, "../post?s=1").unwrap().to_string(), "http://h:1/post?s=1");
        assert_eq!(resolve(&base, "./c/./d/../e").unwrap().to_string(), "http://h:1/a/c/e");
        assert_eq!(resolve(&base, "/x/../../y").unwrap().to_string(), "http://h:1/y");
        assert_eq!(resolve(&base, "c/..").unwrap().to_string(), "http://h:1/a/");
    }

    #[test]
    fn reads_and_extends_queries() {
        assert_eq!(query_param("http://h/cb?code=a%2Bb&state=s+t#x", "code").as_deref(), Some("a+b"));
        assert_eq!(query_param("http://h/cb?code=a&state=s+t", "state").as_deref(), Some("s t"));
        assert_eq!(query_param("http://h/cb", "code"), None);
        assert_eq!(with_query("http://h/a", &[("k", "v w")]), "http://h/a?k=v+w");
        assert_eq!(with_query("http://h/a?x=1", &[("k", "&")]), "http://h/a?x=1&k=%26");
        assert_eq!(with_query("http://h/a?", &[("k", "v")]), "http://h/a?k=v");
    }
}
