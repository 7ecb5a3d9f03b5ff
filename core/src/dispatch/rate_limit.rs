//! Rate limits: token buckets per client and per (client, tool), refused with
//! [`codes::RATE_LIMITED`] and a retry hint. The per-client limit is checked before a request
//! is routed (before any middleware); a tool's limit once `tools/call` has found the tool
//! registered and visible to the caller, so a bucket is only ever keyed by a registered
//! tool's name: a name a client made up is refused as unknown and takes no bucket.
//!
//! A client is its authenticated subject when the request carries a verified token (by a
//! keyed fingerprint), else, for an HTTP request without a session of its own (the 2026
//! wire, `sessionless` legacy requests), its address; else its legacy session, else its
//! connection (a stdio process, a WebSocket), both by serial numbers that are never reused.
//! A tool limit is per client too: one client cannot use up another's calls. `ping` and
//! `initialize` are never limited.
//!
//! Hand-written (a few dozen lines) rather than taken from a crate: the buckets are keyed
//! by the engine's own notion of a client, refilled lazily on check, and bounded in number
//! without ever forgetting a client that used up its tokens.

use crate::protocol::method::Method;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::error::{ProtocolError, codes};
use crate::identity;
use crate::sync::lock;

/// Buckets kept at most; past it, buckets that have refilled are dropped (a full bucket is
/// the same as none), and when none has, newcomers share an overflow bucket per limit.
const MAX_BUCKETS: usize = 65_536;

/// After a sweep of the full table, the next waits until this share of it can have
/// refilled (see [`Limiter`]).
const SWEEP_SHARE: usize = 8;

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

/// One [`Rate`]: `requests` per `per_ms` milliseconds, bursts of up to `burst` (default
/// `requests`). Also the OAuth proxy's `rateLimit`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RateConfig {
    requests: u32,
    #[serde(alias = "perMs")]
    per_ms: u64,
    burst: Option<u32>,
}

impl RateConfig {
    /// The rate it describes.
    pub(crate) fn rate(&self) -> Rate {
        let rate = Rate::new(self.requests, Duration::from_millis(self.per_ms));
        match self.burst {
            Some(burst) => rate.with_burst(burst),
            None => rate,
        }
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

/// Who a request counts against. Never raw client text and never an address in memory:
/// fingerprints and serial numbers (see [`crate::identity`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ClientKey {
    /// The verified token's subject, by fingerprint.
    Subject(u64),
    /// An HTTP request without a session of its own, by its client's address.
    Address(IpAddr),
    /// A legacy session, by serial number.
    Session(u64),
    /// A connection, by serial number.
    Connection(u64),
    /// Every client that came while the table was full of buckets still in use (see
    /// [`Limiter`]): they share one bucket per limit rather than go unlimited.
    Overflow,
}

impl ClientKey {
    /// The key of a verified subject.
    pub fn subject(subject: &str) -> ClientKey {
        ClientKey::Subject(identity::fingerprint(subject))
    }

    /// The key of a client address: its host ([`identity::host`]: an IPv6 client by its /64).
    pub fn address(ip: IpAddr) -> ClientKey {
        ClientKey::Address(identity::host(ip))
    }
}

/// A bucket's key: the client, and for a tool's bucket the fingerprint of the registered
/// tool's name (none for the client's own bucket).
type BucketKey = (ClientKey, Option<u64>);

/// One token bucket, with the rate it refills at.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
    rate: Rate,
}

impl Bucket {
    fn full(rate: Rate, now: Instant) -> Bucket {
        Bucket { tokens: f64::from(rate.burst), at: now, rate }
    }

    /// Refills for the time since the last look.
    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate.per_second()).min(f64::from(self.rate.burst));
        self.at = now;
    }

    /// Whether the bucket is full again (the same as no bucket at all).
    fn is_full(&self) -> bool {
        self.tokens >= f64::from(self.rate.burst)
    }

    /// How long until `tokens` tokens are there (zero when they are).
    fn until(&self, tokens: f64) -> Duration {
        if self.tokens >= tokens {
            Duration::ZERO
        } else {
            Duration::from_secs_f64((tokens - self.tokens) / self.rate.per_second())
        }
    }
}

/// The buckets of one server, and when a full table is worth sweeping again.
#[derive(Debug, Default)]
struct Table {
    buckets: HashMap<BucketKey, Bucket>,
    /// While the table is full and no bucket has refilled, the soonest one can: no sweep
    /// before then (a flood of newcomers costs no pass over the table each).
    sweep_after: Option<Instant>,
}

/// The buckets of one server: at most [`MAX_BUCKETS`] (plus one overflow bucket per limit).
/// Only a bucket that has refilled is ever dropped, since a full bucket is the same as
/// none: a client that used up its tokens keeps its bucket until it refills, whatever
/// others do. When the table is full of buckets still in use, newcomers share the overflow
/// bucket of the limit: limited together rather than forgotten.
#[derive(Debug)]
pub(crate) struct Limiter {
    limits: RateLimits,
    table: Mutex<Table>,
}

