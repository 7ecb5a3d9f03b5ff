//! `template_variables` and `template_match`: a URI template's variables as the engine
//! parses it, for the registration checks of the drop-in classes (a template's variables
//! against its reader's parameters), and a URI matched against it as the engine matches a
//! read (for the official SDK's standalone `ResourceTemplate.matches`), so that Python never
//! parses or matches a template a second way.

use mcpforge::registry::template::UriTemplate;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::collections::BTreeMap;

/// `(variables, optional)` of `template`: every variable in order of appearance, and those a
/// matching URI may leave out (query and fragment expressions). A malformed template raises
/// `ValueError` with the engine's description of the problem.
#[pyfunction]
pub(crate) fn template_variables(template: &str) -> PyResult<(Vec<String>, Vec<String>)> {
    let parsed = UriTemplate::parse(template).map_err(|e| PyValueError::new_err(e.message().to_owned()))?;
    let optional = parsed.optional_variables().into_iter().map(str::to_owned).collect();
    Ok((parsed.variables().to_vec(), optional))
}

/// The variables `uri` gives `template` (percent-decoded, with the engine's path-safety
/// rules: a value they refuse is no match), or `None` when it does not match. A malformed
/// template raises `ValueError` as in `template_variables`.
#[pyfunction]
pub(crate) fn template_match(template: &str, uri: &str) -> PyResult<Option<BTreeMap<String, String>>> {
    let parsed = UriTemplate::parse(template).map_err(|e| PyValueError::new_err(e.message().to_owned()))?;
    Ok(parsed.matches(uri))
}
