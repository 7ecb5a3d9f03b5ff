//! `NativeListen`: an open `subscriptions/listen` stream of a `NativeEngineClient`
//! (`mcpforge::client::Listening`) for Python; its notifications reach the client's inbox
//! like any other, and closing it cancels its request on the server.

use std::sync::{Arc, Mutex};

use mcpforge::client::{Listening, Subscriptions};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::to_py;
use crate::inbox::{Arrival, Outcome, Shared};
use crate::inline::leave_worker;
use crate::runtime::runtime;

/// An open listen stream (closed by `close`, or when dropped).
#[pyclass(frozen, module = "mcpforge._native")]
pub struct NativeListen {
    stream: Mutex<Option<Listening>>,
    /// What the server agreed to send (its acknowledgement's `notifications`).
    honored: serde_json::Value,
    id: serde_json::Value,
    inbox: Arc<Shared>,
}

impl NativeListen {
    /// Wraps an acknowledged stream; `close` reports to `inbox`.
    pub(crate) fn new(stream: Listening, inbox: Arc<Shared>) -> NativeListen {
        let honored = stream.honored().clone();
        let id = stream.id().to_value();
        NativeListen { stream: Mutex::new(Some(stream)), honored, id, inbox }
    }
}

/// The subscriptions Python asked for: `resources` (URIs), the three `*_list_changed`
/// flags, `task_ids`.
pub(crate) fn subscriptions(wanted: &Bound<'_, PyDict>) -> PyResult<Subscriptions> {
    let strings = |key: &str| -> PyResult<Vec<String>> {
        match wanted.get_item(key)? {
            Some(v) if !v.is_none() => v.extract::<Vec<String>>(),
            _ => Ok(Vec::new()),
        }
    };
    let flag = |key: &str| -> PyResult<bool> {
        match wanted.get_item(key)? {
            Some(v) => v.is_truthy(),
            None => Ok(false),
        }
    };
    for key in wanted.keys() {
        let key: String = key.extract()?;
        let known = ["resources", "tools_list_changed", "prompts_list_changed", "resources_list_changed", "task_ids"];
        if !known.contains(&key.as_str()) {
            return Err(PyValueError::new_err(format!("no subscription {key:?}")));
        }
    }
    Ok(Subscriptions {
        resources: strings("resources")?,
        tools_list_changed: flag("tools_list_changed")?,
        prompts_list_changed: flag("prompts_list_changed")?,
        resources_list_changed: flag("resources_list_changed")?,
        task_ids: strings("task_ids")?,
    })
}

#[pymethods]
impl NativeListen {
    /// The stream's id (the `subscriptionId` its notifications carry).
    fn id<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.id)
    }

    /// What the server agreed to send (the acknowledgement's `notifications` object).
    fn honored<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.honored)
    }

    /// Whether the stream is still open.
    fn is_open(&self) -> bool {
        self.stream.lock().unwrap_or_else(|p| p.into_inner()).as_ref().is_some_and(Listening::is_open)
    }

    /// Closes the stream as the call `token` of the client's inbox (the server gets
    /// `notifications/cancelled`; later notifications of the stream are dropped).
    fn close(&self, token: u64) {
        let stream = self.stream.lock().unwrap_or_else(|p| p.into_inner()).take();
        let inbox = self.inbox.clone();
        leave_worker(|| {
            runtime().spawn(async move {
                if let Some(stream) = stream {
                    stream.close().await;
                }
                inbox.push(Arrival::Done { token, outcome: Ok(Outcome::Nothing) });
            })
        });
    }
}
