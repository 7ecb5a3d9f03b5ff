//! The task store: every task the server knows, in memory and bounded. A task has an
//! unguessable id, belongs to the principal that created it, lives for its TTL, and moves
//! through `working` / `input_required` to one of the terminal states `completed`,
//! `failed`, `cancelled`, which never change again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::error::ProtocolError;
use crate::protocol::InputRequest;
use crate::session::Session;
use crate::sync::lock;

/// How tasks are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskOptions {
    /// How long a task is kept after it was created (`ttlMs`), running or not; `None` keeps
    /// tasks until the store needs room. A 2025-11-25 client may ask for less. Default 1 hour.
    pub ttl: Option<Duration>,
    /// Suggested polling interval (`pollIntervalMs`); zero omits it. Default 1 s.
    pub poll_interval: Duration,
    /// Most tasks kept at once. When full, the oldest finished task makes room; with every
    /// task still running, creating one more fails (-32603). Default 1000.
    pub max_tasks: usize,
    /// The `tasks` capability announced on 2025-11-25 in place of the engine's own
    /// (`{"list": {}, "cancel": {}, "requests": {"tools": {"call": {}}}}`), as given: an
    /// official SDK's server announces what its application declared, while the engine
    /// serves every task method whatever is announced. `None` (the default): the engine's.
    pub capability: Option<Map<String, Value>>,
}

impl Default for TaskOptions {
    fn default() -> Self {
        TaskOptions {
            ttl: Some(Duration::from_secs(3600)),
            poll_interval: Duration::from_secs(1),
            max_tasks: 1000,
            capability: None,
        }
    }
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// The tool is running.
    Working,
    /// The tool waits for client input.
    InputRequired,
    /// The tool finished with a result (on 2026-07-28 also an `isError` result).
    Completed,
    /// The tool failed with a JSON-RPC error (on 2025-11-25 also an `isError` result).
    Failed,
    /// The task was cancelled.
    Cancelled,
}

impl TaskStatus {
    /// The status from its wire name.
    pub(crate) fn parse(s: &str) -> Option<TaskStatus> {
        Some(match s {
            "working" => TaskStatus::Working,
            "input_required" => TaskStatus::InputRequired,
            "completed" => TaskStatus::Completed,
            "failed" => TaskStatus::Failed,
            "cancelled" => TaskStatus::Cancelled,
            _ => return None,
        })
    }

    /// The status on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Working => "working",
            TaskStatus::InputRequired => "input_required",
            TaskStatus::Completed => "completed",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    /// `completed`, `failed` and `cancelled` are final.
    pub fn is_terminal(self) -> bool {
        matches!(self, TaskStatus::Completed | TaskStatus::Failed | TaskStatus::Cancelled)
    }
}

/// Who created a task; only the same principal may see it. The authenticated subject when
/// the request was authorized (HTTP bearer tokens, `RequestContext::auth`), and on the
/// handshake versions also the session: a task is then visible to that session only.
/// Unauthenticated 2026 requests have no principal: the task id (144 random bits) is then
/// the only key.
#[derive(Debug, Clone)]
pub(crate) struct Owner {
    subject: Option<String>,
    /// A weak handle keeps the session's allocation, so its address is never reused while
    /// the task exists.
    session: Option<Weak<Session>>,
    /// The transport's id of that session (HTTP), which other instances know it by.
    session_id: Option<String>,
}

impl Owner {
    /// A 2026-07-28 caller.
    pub fn modern(subject: Option<&str>) -> Owner {
        Owner { subject: subject.map(str::to_owned), session: None, session_id: None }
    }

    /// A caller on a legacy session.
    pub fn session(subject: Option<&str>, session: &Arc<Session>) -> Owner {
        Owner {
            subject: subject.map(str::to_owned),
            session: Some(Arc::downgrade(session)),
            session_id: session.id().map(str::to_owned),
        }
    }

    /// The authenticated subject.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// The id of the legacy session, when the transport names sessions.
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// True when `caller` is the principal that created the task.
    fn permits(&self, caller: &Owner) -> bool {
        self.subject == caller.subject
            && match (&self.session, &caller.session) {
                (None, None) => true,
                (Some(a), Some(b)) => Weak::ptr_eq(a, b),
                _ => false,
            }
    }
}

/// The changing part of a task.
#[derive(Debug)]
pub(crate) struct TaskState {
    pub status: TaskStatus,
    pub status_message: Option<String>,
    pub updated: SystemTime,
    /// The tool's result, as `tools/call` would have returned it.
    pub result: Option<Value>,
    /// The JSON-RPC error of a failed task.
    pub error: Option<ProtocolError>,
    /// 2026: the asks waiting for `tasks/update`, in the order they were made.
    pub outstanding: Vec<(String, InputRequest)>,
    /// 2026: every answer delivered so far, by key (keys are never asked again).
    pub answers: Map<String, Value>,
}

