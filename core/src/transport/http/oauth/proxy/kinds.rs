//! What the OAuth proxy keeps, kind by kind: each kind's namespace and bounds (values and
//! bytes, in memory and in a shared store alike), and [`keep`], which stores a record of a
//! kind for a source. Kinds an anonymous request fills (new registrations, logins waiting
//! for consent or at the provider) are apart from the kinds only a user's login fills (used
//! registrations, codes, login families), so a flood of the first never evicts the second;
//! within a kind, the source holding the most loses its oldest first.

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::Response;

use super::common::{Proxy, oauth_error};
use crate::store::Limit;

/// One kind of record: its namespace and bounds.
pub(super) struct Kind {
    /// The namespace its records are stored under.
    pub(super) space: &'static str,
    /// The most records kept.
    pub(super) entries: usize,
    /// The most bytes of records kept (JSON, as stored).
    pub(super) bytes: usize,
}

const MIB: usize = 1024 * 1024;

/// Registrations no user has logged in through yet (anonymous: open registration).
pub(super) const NEW_CLIENTS: Kind = Kind { space: "oauth-client-new", entries: 10_000, bytes: 16 * MIB };
/// Registrations a user logged in through (a code was issued to them).
pub(super) const CLIENTS: Kind = Kind { space: "oauth-client", entries: 50_000, bytes: 64 * MIB };
/// Authorizations waiting for the user's consent (anonymous: `/authorize`).
pub(super) const PENDING: Kind = Kind { space: "oauth-pending", entries: 10_000, bytes: 16 * MIB };
/// Approved logins under way at the upstream provider.
pub(super) const LOGINS: Kind = Kind { space: "oauth-login", entries: 10_000, bytes: 16 * MIB };
/// Authorization codes of this server.
pub(super) const CODES: Kind = Kind { space: "oauth-code", entries: 10_000, bytes: 16 * MIB };
/// Login families: the current refresh token of each login, or its revocation.
pub(super) const FAMILIES: Kind = Kind { space: "oauth-family", entries: 100_000, bytes: 64 * MIB };

/// Revoked logins, for as long as an access token of theirs may still be presented.
pub(super) const REVOKED: Kind = Kind { space: "oauth-revoked", entries: 100_000, bytes: 16 * MIB };

/// How long a registration no user has logged in through is kept.
pub(super) const NEW_REGISTRATION_TTL: Duration = Duration::from_secs(6 * 3600);

/// Stores `record` (JSON) of `kind` under `key` for `ttl`, for `source` (a client host, or
/// a user's subject for what only a login makes).
pub(super) async fn keep<T: serde::Serialize>(
    proxy: &Proxy,
    kind: &Kind,
    key: &str,
    record: &T,
    ttl: Duration,
    source: &str,
) -> Result<(), Response> {
    let bytes = serde_json::to_vec(record).unwrap_or_default();
    let limit = Limit { entries: kind.entries, bytes: kind.bytes, source };
    proxy.values().put_limited(kind.space, key, bytes, ttl, limit).await.map_err(|e| {
        tracing::error!(error = %e, kind = kind.space, "the OAuth proxy cannot store its state");
        oauth_error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable", "state store unavailable")
    })
}
