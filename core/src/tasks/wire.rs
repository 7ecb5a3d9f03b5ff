//! Task shapes on the wire: the flat `CreateTaskResult` and `DetailedTask` of the 2026
//! Tasks extension (`ttlMs`, `pollIntervalMs`, inlined `result` / `error` /
//! `inputRequests`), and the 2025-11-25 `Task` (`ttl`, `pollInterval`).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::store::{Task, TaskState, TaskStatus};

/// An RFC 3339 UTC timestamp with milliseconds, e.g. `2025-11-25T10:30:00.123Z`.
pub(crate) fn rfc3339(t: SystemTime) -> String {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// The base task fields, named for the task's wire.
fn base(task: &Task, st: &TaskState) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("taskId".into(), json!(task.id));
    m.insert("status".into(), json!(st.status.as_str()));
    if let Some(msg) = &st.status_message {
        m.insert("statusMessage".into(), json!(msg));
    }
    m.insert("createdAt".into(), json!(rfc3339(task.created)));
    m.insert("lastUpdatedAt".into(), json!(rfc3339(st.updated)));
    let ttl = task.ttl.map_or(Value::Null, |t| json!(t.as_millis() as u64));
    let poll = task.poll_interval.as_millis() as u64;
    let (ttl_key, poll_key) = if task.modern { ("ttlMs", "pollIntervalMs") } else { ("ttl", "pollInterval") };
    m.insert(ttl_key.into(), ttl);
    if poll > 0 {
        m.insert(poll_key.into(), json!(poll));
    }
    m
}

/// 2026 `CreateTaskResult` (flat, `resultType: "task"`) or 2025-11-25 `{task: Task}`.
pub(crate) fn created(task: &Task) -> Value {
    let st = task.state();
    let mut m = base(task, &st);
    if task.modern {
        m.insert("resultType".into(), json!("task"));
        Value::Object(m)
    } else {
        json!({ "task": m })
    }
}

/// 2026 `DetailedTask` (the `tasks/get` result and `notifications/tasks` params): the
/// outstanding asks while `input_required`, the result once `completed`, the error once
/// `failed`.
pub(crate) fn detailed(task: &Task) -> Map<String, Value> {
    let st = task.state();
    let mut m = base(task, &st);
    match st.status {
        TaskStatus::InputRequired => {
            let asks: Map<String, Value> = st
                .outstanding
                .iter()
                .map(|(key, ask)| (key.clone(), json!({ "method": ask.method(), "params": ask.params() })))
                .collect();
            m.insert("inputRequests".into(), Value::Object(asks));
        }
        TaskStatus::Completed => {
            m.insert("result".into(), st.result.clone().unwrap_or_else(|| json!({ "content": [] })));
        }
        TaskStatus::Failed => {
            let error = match &st.error {
                Some(e) => serde_json::to_value(e).unwrap_or(Value::Null),
                None => json!({ "code": crate::error::codes::INTERNAL_ERROR, "message": "the task failed" }),
            };
            m.insert("error".into(), error);
        }
        TaskStatus::Working | TaskStatus::Cancelled => {}
    }
    m
}

/// 2025-11-25 `Task` (`tasks/get`, `tasks/list` items, the `tasks/cancel` result).
pub(crate) fn legacy(task: &Task) -> Value {
    let st = task.state();
    Value::Object(base(task, &st))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        // 2025-11-25T10:30:00.250Z
        let t = UNIX_EPOCH + Duration::from_millis(1_764_066_600_250);
        assert_eq!(rfc3339(t), "2025-11-25T10:30:00.250Z");
        // A leap day.
        let t = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(t), "2000-02-29T00:00:00.000Z");
    }
}
