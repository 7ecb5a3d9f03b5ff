//! Rate limits: token buckets per client and per (client, tool), checked before a request is
//! routed (before any middleware), refused with [`codes::RATE_LIMITED`] and a retry hint.
//!
//! A client is its authenticated subject when the request carries a verified token, else its
//! legacy session, else its connection (a stdio process, a WebSocket; on the 2026 stateless
//! HTTP wire without authorization every client shares the listener's one connection, so
//! per-client limits there need a token verifier). A tool limit is per client too: one
//! client cannot use up another's calls. `ping` and `initialize` are never limited.
//!
//! Hand-written (a few dozen lines) rather than taken from a crate: the buckets are keyed
//! by the engine's own notion of a client, refilled lazily on check, and bounded in number.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use crate::error::{ProtocolError, codes};
use crate::sync::lock;

/// Buckets kept at most; past it, buckets that have refilled are dropped (a full bucket is
/// the same as none), then the oldest entries if that was not enough.
const MAX_BUCKETS: usize = 65_536;

/// A rate: `requests` per `per`, with bursts of up to `burst` requests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Requests allowed per period.
    pub requests: u32,
    /// The period.
    pub per: Duration,
    /// The most requests at once after a quiet spell (the bucket's size). Default `requests`.
    pub burst: u32,
}

impl Rate {
    /// `requests` per `per`, bursts of up to `requests`.
    pub fn new(requests: u32, per: Duration) -> Rate {
        Rate { requests, per, burst: requests }
    }

    /// The same rate with bursts of up to `burst` requests.
    pub fn with_burst(self, burst: u32) -> Rate {
        Rate { burst, ..self }
    }

    /// Tokens added per second.
    fn per_second(&self) -> f64 {
        f64::from(self.requests) / self.per.as_secs_f64()
    }

    fn describe(&self) -> String {
        format!("{} requests per {} s", self.requests, self.per.as_secs_f64())
    }
}

/// The limits a server enforces ([`crate::ServerBuilder::rate_limits`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateLimits {
    /// Every request of one client (any method but `ping` and `initialize`).
    pub per_client: Option<Rate>,
    /// `tools/call` of one tool by one client; the key `*` applies to every tool without an
    /// entry of its own.
    pub tools: HashMap<String, Rate>,
}

impl RateLimits {
    /// Whether any limit is set.
    pub fn is_empty(&self) -> bool {
        self.per_client.is_none() && self.tools.is_empty()
    }

    /// The limit of tool `name`: its own entry, else `*`.
    fn tool(&self, name: &str) -> Option<&Rate> {
        self.tools.get(name).or_else(|| self.tools.get("*"))
    }

    /// Refuses a zero rate or period (a limit nothing could pass is a configuration mistake).
    pub(crate) fn validate(&self) -> Result<(), String> {
        let rates = self.per_client.iter().map(|r| ("per_client".to_owned(), r));
        for (name, rate) in rates.chain(self.tools.iter().map(|(t, r)| (format!("tools.{t}"), r))) {
            if rate.requests == 0 || rate.burst == 0 || rate.per.is_zero() {
                return Err(format!("rate limit {name}: requests, burst and the period must be positive"));
            }
        }
        Ok(())
    }
}

/// Who a request counts against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ClientKey {
    /// The verified token's subject.
    Subject(Arc<str>),
    /// A legacy session (by address: the key lives no longer than a bucket refill).
    Session(usize),
    /// A connection (by address).
    Connection(usize),
}

/// A bucket's key: the client, and the tool for a tool's bucket (none for the client's own).
type BucketKey = (ClientKey, Option<Arc<str>>);

/// One token bucket.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(rate: &Rate, now: Instant) -> Bucket {
        Bucket { tokens: f64::from(rate.burst), at: now }
    }

    /// Refills for the time since the last look.
    fn refill(&mut self, rate: &Rate, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate.per_second()).min(f64::from(rate.burst));
        self.at = now;
    }

    /// How long until one token is there (zero when it is).
    fn wait(&self, rate: &Rate) -> Duration {
        if self.tokens >= 1.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64((1.0 - self.tokens) / rate.per_second())
        }
    }
}

/// The buckets of one server.
#[derive(Debug)]
pub(crate) struct Limiter {
    limits: RateLimits,
    buckets: Mutex<HashMap<BucketKey, Bucket>>,
}

impl Limiter {
    /// A limiter enforcing `limits`, or none when they are empty.
    pub fn new(limits: RateLimits) -> Option<Limiter> {
        (!limits.is_empty()).then(|| Limiter { limits, buckets: Mutex::new(HashMap::new()) })
    }

    /// Takes one token from each bucket the request counts against, or none of them and
    /// answers the error naming the limit and when to retry.
    pub fn check(
        &self,
        client: ClientKey,
        method: &str,
        params: Option<&Map<String, Value>>,
    ) -> Result<(), ProtocolError> {
        if method == "ping" || method == "initialize" {
            return Ok(());
        }
        let tool = (method == "tools/call")
            .then(|| crate::middleware::named(method, params))
            .flatten()
            .and_then(|name| self.limits.tool(name).map(|r| (name, r)));
        if self.limits.per_client.is_none() && tool.is_none() {
            return Ok(());
        }
        let now = Instant::now();
        let mut buckets = lock(&self.buckets);
        if buckets.len() >= MAX_BUCKETS {
            self.prune(&mut buckets, now);
        }
        let mut wanted: Vec<(BucketKey, Rate, Option<&str>)> = Vec::with_capacity(2);
        if let Some(rate) = self.limits.per_client {
            wanted.push(((client.clone(), None), rate, None));
        }
        if let Some((name, rate)) = tool {
            wanted.push(((client, Some(Arc::from(name))), *rate, Some(name)));
        }
        for (key, rate, name) in &wanted {
            let bucket = buckets.entry(key.clone()).or_insert_with(|| Bucket::full(rate, now));
            bucket.refill(rate, now);
            let wait = bucket.wait(rate);
            if !wait.is_zero() {
                return Err(refusal(rate, *name, wait));
            }
        }
        for (key, _, _) in &wanted {
            if let Some(bucket) = buckets.get_mut(key) {
                bucket.tokens -= 1.0;
            }
        }
        Ok(())
    }

