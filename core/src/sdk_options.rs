//! The official MCP SDKs' serving option names, translated to the engine's HTTP options
//! ([`HttpOptions`](crate::HttpOptions)'s JSON form) by one table, so that each binding's
//! drop-in layer hands its users' options through instead of translating them itself.
//!
//! Each row of [`TABLE`] names an option as one official SDK spells it (the Python SDK's
//! snake_case, the TypeScript SDK's camelCase), which SDK and API it comes from ([`Sdk`]),
//! what it becomes ([`Becomes`]) and why. [`translate`] applies the rows of one SDK to an
//! options object; names that are no row of that SDK (the engine's own options, or typos)
//! pass through unchanged, so the engine's checks refuse an unknown name as they always do.
//!
//! Values JSON cannot hold (a TypeScript `sessionIdGenerator` function, an event store
//! object) stay in the binding, which hands over `true` in their place: the table only
//! needs to know that they were given.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::transport::http::guard::{host_name, origin_without_port};

/// An official SDK API whose option names the engine takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sdk {
    /// The official Python SDK: `FastMCP(...)`'s HTTP settings and the keywords of
    /// `run(...)` and `run_*_async(...)` (`"python"`).
    Python,
    /// The official TypeScript SDK 1.x: the options of `StreamableHTTPServerTransport` and
    /// `WebStandardStreamableHTTPServerTransport` (`"typescript-transport"`).
    TypeScriptTransport,
    /// The official TypeScript SDK 2.x: the options of `createMcpHandler`
    /// (`"typescript-handler"`).
    TypeScriptHandler,
}

impl Sdk {
    /// Every SDK API, in the order of [`Sdk::as_str`]'s names.
    pub const ALL: [Sdk; 3] = [Sdk::Python, Sdk::TypeScriptTransport, Sdk::TypeScriptHandler];

    /// The name a binding asks for this API by.
    pub const fn as_str(self) -> &'static str {
        match self {
            Sdk::Python => "python",
            Sdk::TypeScriptTransport => "typescript-transport",
            Sdk::TypeScriptHandler => "typescript-handler",
        }
    }

    /// The API named `name` ([`Sdk::as_str`]); `None` for anything else.
    pub fn parse(name: &str) -> Option<Sdk> {
        Sdk::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// What an official option becomes in the engine's HTTP options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Becomes {
    /// The engine's option of this name (snake_case), with the value unchanged.
    Engine(&'static str),
    /// Accepted and dropped: the engine decides this by itself.
    EngineDecides,
    /// Accepted and dropped: the binding uses it itself (a callback it runs).
    Binding,
    /// An object of further options, named in the table `<this name>.<member>` (Python's
    /// `TransportSecuritySettings`); `null` is none. Members that are no row are ignored.
    Group,
    /// Whether the `Host`/`Origin` checks are on (`true`/`false`; `null` is the SDK's
    /// default: on for Python's `transport_security`, off for the TypeScript transport).
    DnsRebindingProtection,
    /// Host names for `allowed_hosts` while the checks are on, each without its port
    /// (`example.com:*` is `example.com`): the engine compares host names only.
    AllowedHosts,
    /// Origins for `allowed_origins` while the checks are on, each `scheme://host` without
    /// its port, as the engine compares them; without them, the origins of the hosts allowed.
    AllowedOrigins,
    /// Sessions are kept when it is given (anything but `null` or `false`), else the
    /// engine's `sessionless` is on: the TypeScript `sessionIdGenerator`, a function the
    /// binding keeps and calls itself.
    SessionsWhenGiven,
    /// Request streams open with a priming event when it is given (anything but `null` or
    /// `false`), else with none (the engine's `sse_priming`): the TypeScript `eventStore`,
    /// without which the SDK's streams cannot be resumed and are not primed.
    PrimingWhenGiven,
}

/// One official option name and what it becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SdkOption {
    /// The SDK API it comes from.
    pub sdk: Sdk,
    /// Its name there, as that SDK spells it (`group.member` inside a [`Becomes::Group`]).
    pub name: &'static str,
    /// What it becomes.
    pub becomes: Becomes,
    /// Why, in a few words (the language guides say the same).
    pub why: &'static str,
}

