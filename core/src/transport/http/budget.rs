//! [`SessionBudget`]: one bound on legacy sessions (in total and per client) shared by
//! several HTTP applications, for hosts that mount an application per session (the official
//! SDKs' transports, one per `initialize`), where each application's own bounds would
//! count a single session. A session an application opens takes a place in the budget; one
//! past a bound ends the least recently used session of the same client, then of anyone,
//! whichever application holds it, and that application's requests for it are answered as
//! for any ended session.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex, Weak};
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::client::ClientId;
use crate::dispatch::connection::Connection;
use crate::sync::lock;

/// Legacy sessions counted across every HTTP application that shares this budget
/// (`HttpOptions::session_budget`): at most `max` in all, `max_per_client` per client (an
/// authenticated subject, else a remote address, as for one application's bounds).
pub struct SessionBudget {
    max: usize,
    max_per_client: usize,
    ledger: Mutex<Ledger>,
}

impl std::fmt::Debug for SessionBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionBudget")
            .field("max", &self.max)
            .field("max_per_client", &self.max_per_client)
            .field("live", &self.len())
            .finish()
    }
}

/// The sessions holding a place, by key.
#[derive(Default)]
struct Ledger {
    next: u64,
    places: HashMap<u64, Place>,
    per_client: HashMap<ClientId, HashSet<u64>>,
}

/// What the budget knows of one session: enough to rank it and to end it, nothing that
/// keeps it alive.
struct Place {
    client: Option<ClientId>,
    last_used: Arc<Mutex<Instant>>,
    ended: CancellationToken,
    conn: Weak<Connection>,
}

impl Place {
    fn idle_since(&self) -> Instant {
        *lock(&self.last_used)
    }

    /// Ends the session as its application would (its requests are answered 404 from now).
    fn end(&self) {
        self.ended.cancel();
        if let Some(conn) = self.conn.upgrade() {
            conn.stop();
        }
    }
}

impl Ledger {
    fn remove(&mut self, key: u64) -> Option<Place> {
        let place = self.places.remove(&key)?;
        if let Some(client) = place.client {
            if let Some(keys) = self.per_client.get_mut(&client) {
                keys.remove(&key);
                if keys.is_empty() {
                    self.per_client.remove(&client);
                }
            }
        }
        Some(place)
    }

    /// The least recently used of `keys`.
    fn oldest<'a>(&self, keys: impl Iterator<Item = &'a u64>) -> Option<u64> {
        keys.filter_map(|k| self.places.get(k).map(|p| (*k, p.idle_since()))).min_by_key(|(_, at)| *at).map(|(k, _)| k)
    }
}

/// A budget's bounds: the total, then per client.
type Bounds = (usize, usize);

/// The budgets [`SessionBudget::process_wide`] hands out, by their bounds.
static PROCESS_WIDE: LazyLock<Mutex<HashMap<Bounds, Weak<SessionBudget>>>> = LazyLock::new(Default::default);

impl SessionBudget {
    /// A budget of at most `max` sessions, `max_per_client` of them per client (each at
    /// least 1).
    #[must_use]
    pub fn new(max: usize, max_per_client: usize) -> Arc<SessionBudget> {
        Arc::new(SessionBudget {
            max: max.max(1),
            max_per_client: max_per_client.max(1),
            ledger: Mutex::new(Ledger::default()),
        })
    }

    /// The budget this process shares between every application asking for the same
    /// bounds (`HttpOptions::max_sessions` and `HttpOptions::sessions_per_client`, say):
    /// created on first use, kept while an application holds it.
    #[must_use]
    pub fn process_wide(max: usize, max_per_client: usize) -> Arc<SessionBudget> {
        let bounds = (max.max(1), max_per_client.max(1));
        let mut budgets = lock(&PROCESS_WIDE);
        if let Some(budget) = budgets.get(&bounds).and_then(Weak::upgrade) {
            return budget;
        }
        budgets.retain(|_, b| b.strong_count() > 0);
        let budget = SessionBudget::new(bounds.0, bounds.1);
        budgets.insert(bounds, Arc::downgrade(&budget));
        budget
    }

    /// How many sessions hold a place.
    #[must_use]
    pub fn len(&self) -> usize {
        lock(&self.ledger).places.len()
    }

