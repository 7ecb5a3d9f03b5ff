//! Client ID Metadata Documents: a client whose `client_id` is an https URL serving its own
//! metadata, instead of a registration here. The document is fetched with the bounded client
//! of the token verifiers (no redirects, a time bound, a size bound), only from a public
//! address (the host's every address is checked, and the checked one is the one connected
//! to), checked (its `client_id` is its URL, its redirect URIs are acceptable, it has no
//! secret: such a client is public and uses PKCE), and kept for its `Cache-Control: max-age`
//! within bounds, in a cache bounded in count and bytes.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{StatusCode, Uri};
use serde::Deserialize;
use serde_json::Value;

use super::super::fetch::{Exchange, TIME_LIMIT, is_loopback};
use super::super::jwks::max_age;
use super::client_flows::unserved_flow;
use crate::sync::lock;

/// The most bytes of a metadata document read.
pub(super) const MAX_DOCUMENT: usize = 5 * 1024;
/// The longest `client_id` URL accepted.
const MAX_URL: usize = 2048;
/// The most redirect URIs a document may list.
const MAX_REDIRECT_URIS: usize = 16;
/// The most documents cached, and the most bytes (documents and their URLs) the cache holds.
pub(super) const MAX_CACHED: usize = 1000;
pub(super) const MAX_CACHED_BYTES: usize = 2 * 1024 * 1024;
/// The most documents fetched at once; a request finding them all busy is refused.
pub(super) const MAX_FETCHING: usize = 8;

/// The `auth.proxy.clientMetadataDocuments` member.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DocumentOptions {
    /// Whether clients may use a metadata document URL as their `client_id` (default true).
    #[serde(default = "enabled")]
    enabled: bool,
    /// For tests only: documents may also be served by a loopback address, over plain http.
    #[serde(default, alias = "allowLoopback")]
    allow_loopback: bool,
}

fn enabled() -> bool {
    true
}

impl Default for DocumentOptions {
    fn default() -> DocumentOptions {
        DocumentOptions { enabled: true, allow_loopback: false }
    }
}

/// What a checked document says of its client.
#[derive(Clone)]
pub(super) struct Document {
    /// The redirect URIs it lists (each acceptable, matched exactly later).
    pub redirect_uris: Vec<String>,
    /// Its `client_name`, if any.
    pub client_name: Option<String>,
}

/// The rule redirect URIs must follow (the one registered clients follow).
pub(super) type RedirectRule = fn(&str) -> bool;

struct Cached {
    document: Document,
    bytes: usize,
    fresh_until: Instant,
}

/// The documents of the clients identified by URL, fetched on first use and cached.
pub(crate) struct ClientDocuments {
    enabled: bool,
    allow_loopback: bool,
    acceptable_redirect: RedirectRule,
    cache: Mutex<HashMap<String, Cached>>,
    fetching: tokio::sync::Semaphore,
}

impl ClientDocuments {
    /// The documents as `options` allow them, their redirect URIs held to `acceptable_redirect`.
    pub(super) fn new(options: DocumentOptions, acceptable_redirect: RedirectRule) -> ClientDocuments {
        ClientDocuments {
            enabled: options.enabled,
            allow_loopback: options.allow_loopback,
            acceptable_redirect,
            cache: Mutex::new(HashMap::new()),
            fetching: tokio::sync::Semaphore::new(MAX_FETCHING),
        }
    }

    /// Whether the proxy accepts metadata document URLs as client ids (its metadata says so).
    pub(super) fn enabled(&self) -> bool {
        self.enabled
    }

    /// Whether `client_id` names a metadata document (rather than a registration here).
    pub(super) fn is_document(&self, client_id: &str) -> bool {
        self.enabled && (client_id.starts_with("https://") || (self.allow_loopback && client_id.starts_with("http://")))
    }

