//! The `x-mcp-header` annotations of tool input schemas (SEP-2243): which tool arguments a
//! 2026-07-28 request mirrors in `Mcp-Param-{Name}` headers, read and checked once, when a
//! tool is registered (the HTTP transport then checks requests against them). Every
//! function here is total: a malformed schema gives an `Err`, never a panic.

use serde_json::{Map, Value};

/// How many characters of a client-supplied value an error detail repeats.
const SHOWN_CHARS: usize = 80;

/// The schema keyword that mirrors a tool argument into a `Mcp-Param-{Name}` header.
const KEYWORD: &str = "x-mcp-header";

/// Schema keywords whose value is a map from names to subschemas: the keys are names (a
/// property called `x-mcp-header` is not the keyword), the values are walked as schemas.
const MAP_KEYWORDS: &[&str] =
    &["properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies"];

/// Schema keywords whose value is instance data, not a schema: never searched.
const DATA_KEYWORDS: &[&str] = &["const", "enum", "default", "examples"];

/// Beyond this length a schema location in an error message is cut short.
const MAX_LOCATION_BYTES: usize = 200;

/// The JSON type of an `x-mcp-header` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// A JSON string, compared exactly.
    String,
    /// A JSON integer within ±(2^53 − 1), compared numerically.
    Integer,
    /// A JSON boolean, carried as `true` / `false`.
    Boolean,
}

/// One tool argument mirrored in a `Mcp-Param-{header}` header.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HeaderParam {
    /// The `{Name}` of `Mcp-Param-{Name}`: the `x-mcp-header` value, as written in the schema.
    pub header: String,
    /// The root property (tool argument) the header mirrors.
    pub property: String,
    /// The declared JSON type of the argument.
    pub kind: ParamKind,
}

/// Where a schema node sits, as far as the `x-mcp-header` placement rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position<'a> {
    /// The input schema itself.
    Root,
    /// The schema of root property `name` (`properties.<name>` of the root): the only place
    /// the annotation is allowed.
    RootProperty(&'a str),
    /// Anywhere else.
    Nested,
}