    /// Whether no session holds a place.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Gives a new session of `client` a place, ending first the client's own least
    /// recently used sessions while it holds its bound, then the least recently used ones
    /// while the budget is full. The session's place is given back when its [`BudgetPlace`]
    /// is released or dropped.
    pub(crate) fn admit(
        self: &Arc<Self>,
        client: Option<ClientId>,
        last_used: Arc<Mutex<Instant>>,
        ended: CancellationToken,
        conn: Weak<Connection>,
    ) -> BudgetPlace {
        let mut evicted = Vec::new();
        let key = {
            let mut ledger = lock(&self.ledger);
            if let Some(client) = client {
                while ledger.per_client.get(&client).is_some_and(|keys| keys.len() >= self.max_per_client) {
                    let Some(oldest) = ledger.oldest(ledger.per_client[&client].iter()) else { break };
                    evicted.extend(ledger.remove(oldest));
                }
            }
            while ledger.places.len() >= self.max {
                let Some(oldest) = ledger.oldest(ledger.places.keys()) else { break };
                evicted.extend(ledger.remove(oldest));
            }
            let key = ledger.next;
            ledger.next += 1;
            ledger.places.insert(key, Place { client, last_used, ended, conn });
            if let Some(client) = client {
                ledger.per_client.entry(client).or_default().insert(key);
            }
            key
        };
        // Ended outside the lock: a connection stopping may drop what gives its place back.
        if !evicted.is_empty() {
            tracing::info!(
                ended = evicted.len(),
                max = self.max,
                max_per_client = self.max_per_client,
                "shared session bound reached: ending the least recently used sessions"
            );
        }
        for place in &evicted {
            place.end();
        }
        BudgetPlace { budget: self.clone(), key }
    }

    fn release(&self, key: u64) {
        let place = lock(&self.ledger).remove(key);
        drop(place);
    }
}

/// A session's place in a [`SessionBudget`], given back once (released or dropped).
pub(crate) struct BudgetPlace {
    budget: Arc<SessionBudget>,
    key: u64,
}

impl BudgetPlace {
    /// Gives the place back (the session ended); again is a no-op.
    pub fn release(&self) {
        self.budget.release(self.key);
    }
}

impl Drop for BudgetPlace {
    fn drop(&mut self) {
        self.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(budget: &Arc<SessionBudget>, client: Option<ClientId>) -> (BudgetPlace, CancellationToken) {
        let ended = CancellationToken::new();
        let at = Arc::new(Mutex::new(Instant::now()));
        (budget.admit(client, at, ended.clone(), Weak::new()), ended)
    }

    #[test]
    fn a_client_over_its_bound_ends_its_own_oldest_session_and_places_come_back() {
        let budget = SessionBudget::new(10, 2);
        let (a, b) = (ClientId::of(Some("a"), None), ClientId::of(Some("b"), None));
        let (other, other_ended) = place(&budget, b);
        let (first, first_ended) = place(&budget, a);
        let (_second, second_ended) = place(&budget, a);
        let (_third, _) = place(&budget, a);
        assert!(first_ended.is_cancelled(), "the client's least recently used session ends");
        assert!(!second_ended.is_cancelled() && !other_ended.is_cancelled());
        assert_eq!(budget.len(), 3);
        first.release();
        assert_eq!(budget.len(), 3, "an evicted place was already given back");
        drop(other);
        assert_eq!(budget.len(), 2);
    }

    #[test]
    fn a_full_budget_ends_the_least_recently_used_session_of_anyone() {
        let budget = SessionBudget::new(2, 2);
        let (_a, a_ended) = place(&budget, ClientId::of(Some("a"), None));
        let (_b, b_ended) = place(&budget, ClientId::of(Some("b"), None));
        let (_c, _) = place(&budget, None);
        assert!(a_ended.is_cancelled() && !b_ended.is_cancelled());
        assert_eq!(budget.len(), 2);
    }

    #[test]
    fn applications_with_the_same_bounds_share_the_process_wide_budget() {
        let one = SessionBudget::process_wide(7, 3);
        assert!(Arc::ptr_eq(&one, &SessionBudget::process_wide(7, 3)));
        assert!(!Arc::ptr_eq(&one, &SessionBudget::process_wide(7, 1)));
    }
}