const fn row(sdk: Sdk, name: &'static str, becomes: Becomes, why: &'static str) -> SdkOption {
    SdkOption { sdk, name, becomes, why }
}

use Becomes::*;
use Sdk::*;

/// Every official option name the engine takes, by SDK.
pub const TABLE: &[SdkOption] = &[
    // The official Python SDK (FastMCP settings, `run` keywords).
    row(Python, "streamable_http_path", Engine("path"), "the Streamable HTTP endpoint's path"),
    row(Python, "max_request_body_size", Engine("max_body"), "the request body cap, in bytes"),
    row(Python, "message_path", Engine("messages_path"), "where the 2024-11-05 HTTP+SSE transport takes messages"),
    row(Python, "json_response", EngineDecides, "the engine answers each request as JSON or SSE itself"),
    row(Python, "stateless_http", EngineDecides, "the engine serves the stateless 2026-07-28 wire next to sessions"),
    row(Python, "event_store", EngineDecides, "the engine keeps its own resumption buffer"),
    row(Python, "retry_interval", EngineDecides, "the engine sends its own SSE retry hint"),
    row(Python, "mount_path", EngineDecides, "1.x's mount path applies to ASGI mounting only"),
    row(Python, "transport_security", Group, "the official TransportSecuritySettings"),
    row(
        Python,
        "transport_security.enable_dns_rebinding_protection",
        DnsRebindingProtection,
        "off: neither Host nor Origin is checked",
    ),
    row(Python, "transport_security.allowed_hosts", AllowedHosts, "Host names; the engine ignores ports"),
    row(Python, "transport_security.allowed_origins", AllowedOrigins, "origins; the engine ignores ports"),
    // The official TypeScript SDK 1.x (StreamableHTTPServerTransport).
    row(TypeScriptTransport, "sessionIdGenerator", SessionsWhenGiven, "without a generator the SDK keeps no sessions"),
    row(TypeScriptTransport, "onsessioninitialized", Binding, "a callback the transport runs itself"),
    row(TypeScriptTransport, "onsessionclosed", Binding, "a callback the transport runs itself"),
    row(
        TypeScriptTransport,
        "enableDnsRebindingProtection",
        DnsRebindingProtection,
        "the SDK's transport checks Host and Origin only when asked to",
    ),
    row(TypeScriptTransport, "allowedHosts", AllowedHosts, "Host names; the engine ignores ports"),
    row(TypeScriptTransport, "allowedOrigins", AllowedOrigins, "origins; the engine ignores ports"),
    row(TypeScriptTransport, "keepAliveMs", Engine("sse_keepalive_ms"), "the SSE keep-alive interval"),
    row(TypeScriptTransport, "maxRequestBodySize", Engine("max_body"), "the request body cap, in bytes"),
    row(
        TypeScriptTransport,
        "enableJsonResponse",
        Engine("json_response"),
        "JSON answers only, dropping what a request sends before its result",
    ),
    row(
        TypeScriptTransport,
        "eventStore",
        PrimingWhenGiven,
        "the engine keeps its own bounded event store per session; the SDK primes streams only with one",
    ),
    row(
        TypeScriptTransport,
        "retryInterval",
        Engine("sse_retry_ms"),
        "the retry hint of the priming event; none when not given",
    ),
    // The official TypeScript SDK 2.x (createMcpHandler).
    row(TypeScriptHandler, "responseMode", EngineDecides, "the engine picks JSON or SSE per answer"),
    row(TypeScriptHandler, "legacy", EngineDecides, "the engine serves every protocol version"),
    row(TypeScriptHandler, "keepAliveMs", Engine("sse_keepalive_ms"), "the SSE keep-alive interval; 0 sends none"),
    row(TypeScriptHandler, "maxSubscriptions", EngineDecides, "the engine bounds what a session keeps itself"),
    row(TypeScriptHandler, "onerror", EngineDecides, "the engine answers failed requests itself; no callback is told"),
];

