//! The Python catalogue hook behind the engine's `Catalogue`: the engine asks it, with the
//! request as a dict and the kind's name, which registered items the request may see, and
//! reads `None` (everything) or an iterable of keys.

use std::collections::HashSet;

use mcpforge::{BoxFuture, Catalogue, CatalogueKind, MiddlewareRequest, Visible};
use pyo3::prelude::*;

use crate::callbacks::{Args, Invoker};
use crate::convert::to_py;
use crate::middleware::request_json;

/// The Python hook (its wrapper in `mcpforge/server.py`), called once per kind and request.
pub struct PyCatalogue(pub Invoker);

impl Catalogue for PyCatalogue {
    fn visible<'a>(&'a self, req: &'a MiddlewareRequest, kind: CatalogueKind) -> BoxFuture<'a, Visible> {
        let request = request_json(req);
        let name = kind.as_str();
        let args: Args = Box::new(move |py| Ok(vec![to_py(py, &request)?, name.into_pyobject(py)?.into_any()]));
        let call = self.0.invoke(None, args, |_, payload| visible_of(payload));
        Box::pin(async move {
            call.await.unwrap_or_else(|e| {
                // Fail closed: what the hook could not decide is not shown. The wrapper
                // already reported the exception to the log and the error hook.
                tracing::error!(kind = name, error = %e, "the catalogue hook failed: nothing of this kind is visible");
                Visible::Only(HashSet::new())
            })
        })
    }
}

/// `None` is everything; any other value must be an iterable of strings.
fn visible_of(payload: &Bound<'_, PyAny>) -> PyResult<Visible> {
    if payload.is_none() {
        return Ok(Visible::All);
    }
    let keys = payload.try_iter()?.map(|key| key?.extract::<String>()).collect::<PyResult<HashSet<String>>>()?;
    Ok(Visible::Only(keys))
}
