//! `call`: calls one tool and prints its result's content (text as text), or the whole
//! result as JSON. Arguments are one JSON object or `KEY=VALUE` pairs, each value read as
//! JSON when it parses and the tool's input schema allows its type, else kept as a string.
//! A tool error (`isError`) or a protocol error ends with status 1, its message on stderr.

use serde_json::{Map, Value};

use crate::args::CallArgs;
use crate::connect;
use crate::failure::Failure;
use crate::output;
use crate::target;

/// Runs `call`.
pub(crate) fn run(args: CallArgs) -> Result<i32, Failure> {
    let mut words = args.words.into_iter();
    let target = if args.reach.command.is_empty() { words.next() } else { None };
    let tool = words.next().ok_or_else(|| Failure::usage("call: no TOOL given (call TARGET TOOL [ARGS])"))?;
    let given: Vec<String> = words.collect();
    let server = target::resolve(target.as_deref(), &args.reach.command)?;
    let wait = connect::bound(args.reach.timeout);
    let json = args.json;
    connect::block_on(async move {
        let connection = connect::connect(&server, wait).await?;
        let client = &connection.client;
        let outcome = async {
            let tools = client.list_tools().await.map_err(|e| connection.failed("tools/list", &e))?;
            let Some(schema) = tools.iter().find(|t| t["name"] == tool.as_str()).map(|t| &t["inputSchema"]) else {
                let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
                return Err(Failure::new(format!("no tool named {tool:?} (the server has: {})", names.join(", "))));
            };
            let arguments = arguments(&given, schema)?;
            client.call_tool(&tool, arguments).await.map_err(|e| connection.failed(&tool, &e))
        }
        .await;
        connection.client.close().await;
        let result = outcome?;
        let is_error = result["isError"] == Value::Bool(true);
        if json {
            output::json(&result);
        } else if is_error {
            output::flush();
            eprintln!("{}", content_text(&result));
        } else {
            output::line(&content_text(&result));
        }
        Ok(if is_error { 1 } else { 0 })
    })
}

/// The tool's arguments from the command line: one JSON object, or `KEY=VALUE` pairs typed
/// by the input schema's properties.
fn arguments(given: &[String], schema: &Value) -> Result<Value, Failure> {
    if let [only] = given {
        if !only.trim_start().starts_with('{') {
            return arguments_from_pairs(given, schema);
        }
        return match serde_json::from_str::<Value>(only) {
            Ok(object @ Value::Object(_)) => Ok(object),
            Ok(_) | Err(_) => Err(Failure::usage(format!("the arguments {only:?} are not a JSON object"))),
        };
    }
    arguments_from_pairs(given, schema)
}

/// `KEY=VALUE` pairs, each value typed by its property in the input schema.
fn arguments_from_pairs(given: &[String], schema: &Value) -> Result<Value, Failure> {
    let mut arguments = Map::new();
    for pair in given {
        let Some((key, raw)) = pair.split_once('=') else {
            return Err(Failure::usage(format!("{pair:?}: arguments are KEY=VALUE pairs or one JSON object")));
        };
        arguments.insert(key.to_owned(), typed(raw, &schema["properties"][key]));
    }
    Ok(Value::Object(arguments))
}

/// `raw` as JSON when it parses to a type `property` allows (any type when it names none),
/// else as a string.
fn typed(raw: &str, property: &Value) -> Value {
    let allowed: Vec<&str> = match &property["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(types) => types.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    match serde_json::from_str::<Value>(raw) {
        Ok(parsed) if allowed.is_empty() || allowed.iter().any(|t| is_type(&parsed, t)) => parsed,
        _ => Value::String(raw.to_owned()),
    }
}

/// Whether `value` is of the JSON Schema type `name`.
fn is_type(value: &Value, name: &str) -> bool {
    match name {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// A result's content as text: text blocks as they are, other blocks described on a line,
/// the structured content as JSON when there is no content.
fn content_text(result: &Value) -> String {
    let blocks = result["content"].as_array().map(Vec::as_slice).unwrap_or_default();
    if blocks.is_empty() {
        return match result.get("structuredContent") {
            Some(structured) => serde_json::to_string_pretty(structured).unwrap_or_default(),
            None => String::new(),
        };
    }
    let size = |data: &Value| data.as_str().map_or(0, |d| d.len() / 4 * 3);
    let shown = blocks.iter().map(|block| match block["type"].as_str() {
        Some("text") => block["text"].as_str().unwrap_or_default().to_owned(),
        Some(kind @ ("image" | "audio")) => {
            format!("[{kind} {}, {} bytes]", block["mimeType"].as_str().unwrap_or("?"), size(&block["data"]))
        }
        Some("resource") => match block["resource"]["text"].as_str() {
            Some(text) => text.to_owned(),
            None => format!(
                "[resource {}, {} bytes]",
                block["resource"]["uri"].as_str().unwrap_or("?"),
                size(&block["resource"]["blob"])
            ),
        },
        Some("resource_link") => format!("[resource link {}]", block["uri"].as_str().unwrap_or("?")),
        _ => block.to_string(),
    });
    shown.collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pairs_are_typed_by_the_schema() {
        let schema = json!({ "properties": {
            "text": { "type": "string" }, "n": { "type": "integer" }, "flag": { "type": "boolean" },
            "any": {}, "maybe": { "type": ["number", "null"] } } });
        let given: Vec<String> =
            ["text=42", "n=7", "flag=true", "any=[1]", "maybe=null", "other=x y"].iter().map(|s| (*s).into()).collect();
        assert_eq!(
            arguments(&given, &schema).unwrap(),
            json!({ "text": "42", "n": 7, "flag": true, "any": [1], "maybe": null, "other": "x y" })
        );
        assert_eq!(arguments(&["n=seven".into()], &schema).unwrap(), json!({ "n": "seven" }));
    }

    #[test]
    fn one_json_object_is_the_arguments() {
        assert_eq!(arguments(&[r#"{"a": 1}"#.into()], &json!({})).unwrap(), json!({ "a": 1 }));
        assert!(arguments(&["{nope".into()], &json!({})).is_err());
        assert!(arguments(&["novalue".into()], &json!({})).is_err());
    }

    #[test]
    fn content_reads_as_text() {
        let result = json!({ "content": [
            { "type": "text", "text": "hi" },
            { "type": "image", "mimeType": "image/png", "data": "AAAA" },
            { "type": "resource_link", "uri": "file:///x", "name": "x" } ] });
        assert_eq!(content_text(&result), "hi\n[image image/png, 3 bytes]\n[resource link file:///x]");
        assert_eq!(content_text(&json!({ "content": [], "structuredContent": { "a": 1 } })), "{\n  \"a\": 1\n}");
    }
}
