//! `inspect`: connects to a server and prints what it is (identity, protocol version,
//! capabilities, instructions) and what it offers (tools, resources, resource templates,
//! prompts, every page of each), as text or as one JSON document.

use serde_json::{Map, Value, json};

use crate::args::InspectArgs;
use crate::connect::{self, Connection};
use crate::failure::Failure;
use crate::output;
use crate::target;

/// Runs `inspect`.
pub(crate) fn run(args: InspectArgs) -> Result<i32, Failure> {
    let server = target::resolve(args.target.as_deref(), &args.reach.command)?;
    let wait = connect::bound(args.reach.timeout);
    connect::block_on(async move {
        let connection = connect::connect(&server, wait).await?;
        let report = gather(&connection).await;
        connection.client.close().await;
        let report = report?;
        if args.json {
            output::json(&report)
        } else {
            output::line(&render(&report))
        }
        Ok(0)
    })
}

/// The report as one JSON document: `serverInfo`, `protocolVersion`, `capabilities`,
/// `instructions` (when given), and the lists the capabilities announce.
async fn gather(connection: &Connection) -> Result<Value, Failure> {
    let client = &connection.client;
    let session = client.session();
    let offers = |kind: &str| session.capabilities.get(kind).is_some_and(|v| !v.is_null());
    let mut report = Map::new();
    report.insert("serverInfo".into(), session.server_info.clone());
    report.insert("protocolVersion".into(), json!(session.protocol_version.as_str()));
    report.insert("capabilities".into(), session.capabilities.clone());
    if let Some(instructions) = &session.instructions {
        report.insert("instructions".into(), json!(instructions));
    }
    let failed = |what: &str, e| connection.failed(what, &e);
    let tools = if offers("tools") { client.list_tools().await.map_err(|e| failed("tools/list", e))? } else { vec![] };
    let (resources, templates) = if offers("resources") {
        let resources = client.list_resources().await.map_err(|e| failed("resources/list", e))?;
        let templates = client.list_resource_templates().await.map_err(|e| failed("resources/templates/list", e))?;
        (resources, templates)
    } else {
        (vec![], vec![])
    };
    let prompts =
        if offers("prompts") { client.list_prompts().await.map_err(|e| failed("prompts/list", e))? } else { vec![] };
    report.insert("tools".into(), Value::Array(tools));
    report.insert("resources".into(), Value::Array(resources));
    report.insert("resourceTemplates".into(), Value::Array(templates));
    report.insert("prompts".into(), Value::Array(prompts));
    Ok(Value::Object(report))
}

/// The report as text for a person.
fn render(report: &Value) -> String {
    let info = &report["serverInfo"];
    let mut lines = Vec::new();
    let mut identity = format!("{} {}", str_of(&info["name"], "(no name)"), str_of(&info["version"], ""));
    if let Some(title) = info["title"].as_str() {
        identity.push_str(&format!(" ({title})"));
    }
    lines.push(identity.trim_end().to_owned());
    lines.push(format!("protocol: {}", str_of(&report["protocolVersion"], "?")));
    lines.push(format!("capabilities: {}", capabilities(&report["capabilities"])));
    if let Some(instructions) = report["instructions"].as_str() {
        lines.push(format!("instructions: {instructions}"));
    }
    section(&mut lines, "tools", &report["tools"], |t| {
        format!("{}({}){}", str_of(&t["name"], "?"), parameters(&t["inputSchema"]), about(t))
    });
    section(&mut lines, "resources", &report["resources"], |r| {
        format!("{}  {}{}{}", str_of(&r["uri"], "?"), str_of(&r["name"], ""), mime(r), about(r))
    });
    section(&mut lines, "resource templates", &report["resourceTemplates"], |r| {
        format!("{}  {}{}{}", str_of(&r["uriTemplate"], "?"), str_of(&r["name"], ""), mime(r), about(r))
    });
    section(&mut lines, "prompts", &report["prompts"], |p| {
        format!("{}({}){}", str_of(&p["name"], "?"), prompt_arguments(&p["arguments"]), about(p))
    });
    lines.join("\n")
}

