//! The proxy's own consent page and the browser binding of a login. Before anything goes to
//! the upstream provider, the user sees which client (as registered), which redirect origin
//! (scheme, host and port as parsed: never a userinfo part), which server and which scopes ask, and approves or denies in a form posted back here. The
//! form carries a CSRF token that must equal a random value this server set in a cookie
//! (double submit); the pending login keeps the SHA-256 of that value, and the callback
//! refuses a login whose browser does not present it. So a link to the upstream provider
//! captured by one user and opened by another never sends the second user's code anywhere.
//! Consent is asked every time: nothing is remembered.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::clients;
use super::common::{no_store, origin, random_token, s256, same_secret};

/// Where the consent form is posted (fixed).
pub(super) const CONSENT_PATH: &str = "/authorize/consent";
/// The longest client name shown, in characters.
const MAX_NAME: usize = 100;

/// The browser-binding cookie's name: with the `__Host-` prefix (so no other host can set
/// it) when the proxy is served over https, plain on a loopback http issuer.
pub(super) fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-mcpforge-login" } else { "mcpforge-login" }
}

/// The value of cookie `name` in a request, if it looks like one of this server's (43
/// base64url characters).
pub(super) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() == 43 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// The browser's binding value: the one its cookie already carries (so two logins under way
/// in one browser both stay valid), or a new random one.
pub(super) fn browser_value(headers: &HeaderMap, secure: bool) -> String {
    cookie(headers, cookie_name(secure)).unwrap_or_else(random_token)
}

/// What a pending login keeps of the browser: the SHA-256 of its cookie value.
pub(super) fn binding(value: &str) -> String {
    s256(value)
}

/// Whether the browser presents the value `binding` was made of.
pub(super) fn same_browser(headers: &HeaderMap, secure: bool, binding: &str) -> bool {
    cookie(headers, cookie_name(secure)).is_some_and(|v| same_secret(s256(&v).as_bytes(), binding.as_bytes()))
}

/// Adds the `Set-Cookie` of the binding: `value` for `max_age` seconds (0 clears it).
pub(super) fn set_cookie(mut response: Response, secure: bool, value: &str, max_age: u64) -> Response {
    let secure_attr = if secure { "; Secure" } else { "" };
    let line =
        format!("{}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax{secure_attr}", cookie_name(secure));
    if let Ok(v) = HeaderValue::from_str(&line) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// `&`, `<`, `>`, `"` and `'` of `text` as character references.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An origin usable as a CSP source: `scheme://host[:port]` of safe characters only.
fn csp_source(url: &str) -> Option<&str> {
    origin(url).filter(|o| o.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:/[]".contains(&b)))
}

/// What the consent page shows and sends.
pub(super) struct Ask<'a> {
    /// The client's registered name, if any.
    pub client_name: Option<&'a str>,
    /// The host serving the client's metadata document, for a client identified by URL.
    pub client_host: Option<&'a str>,
    /// The redirect URI the answer goes to.
    pub redirect_uri: &'a str,
    /// This server's resource URL.
    pub resource: &'a str,
    /// The scopes asked for.
    pub scopes: &'a [String],
    /// The pending authorization's id.
    pub pending: &'a str,
    /// The CSRF token (the cookie's value).
    pub csrf: &'a str,
    /// The upstream provider's authorization endpoint (where an approval goes next).
    pub upstream: &'a str,
}

/// The consent page's markup, every value shown escaped.
fn html(ask: &Ask<'_>) -> String {
    let name = match ask.client_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("“{}”", escape(&n.chars().take(MAX_NAME).collect::<String>())),
        None => "An unnamed client".to_owned(),
    };
    // Only an acceptable URI gets here; were one not, its whole text is shown, never a part.
    let to = escape(&clients::redirect_origin(ask.redirect_uri).unwrap_or_else(|| ask.redirect_uri.to_owned()));
    let host = match ask.client_host {
        Some(h) => format!("<p>The client's metadata document is served by <strong>{}</strong>.</p>\n", escape(h)),
        None => String::new(),
    };
    let scopes = if ask.scopes.is_empty() { "none".to_owned() } else { escape(&ask.scopes.join(" ")) };
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorize access</title></head>\n\
         <body><h1>Authorize access</h1>\n\
         <p>{name} asks to use <strong>{resource}</strong> on your behalf.</p>\n{host}\
         <p>If you approve, you sign in at the identity provider and the answer is sent to \
         <strong>{to}</strong>.</p>\n<p>Scopes: {scopes}</p>\n\
         <p>Approve only if you started this and trust that site.</p>\n\
         <form method=\"post\" action=\"{CONSENT_PATH}\">\n\
         <input type=\"hidden\" name=\"pending\" value=\"{pending}\">\n\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\n\
         <button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n\
         </form></body></html>\n",
        resource = escape(ask.resource),
        pending = escape(ask.pending),
        csrf = escape(ask.csrf),
    )
}

/// The consent page: no script, framing refused, never cached or sniffed. Its form may only
/// be posted here, and (browsers apply `form-action` to the redirect that answers it) lead
/// on to the upstream provider or to the client's redirect URI.
pub(super) fn page(ask: &Ask<'_>) -> Response {
    let mut sources = vec!["'self'"];
    sources.extend(csp_source(ask.upstream));
    let redirect_origin = clients::redirect_origin(ask.redirect_uri);
    sources.extend(redirect_origin.as_deref().and_then(csp_source));
    let csp = format!("default-src 'none'; form-action {}; frame-ancestors 'none'", sources.join(" "));
    let mut r = (StatusCode::OK, html(ask)).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    no_store(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_what_it_shows_and_cookies_are_parsed_strictly() {
        assert_eq!(escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
        let mut headers = HeaderMap::new();
        let value = random_token();
        headers.append(header::COOKIE, HeaderValue::from_str(&format!("a=b; mcpforge-login={value}")).unwrap());
        assert_eq!(cookie(&headers, "mcpforge-login").as_deref(), Some(value.as_str()));
        assert!(same_browser(&headers, false, &binding(&value)));
        assert!(!same_browser(&headers, true, &binding(&value)), "the https name is another cookie");
        headers.insert(header::COOKIE, HeaderValue::from_static("mcpforge-login=short"));
        assert_eq!(cookie(&headers, "mcpforge-login"), None);
        assert_eq!(csp_source("https://idp.example/auth?x=1"), Some("https://idp.example"));
        assert_eq!(csp_source("https://a;b.example/x"), None);
        let long = "n".repeat(150);
        let scopes = ["mcp:tools".to_owned()];
        let ask = Ask {
            client_name: Some(&long),
            client_host: Some("app<.example"),
            redirect_uri: "https://app.example/cb?x=1",
            resource: "https://mcp.example/mcp",
            scopes: &scopes,
            pending: "p\"><b>",
            csrf: "c",
            upstream: "https://idp.example/auth",
        };
        let page = html(&ask);
        assert!(page.contains(&format!("“{}”", "n".repeat(MAX_NAME))), "a long name is cut");
        assert!(page.contains("value=\"p&quot;&gt;&lt;b&gt;\""), "hidden values are escaped too");
        assert!(page.contains("<strong>https://app.example</strong>") && !page.contains("/cb"));
        assert!(page.contains("served by <strong>app&lt;.example</strong>"), "the document's host, escaped");
    }
}