    /// Drops the buckets that have refilled; if none had, the oldest half.
    fn prune(&self, buckets: &mut HashMap<BucketKey, Bucket>, now: Instant) {
        let before = buckets.len();
        buckets.retain(|(_, tool), bucket| {
            let rate = match tool {
                None => self.limits.per_client,
                Some(name) => self.limits.tool(name).copied(),
            };
            rate.is_some_and(|rate| {
                bucket.refill(&rate, now);
                bucket.tokens < f64::from(rate.burst)
            })
        });
        if buckets.len() == before {
            let mut ages: Vec<Instant> = buckets.values().map(|b| b.at).collect();
            ages.sort_unstable();
            let cutoff = ages[ages.len() / 2];
            buckets.retain(|_, bucket| bucket.at > cutoff);
        }
    }
}

/// The error for a refused request.
fn refusal(rate: &Rate, tool: Option<&str>, wait: Duration) -> ProtocolError {
    let retry_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1);
    let (what, scope) = match tool {
        Some(name) => (format!("tool `{name}`"), "tool"),
        None => ("this client".to_owned(), "client"),
    };
    let mut data = json!({ "retryAfterMs": retry_ms, "scope": scope, "limit": rate.describe() });
    if let Some(name) = tool {
        data["tool"] = json!(name);
    }
    ProtocolError::new(
        codes::RATE_LIMITED,
        format!("Rate limit exceeded for {what} ({}); retry after {retry_ms} ms", rate.describe()),
    )
    .with_data(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(tool: &str) -> Map<String, Value> {
        let Value::Object(params) = json!({ "name": tool, "arguments": {} }) else { unreachable!() };
        params
    }

    #[test]
    fn a_client_gets_its_burst_then_a_retry_hint() {
        let limiter = Limiter::new(RateLimits {
            per_client: Some(Rate::new(2, Duration::from_secs(60))),
            ..RateLimits::default()
        })
        .expect("a limit");
        let me = ClientKey::Connection(1);
        assert!(limiter.check(me.clone(), "tools/list", None).is_ok());
        assert!(limiter.check(me.clone(), "tools/list", None).is_ok());
        let refused = limiter.check(me.clone(), "tools/list", None).expect_err("over the limit");
        assert_eq!(refused.code, codes::RATE_LIMITED);
        let retry = refused.data.as_ref().and_then(|d| d["retryAfterMs"].as_u64()).expect("a retry hint");
        assert!(retry > 20_000 && retry <= 30_000, "one token in 30 s, got {retry} ms");
        // Another client and `ping` are not affected.
        assert!(limiter.check(ClientKey::Connection(2), "tools/list", None).is_ok());
        assert!(limiter.check(me, "ping", None).is_ok());
    }

    #[test]
    fn a_tool_limit_is_per_client_and_refusal_takes_no_token() {
        let mut tools = HashMap::new();
        tools.insert("search".to_owned(), Rate::new(1, Duration::from_secs(60)));
        let limiter = Limiter::new(RateLimits { per_client: Some(Rate::new(3, Duration::from_secs(60))), tools })
            .expect("a limit");
        let me = ClientKey::Subject(Arc::from("alice"));
        assert!(limiter.check(me.clone(), "tools/call", Some(&call("search"))).is_ok());
        let refused = limiter.check(me.clone(), "tools/call", Some(&call("search"))).expect_err("tool limit");
        assert_eq!(refused.data.as_ref().map(|d| d["scope"].clone()), Some(json!("tool")));
        // The refused call took none of the client's tokens: two are left.
        assert!(limiter.check(me.clone(), "tools/call", Some(&call("echo"))).is_ok());
        assert!(limiter.check(me.clone(), "tools/call", Some(&call("echo"))).is_ok());
        assert!(limiter.check(me, "tools/call", Some(&call("echo"))).is_err());
        assert!(limiter.check(ClientKey::Subject(Arc::from("bob")), "tools/call", Some(&call("search"))).is_ok());
    }

    #[test]
    fn buckets_refill_and_stay_bounded() {
        let limiter = Limiter::new(RateLimits {
            per_client: Some(Rate::new(1000, Duration::from_millis(1))),
            ..RateLimits::default()
        })
        .expect("a limit");
        for n in 0..MAX_BUCKETS + 10 {
            assert!(limiter.check(ClientKey::Connection(n), "tools/list", None).is_ok());
        }
        assert!(lock(&limiter.buckets).len() <= MAX_BUCKETS);
    }

    #[test]
    fn zero_rates_are_refused() {
        let limits = RateLimits { per_client: Some(Rate::new(0, Duration::from_secs(1))), ..RateLimits::default() };
        assert!(limits.validate().is_err());
    }
}
