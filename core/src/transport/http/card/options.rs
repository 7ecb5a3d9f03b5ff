//! The server card's options ([`ServerCardOptions`]) and their JSON form (the `server_card`
//! member of the HTTP options: `false`, `true`, or an object of the fields below).

use std::time::Duration;

use serde_json::Value;

use crate::error::Error;

/// What the listener publishes as its server card (SEP-2127, `io.modelcontextprotocol/server-card`):
/// `GET <path>/server-card`, `/.well-known/mcp/server-card` and
/// `/.well-known/mcp/server-card.json`. The card holds the server's identity (`serverInfo`),
/// its remotes and their protocol versions, and, with [`ServerCardOptions::catalogue`], what
/// an anonymous client may list; see docs/http.md, "Server card".
#[derive(Debug, Clone)]
pub struct ServerCardOptions {
    /// Serve the card. Default true: it holds only what the server says of itself to anyone
    /// who connects (with [`ServerCardOptions::catalogue`] off).
    pub enabled: bool,
    /// The card's `name`, in reverse-DNS form with exactly one `/` (`com.example/weather`).
    /// Default `None`: derived from the public URL's host, labels reversed, and the server's
    /// name (`https://mcp.example.com/mcp` and `weather` give `com.example.mcp/weather`;
    /// `localhost/weather` when the host is an address or a single label).
    pub name: Option<String>,
    /// The URL clients connect to (`https://mcp.example.com/mcp`), behind a proxy or when
    /// the application is mounted in another server. Default `None`: the `auth` resource
    /// when bearer authorization is on, else `http://` and the listener's bound address and
    /// path; a mounted application without either publishes no remotes.
    pub public_url: Option<String>,
    /// The card's `repository` (an object with `url` and `source`, as the card schema
    /// defines it). Default none.
    pub repository: Option<Value>,
    /// Also list `capabilities`, `tools`, `resources` and `prompts` as an anonymous client
    /// sees them (through the MCP endpoint, without credentials: the catalogue hook, scopes
    /// and visibility apply, and with `auth` on nothing is listed), and each remote's
    /// `authentication`, as the SEP's revision of February 2026 had them. Default false:
    /// the SEP's current text leaves primitives and capabilities out of cards.
    pub catalogue: bool,
    /// Also serve the card as the MCP resource `mcp://server-card.json`
    /// (`application/json`), registered when the application is built. Default false: it
    /// would add a resource (and the `resources` capability) to every HTTP server.
    pub resource: bool,
    /// `Cache-Control: public, max-age=` this. Default 1 hour (the SEP's figure); clients
    /// revalidate with the `ETag`.
    pub max_age: Duration,
    /// The card is built again after this long, or at once when the registry changes.
    /// Default 60 s; however many requests arrive, it is built at most once per change or
    /// period.
    pub refresh: Duration,
    /// Largest card body in bytes. Past it, the listings (`tools`, `resources`, `prompts`)
    /// are left out and a warning logged; the identity and remotes stay. Default 256 KiB.
    pub max_bytes: usize,
}

impl Default for ServerCardOptions {
    fn default() -> Self {
        ServerCardOptions {
            enabled: true,
            name: None,
            public_url: None,
            repository: None,
            catalogue: false,
            resource: false,
            max_age: Duration::from_secs(3600),
            refresh: Duration::from_secs(60),
            max_bytes: 256 * 1024,
        }
    }
}

/// The `server_card` member: a switch, or the options (a misspelled field is named in the
/// error, which an untagged enum would lose).
pub(crate) enum CardConfig {
    /// `true` (the defaults) or `false` (no card).
    Switch(bool),
    /// The options; absent fields keep their defaults.
    Options(CardFields),
}

impl<'de> serde::Deserialize<'de> for CardConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Bool(on) => Ok(CardConfig::Switch(on)),
            v => serde_json::from_value(v).map(CardConfig::Options).map_err(serde::de::Error::custom),
        }
    }
}

/// The `server_card` object's fields (durations in milliseconds, camelCase accepted).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CardFields {
    enabled: Option<bool>,
    name: Option<String>,
    #[serde(alias = "publicUrl")]
    public_url: Option<String>,
    repository: Option<Value>,
    catalogue: Option<bool>,
    resource: Option<bool>,
    #[serde(alias = "maxAgeMs")]
    max_age_ms: Option<u64>,
    #[serde(alias = "refreshMs")]
    refresh_ms: Option<u64>,
    #[serde(alias = "maxBytes")]
    max_bytes: Option<usize>,
}

impl CardConfig {
    /// The options this member gives, checked.
    pub(crate) fn into_options(self) -> Result<ServerCardOptions, Error> {
        let mut o = ServerCardOptions::default();
        let f = match self {
            CardConfig::Switch(on) => return Ok(ServerCardOptions { enabled: on, ..o }),
            CardConfig::Options(f) => f,
        };
        o.enabled = f.enabled.unwrap_or(true);
        o.name = f.name;
        o.public_url = f.public_url;
        o.repository = f.repository;
        o.catalogue = f.catalogue.unwrap_or(false);
        o.resource = f.resource.unwrap_or(false);
        if let Some(ms) = f.max_age_ms {
            o.max_age = Duration::from_millis(ms);
        }
        if let Some(ms) = f.refresh_ms {
            o.refresh = Duration::from_millis(ms);
        }
        if let Some(n) = f.max_bytes {
            o.max_bytes = n;
        }
        o.check()?;
        Ok(o)
    }
}

impl ServerCardOptions {
    /// Refuses a `name` the card schema refuses, a `public_url` that is no http(s) URL and a
    /// `repository` without `url` and `source`.
    pub fn check(&self) -> Result<(), Error> {
        let bad = |m: String| Err(Error::Config(format!("server_card: {m}")));
        if let Some(n) = &self.name
            && !is_card_name(n)
        {
            return bad(format!(
                "name {n:?} must be reverse-DNS with exactly one '/' (letters, digits, '.', '-'; '_' after the '/'), 3 to 200 characters"
            ));
        }
        if let Some(u) = &self.public_url
            && (!(u.starts_with("http://") || u.starts_with("https://")) || u.contains(char::is_whitespace))
        {
            return bad(format!("public_url {u:?} must be an http:// or https:// URL"));
        }
        if let Some(r) = &self.repository
            && !(r.get("url").is_some_and(Value::is_string) && r.get("source").is_some_and(Value::is_string))
        {
            return bad("repository must be an object with string `url` and `source`".to_owned());
        }
        Ok(())
    }
}

/// Whether `name` is what the card schema accepts as a name: 3 to 200 characters, exactly
/// one `/`, letters, digits, `.` and `-` before it and `_` too after it.
pub(crate) fn is_card_name(name: &str) -> bool {
    let Some((ns, local)) = name.split_once('/') else { return false };
    (3..=200).contains(&name.len())
        && !ns.is_empty()
        && !local.is_empty()
        && ns.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && local.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}
