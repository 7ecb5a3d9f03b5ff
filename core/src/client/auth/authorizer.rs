//! The step of the authorization code grant that involves the user ([`Authorizer`]): given
//! the authorization URL, bring back the URL the authorization server redirected to. An
//! application opens a browser and listens on its redirect URI; [`FollowRedirects`] plays a
//! browser whose user has already consented, following the redirects (with their cookies)
//! until one reaches the redirect URI, for tests and for servers that authorize without a
//! user.

use std::collections::BTreeMap;

use hyper::header;

use super::address::{origin, parse, resolve};
use super::fetch::{Payload, fetch};
use crate::dial::Trust;
use crate::sync::BoxFuture;

/// Shows the user an authorization URL and brings back the redirect.
pub trait Authorizer: Send + Sync + 'static {
    /// Sends the user to `url`; resolves to the full URL the authorization server then
    /// redirected to (the redirect URI with its `code`, `state` and `iss`, or `error`).
    fn authorize(&self, url: String, redirect_uri: String) -> BoxFuture<'_, Result<String, String>>;

    /// [`Authorizer::authorize`] (the redirect URI is `to`), told what the MCP endpoint's
    /// transport trusts (its [`Trust`]), for an authorizer that reaches the authorization
    /// server itself; by default the trust is not needed and `authorize` runs.
    fn authorize_trusting(&self, url: String, to: String, trust: &Trust) -> BoxFuture<'_, Result<String, String>> {
        let _ = trust;
        self.authorize(url, to)
    }
}

/// How many redirects [`FollowRedirects`] follows before it gives up.
pub const MAX_REDIRECTS: usize = 16;

/// An [`Authorizer`] without a user: it GETs the authorization URL and follows each
/// redirect on the authorization server's origin, keeping the cookies it sets, until one
/// points at the redirect URI (at most [`MAX_REDIRECTS`]), trusting for `https` what the
/// endpoint's transport trusts.
#[derive(Debug, Clone, Copy, Default)]
pub struct FollowRedirects;

impl Authorizer for FollowRedirects {
    fn authorize(&self, url: String, redirect_uri: String) -> BoxFuture<'_, Result<String, String>> {
        self.authorize_trusting(url, redirect_uri, &Trust::default())
    }

    fn authorize_trusting(&self, url: String, to: String, trust: &Trust) -> BoxFuture<'_, Result<String, String>> {
        Box::pin(follow(url, to, trust.clone()))
    }
}

async fn follow(start: String, redirect_uri: String, trust: Trust) -> Result<String, String> {
    let mut url = parse(&start)?;
    let server = origin(&url);
    let mut cookies = BTreeMap::<String, String>::new();
    for _ in 0..MAX_REDIRECTS {
        let jar: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let headers = if jar.is_empty() { Vec::new() } else { vec![(header::COOKIE, jar.join("; "))] };
        let answer = fetch(&trust, &url, Payload::None, &headers).await?;
        for set in answer.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()) {
            keep_cookie(&mut cookies, set);
        }
        let location = answer.headers.get(header::LOCATION).and_then(|v| v.to_str().ok());
        let Some(location) = location else {
            return Err(format!("{url}: HTTP {} without a redirect: {}", answer.status, answer.excerpt()));
        };
        if location.starts_with(&redirect_uri) {
            return Ok(location.to_owned());
        }
        let next = resolve(&url, location).map_err(|e| format!("{url}: redirect to {location:?}: {e}"))?;
        if origin(&next) != server {
            return Err(format!("{url}: redirected off the authorization server, to {next}"));
        }
        url = next;
    }
    Err(format!("no redirect to {redirect_uri} within {MAX_REDIRECTS} redirects"))
}

/// Notes a `Set-Cookie` (its name and value; one that is emptied or expired is dropped).
fn keep_cookie(cookies: &mut BTreeMap<String, String>, set: &str) {
    let mut parts = set.split(';');
    let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else { return };
    let expired = parts.any(|p| {
        let p = p.trim().to_ascii_lowercase();
        p == "max-age=0" || p.starts_with("expires=thu, 01 jan 1970")
    });
    let name = name.trim().to_owned();
    if expired || value.trim().is_empty() {
        cookies.remove(&name);
    } else {
        cookies.insert(name, value.trim().to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_kept_replaced_and_dropped() {
        let mut jar = BTreeMap::new();
        keep_cookie(&mut jar, "_interaction=abc; path=/interaction/1; httponly");
        keep_cookie(&mut jar, "_session=s; path=/");
        keep_cookie(&mut jar, "_interaction=def; path=/interaction/2");
        assert_eq!(jar.get("_interaction").map(String::as_str), Some("def"));
        keep_cookie(&mut jar, "_session=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT");
        assert!(!jar.contains_key("_session"));
        keep_cookie(&mut jar, "_interaction=x; Max-Age=0");
        assert!(jar.is_empty());
    }
}