/// The row of `sdk` named `name` (`group.member` for a member of a group).
pub fn lookup(sdk: Sdk, name: &str) -> Option<&'static SdkOption> {
    TABLE.iter().find(|r| r.sdk == sdk && r.name == name)
}

/// What the `Host`/`Origin` rows of a request said.
#[derive(Default)]
struct Guard {
    on: Option<bool>,
    hosts: Option<Vec<String>>,
    origins: Option<Vec<String>>,
}

/// `options` under the engine's names: each name that is a row of `sdk` becomes what its row
/// says; other names pass through unchanged (the engine's own options; an unknown name is
/// refused later by the engine's options, as without this table). What the table writes
/// replaces an option of the same name given in the other spelling (`legacySse` for
/// `legacy_sse`).
///
/// For the TypeScript transport it also settles what the SDK's transport is without being
/// told: no sessions without a `sessionIdGenerator`, no `Host`/`Origin` checks without
/// `enableDnsRebindingProtection: true` (with it, both, as `guard_options` says), no
/// 2024-11-05 HTTP+SSE endpoints, every legacy answer an SSE stream (`sse_response`), primed
/// only with an `eventStore` and with a retry hint only from `retryInterval`, the media-type
/// checks (`media_type_checks`), the SDK's words for refusals (`sdk_transport_errors`) and
/// its batches on every version (`batch_any_version`), its events named (`sse_event_names`)
/// and its stateless GET streams (`sessionless_get_stream`).
/// For Python, `transport_security` with the protection off
/// turns both checks off; on (its default), both are checked as `guard_options` says. Errors are [`Error::Config`] naming the option whose value is of the wrong type.
pub fn translate(sdk: Sdk, options: Map<String, Value>) -> Result<Map<String, Value>, Error> {
    let mut out = Map::new();
    let mut written = Map::new();
    let mut guard = (sdk == TypeScriptTransport).then(Guard::default);
    let mut sessions = None;
    let mut priming = false;
    for (name, value) in options {
        let Some(r) = lookup(sdk, &name) else {
            out.insert(name, value);
            continue;
        };
        match r.becomes {
            Engine(engine) => {
                written.insert(engine.to_owned(), value);
            }
            EngineDecides | Binding => {}
            Group => {
                if let Some(members) = group(&name, value)? {
                    let g = guard.get_or_insert_with(Guard::default);
                    for (member, value) in members {
                        if let Some(m) = lookup(sdk, &format!("{name}.{member}")) {
                            read_guard(g, m, value)?;
                        }
                    }
                }
            }
            DnsRebindingProtection | AllowedHosts | AllowedOrigins => {
                read_guard(guard.get_or_insert_with(Guard::default), r, value)?;
            }
            SessionsWhenGiven => sessions = Some(!matches!(value, Value::Null | Value::Bool(false))),
            PrimingWhenGiven => priming = !matches!(value, Value::Null | Value::Bool(false)),
        }
    }
    if sdk == TypeScriptTransport {
        written.insert("sessionless".to_owned(), Value::Bool(sessions != Some(true)));
        written.insert("legacy_sse".to_owned(), Value::Bool(false));
        // The SDK's transport streams every answer (unless `enableJsonResponse`), primes
        // streams only with an event store, and suggests a retry delay only when given one.
        written.insert("sse_response".to_owned(), Value::Bool(true));
        written.insert("sse_priming".to_owned(), Value::Bool(priming));
        written.entry("sse_retry_ms").or_insert(Value::from(0));
        // It refuses wrong media types, and words its refusals its own way.
        written.insert("media_type_checks".to_owned(), Value::Bool(true));
        written.insert("sdk_transport_errors".to_owned(), Value::Bool(true));
        written.insert("batch_any_version".to_owned(), Value::Bool(true));
        written.insert("sse_event_names".to_owned(), Value::Bool(true));
        written.insert("sessionless_get_stream".to_owned(), Value::Bool(true));
    }
    if let Some(g) = guard {
        written.extend(guard_options(sdk, g));
    }
    for (engine, value) in written {
        let key = spelling_key(&engine);
        out.retain(|given, _| spelling_key(given) != key);
        out.insert(engine, value);
    }
    Ok(out)
}

