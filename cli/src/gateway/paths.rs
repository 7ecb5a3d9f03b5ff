//! The per-server paths of `gateway --http`: beside the combined endpoint, each upstream
//! alone at `/servers/NAME/mcp`, a server of its own (the same `server` options, the same
//! HTTP options but for the path) mounted on the same listener. A name that cannot be one
//! path segment (anything but letters, digits, `.`, `-` and `_`) gets no path, with a
//! warning.

use mcpforge::proxy::{Proxy, Upstream};
use mcpforge::transport::http::HttpServer;
use mcpforge::{HttpOptions, Server, ServerBuilder};
use serde_json::Value;

use crate::failure::Failure;

/// Where upstream `name`'s own endpoint is mounted.
pub(crate) fn prefix(name: &str) -> String {
    format!("/servers/{name}")
}

/// Whether `name` can be one segment of a path as it is.
fn fits(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// Mounts each of `upstreams` alone on `listener`, returning the proxies that serve them
/// (they stop their children when dropped). One unprefixed upstream, when the configuration
/// cannot change (`fixed`), is served by `combined` itself, which is exactly it alone.
pub(crate) async fn mount(
    mut listener: HttpServer,
    combined: &Server,
    fixed: bool,
    upstreams: &[Upstream],
    server: &Value,
    options: &HttpOptions,
) -> Result<(HttpServer, Vec<Proxy>), Failure> {
    let mut own = options.clone();
    own.path = "/mcp".to_owned();
    own.handle_signals = false;
    let mut alone = Vec::new();
    for upstream in upstreams {
        if !fits(&upstream.name) {
            eprintln!(
                "mcpforge gateway: server {:?} gets no /servers/NAME/mcp path (letters, digits, . - _ only)",
                upstream.name
            );
            continue;
        }
        let app = if fixed && upstreams.len() == 1 && upstream.prefix.is_none() {
            combined.http_app(own.clone())
        } else {
            let builder = ServerBuilder::from_json(super::NAME, env!("CARGO_PKG_VERSION"), server.clone())
                .map_err(|e| Failure::usage(format!("the \"server\" options: {e}")))?;
            let one = Upstream { prefix: None, ..upstream.clone() };
            let proxy = Proxy::start(builder, vec![one]).await.map_err(|e| Failure::new(e.to_string()))?;
            let app = proxy.server().http_app(own.clone());
            alone.push(proxy);
            app
        };
        listener = listener.nest(prefix(&upstream.name), app);
    }
    Ok((listener, alone))
}

#[cfg(test)]
mod tests {
    use super::fits;

    #[test]
    fn a_name_is_one_plain_segment_or_none() {
        assert!(fits("time") && fits("my_server-2.0"));
        assert!(!fits("") && !fits("..") && !fits("a/b") && !fits("a b") && !fits("{x}"));
    }
}