/// Reads and checks the `x-mcp-header` annotations of a tool's inputSchema (registration
/// time). Err(readable reason) for: a value that is not a non-empty RFC 9110 token (no CR/LF/CTL,
/// no separators), names not unique case-insensitively, annotation on a property whose type is
/// not string/integer/boolean, or on a property not reachable from the root through `properties`
/// alone (inside items, anyOf/oneOf/allOf/not, if/then/else, $ref, $defs, nested properties are
/// all refused — search the whole schema for the keyword and refuse any occurrence outside
/// root `properties.<name>`).
///
/// The search skips instance data (`const`, `enum`, `default`, `examples`) and treats the keys
/// of name-to-schema maps (`properties`, `patternProperties`, `$defs`, `definitions`,
/// `dependentSchemas`, `dependencies`) as names, so a property *called* `x-mcp-header` is fine.
/// Any other object key equal to `x-mcp-header`, at any depth and under any keyword (known or
/// not), is an annotation. The walk is iterative, so deeply nested schemas cannot overflow the
/// stack. The result lists the annotations in root `properties` order.
pub fn header_params(input_schema: &Value) -> Result<Vec<HeaderParam>, String> {
    let mut found: Vec<HeaderParam> = Vec::new();
    // Each visited node leaves a crumb (parent crumb, step) so an error can name its location
    // without every node carrying a copy of its whole path.
    let mut crumbs: Vec<(Option<usize>, Step<'_>)> = Vec::new();
    let mut stack: Vec<(&Value, Option<usize>, Position<'_>)> = vec![(input_schema, None, Position::Root)];
    while let Some((node, crumb, position)) = stack.pop() {
        match node {
            Value::Object(map) => {
                // Children are pushed in reverse so the walk visits them in document order.
                for (key, value) in map.iter().rev() {
                    if key == KEYWORD {
                        let Position::RootProperty(property) = position else {
                            return Err(format!(
                                "`{KEYWORD}` at {} is not allowed: the annotation may only appear on a property \
                                 directly under the root `properties` (not inside items, composition, conditionals, \
                                 $ref/$defs or nested objects)",
                                location(&crumbs, crumb)
                            ));
                        };
                        found.push(read_annotation(property, map, value)?);
                        continue;
                    }
                    if DATA_KEYWORDS.contains(&key.as_str()) {
                        continue;
                    }
                    crumbs.push((crumb, Step::Key(key)));
                    let child = Some(crumbs.len() - 1);
                    let members = if MAP_KEYWORDS.contains(&key.as_str()) { value.as_object() } else { None };
                    if let Some(members) = members {
                        let root_properties = position == Position::Root && key == "properties";
                        for (name, schema) in members.iter().rev() {
                            crumbs.push((child, Step::Key(name)));
                            let member_position =
                                if root_properties { Position::RootProperty(name) } else { Position::Nested };
                            stack.push((schema, Some(crumbs.len() - 1), member_position));
                        }
                    } else {
                        stack.push((value, child, Position::Nested));
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate().rev() {
                    crumbs.push((crumb, Step::Index(index)));
                    stack.push((item, Some(crumbs.len() - 1), Position::Nested));
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
        }
    }
    // The walk finds annotations in document order; duplicates are reported against the first.
    for (index, param) in found.iter().enumerate() {
        if let Some(first) = found.iter().take(index).find(|earlier| earlier.header.eq_ignore_ascii_case(&param.header))
        {
            return Err(format!(
                "`{KEYWORD}` name {:?} of property {:?} duplicates {:?} of property {:?} (header names are \
                 case-insensitive)",
                param.header, param.property, first.header, first.property
            ));
        }
    }
    Ok(found)
}

/// Checks one `x-mcp-header` annotation found on root property `property` whose schema is
/// `schema`.
fn read_annotation(property: &str, schema: &Map<String, Value>, value: &Value) -> Result<HeaderParam, String> {
    let Value::String(header) = value else {
        return Err(format!("`{KEYWORD}` of property {property:?} must be a string, found {}", json_type(value)));
    };
    if !is_token(header) {
        return Err(format!(
            "`{KEYWORD}` of property {property:?} must be a non-empty RFC 9110 token (letters, digits and \
             !#$%&'*+-.^_`|~; no spaces, separators or control characters), found {}",
            shown(header)
        ));
    }
    let kind = property_kind(schema.get("type")).ok_or_else(|| {
        format!(
            "property {property:?} carries `{KEYWORD}` but its `type` is {}; only \"string\", \"integer\" and \
             \"boolean\" properties may be mirrored in a header",
            schema.get("type").map_or_else(|| "missing".to_owned(), Value::to_string)
        )
    })?;
    Ok(HeaderParam { header: header.clone(), property: property.to_owned(), kind })
}

/// The header kind of a property's `type`: `"string"`, `"integer"` or `"boolean"`, or an
/// array naming exactly one of those, optionally alongside `"null"` (a nullable argument,
/// whose header is simply not expected when the value is null).
fn property_kind(declared: Option<&Value>) -> Option<ParamKind> {
    match declared? {
        Value::String(name) => kind_named(name),
        Value::Array(names) => {
            let mut kind = None;
            for name in names {
                match name.as_str()? {
                    "null" => {}
                    other => {
                        if kind.is_some() {
                            return None;
                        }
                        kind = Some(kind_named(other)?);
                    }
                }
            }
            kind
        }
        _ => None,
    }
}

/// The header kind of one JSON Schema type name.
fn kind_named(name: &str) -> Option<ParamKind> {
    match name {
        "string" => Some(ParamKind::String),
        "integer" => Some(ParamKind::Integer),
        "boolean" => Some(ParamKind::Boolean),
        _ => None,
    }
}

/// Whether `name` is an RFC 9110 token: one or more tchars.
fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// One step from a schema node to a child: an object key or an array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step<'a> {
    /// A member of an object.
    Key(&'a str),
    /// An element of an array.
    Index(usize),
}

/// The JSON Pointer (as a `#…` fragment) of the node whose crumb is `crumb`, for an error
/// message; `None` is the schema root.
fn location(crumbs: &[(Option<usize>, Step<'_>)], crumb: Option<usize>) -> String {
    let mut steps = Vec::new();
    let mut at = crumb;
    while let Some(&(parent, step)) = at.and_then(|index| crumbs.get(index)) {
        steps.push(step);
        at = parent;
    }
    if steps.is_empty() {
        return "the schema root".to_owned();
    }
    let mut pointer = String::from("#");
    for step in steps.iter().rev() {
        pointer.push('/');
        match step {
            Step::Key(key) => pointer.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Step::Index(index) => pointer.push_str(&index.to_string()),
        }
        if pointer.len() > MAX_LOCATION_BYTES {
            pointer.push('…');
            break;
        }
    }
    pointer
}

/// The JSON type name of a value, for error messages.
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A client-supplied value for an error detail: quoted and escaped, cut to a bounded length.
pub(crate) fn shown(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(SHOWN_CHARS).collect();
    if chars.next().is_some() { format!("{head:?}…") } else { format!("{head:?}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn param(header: &str, property: &str, kind: ParamKind) -> HeaderParam {
        HeaderParam { header: header.to_owned(), property: property.to_owned(), kind }
    }

    fn schema_with(property: Value) -> Value {
        json!({ "type": "object", "properties": { "p": property } })
    }

    // ----- header_params -----

    #[test]
    fn header_params_accepts_root_properties_of_each_kind() {
        let schema = json!({
            "type": "object",
            "properties": {
                "region": { "type": "string", "x-mcp-header": "Region" },
                "count": { "type": "integer", "x-mcp-header": "Count" },
                "dry": { "type": "boolean", "x-mcp-header": "Dry-Run" },
                "plain": { "type": "string" }
            },
            "required": ["region"]
        });
        let mut params = header_params(&schema).expect("valid");
        params.sort_by(|a, b| a.property.cmp(&b.property));
        assert_eq!(
            params,
            vec![
                param("Count", "count", ParamKind::Integer),
                param("Dry-Run", "dry", ParamKind::Boolean),
                param("Region", "region", ParamKind::String),
            ]
        );
    }

    #[test]
    fn header_params_without_annotations_is_empty() {
        assert_eq!(header_params(&json!({ "type": "object" })), Ok(vec![]));
        assert_eq!(header_params(&json!(true)), Ok(vec![]));
        assert_eq!(header_params(&json!(null)), Ok(vec![]));
        assert_eq!(header_params(&json!({ "type": "object", "properties": { "a": true } })), Ok(vec![]));
    }

    #[test]
    fn header_params_accepts_all_tchars() {
        let name = "!#$%&'*+-.^_`|~09azAZ";
        assert_eq!(
            header_params(&schema_with(json!({ "type": "string", "x-mcp-header": name }))),
            Ok(vec![param(name, "p", ParamKind::String)])
        );
    }

    #[test]
    fn header_params_accepts_nullable_types() {
        assert_eq!(
            header_params(&schema_with(json!({ "type": ["string", "null"], "x-mcp-header": "N" }))),
            Ok(vec![param("N", "p", ParamKind::String)])
        );
        assert_eq!(
            header_params(&schema_with(json!({ "type": ["null", "integer"], "x-mcp-header": "N" }))),
            Ok(vec![param("N", "p", ParamKind::Integer)])
        );
        assert_eq!(
            header_params(&schema_with(json!({ "type": ["boolean"], "x-mcp-header": "N" }))),
            Ok(vec![param("N", "p", ParamKind::Boolean)])
        );
    }

    #[test]
    fn header_params_refuses_bad_names() {
        for bad in ["", "has space", "a:b", "a/b", "(x)", "a\r\nb", "tab\t", "nul\u{0}", "caf\u{e9}", "a\"b", "a,b"] {
            let err =
                header_params(&schema_with(json!({ "type": "string", "x-mcp-header": bad }))).expect_err("bad token");
            assert!(err.contains("token"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn header_params_refuses_non_string_annotation() {
        for bad in [json!(1), json!(true), json!(null), json!(["A"]), json!({ "name": "A" })] {
            let err = header_params(&schema_with(json!({ "type": "string", "x-mcp-header": bad })))
                .expect_err("non-string annotation");
            assert!(err.contains("must be a string"), "{err}");
        }
    }

    #[test]
    fn header_params_refuses_duplicate_names_case_insensitively() {
        let schema = json!({
            "type": "object",
            "properties": {
                "a": { "type": "string", "x-mcp-header": "Region" },
                "b": { "type": "string", "x-mcp-header": "REGION" }
            }
        });
        let err = header_params(&schema).expect_err("duplicate");
        assert!(err.contains("duplicates"), "{err}");
    }

    #[test]
    fn header_params_refuses_unsupported_types() {
        for ty in [
            json!("number"),
            json!("array"),
            json!("object"),
            json!("null"),
            json!(["string", "integer"]),
            json!(["null"]),
            json!([]),
            json!(["string", 1]),
            json!(7),
        ] {
            let err = header_params(&schema_with(json!({ "type": ty, "x-mcp-header": "H" }))).expect_err("bad type");
            assert!(err.contains("string\", \"integer\" and \"boolean"), "{err}");
        }
        let err = header_params(&schema_with(json!({ "x-mcp-header": "H" }))).expect_err("missing type");
        assert!(err.contains("missing"), "{err}");
    }

    #[test]
    fn header_params_refuses_annotation_outside_root_properties() {
        let refused = [
            // on the root itself
            json!({ "type": "object", "x-mcp-header": "H" }),
            // nested properties
            json!({ "type": "object", "properties": { "o": { "type": "object", "properties": {
                "s": { "type": "string", "x-mcp-header": "H" } } } } }),
            // items
            json!({ "type": "object", "properties": { "l": { "type": "array",
                "items": { "type": "string", "x-mcp-header": "H" } } } }),
            json!({ "type": "object", "properties": { "l": { "type": "array",
                "prefixItems": [{ "type": "string", "x-mcp-header": "H" }] } } }),
            // composition
            json!({ "type": "object", "anyOf": [{ "properties": { "s": { "type": "string", "x-mcp-header": "H" } } }] }),
            json!({ "type": "object", "oneOf": [{ "properties": { "s": { "type": "string", "x-mcp-header": "H" } } }] }),
            json!({ "type": "object", "allOf": [{ "properties": { "s": { "type": "string", "x-mcp-header": "H" } } }] }),
            json!({ "type": "object", "not": { "properties": { "s": { "type": "string", "x-mcp-header": "H" } } } }),
            json!({ "type": "object", "properties": { "s": { "anyOf": [{ "type": "string", "x-mcp-header": "H" }] } } }),
            // conditionals
            json!({ "type": "object", "if": { "properties": { "s": { "type": "string", "x-mcp-header": "H" } } } }),
            json!({ "type": "object", "then": { "properties": { "s": { "type": "string", "x-mcp-header": "H" } } } }),
            json!({ "type": "object", "else": { "properties": { "s": { "type": "string", "x-mcp-header": "H" } } } }),
            // $defs / definitions reached through $ref
            json!({ "type": "object", "properties": { "s": { "$ref": "#/$defs/S" } },
                "$defs": { "S": { "type": "string", "x-mcp-header": "H" } } }),
            json!({ "type": "object", "properties": { "s": { "$ref": "#/definitions/S" } },
                "definitions": { "S": { "type": "string", "x-mcp-header": "H" } } }),
            // other subschema keywords
            json!({ "type": "object", "patternProperties": { "^s": { "type": "string", "x-mcp-header": "H" } } }),
            json!({ "type": "object", "additionalProperties": { "type": "string", "x-mcp-header": "H" } }),
            json!({ "type": "object", "dependentSchemas": { "a": { "properties": {
                "s": { "type": "string", "x-mcp-header": "H" } } } } }),
            // unknown keywords are searched too
            json!({ "type": "object", "x-vendor": { "inner": { "x-mcp-header": "H" } } }),
        ];
        for schema in refused {
            let err = header_params(&schema).expect_err(&schema.to_string());
            assert!(err.contains("may only appear"), "{schema}: {err}");
        }
    }

    #[test]
    fn header_params_error_names_the_location() {
        let schema = json!({ "type": "object", "properties": { "l": { "type": "array",
            "items": { "type": "string", "x-mcp-header": "H" } } } });
        let err = header_params(&schema).expect_err("items");
        assert!(err.contains("#/properties/l/items"), "{err}");
        let err = header_params(&json!({ "x-mcp-header": "H" })).expect_err("root");
        assert!(err.contains("the schema root"), "{err}");
    }

    #[test]
    fn header_params_refuses_nested_even_when_root_annotation_is_valid() {
        let schema = json!({
            "type": "object",
            "properties": {
                "a": { "type": "string", "x-mcp-header": "A" },
                "o": { "type": "object", "properties": { "b": { "type": "string", "x-mcp-header": "B" } } }
            }
        });
        assert!(header_params(&schema).is_err());
    }

    #[test]
    fn header_params_ignores_names_and_data_that_merely_mention_the_keyword() {
        let schema = json!({
            "type": "object",
            "properties": {
                "x-mcp-header": { "type": "string" },
                "a": {
                    "type": "string",
                    "x-mcp-header": "A",
                    "default": "x",
                    "examples": [{ "x-mcp-header": "not a schema" }]
                },
                "c": { "const": { "x-mcp-header": "data" } },
                "e": { "enum": [{ "x-mcp-header": "data" }] }
            },
            "required": ["x-mcp-header"],
            "default": { "x-mcp-header": "data" },
            "$defs": { "x-mcp-header": { "type": "string" } }
        });
        assert_eq!(header_params(&schema), Ok(vec![param("A", "a", ParamKind::String)]));
    }

    #[test]
    fn header_params_survives_deep_nesting() {
        /// Wraps `inner` as `{ key: inner }` (or `{ key: [inner] }`) without recursion.
        fn wrap(key: &str, inner: Value, in_array: bool) -> Value {
            let mut map = Map::new();
            map.insert(key.to_owned(), if in_array { Value::Array(vec![inner]) } else { inner });
            Value::Object(map)
        }
        let mut schema = json!({ "type": "string" });
        for _ in 0..100_000 {
            schema = wrap("items", schema, false);
        }
        assert_eq!(header_params(&schema), Ok(vec![]));
        let mut deep = json!({ "type": "string", "x-mcp-header": "H" });
        for _ in 0..10_000 {
            deep = wrap("allOf", deep, true);
        }
        let err = header_params(&deep).expect_err("nested annotation");
        assert!(err.starts_with("`x-mcp-header` at #/allOf/0/allOf/0/"), "{}", err.get(..60).unwrap_or(&err));
        assert!(err.contains("/0…"), "the location is cut short");
        assert!(err.len() < 600, "{}", err.len());
        // serde_json drops nested values recursively; leak them so the test's own teardown
        // cannot overflow the stack either.
        std::mem::forget(schema);
        std::mem::forget(deep);
    }
}
