//! `gateway --stdio URL`: a remote Streamable HTTP server served over stdio to a local
//! client (one shared upstream connection), with the headers given by `--header` and, when
//! the server answers 401, the OAuth sign-in of [`super::signin`] and the tokens kept across
//! runs in a file of the user's settings (`mcpforge/tokens.json`, readable by the user alone:
//! the engine's `FileTokenStore`, which also serializes refreshes between processes).

use std::sync::Arc;

use mcpforge::client::auth::{FileTokenStore, OAuthClient};
use mcpforge::proxy::{Mode, Upstream};
use serde_json::Value;

use super::config::Config;
use super::signin::Browser;
use crate::failure::Failure;

/// The configuration that serves `url` over stdio, each of `headers` a `KEY=VALUE` sent
/// with every request.
pub(crate) fn config(url: &str, headers: &[String]) -> Result<Config, Failure> {
    if !url.starts_with("http://") && !url.starts_with("https://") {
        return Err(Failure::usage(format!("--stdio {url}: expected an http:// or https:// URL")));
    }
    let mut upstream = Upstream::url("remote", url).mode(Mode::Shared);
    for header in headers {
        let Some((key, value)) = header.split_once('=').filter(|(k, _)| !k.trim().is_empty()) else {
            return Err(Failure::usage(format!("--header {header}: expected KEY=VALUE")));
        };
        upstream = upstream.setting(key.trim(), value);
    }
    let browser = Browser::bind().map_err(|e| Failure::new(format!("cannot listen for the sign-in: {e}")))?;
    let store = user_store().map_err(|e| Failure::new(format!("no place for the tokens: {e}")))?;
    let redirect = browser.redirect_uri();
    let oauth = OAuthClient::builder(browser)
        .redirect_uri(redirect)
        .client_name("mcpforge gateway")
        .store(Arc::new(store))
        .build();
    let upstream = upstream.oauth(oauth);
    Ok(Config {
        upstreams: vec![upstream.clone()],
        server: Value::Null,
        http: None,
        file: None,
        default: Mode::Shared,
        fixed: vec![upstream],
    })
}

/// The token file of the user's settings directory (`mcpforge/tokens.json`), its directory
/// made if missing.
fn user_store() -> Result<FileTokenStore, String> {
    let dir = crate::places::settings()?.join("mcpforge");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(FileTokenStore::new(dir.join("tokens.json")))
}