/// The engine's `allowed_hosts` and `allowed_origins` for what the `Host`/`Origin` rows said.
/// Off (Python's default is on, the TypeScript transport's off): both lists empty, nothing
/// is checked. On: both are checked, each against its list when one was given; without a
/// list (or with an empty one) `Host` keeps the engine's loopback names, and `Origin` takes
/// the origins (`http`, `https`) of the hosts allowed, so that `Origin` is checked wherever
/// `Host` is.
fn guard_options(sdk: Sdk, g: Guard) -> Map<String, Value> {
    let strings = |list: Vec<String>| Value::Array(list.into_iter().map(Value::String).collect());
    let mut out = Map::new();
    if !g.on.unwrap_or(sdk == Python) {
        out.insert("allowed_hosts".to_owned(), strings(Vec::new()));
        out.insert("allowed_origins".to_owned(), strings(Vec::new()));
        return out;
    }
    let given = |list: Option<Vec<String>>| list.filter(|l| !l.is_empty());
    let hosts = given(g.hosts);
    let origins_of =
        |hosts: &Vec<String>| hosts.iter().flat_map(|h| [format!("http://{h}"), format!("https://{h}")]).collect();
    let origins = given(g.origins).or_else(|| hosts.as_ref().map(origins_of));
    for (engine, list) in [("allowed_hosts", hosts), ("allowed_origins", origins)] {
        if let Some(list) = list {
            out.insert(engine.to_owned(), strings(list));
        }
    }
    out
}

/// The members of a group's value; `None` for `null`.
fn group(name: &str, value: Value) -> Result<Option<Map<String, Value>>, Error> {
    match value {
        Value::Null => Ok(None),
        Value::Object(members) => Ok(Some(members)),
        _ => Err(Error::Config(format!("{name} must be an object (or null)"))),
    }
}

