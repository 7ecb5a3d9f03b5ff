//! `template_variables` and `template_match`: a URI template's variables as the engine
//! parses it, for the registration checks of the drop-in classes (a template's variables
//! against its reader's parameters), and a URI matched against it as the engine matches a
//! read (for the official SDK's standalone `ResourceTemplate.matches`), so that Python never
//! parses or matches a template a second way.

use crate::convert::from_py_as;
use mcpforge::PathPolicy;
use mcpforge::registry::template::{TemplateMatch, UriTemplate};
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

/// A match's variables, by name.
type Values = BTreeMap<String, String>;

/// `(values, refused)` for `uri` against `template`: the variables it gives (percent-decoded)
/// or `None` when it does not match, and the variable whose value the path rules refuse, if
/// one is. The rules are the engine's (a refused value is then simply no match) or, given a
/// `policy` (the fields of `PathPolicy`), that policy's. A malformed template or policy
/// raises `ValueError`.
#[pyfunction]
#[pyo3(signature = (template, uri, policy=None))]
pub(crate) fn template_match(
    template: &str,
    uri: &str,
    policy: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Option<Values>, Option<String>)> {
    let policy = policy.map(|p| from_py_as::<PathPolicy>(p, "path policy")).transpose()?;
    let parsed =
        UriTemplate::parse(template).map_err(|e| PyValueError::new_err(e.message().to_owned()))?.with_policy(policy);
    Ok(match parsed.matching(uri) {
        TemplateMatch::Matched(values) => (Some(values), None),
        TemplateMatch::NoMatch => (None, None),
        TemplateMatch::Refused(name) => (None, Some(name)),
    })
}