/// A list's heading with its count, then one line per item.
fn section(lines: &mut Vec<String>, title: &str, items: &Value, line: impl Fn(&Value) -> String) {
    if items.as_array().is_none_or(Vec::is_empty) && title != "tools" {
        return;
    }
    let items = items.as_array().map(Vec::as_slice).unwrap_or_default();
    lines.push(String::new());
    lines.push(format!("{title} ({})", items.len()));
    lines.extend(items.iter().map(|item| format!("  {}", line(item))));
}

/// `tools (listChanged), resources (subscribe, listChanged), ...`.
fn capabilities(caps: &Value) -> String {
    let Some(caps) = caps.as_object().filter(|c| !c.is_empty()) else { return "none".into() };
    let named = caps.iter().map(|(name, detail)| {
        let flags: Vec<&str> = match detail.as_object() {
            Some(detail) => detail.iter().filter(|(_, v)| **v != Value::Bool(false)).map(|(k, _)| k.as_str()).collect(),
            None => vec![],
        };
        if flags.is_empty() { name.clone() } else { format!("{name} ({})", flags.join(", ")) }
    });
    named.collect::<Vec<_>>().join(", ")
}

/// A tool's parameters from its input schema: `a: number, [note: string]` (optional ones in
/// brackets).
fn parameters(schema: &Value) -> String {
    let required: Vec<&str> =
        schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else { return String::new() };
    let list = properties.iter().map(|(name, property)| {
        let shown = format!("{name}: {}", type_of(property));
        if required.contains(&name.as_str()) { shown } else { format!("[{shown}]") }
    });
    list.collect::<Vec<_>>().join(", ")
}

/// A schema's type: `string`, `integer|null`, or `any`.
fn type_of(property: &Value) -> String {
    match &property["type"] {
        Value::String(t) => t.clone(),
        Value::Array(types) => types.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("|"),
        _ if property.get("enum").is_some() => "enum".into(),
        _ => "any".into(),
    }
}

/// A prompt's arguments: `name, [style]`.
fn prompt_arguments(arguments: &Value) -> String {
    let list = arguments.as_array().map(Vec::as_slice).unwrap_or_default().iter().map(|a| {
        let name = str_of(&a["name"], "?");
        if a["required"] == Value::Bool(true) { name.to_owned() } else { format!("[{name}]") }
    });
    list.collect::<Vec<_>>().join(", ")
}

/// `  (mime/type)` when the item names its MIME type.
fn mime(item: &Value) -> String {
    item["mimeType"].as_str().map(|m| format!(" ({m})")).unwrap_or_default()
}

/// `  — the first line of the description`, when there is one.
fn about(item: &Value) -> String {
    let text = item["description"].as_str().or(item["title"].as_str()).unwrap_or_default();
    match text.lines().map(str::trim).find(|l| !l.is_empty()) {
        Some(first) => format!(" - {first}"),
        None => String::new(),
    }
}

fn str_of<'a>(value: &'a Value, otherwise: &'a str) -> &'a str {
    value.as_str().unwrap_or(otherwise)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_reads_as_text() {
        let report = json!({
            "serverInfo": { "name": "demo", "version": "1.0" },
            "protocolVersion": "2025-11-25",
            "capabilities": { "tools": { "listChanged": true }, "logging": {} },
            "tools": [{ "name": "add", "description": "Adds.\nMore.", "inputSchema": {
                "type": "object", "properties": { "a": { "type": "number" }, "b": { "type": ["integer", "null"] } },
                "required": ["a"] } }],
            "resources": [], "resourceTemplates": [],
            "prompts": [{ "name": "greet", "arguments": [{ "name": "who", "required": true }, { "name": "style" }] }],
        });
        let text = render(&report);
        assert!(
            text.starts_with("demo 1.0\nprotocol: 2025-11-25\ncapabilities: logging, tools (listChanged)\n"),
            "{text}"
        );
        assert!(text.contains("tools (1)\n  add(a: number, [b: integer|null]) - Adds."), "{text}");
        assert!(text.contains("prompts (1)\n  greet(who, [style])"), "{text}");
    }
}
