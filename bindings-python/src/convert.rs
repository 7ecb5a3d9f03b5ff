//! JSON values across the boundary: `serde_json::Value` to Python objects (dict, list, str,
//! int, float, bool, None) and back. Built natively here rather than through JSON text and
//! Python's `json` module: measured faster for the argument shapes tools take (see
//! docs/python.md, "Design decisions").

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// Nesting deeper than this is refused (a cycle in a Python structure would otherwise recurse
/// without end).
const MAX_DEPTH: usize = 256;

/// Builds the Python object for a JSON value.
pub fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => number_to_py(py, n)?,
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(PyString::new(py, k), to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

fn number_to_py<'py>(py: Python<'py>, n: &Number) -> PyResult<Bound<'py, PyAny>> {
    if let Some(i) = n.as_i64() {
        Ok(i.into_pyobject(py)?.into_any())
    } else if let Some(u) = n.as_u64() {
        Ok(u.into_pyobject(py)?.into_any())
    } else {
        Ok(PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any())
    }
}

/// Reads a Python object made of dicts (string keys), lists, tuples, str, int, float, bool
/// and None (or a [`JsonValue`] read already) as a JSON value. Anything else is a
/// `TypeError` naming the type.
pub fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    from_py_at(obj, 0, None)
}

/// A return value read as JSON once, inside the Python function that finishes a handler's
/// call (so a value that cannot be read fails there, as the handler's own exception would),
/// and handed to the engine without a second walk.
#[pyclass(module = "mcpforge._native", frozen)]
pub struct JsonValue {
    value: std::sync::Mutex<Option<Value>>,
    is_object: bool,
}

#[pymethods]
impl JsonValue {
    /// Whether the value is a JSON object.
    #[getter]
    fn is_object(&self) -> bool {
        self.is_object
    }
}

impl JsonValue {
    /// The value, which the engine takes once.
    fn take(&self) -> PyResult<Value> {
        let taken = self.value.lock().unwrap_or_else(|p| p.into_inner()).take();
        taken.ok_or_else(|| PyValueError::new_err("this JSON value was handed to the engine already"))
    }
}

/// Reads `value` as JSON in one walk. What it does not know (a dataclass, a pydantic model,
/// an enum, bytes, a dict with keys that are not str...) is handed to `fallback`, whose
/// plain answer is read in its place; `fallback`'s exceptions propagate.
#[pyfunction]
pub fn json_value(value: &Bound<'_, PyAny>, fallback: &Bound<'_, PyAny>) -> PyResult<JsonValue> {
    let value = from_py_at(value, 0, Some(fallback))?;
    Ok(JsonValue { is_object: value.is_object(), value: std::sync::Mutex::new(Some(value)) })
}

fn from_py_at(obj: &Bound<'_, PyAny>, depth: usize, fallback: Option<&Bound<'_, PyAny>>) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err("value nested too deeply (or contains a cycle)"));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    // bool before int: Python's bool is a subclass of int.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(PyValueError::new_err("integer out of the range JSON numbers can carry here (64 bits)"));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        return Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err(format!("{v} is not a JSON number")));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                if let Some(fallback) = fallback {
                    return plain(fallback, obj, depth);
                }
                return Err(PyTypeError::new_err(format!("JSON object keys must be str, not {}", type_name(&k))));
            };
            map.insert(key.to_cow()?.into_owned(), from_py_at(&v, depth + 1, fallback)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return l.iter().map(|v| from_py_at(&v, depth + 1, fallback)).collect::<PyResult<Vec<_>>>().map(Value::Array);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return t.iter().map(|v| from_py_at(&v, depth + 1, fallback)).collect::<PyResult<Vec<_>>>().map(Value::Array);
    }
    if let Ok(j) = obj.cast::<JsonValue>() {
        return j.get().take();
    }
    match fallback {
        Some(fallback) => plain(fallback, obj, depth),
        None => Err(PyTypeError::new_err(format!("{} is not JSON-serializable", type_name(obj)))),
    }
}

/// `obj` as `fallback` makes it plain, read without the fallback (its answer is plain).
fn plain(fallback: &Bound<'_, PyAny>, obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    from_py_at(&fallback.call1((obj,))?, depth + 1, None)
}

/// The name of an object's type, for messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".to_owned())
}

/// Reads a Python JSON-like object as a typed engine value (e.g. a `CallToolResult`).
pub fn from_py_as<T: serde::de::DeserializeOwned>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    let value = from_py(obj)?;
    serde_json::from_value(value).map_err(|e| PyValueError::new_err(format!("invalid {what}: {e}")))
}