    /// The host serving the document of `client_id`, when it names one (shown on the consent
    /// page).
    pub(super) fn host<'a>(&self, client_id: &'a str) -> Option<&'a str> {
        if !self.is_document(client_id) {
            return None;
        }
        let rest = &client_id[client_id.find("://")? + 3..];
        Some(&rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())])
    }

    /// The document of the client whose `client_id` is `url`: from the cache while fresh,
    /// otherwise fetched and checked. `Err` says why the client is refused.
    pub(super) async fn document(&self, url: &str) -> Result<Document, String> {
        match self.cached(url) {
            Some(d) => Ok(d),
            None => self.fetch(url).await,
        }
    }

    fn cached(&self, url: &str) -> Option<Document> {
        let cache = lock(&self.cache);
        cache.get(url).filter(|c| c.fresh_until > Instant::now()).map(|c| c.document.clone())
    }

    async fn fetch(&self, url: &str) -> Result<Document, String> {
        let target = check_url(url, self.allow_loopback)?;
        let Ok(_slot) = self.fetching.try_acquire() else {
            return Err("too many client metadata documents are being fetched; try again".to_owned());
        };
        let fetched = tokio::time::timeout(TIME_LIMIT, async {
            let address = public_address(&target, self.allow_loopback).await?;
            Exchange::get(url).connect_to(address).at_most(MAX_DOCUMENT).send().await
        })
        .await;
        let answer = match fetched {
            Ok(answer) => answer?,
            Err(_) => return Err(format!("{url}: no complete answer within {} s", TIME_LIMIT.as_secs())),
        };
        if answer.status != StatusCode::OK {
            return Err(format!("{url}: status {}", answer.status));
        }
        let document = check_document(url, &answer.body, self.acceptable_redirect)?;
        self.keep(url, &document, answer.body.len(), max_age(&answer.headers));
        Ok(document)
    }

    /// Caches `document` for `lifetime`, making room first: the expired entries go, then the
    /// ones expiring soonest, until both bounds hold.
    fn keep(&self, url: &str, document: &Document, body_len: usize, lifetime: Duration) {
        let bytes = body_len + url.len();
        let mut cache = lock(&self.cache);
        cache.remove(url);
        let now = Instant::now();
        cache.retain(|_, c| c.fresh_until > now);
        let mut used: usize = cache.values().map(|c| c.bytes).sum();
        while !cache.is_empty() && (cache.len() >= MAX_CACHED || used + bytes > MAX_CACHED_BYTES) {
            let Some(soonest) = cache.iter().min_by_key(|(_, c)| c.fresh_until).map(|(k, _)| k.clone()) else { break };
            used -= cache.remove(&soonest).map_or(0, |c| c.bytes);
        }
        let cached = Cached { document: document.clone(), bytes, fresh_until: now + lifetime };
        cache.insert(url.to_owned(), cached);
    }
}

/// Where a document URL points.
struct Target {
    host: String,
    port: u16,
}

/// Checks a `client_id` URL: https (or, with `allow_loopback`, http to a loopback host), a
/// path other than `/`, no user information, fragment, or dot segments.
fn check_url(url: &str, allow_loopback: bool) -> Result<Target, String> {
    let bad = |why: &str| Err(format!("the client_id URL {why}"));
    if url.len() > MAX_URL {
        return bad(&format!("is over {MAX_URL} bytes"));
    }
    let Ok(uri) = url.parse::<Uri>() else { return bad("is not a URL") };
    let host = uri.host().unwrap_or("").trim_matches(['[', ']']).to_owned();
    let tls = match uri.scheme_str() {
        Some("https") => true,
        Some("http") if allow_loopback && is_loopback(&host) => false,
        _ => return bad("must be https"),
    };
    if host.is_empty() || uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return bad("must have a host and no user information");
    }
    if url.contains('#') || uri.path() == "/" || uri.path().split('/').any(|s| s == "." || s == "..") {
        return bad("must have a path (not /), and no fragment or dot segments");
    }
    Ok(Target { port: uri.port_u16().unwrap_or(if tls { 443 } else { 80 }), host })
}

/// The address to fetch `target` from: every address of its host must be public (loopback
/// ones too with `allow_loopback`), so that a client id cannot make this server reach its own
/// network.
async fn public_address(target: &Target, allow_loopback: bool) -> Result<SocketAddr, String> {
    let host = target.host.as_str();
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, target.port))
        .await
        .map_err(|e| format!("{host}: cannot be resolved: {e}"))?
        .take(16)
        .collect();
    if let Some(refused) = addresses.iter().find(|a| !(is_public(a.ip()) || allow_loopback && a.ip().is_loopback())) {
        return Err(format!("{host} is at {}, a private or reserved address", refused.ip()));
    }
    addresses.first().copied().ok_or_else(|| format!("{host}: no address"))
}

