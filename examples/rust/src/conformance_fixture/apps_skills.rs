//! MCP Apps and skills on the fixture, the same in every language's fixture so one test
//! drives all four with the official clients (tests/apps_skills): the tool `test_app_tool`
//! linked to the app `ui://conformance/app.html`, and the skills of `examples/data/skills`
//! (what the conformance suite's `sep-2640-skills-*` scenarios read).

use mcpforge::{AppCsp, AppResource, ServerBuilder, Tool, ToolError};
use serde_json::{Value, json};

/// The app's URI.
pub const APP_URI: &str = "ui://conformance/app.html";

/// The app's HTML.
pub const APP_HTML: &str = "<!doctype html><html><body><p id=\"result\">waiting</p></body></html>";

/// The directory of skills the fixture serves.
pub const SKILLS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/skills");

/// Registers the app with its tool, and the skills.
pub fn apps_and_skills(builder: ServerBuilder) -> ServerBuilder {
    let csp = AppCsp { connect_domains: vec!["https://api.example.com".into()], ..AppCsp::default() };
    let app = AppResource::new(APP_URI, APP_HTML).name("conformance app").csp(csp).prefers_border(true);
    let tool = Tool::new("test_app_tool")
        .description("MCP Apps: answers a text that its app shows")
        .input_schema(json!({ "type": "object" }));
    builder.app_tool(tool, app, |_: Value| async move { Ok::<_, ToolError>("shown in the app") }).skills_dir(SKILLS_DIR)
}