/// Records one `Host`/`Origin` row's value in `g`.
fn read_guard(g: &mut Guard, r: &SdkOption, value: Value) -> Result<(), Error> {
    let bad = |what: &str| Error::Config(format!("{} must be {what}", r.name));
    match r.becomes {
        DnsRebindingProtection => {
            g.on = match value {
                Value::Null => None,
                Value::Bool(on) => Some(on),
                _ => return Err(bad("true or false")),
            }
        }
        AllowedHosts | AllowedOrigins => {
            let list = match value {
                Value::Null => None,
                Value::Array(items) => Some(
                    items
                        .iter()
                        .map(|i| i.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                        .ok_or_else(|| bad("a list of strings"))?,
                ),
                _ => return Err(bad("a list of strings")),
            };
            let hosts = r.becomes == AllowedHosts;
            let list = list.map(|l| l.iter().map(|e| if hosts { host_entry(e) } else { origin_entry(e) }).collect());
            if hosts {
                g.hosts = list;
            } else {
                g.origins = list;
            }
        }
        _ => {}
    }
    Ok(())
}

/// An allowed host as the engine compares `Host` headers: the name without its port (a
/// port of `*` too, as the Python SDK writes "any port").
fn host_entry(entry: &str) -> String {
    host_name(entry.strip_suffix(":*").unwrap_or(entry)).to_owned()
}

/// An allowed origin as the engine compares `Origin` headers: `scheme://host`, no port;
/// left as it is when it is no URL.
fn origin_entry(entry: &str) -> String {
    let bare = entry.trim_end_matches('/');
    origin_without_port(bare.strip_suffix(":*").unwrap_or(bare)).unwrap_or_else(|| entry.to_owned())
}

/// A name without its spelling: `legacy_sse` and `legacySse` give the same key.
fn spelling_key(name: &str) -> String {
    name.chars().filter(|c| *c != '_').flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::HttpOptions;

    fn translated(sdk: Sdk, options: Value) -> Value {
        let Value::Object(map) = options else { panic!("an object") };
        Value::Object(translate(sdk, map).expect("valid options"))
    }

    #[test]
    fn every_row_names_an_engine_option_and_is_found_by_its_sdk_only() {
        let engine = HttpOptions::json_fields();
        for r in TABLE {
            assert_eq!(lookup(r.sdk, r.name), Some(r), "{} is found", r.name);
            assert!(!r.why.is_empty());
            if let Engine(name) = r.becomes {
                assert!(engine.contains(&name), "{} becomes {name}, an option of the engine", r.name);
            }
            if let Some((group, _)) = r.name.split_once('.') {
                assert_eq!(lookup(r.sdk, group).map(|g| g.becomes), Some(Group), "{} is in a group", r.name);
            }
        }
        assert_eq!(lookup(Python, "sessionIdGenerator"), None, "one SDK's names are not another's");
        assert_eq!(lookup(TypeScriptHandler, "enableJsonResponse"), None);
        assert!(Sdk::ALL.iter().all(|s| Sdk::parse(s.as_str()) == Some(*s)));
        assert_eq!(Sdk::parse("java"), None);
    }

    #[test]
    fn python_names_are_renamed_dropped_or_read_as_transport_security() {
        let out = translated(
            Python,
            json!({
                "streamable_http_path": "/api", "message_path": "/messages/", "max_request_body_size": 10,
                "json_response": true, "stateless_http": true, "event_store": true, "retry_interval": 5, "mount_path": "/",
                "sse_path": "/events", "colour": "blue",
                "transport_security": {
                    "allowed_hosts": ["example.com:*", "[::1]:8000", "plain"],
                    "allowed_origins": ["https://example.com:*", "http://localhost:3000", "null"],
                    "unrelated": 1,
                },
            }),
        );
        assert_eq!(
            out,
            json!({
                "path": "/api", "messages_path": "/messages/", "max_body": 10, "sse_path": "/events", "colour": "blue",
                "allowed_hosts": ["example.com", "[::1]", "plain"],
                "allowed_origins": ["https://example.com", "http://localhost", "null"],
            })
        );
        let off = json!({ "transport_security": { "enable_dns_rebinding_protection": false, "allowed_hosts": ["a"] } });
        assert_eq!(translated(Python, off), json!({ "allowed_hosts": [], "allowed_origins": [] }));
        // On with empty lists, or no settings at all: the engine's loopback defaults stay.
        let on = json!({ "transport_security": { "enable_dns_rebinding_protection": true, "allowed_hosts": [] } });
        assert_eq!(translated(Python, on), json!({}));
        assert_eq!(translated(Python, json!({ "transport_security": null })), json!({}));
        // The engine's own names are Python's, unchanged.
        assert_eq!(translated(Python, json!({ "allowed_hosts": ["x:1"] })), json!({ "allowed_hosts": ["x:1"] }));
    }

    #[test]
    fn the_typescript_transport_settles_sessions_checks_and_legacy_sse() {
        let stateless = translated(TypeScriptTransport, json!({ "enableJsonResponse": true, "maxSessions": 3 }));
        assert_eq!(
            stateless,
            json!({
                "maxSessions": 3, "json_response": true, "sessionless": true, "legacy_sse": false,
                "sse_response": true, "sse_priming": false, "sse_retry_ms": 0,
                "media_type_checks": true, "sdk_transport_errors": true, "batch_any_version": true, "sse_event_names": true,
                "sessionless_get_stream": true,
                "allowed_hosts": [], "allowed_origins": []
            })
        );
        let guarded = translated(
            TypeScriptTransport,
            json!({
                "sessionIdGenerator": true, "onsessioninitialized": true, "onsessionclosed": true, "eventStore": true,
                "retryInterval": 10, "enableDnsRebindingProtection": true, "allowedHosts": ["localhost:3000"],
                "keepAliveMs": 250, "maxRequestBodySize": 99, "legacySse": true, "sseKeepaliveMs": 1,
            }),
        );
        assert_eq!(
            guarded,
            json!({
                "sessionless": false, "legacy_sse": false,
                "allowed_hosts": ["localhost"], "allowed_origins": ["http://localhost", "https://localhost"],
                "sse_keepalive_ms": 250, "max_body": 99, "sse_response": true, "sse_priming": true, "sse_retry_ms": 10,
                "media_type_checks": true, "sdk_transport_errors": true, "batch_any_version": true, "sse_event_names": true,
                "sessionless_get_stream": true,
            }),
            "what the table writes replaces the same option in the other spelling"
        );
        let unguarded = translated(TypeScriptTransport, json!({ "sessionIdGenerator": null, "allowedHosts": ["a"] }));
        assert_eq!(unguarded["allowed_hosts"], json!([]));
        assert_eq!(unguarded["sessionless"], json!(true));
        let handler =
            translated(TypeScriptHandler, json!({ "responseMode": "json", "legacy": true, "allowedHosts": ["a:1"] }));
        assert_eq!(handler, json!({ "allowedHosts": ["a:1"] }), "2.x names are dropped, mcpforge's kept");
        let published =
            translated(TypeScriptHandler, json!({ "keepAliveMs": 0, "maxSubscriptions": 8, "onerror": true }));
        assert_eq!(published, json!({ "sse_keepalive_ms": 0 }), "a published 2.x server's handler options");
    }

    #[test]
    fn with_the_protection_on_origin_is_checked_wherever_host_is() {
        let on = |extra: Value| {
            let mut options = json!({ "enableDnsRebindingProtection": true });
            if let (Some(o), Some(extra)) = (options.as_object_mut(), extra.as_object()) {
                o.extend(extra.clone());
            }
            let out = translated(TypeScriptTransport, options);
            (out.get("allowed_hosts").cloned(), out.get("allowed_origins").cloned())
        };
        // No list: the engine's loopback defaults, for both.
        assert_eq!(on(json!({})), (None, None));
        assert_eq!(on(json!({ "allowedHosts": [], "allowedOrigins": [] })), (None, None));
        // Hosts only: Origin is checked against their origins.
        let (hosts, origins) = on(json!({ "allowedHosts": ["app.example:443"] }));
        assert_eq!(hosts, Some(json!(["app.example"])));
        assert_eq!(origins, Some(json!(["http://app.example", "https://app.example"])));
        // Origins only: Host keeps the loopback names.
        assert_eq!(
            on(json!({ "allowedOrigins": ["https://ui.example"] })),
            (None, Some(json!(["https://ui.example"])))
        );
        // Python's hosts without origins alike.
        let python = translated(Python, json!({ "transport_security": { "allowed_hosts": ["app.example:*"] } }));
        assert_eq!(python["allowed_origins"], json!(["http://app.example", "https://app.example"]));
    }

    #[test]
    fn values_of_the_wrong_type_are_refused_by_name() {
        let err =
            |sdk, v: Value| translate(sdk, v.as_object().cloned().unwrap_or_default()).err().map(|e| e.to_string());
        let e = err(Python, json!({ "transport_security": "on" })).unwrap_or_default();
        assert!(e.contains("transport_security must be an object"), "{e}");
        let e = err(TypeScriptTransport, json!({ "allowedHosts": "a" })).unwrap_or_default();
        assert!(e.contains("allowedHosts must be a list of strings"), "{e}");
        let e =
            err(Python, json!({ "transport_security": { "enable_dns_rebinding_protection": 1 } })).unwrap_or_default();
        assert!(e.contains("transport_security.enable_dns_rebinding_protection must be true or false"), "{e}");
    }
}
