//! Who a request to the OAuth proxy comes from, and how often a source may ask: a request's
//! source is its client's host (an IPv6 client by its /64, as the engine's rate limits count
//! it), and each source gets a token bucket of the engine's rate limiter across
//! `/register`, `/authorize`, the consent form, the callback and `/token`. What a source
//! makes the proxy keep is stored under it, so that when a kind is full the values of the
//! source holding the most go first.

use std::net::IpAddr;
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

use super::common::oauth_error;
use crate::dispatch::rate_limit::RateConfig;
use crate::dispatch::rate_limit::{ClientKey, Limiter, Rate, RateLimits};

/// The client host of a request (`unknown` when the host server gave no address).
pub(super) struct Source {
    ip: Option<IpAddr>,
    /// The host as text: what the source's stored values are kept under.
    pub(super) key: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Source, Self::Rejection> {
        let ip = super::super::super::client::peer(&parts.extensions).map(|a| crate::identity::host(a.ip()));
        Ok(Source { ip, key: ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()) })
    }
}

/// The limiter of the `auth.proxy.rateLimit` member: absent, 120 requests a minute per
/// source in bursts of 60; `null`, none; else the rate given (`{"requests", "perMs",
/// "burst"}`, as the engine's own rate limits), a zero rate refused.
pub(super) fn limiter(config: Option<Option<RateConfig>>) -> Result<Option<Limiter>, String> {
    let rate = match config {
        None => Rate::new(120, Duration::from_secs(60)).with_burst(60),
        Some(None) => return Ok(None),
        Some(Some(c)) => c.rate(),
    };
    let limits = RateLimits { per_client: Some(rate), ..RateLimits::default() };
    limits.validate().map_err(|_| "rateLimit: requests, perMs and burst must be positive".to_owned())?;
    Ok(Limiter::new(limits))
}

/// Reads a member that may be `null` apart from absent: `Some(None)` for `null`.
pub(super) fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Takes a token of `source`'s bucket; when there is none, the answer: 429 with `Retry-After`.
pub(super) fn over_rate(limiter: Option<&Limiter>, source: &Source) -> Option<Response> {
    let (Some(limiter), Some(ip)) = (limiter, source.ip) else { return None };
    let Err(refused) = limiter.check_client(ClientKey::address(ip), "oauth") else { return None };
    let wait_ms = refused.data.as_ref().and_then(|d| d["retryAfterMs"].as_u64()).unwrap_or(1000);
    let seconds = wait_ms.div_ceil(1000).max(1);
    let description = format!("too many requests from this address; retry after {seconds} s");
    let mut r = oauth_error(StatusCode::TOO_MANY_REQUESTS, "temporarily_unavailable", &description);
    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    Some(r)
}
