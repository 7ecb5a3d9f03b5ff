//! The {{name}} MCP server: its tools, built once for the command (`src/main.rs`) and the
//! tests (`tests/server.rs`).

use mcpforge::{Error, Server, ToolError};
use schemars::JsonSchema;
use serde::Deserialize;

/// Arguments of `greet`.
#[derive(Deserialize, JsonSchema)]
struct GreetArgs {
    /// Who to greet.
    name: String,
}

/// The server with its tools.
pub fn server() -> Result<Server, Error> {
    Server::builder("{{name}}", env!("CARGO_PKG_VERSION"))
        .description("{{description}}")
        .typed_tool::<GreetArgs, _>("greet", "Greet someone by name.", |args: GreetArgs| async move {
            Ok::<_, ToolError>(format!("Hello, {}!", args.name))
        })
        .build()
}