/// Whether `ip` is a public unicast address. Written here because the standard library's
/// `is_global` is not stable; the ranges are IANA's special-purpose registries.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            let reserved = v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b) // NAT64, an IPv4 address inside
                || s[0] == 0x2002 // 6to4, an IPv4 address inside
                || (s[0] == 0x2001 && s[1] == 0); // Teredo
            !reserved
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let reserved = ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_unspecified()
        || ip.is_multicast()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b)) // shared address space
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)); // benchmarking
    !reserved
}

/// The fields of a document read (others are ignored, as RFC 7591 metadata allows).
#[derive(Deserialize)]
struct Fields {
    client_id: Option<String>,
    redirect_uris: Option<Vec<String>>,
    token_endpoint_auth_method: Option<String>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
    client_name: Option<String>,
    client_secret: Option<Value>,
}

/// Checks the document served at `url`: what it says of its client, or why it is refused.
fn check_document(url: &str, body: &[u8], acceptable_redirect: RedirectRule) -> Result<Document, String> {
    let f: Fields = serde_json::from_slice(body).map_err(|e| format!("{url}: not a JSON metadata document: {e}"))?;
    if f.client_id.as_deref() != Some(url) {
        return Err(format!("{url}: the document's client_id is not its URL"));
    }
    if f.client_secret.is_some() {
        return Err(format!("{url}: a metadata document carries no client_secret"));
    }
    if f.token_endpoint_auth_method.as_deref().is_some_and(|m| m != "none") {
        return Err(format!(
            "{url}: token_endpoint_auth_method must be none (a metadata-document client is public and uses PKCE)"
        ));
    }
    if let Some(problem) = unserved_flow(&f.grant_types.unwrap_or_default(), &f.response_types.unwrap_or_default()) {
        return Err(format!("{url}: {problem}"));
    }
    let redirect_uris = f.redirect_uris.unwrap_or_default();
    if redirect_uris.is_empty() || redirect_uris.len() > MAX_REDIRECT_URIS {
        return Err(format!("{url}: the document must list 1 to {MAX_REDIRECT_URIS} redirect_uris"));
    }
    if redirect_uris.iter().any(|u| !acceptable_redirect(u)) {
        return Err(format!("{url}: redirect URIs must be https, or http on a loopback host, without a fragment"));
    }
    Ok(Document { redirect_uris, client_name: f.client_name })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_id_urls_are_https_with_a_path() {
        assert!(check_url("https://app.example/client.json", false).is_ok_and(|t| t.port == 443));
        assert!(check_url("https://app.example/", false).is_err());
        assert!(check_url("https://app.example", false).is_err());
        assert!(check_url("https://u:p@app.example/c", false).is_err());
        assert!(check_url("https://app.example/a/../c", false).is_err());
        assert!(check_url("https://app.example/c#x", false).is_err());
        assert!(check_url("http://127.0.0.1:8/c", false).is_err(), "plain http only with the test option");
        assert!(check_url("http://127.0.0.1:8/c", true).is_ok_and(|t| t.port == 8));
        assert!(check_url("http://app.example/c", true).is_err(), "and only to loopback");
    }

    #[test]
    fn only_public_addresses_are_fetched() {
        for private in
            ["10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0"]
        {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for private in ["::1", "fd00::1", "fe80::1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "::"] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        assert!(is_public("93.184.216.34".parse().unwrap()) && is_public("2606:2800:220:1::".parse().unwrap()));
        assert!(!is_public(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)));
    }

    #[test]
    fn the_cache_is_bounded_in_count_and_bytes() {
        let documents = ClientDocuments::new(DocumentOptions::default(), |_| true);
        let d = Document { redirect_uris: vec!["https://a.example/cb".to_owned()], client_name: None };
        for i in 0..MAX_CACHED + 5 {
            documents.keep(&format!("https://a.example/{i}"), &d, 100, Duration::from_secs(60 + i as u64));
        }
        assert_eq!(lock(&documents.cache).len(), MAX_CACHED);
        assert!(documents.cached("https://a.example/0").is_none(), "the soonest to expire went first");
        documents.keep("https://a.example/big", &d, MAX_CACHED_BYTES - 1000, Duration::from_secs(60));
        let cache = lock(&documents.cache);
        assert!(cache.values().map(|c| c.bytes).sum::<usize>() <= MAX_CACHED_BYTES);
        assert!(cache.contains_key("https://a.example/big"));
    }
}