impl Limiter {
    /// A limiter enforcing `limits`, or none when they are empty.
    pub fn new(limits: RateLimits) -> Option<Limiter> {
        (!limits.is_empty()).then(|| Limiter { limits, table: Mutex::new(Table::default()) })
    }

    /// Whether a tool has a limit (its own or `*`).
    pub fn limits_tools(&self) -> bool {
        !self.limits.tools.is_empty()
    }

    /// The per-client check, before a request is routed: takes one token from the client's
    /// bucket, or answers the error naming the limit and when to retry. `ping` and
    /// `initialize` are never limited.
    pub fn check_client(&self, client: ClientKey, method: &str) -> Result<(), ProtocolError> {
        let Some(rate) = self.limits.per_client else { return Ok(()) };
        if method == Method::Ping.as_str() || method == Method::Initialize.as_str() {
            return Ok(());
        }
        let now = Instant::now();
        let mut table = lock(&self.table);
        let bucket = self.bucket(&mut table, (client, None), rate, now);
        take(bucket, &rate, None)
    }

    /// The per-tool check of a `tools/call`, once the call's tool is known to be registered
    /// and visible to the caller (`tool` is its registered name: a name a client made up
    /// never gets a bucket). On refusal, the token the per-client check took for this
    /// request is given back: a refused request takes no token.
    pub fn check_tool(&self, client: ClientKey, tool: &str) -> Result<(), ProtocolError> {
        let Some(rate) = self.limits.tool(tool).copied() else { return Ok(()) };
        let now = Instant::now();
        let mut table = lock(&self.table);
        let bucket = self.bucket(&mut table, (client, Some(identity::fingerprint(tool))), rate, now);
        let refused = take(bucket, &rate, Some(tool)).err();
        let Some(refused) = refused else { return Ok(()) };
        if let Some(own) = table.buckets.get_mut(&(client, None)) {
            own.tokens = (own.tokens + 1.0).min(f64::from(own.rate.burst));
        }
        Err(refused)
    }

    /// The bucket of `key`, refilled to `now`: its own when it has one or there is room
    /// (after dropping refilled buckets if the table is full), else the overflow bucket of
    /// the same limit.
    fn bucket<'t>(&self, table: &'t mut Table, key: BucketKey, rate: Rate, now: Instant) -> &'t mut Bucket {
        let key =
            if table.buckets.contains_key(&key) || self.room(table, now) { key } else { (ClientKey::Overflow, key.1) };
        let bucket = table.buckets.entry(key).or_insert_with(|| Bucket::full(rate, now));
        bucket.refill(now);
        bucket
    }

    /// Whether a new bucket fits: below the bound, or once the refilled buckets are
    /// dropped. A sweep of the full table is followed by no other until an eighth of what
    /// it kept can have refilled, so that each sweep (a pass over the table) frees room for
    /// that many newcomers, whatever pace they come at: between sweeps they share the
    /// overflow bucket.
    fn room(&self, table: &mut Table, now: Instant) -> bool {
        if table.buckets.len() < MAX_BUCKETS {
            return true;
        }
        if table.sweep_after.is_some_and(|at| now < at) {
            return false;
        }
        // Seconds until each kept bucket is full again.
        let mut refills: Vec<f64> = Vec::with_capacity(table.buckets.len());
        table.buckets.retain(|_, bucket| {
            bucket.refill(now);
            if bucket.is_full() {
                return false;
            }
            refills.push(bucket.until(f64::from(bucket.rate.burst)).as_secs_f64());
            true
        });
        let wait = match refills.len() {
            0 => 0.0,
            n => *refills.select_nth_unstable_by((MAX_BUCKETS / SWEEP_SHARE).min(n - 1), f64::total_cmp).1,
        };
        table.sweep_after = Some(now + Duration::from_secs_f64(wait));
        table.buckets.len() < MAX_BUCKETS
    }
}