/// One task.
#[derive(Debug)]
pub struct Task {
    /// The task id (unguessable).
    pub id: String,
    /// True for a 2026-07-28 task (Tasks extension shapes), false for 2025-11-25.
    pub modern: bool,
    pub(crate) owner: Owner,
    pub(crate) created: SystemTime,
    /// Creation order (`tasks/list` pages by it).
    pub(crate) seq: u64,
    pub(crate) ttl: Option<Duration>,
    expires: Option<Instant>,
    pub(crate) poll_interval: Duration,
    /// Tripped by cancellation, expiry and server shutdown; the running handler is dropped.
    pub(crate) cancel: CancellationToken,
    state: Mutex<TaskState>,
    /// Bumped on every change: waiters (`tasks/result`, a parked handler) watch it.
    changes: watch::Sender<u64>,
}

impl Task {
    /// The current state (held briefly: never across an await).
    pub(crate) fn state(&self) -> MutexGuard<'_, TaskState> {
        lock(&self.state)
    }

    /// The current status.
    pub fn status(&self) -> TaskStatus {
        self.state().status
    }

    fn expired(&self, now: Instant) -> bool {
        self.expires.is_some_and(|e| now >= e)
    }

    /// How long the task has left to live (`None`: no time to live).
    pub(crate) fn time_left(&self) -> Option<Duration> {
        self.expires.map(|e| e.saturating_duration_since(Instant::now()))
    }

    /// Wakes on every change of the task's state.
    pub(crate) fn changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Applies `change` unless the task is terminal; true when it applied.
    fn change(&self, change: impl FnOnce(&mut TaskState)) -> bool {
        {
            let mut st = self.state();
            if st.status.is_terminal() {
                return false;
            }
            change(&mut st);
            st.updated = SystemTime::now();
        }
        self.changes.send_modify(|n| *n += 1);
        true
    }

    /// The tool finished: `completed` or `failed`, with its result or error.
    pub(crate) fn finish(&self, status: TaskStatus, result: Option<Value>, error: Option<ProtocolError>) -> bool {
        let applied = self.change(|st| {
            st.status = status;
            st.status_message = error.as_ref().map(|e| e.message.clone());
            st.result = result;
            st.error = error;
            st.outstanding.clear();
        });
        self.cancel.cancel();
        applied
    }

    /// Cancels the task: `cancelled` at once (unless it already ended) and the handler is
    /// stopped.
    pub(crate) fn cancel(&self) -> bool {
        let applied = self.change(|st| {
            st.status = TaskStatus::Cancelled;
            st.status_message = Some("The task was cancelled.".into());
            st.outstanding.clear();
        });
        self.cancel.cancel();
        applied
    }

    /// 2026: the handler stopped at unanswered asks: `input_required` until `tasks/update`
    /// has answered them all.
    pub(crate) fn park(&self, asks: Vec<(String, InputRequest)>) -> bool {
        self.change(|st| {
            st.status = TaskStatus::InputRequired;
            st.status_message = None;
            st.outstanding = asks;
        })
    }

    /// 2026 `tasks/update`: takes the answers to outstanding asks (other keys are ignored;
    /// a malformed answer refuses the whole update with -32602). Answered asks leave
    /// `inputRequests`; the last one returns the task to `working`. True when anything
    /// changed.
    pub(crate) fn answer(&self, responses: &Map<String, Value>) -> Result<bool, ProtocolError> {
        {
            let mut st = self.state();
            if st.status != TaskStatus::InputRequired {
                return Ok(false);
            }
            let mut accepted = Vec::new();
            for (key, ask) in &st.outstanding {
                if let Some(answer) = responses.get(key) {
                    ask.check_answer(answer)?;
                    accepted.push((key.clone(), answer.clone()));
                }
            }
            if accepted.is_empty() {
                return Ok(false);
            }
            st.outstanding.retain(|(key, _)| !responses.contains_key(key));
            st.answers.extend(accepted);
            if st.outstanding.is_empty() {
                st.status = TaskStatus::Working;
            }
            st.updated = SystemTime::now();
        }
        self.changes.send_modify(|n| *n += 1);
        Ok(true)
    }

    /// 2026: waits until every outstanding ask is answered (true, with the answers so far)
    /// or the task is cancelled (false).
    pub(crate) async fn wait_answers(&self) -> Option<Map<String, Value>> {
        let mut rx = self.changes.subscribe();
        loop {
            {
                let st = self.state();
                if st.status.is_terminal() || self.cancel.is_cancelled() {
                    return None;
                }
                if st.outstanding.is_empty() {
                    return Some(st.answers.clone());
                }
            }
            tokio::select! {
                r = rx.changed() => if r.is_err() { return None },
                () = self.cancel.cancelled() => return None,
            }
        }
    }

    /// Waits until the task is terminal.
    pub(crate) async fn wait_terminal(&self) {
        let mut rx = self.changes.subscribe();
        while !self.status().is_terminal() {
            if rx.changed().await.is_err() {
                return;
            }
        }
    }
}

impl crate::context::TaskHandle for Task {
    fn id(&self) -> &str {
        &self.id
    }

    fn set_input_required(&self, waiting: bool) {
        self.change(|st| {
            if waiting {
                st.status = TaskStatus::InputRequired;
            } else if st.status == TaskStatus::InputRequired {
                st.status = TaskStatus::Working;
            }
        });
    }
}

