//! The RFC 6570 template matcher (`UriTemplate`): the first line of the input is a
//! template, the rest a URI. Whatever matches yields only the template's variables, never a
//! `.` or `..` path step, and the variables expand to a URI that matches back to the same
//! variables (the round trip `UriTemplate::expand` documents, for the values it covers).
//! Values cut from the URI expand and match the same way whenever the expansion matches at
//! all.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use mcpforge::registry::template::UriTemplate;
use mcpforge_fuzz::split_line;

fuzz_target!(|data: &[u8]| {
    let (template, uri) = split_line(data);
    let (Ok(template), Ok(uri)) = (std::str::from_utf8(template), std::str::from_utf8(uri)) else { return };
    let Ok(t) = UriTemplate::parse(template) else { return };
    assert_eq!(t.as_str(), template);
    if let Some(vars) = t.matches(uri) {
        round_trip(&t, &vars);
    }
    // Values that did not come from a match: each variable takes one `/`-separated piece.
    let vars: BTreeMap<String, String> = t.variables().iter().cloned().zip(uri.split('/').map(str::to_owned)).collect();
    if let Some(matched) = t.matches(&t.expand(&vars)) {
        round_trip(&t, &matched);
    }
});

/// Checks what a match produced, and that its expansion matches back to it.
fn round_trip(t: &UriTemplate, vars: &BTreeMap<String, String>) {
    for (name, value) in vars {
        assert!(t.variables().contains(name));
        assert!(value != "." && !value.split(['/', '\\']).any(|step| step == ".."), "{name} = {value:?}");
    }
    if !round_trip_promised(t.as_str(), vars) {
        return;
    }
    let expanded = t.expand(vars);
    assert_eq!(t.matches(&expanded).as_ref(), Some(vars), "{} expanded to {expanded:?}", t.as_str());
}

/// Whether `UriTemplate::expand` promises the round trip for `vars`: not where an expression
/// directly follows another one (`{a}{b}`, `{?q}{x}`, `{x}{&q}`), unless it is a `{?…}` query
/// expression after a non-query one, nor for `+`/`#`/`{x*}` values holding a raw
/// `?`, `#`, `,`, `&` or `%XX` (expansion keeps them, and they end or split the value), nor for
/// `{.x}` values holding a `.`, nor where a literal stands between two expressions and the
/// second one's value, written after it, repeats it (`{/p*}.{x}` with `x = ".a"`, matched
/// from `%2Ea`): the expression before the literal may then take the first copy.
fn round_trip_promised(template: &str, vars: &BTreeMap<String, String>) -> bool {
    // The operator of the expression just before, when nothing stands between.
    let mut previous: Option<Option<char>> = None;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else { break };
        let body = &rest[open + 1..open + len];
        let op = body.chars().next().filter(|c| "+#./;?&".contains(*c));
        let query = |op: Option<char>| matches!(op, Some('?' | '&'));
        if let Some(before) = previous.filter(|_| open == 0) {
            // Two expressions with nothing between: where one value ends and the next begins
            // is a guess, unless the second one is a query expression after a non-query one.
            if query(before) || !query(op) || op == Some('&') {
                return false;
            }
        }
        // The literal between the expression before and this one, when there is one.
        let literal = Some(&rest[..open]).filter(|l| previous.is_some() && !l.is_empty());
        let names = body[op.map_or(0, char::len_utf8)..].split(',');
        for (i, spec) in names.enumerate() {
            let name = spec.split(':').next().unwrap_or(spec).trim_end_matches('*');
            let Some(value) = vars.get(name) else { continue };
            // A wildcard `{x*}` expands as `{+x}`.
            let op = if op.is_none() && spec.ends_with('*') { Some('+') } else { op };
            let unsafe_chars = match op {
                // `&` too: after a `?` it ends a value, and expansion keeps it raw.
                Some('+' | '#') => value.contains(['?', '#', ',', '&']) || has_triplet(value),
                Some('.') => value.contains('.'),
                _ => false,
            };
            if unsafe_chars || (i == 0 && matches!(op, None | Some('+')) && literal.is_some_and(|l| repeats(l, value)))
            {
                return false;
            }
        }
        previous = Some(op);
        rest = &rest[open + len + 1..];
    }
    true
}

/// Whether `literal` followed by `value` holds `literal` again after its first character.
fn repeats(literal: &str, value: &str) -> bool {
    let joined = format!("{literal}{value}");
    let first = literal.chars().next().map_or(0, char::len_utf8);
    joined[first..].contains(literal)
}

/// Whether `value` holds a `%` followed by two hex digits.
fn has_triplet(value: &str) -> bool {
    value.as_bytes().windows(3).any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}