/// Takes one token from `bucket`, or answers the refusal (nothing taken).
fn take(bucket: &mut Bucket, rate: &Rate, tool: Option<&str>) -> Result<(), ProtocolError> {
    let wait = bucket.until(1.0);
    if !wait.is_zero() {
        return Err(refusal(rate, tool, wait));
    }
    bucket.tokens -= 1.0;
    Ok(())
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

    fn limiter(per_client: Option<Rate>, tools: &[(&str, Rate)]) -> Limiter {
        let tools = tools.iter().map(|(n, r)| ((*n).to_owned(), *r)).collect();
        Limiter::new(RateLimits { per_client, tools }).expect("a limit")
    }

    fn buckets(limiter: &Limiter) -> usize {
        lock(&limiter.table).buckets.len()
    }

    #[test]
    fn a_client_gets_its_burst_then_a_retry_hint() {
        let limiter = limiter(Some(Rate::new(2, Duration::from_secs(60))), &[]);
        let me = ClientKey::Connection(1);
        assert!(limiter.check_client(me, "tools/list").is_ok());
        assert!(limiter.check_client(me, "tools/list").is_ok());
        let refused = limiter.check_client(me, "tools/list").expect_err("over the limit");
        assert_eq!(refused.code, codes::RATE_LIMITED);
        let retry = refused.data.as_ref().and_then(|d| d["retryAfterMs"].as_u64()).expect("a retry hint");
        assert!(retry > 20_000 && retry <= 30_000, "one token in 30 s, got {retry} ms");
        // Another client and `ping` are not affected.
        assert!(limiter.check_client(ClientKey::Connection(2), "tools/list").is_ok());
        assert!(limiter.check_client(me, "ping").is_ok());
    }

    #[test]
    fn a_tool_limit_is_per_client_and_refusal_takes_no_token() {
        let limiter =
            limiter(Some(Rate::new(3, Duration::from_secs(60))), &[("search", Rate::new(1, Duration::from_secs(60)))]);
        let me = ClientKey::subject("alice");
        let call = |tool: &str| limiter.check_client(me, "tools/call").and_then(|()| limiter.check_tool(me, tool));
        assert!(call("search").is_ok());
        let refused = call("search").expect_err("tool limit");
        assert_eq!(refused.data.as_ref().map(|d| d["scope"].clone()), Some(json!("tool")));
        // The refused call took none of the client's tokens: two are left.
        assert!(call("echo").is_ok());
        assert!(call("echo").is_ok());
        assert!(call("echo").is_err());
        let bob = ClientKey::subject("bob");
        assert!(limiter.check_client(bob, "tools/call").and_then(|()| limiter.check_tool(bob, "search")).is_ok());
    }

    #[test]
    fn a_full_table_drops_only_refilled_buckets() {
        // Refilled buckets make room for newcomers.
        let fast = limiter(Some(Rate::new(1000, Duration::from_millis(1))), &[]);
        for n in 0..MAX_BUCKETS as u64 + 10 {
            assert!(fast.check_client(ClientKey::Connection(n), "tools/list").is_ok());
        }
        assert!(buckets(&fast) <= MAX_BUCKETS + 1);

        // Buckets still in use are never dropped: the drained client stays drained, and
        // newcomers past the bound share one overflow bucket.
        let slow = limiter(Some(Rate::new(2, Duration::from_secs(3600))), &[]);
        let drained = ClientKey::Connection(u64::MAX);
        assert!(slow.check_client(drained, "tools/list").is_ok());
        assert!(slow.check_client(drained, "tools/list").is_ok());
        assert!(slow.check_client(drained, "tools/list").is_err());
        for n in 0..MAX_BUCKETS as u64 + 10_000 {
            let _ = slow.check_client(ClientKey::Connection(n), "tools/list");
        }
        assert_eq!(buckets(&slow), MAX_BUCKETS + 1, "the bound, and the overflow bucket");
        assert!(slow.check_client(drained, "tools/list").is_err(), "still drained");
        assert!(
            slow.check_client(ClientKey::Connection(u64::MAX - 1), "tools/list").is_err(),
            "the overflow is used up"
        );
    }

    #[test]
    fn zero_rates_are_refused() {
        let limits = RateLimits { per_client: Some(Rate::new(0, Duration::from_secs(1))), ..RateLimits::default() };
        assert!(limits.validate().is_err());
    }

    /// Calls naming tools that are not registered (long names, each new) take no bucket:
    /// the table holds the client's own bucket and nothing else.
    #[tokio::test]
    async fn tool_names_a_client_makes_up_take_no_bucket() {
        let limits = RateLimits {
            per_client: Some(Rate::new(100_000, Duration::from_secs(3600))),
            tools: [("*".to_owned(), Rate::new(2, Duration::from_secs(3600)))].into(),
        };
        let server = crate::Server::builder("limited", "1.0.0")
            .tool(crate::Tool::new("echo"), |_: serde_json::Value| async { Ok::<_, crate::ToolError>("echo") })
            .rate_limits(limits)
            .build()
            .expect("build");
        let client = server.connect_memory();
        client.initialize("2025-11-25", json!({})).await.expect("initialize");
        client.call_tool("echo", json!({})).await.expect("a registered tool");
        let long = "x".repeat(64 * 1024);
        for n in 0..300 {
            let e = client.call_tool(&format!("{n}-{long}"), json!({})).await.expect_err("unknown");
            assert_eq!(e.code, codes::INVALID_PARAMS);
        }
        let limiter = server.shared.rate_limiter.as_ref().expect("a limiter");
        assert_eq!(buckets(limiter), 2, "the client's own bucket and echo's");
        client.close().await.expect("close");
    }
}