/// Every task, bounded by [`TaskOptions::max_tasks`], each dropped after its TTL.
pub(crate) struct TaskStore {
    options: TaskOptions,
    always: bool,
    tasks: Mutex<HashMap<String, Arc<Task>>>,
    seq: AtomicU64,
}

/// A new task id: 18 bytes from the operating system's random source, base64url (24 chars).
fn new_id() -> String {
    let mut bytes = [0u8; 18];
    // getrandom only fails without an OS entropy source; guessable ids would be worse.
    getrandom::fill(&mut bytes).expect("operating system random source unavailable");
    B64.encode(bytes)
}

impl TaskStore {
    /// A store; `always`: tasks are advertised even without a task-capable tool.
    pub fn new(options: TaskOptions, always: bool) -> TaskStore {
        TaskStore { options, always, tasks: Mutex::new(HashMap::new()), seq: AtomicU64::new(0) }
    }

    /// True when `ServerBuilder::tasks` configured tasks explicitly.
    pub fn always_advertised(&self) -> bool {
        self.always
    }

    /// The 2025-11-25 `tasks` capability configured in place of the engine's, if any.
    pub fn capability(&self) -> Option<&Map<String, Value>> {
        self.options.capability.as_ref()
    }

    /// Drops expired tasks (stopping any still running).
    fn purge(tasks: &mut HashMap<String, Arc<Task>>, now: Instant) {
        tasks.retain(|_, t| {
            let keep = !t.expired(now);
            if !keep {
                t.cancel.cancel();
            }
            keep
        });
    }

    /// Creates a `working` task for `owner`, stored before this returns (a `tasks/get` for
    /// it succeeds at once). `ttl`: a shorter lifetime the client asked for (2025-11-25);
    /// `parent`: cancelling it cancels the task (server shutdown).
    pub fn create(
        &self,
        owner: Owner,
        modern: bool,
        ttl: Option<Duration>,
        parent: &CancellationToken,
    ) -> Result<Arc<Task>, ProtocolError> {
        let ttl = match (self.options.ttl, ttl) {
            (Some(max), Some(asked)) => Some(asked.min(max)),
            (Some(max), None) => Some(max),
            (None, asked) => asked,
        };
        let now = Instant::now();
        let mut tasks = lock(&self.tasks);
        Self::purge(&mut tasks, now);
        if tasks.len() >= self.options.max_tasks {
            // Room is made from finished tasks only, oldest first.
            let oldest =
                tasks.values().filter(|t| t.status().is_terminal()).min_by_key(|t| t.seq).map(|t| t.id.clone());
            match oldest {
                Some(id) => {
                    tasks.remove(&id);
                }
                None => return Err(ProtocolError::internal("too many tasks in progress; try again later")),
            }
        }
        let created = SystemTime::now();
        let task = Arc::new(Task {
            id: new_id(),
            modern,
            owner,
            created,
            seq: self.seq.fetch_add(1, Ordering::Relaxed),
            ttl,
            expires: ttl.and_then(|t| now.checked_add(t)),
            poll_interval: self.options.poll_interval,
            cancel: parent.child_token(),
            state: Mutex::new(TaskState {
                status: TaskStatus::Working,
                status_message: None,
                updated: created,
                result: None,
                error: None,
                outstanding: Vec::new(),
                answers: Map::new(),
            }),
            changes: watch::Sender::new(0),
        });
        tasks.insert(task.id.clone(), task.clone());
        Ok(task)
    }

    /// The task `id` if `caller` may see it; unknown, expired and foreign ids are all the
    /// same -32602.
    pub fn get(&self, id: &str, caller: &Owner) -> Result<Arc<Task>, ProtocolError> {
        let mut tasks = lock(&self.tasks);
        Self::purge(&mut tasks, Instant::now());
        tasks
            .get(id)
            .filter(|t| t.owner.permits(caller))
            .cloned()
            .ok_or_else(|| ProtocolError::invalid_params(format!("Failed to retrieve task: task not found: {id}")))
    }

    /// Task `id`, whoever owns it (commands other instances forward after checking the owner).
    pub fn find(&self, id: &str) -> Option<Arc<Task>> {
        lock(&self.tasks).get(id).filter(|t| !t.expired(Instant::now())).cloned()
    }

    /// `caller`'s tasks created after sequence number `after` (`None`: from the start), in
    /// creation order, at most `limit`; and whether more follow.
    pub fn list(&self, caller: &Owner, after: Option<u64>, limit: usize) -> (Vec<Arc<Task>>, bool) {
        let mut tasks = lock(&self.tasks);
        Self::purge(&mut tasks, Instant::now());
        let mut mine: Vec<Arc<Task>> =
            tasks.values().filter(|t| t.owner.permits(caller) && after.is_none_or(|a| t.seq > a)).cloned().collect();
        mine.sort_by_key(|t| t.seq);
        let more = mine.len() > limit;
        mine.truncate(limit);
        (mine, more)
    }
}
