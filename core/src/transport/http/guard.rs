//! DNS-rebinding protection: the `Host` and `Origin` headers of every request are checked
//! against allow-lists before anything else runs.

use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN};

use super::options::HttpOptions;

/// The host part of a `Host` header value (`name[:port]`, `[v6][:port]`). A value that is
/// no such form (`[::1].evil.com`, `localhost:1@evil.com`) is returned whole, so that it
/// matches no allowed name.
pub(crate) fn host_name(value: &str) -> &str {
    let v = value.trim();
    let port_only = |rest: &str| rest.strip_prefix(':').is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
    if v.starts_with('[') {
        return match v.find(']') {
            Some(end) if end + 1 == v.len() || port_only(&v[end + 1..]) => &v[..=end],
            _ => v,
        };
    }
    v.rsplit_once(':').filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit())).map_or(v, |(h, _)| h)
}

/// `scheme://host` of an origin, without its port.
pub(crate) fn origin_without_port(value: &str) -> Option<String> {
    let (scheme, rest) = value.trim().split_once("://")?;
    let authority = rest.split('/').next().unwrap_or_default();
    Some(format!("{}://{}", scheme.to_ascii_lowercase(), host_name(authority).to_ascii_lowercase()))
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// `Host` missing or not allowed.
    Host(String),
    /// `Origin` present and not allowed.
    Origin(String),
}

/// Checks `Host` only: for what any web page may read (the server card), where the
/// `Origin` check would refuse the cross-origin reads it is served for.
pub(crate) fn check_host(options: &HttpOptions, headers: &HeaderMap) -> Result<(), Refusal> {
    if !options.allowed_hosts.is_empty() {
        let host = headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
        let name = host_name(host).to_ascii_lowercase();
        if !options.allowed_hosts.iter().any(|a| a.eq_ignore_ascii_case(&name)) {
            return Err(Refusal::Host(host.to_owned()));
        }
    }
    Ok(())
}

/// Checks `Host` and `Origin`.
pub(crate) fn check(options: &HttpOptions, headers: &HeaderMap) -> Result<(), Refusal> {
    check_host(options, headers)?;
    if !options.allowed_origins.is_empty() {
        if let Some(origin) = headers.get(ORIGIN) {
            let raw = origin.to_str().unwrap_or_default();
            let ok = origin_without_port(raw)
                .is_some_and(|o| options.allowed_origins.iter().any(|a| a.eq_ignore_ascii_case(&o)));
            if !ok {
                return Err(Refusal::Origin(raw.to_owned()));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(host: Option<&str>, origin: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(v) = host {
            h.insert(HOST, HeaderValue::from_str(v).unwrap());
        }
        if let Some(v) = origin {
            h.insert(ORIGIN, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn loopback_is_allowed_and_everything_else_refused() {
        let o = HttpOptions::default();
        assert_eq!(check(&o, &headers(Some("127.0.0.1:3000"), None)), Ok(()));
        assert_eq!(check(&o, &headers(Some("localhost"), Some("http://localhost:5173"))), Ok(()));
        assert_eq!(check(&o, &headers(Some("[::1]:8080"), Some("https://[::1]:8080"))), Ok(()));
        assert!(matches!(check(&o, &headers(Some("evil.example.com"), None)), Err(Refusal::Host(_))));
        assert!(matches!(check(&o, &headers(None, None)), Err(Refusal::Host(_))));
        assert!(matches!(
            check(&o, &headers(Some("localhost:1"), Some("http://evil.example.com"))),
            Err(Refusal::Origin(_))
        ));
        assert!(matches!(check(&o, &headers(Some("localhost"), Some("null"))), Err(Refusal::Origin(_))));
    }

    #[test]
    fn a_loopback_name_with_more_after_it_is_refused() {
        let o = HttpOptions::default();
        for host in ["[::1].evil.com", "[::1]evil", "[::1]:80x", "localhost:1@evil.com", "127.0.0.1.evil.com"] {
            assert!(matches!(check(&o, &headers(Some(host), None)), Err(Refusal::Host(_))), "{host}");
        }
        for origin in ["http://[::1].evil.com", "http://localhost:1@evil.com", "http://[::1]@evil.com:80"] {
            assert!(
                matches!(check(&o, &headers(Some("localhost"), Some(origin))), Err(Refusal::Origin(_))),
                "{origin}"
            );
        }
        assert_eq!(check(&o, &headers(Some("[::1]"), Some("http://[::1]"))), Ok(()));
        assert_eq!(check(&o, &headers(Some("LOCALHOST:8080"), Some("HTTP://LocalHost:8080"))), Ok(()));
    }

    #[test]
    fn empty_lists_disable_the_checks() {
        let o = HttpOptions { allowed_hosts: vec![], allowed_origins: vec![], ..HttpOptions::default() };
        assert_eq!(check(&o, &headers(Some("evil.example.com"), Some("http://evil.example.com"))), Ok(()));
    }
}
