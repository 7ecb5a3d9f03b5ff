//! The MCP Registry's `server.json`: built from a server's facts and checked, before it is
//! written, against the registry's published schema (the 2025-12-11 version, kept in
//! `cli/schemas/server.schema.json` as the registry's validator embeds it, less one
//! `examples` annotation, which validation ignores).

use serde_json::{Map, Value, json};

use crate::bundle::Bundle;
use crate::facts::{EnvVar, Facts, Launch};
use crate::failure::Failure;

/// The schema version `server.json` declares (`$schema`).
pub(crate) const SCHEMA_URL: &str = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";
/// The schema, as published (its SHA-256 is checked by tests/cli/test_package.py).
const SCHEMA: &str = include_str!("../schemas/server.schema.json");
/// The longest description the registry takes.
pub(crate) const MAX_DESCRIPTION: usize = 100;
/// The MIME types the schema allows for an icon.
const ICON_TYPES: [&str; 5] = ["image/png", "image/jpeg", "image/jpg", "image/svg+xml", "image/webp"];

/// Whether `name` has the registry's form: `NAMESPACE/NAME` (reverse DNS, then one slash).
pub(crate) fn is_registry_name(name: &str) -> bool {
    let Some((namespace, rest)) = name.split_once('/') else { return false };
    let ok = |part: &str, extra: &str| {
        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
    };
    (3..=200).contains(&name.len()) && ok(namespace, ".-") && ok(rest, "._-")
}

/// The `server.json` document, checked against the schema.
pub(crate) fn server_json(facts: &Facts, bundle: Option<&Bundle>) -> Result<Value, Failure> {
    let identity = &facts.identity;
    let mut doc = Map::new();
    doc.insert("$schema".into(), json!(SCHEMA_URL));
    doc.insert("name".into(), json!(facts.registry_name));
    if let Some(title) = identity.title.as_ref().filter(|t| t.chars().count() <= 100) {
        doc.insert("title".into(), json!(title));
    }
    doc.insert("description".into(), json!(facts.description));
    doc.insert("version".into(), json!(identity.version));
    if let Some(url) = identity.website_url.as_ref().filter(|u| is_web_url(u)) {
        doc.insert("websiteUrl".into(), json!(url));
    }
    let icons: Vec<Value> = identity.icons.iter().filter_map(icon).collect();
    if !icons.is_empty() {
        doc.insert("icons".into(), Value::Array(icons));
    }
    if let Some(url) = &facts.repository {
        doc.insert("repository".into(), json!({ "url": url, "source": source_of(url) }));
    }
    let mut packages = Vec::new();
    let env = environment(&facts.env);
    let entry = |registry: &str, identifier: &str, version: &str, hint: Option<&str>| {
        let mut p = json!({ "registryType": registry, "identifier": identifier, "version": version, "transport": { "type": "stdio" } });
        if let Some(hint) = hint {
            p["runtimeHint"] = json!(hint);
        }
        if !env.is_empty() {
            p["environmentVariables"] = Value::Array(env.clone());
        }
        p
    };
    match &facts.launch {
        Launch::Pypi { package, version } => packages.push(entry("pypi", package, version, Some("uvx"))),
        Launch::Npm { package, version } => packages.push(entry("npm", package, version, Some("npx"))),
        Launch::Remote(url) => {
            doc.insert("remotes".into(), json!([{ "type": "streamable-http", "url": url }]));
        }
        Launch::File { .. } | Launch::Program { .. } => {}
    }
    if let (Some(url), Some(bundle)) = (&facts.bundle_url, bundle) {
        let mut p = entry("mcpb", url, &identity.version, None);
        p["fileSha256"] = json!(bundle.sha256);
        packages.push(p);
    }
    if !packages.is_empty() {
        doc.insert("packages".into(), Value::Array(packages));
    }
    let doc = Value::Object(doc);
    validate(&doc)?;
    Ok(doc)
}

/// Checks `doc` against the registry's schema; every error, one per line, when it fails.
pub(crate) fn validate(doc: &Value) -> Result<(), Failure> {
    let schema: Value =
        serde_json::from_str(SCHEMA).map_err(|e| Failure::new(format!("the server.json schema: {e}")))?;
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| Failure::new(format!("the server.json schema: {e}")))?;
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| format!("  {}: {e}", e.instance_path())).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(format!("server.json does not pass the registry's schema:\n{}", errors.join("\n"))))
    }
}

/// An icon the registry takes: an https `src` of at most 255 characters, with the fields the
/// schema allows that are well formed.
fn icon(icon: &Value) -> Option<Value> {
    let src = icon["src"].as_str().filter(|s| s.starts_with("https://") && s.len() <= 255)?;
    let mut out = json!({ "src": src });
    if let Some(mime) = icon["mimeType"].as_str().filter(|m| ICON_TYPES.contains(m)) {
        out["mimeType"] = json!(mime);
    }
    let size_ok = |s: &str| s == "any" || s.split_once('x').is_some_and(|(w, h)| digits(w) && digits(h));
    if let Some(sizes) = icon["sizes"].as_array().filter(|s| s.iter().all(|v| v.as_str().is_some_and(size_ok))) {
        out["sizes"] = json!(sizes);
    }
    if let Some(theme) = icon["theme"].as_str().filter(|t| ["light", "dark"].contains(t)) {
        out["theme"] = json!(theme);
    }
    Some(out)
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

fn is_web_url(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// The hosting service a repository URL names: `github`, `gitlab`, else its host.
fn source_of(url: &str) -> String {
    let host = url.split_once("://").map_or(url, |(_, rest)| rest).split(['/', ':']).next().unwrap_or_default();
    match host.trim_start_matches("www.") {
        "github.com" => "github".into(),
        "gitlab.com" => "gitlab".into(),
        other => other.into(),
    }
}

/// The `environmentVariables` entries.
pub(crate) fn environment(env: &[EnvVar]) -> Vec<Value> {
    let entry =
        |v: &EnvVar| json!({ "name": v.name, "description": v.description, "isRequired": true, "isSecret": v.secret });
    env.iter().map(entry).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names_have_a_namespace() {
        assert!(is_registry_name("io.github.owner/weather"));
        assert!(!is_registry_name("weather"));
        assert!(!is_registry_name("io.github.owner/a/b"));
        assert!(!is_registry_name("io github/x"));
    }

    #[test]
    fn the_schema_refuses_what_the_registry_refuses() {
        assert!(validate(&json!({ "name": "io.github.o/n", "description": "d", "version": "1.0.0" })).is_ok());
        let long = "x".repeat(101);
        let refused = validate(&json!({ "name": "io.github.o/n", "description": long, "version": "1.0.0" }));
        assert!(refused.is_err());
        let latest = json!({ "name": "io.github.o/n", "description": "d", "version": "1",
            "packages": [{ "registryType": "npm", "identifier": "x", "version": "latest", "transport": { "type": "stdio" } }] });
        assert!(validate(&latest).is_err(), "a package version of `latest` is refused");
    }

    #[test]
    fn icons_keep_what_the_schema_allows() {
        let kept = icon(&json!({ "src": "https://x.example/i.png", "mimeType": "image/png", "sizes": ["48x48"] }));
        assert_eq!(
            kept,
            Some(json!({ "src": "https://x.example/i.png", "mimeType": "image/png", "sizes": ["48x48"] }))
        );
        assert_eq!(icon(&json!({ "src": "data:image/png;base64,AAAA" })), None);
        assert_eq!(source_of("https://github.com/o/r"), "github");
    }
}
