//! The flows a client of the proxy may ask for, registered or described by its metadata
//! document: the authorization code grant (with refresh), and nothing else.

/// Why `grant_types` and `response_types` (as the client gave them; absent is empty) ask for
/// a flow the proxy does not serve, if they do.
pub(super) fn unserved_flow(grant_types: &[String], response_types: &[String]) -> Option<&'static str> {
    if grant_types.iter().any(|g| g != "authorization_code" && g != "refresh_token") {
        return Some("grant_types may be authorization_code and refresh_token only");
    }
    if response_types.iter().any(|t| t != "code") {
        return Some("response_types may be code only");
    }
    None
}
