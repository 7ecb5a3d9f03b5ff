//! Tool definitions as listed by `tools/list`.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Hints about a tool's behaviour (untrusted by clients).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolAnnotations {
    /// Human-readable title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The tool does not modify its environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only_hint: Option<bool>,
    /// The tool may perform destructive updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destructive_hint: Option<bool>,
    /// Calling the tool repeatedly with the same arguments has no additional effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotent_hint: Option<bool>,
    /// The tool interacts with an open world of external entities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_world_hint: Option<bool>,
}

/// Whether a tool may run as a task (the Tasks extension on 2026-07-28, the experimental
/// core tasks of 2025-11-25).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskSupport {
    /// Always answered synchronously (the default).
    #[default]
    Forbidden,
    /// Runs as a task when the client supports tasks, synchronously otherwise.
    Optional,
    /// Runs only as a task: a client without task support gets an error (-32021 on
    /// 2026-07-28, -32601 on 2025-11-25).
    Required,
}

/// How a tool executes (`execution`, listed on 2025-11-25 only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolExecution {
    /// Whether the tool may run as a task.
    #[serde(default)]
    pub task_support: TaskSupport,
}

/// How a tool's returned JSON value (`Json`, `JsonText`) is written as content blocks; the
/// `structuredContent` does not depend on it. Set per tool ([`Tool::value_content`]); the
/// rule is `crate::tool_output`'s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ValueContent {
    /// One text block holding the value's JSON (`null`: none without an `outputSchema`, the
    /// text `null` with one). Every binding's default.
    #[default]
    Mirror,
    /// An array as one block per item, nested arrays flattened (a string item is its text, a
    /// `null` item no block, any other item its JSON text indented by two spaces), and `null`
    /// as no block at all: the
    /// content the official Python SDK's `MCPServer` writes, which its drop-in classes ask for.
    PerItem,
}

/// A tool definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    /// Unique name (1–128 chars of `[A-Za-z0-9_.-]` recommended).
    pub name: String,
    /// Human-readable title (2025-06-18+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the tool does, for the model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of the arguments (root `type: "object"`), passed through verbatim.
    #[serde(rename = "inputSchema")]
    pub input_schema: Value,
    /// JSON Schema of `structuredContent` (2025-06-18+).
    #[serde(rename = "outputSchema", skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Value>,
    /// Behaviour hints (2025-03-26+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<ToolAnnotations>,
    /// Icons (2025-11-25+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icons: Option<Vec<Value>>,
    /// Execution properties: task support (listed on 2025-11-25 only; see [`Tool::task_support`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution: Option<ToolExecution>,
    /// Engine-side, never listed: on 2026-07-28 the handler starts inside the `tools/call`
    /// request and becomes a task only when it calls `RequestContext::start_task` (see
    /// [`Tool::defer_task`]). Read from a definition's `deferTask` (the form the C and Node
    /// bindings register tools in).
    #[serde(default, rename = "deferTask", skip_serializing)]
    pub defer_task: bool,
    /// Engine-side, never listed: how a returned JSON value is written as content blocks
    /// (see [`ValueContent`] and [`Tool::value_content`]). Read from a definition's
    /// `valueContent` (`"mirror"`, the default, or `"perItem"`).
    #[serde(default, rename = "valueContent", skip_serializing)]
    pub value_content: ValueContent,
    /// Engine-side, never listed: the `outputSchema` is the wrapped form
    /// `{"result": <the return type>}`, so every returned value, objects too, is structured
    /// as `{"result": value}` (see [`Tool::wrapped_output`]). Read from a definition's
    /// `wrappedOutput`.
    #[serde(default, rename = "wrappedOutput", skip_serializing)]
    pub wrapped_output: bool,
    /// Engine-side, never listed: the OAuth scopes a request's bearer grant must hold to see
    /// the tool in `tools/list` and to call it (see [`Tool::required_scopes`]). Read from a
    /// definition's `requiredScopes` (an array of scope tokens).
    #[serde(default, rename = "requiredScopes", skip_serializing)]
    pub required_scopes: Vec<String>,
    /// Engine-side, never listed as such: the app the tool links to, written into `_meta.ui`
    /// when the tool is registered (see [`Tool::ui`]). Read from a definition's `ui`.
    #[serde(default, skip_serializing)]
    pub ui: Option<super::tool_ui::ToolUi>,
    /// Extra metadata.
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

impl Tool {
    /// A tool taking no arguments; set a schema with [`Tool::input_schema`].
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            title: None,
            description: None,
            input_schema: json!({ "type": "object", "additionalProperties": false }),
            output_schema: None,
            annotations: None,
            icons: None,
            execution: None,
            defer_task: false,
            value_content: ValueContent::Mirror,
            wrapped_output: false,
            required_scopes: Vec::new(),
            ui: None,
            meta: None,
        }
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the input schema.
    pub fn input_schema(mut self, schema: Value) -> Self {
        self.input_schema = schema;
        self
    }

    /// Sets the output schema.
    pub fn output_schema(mut self, schema: Value) -> Self {
        self.output_schema = Some(schema);
        self
    }

    /// Sets the annotations.
    pub fn annotations(mut self, annotations: ToolAnnotations) -> Self {
        self.annotations = Some(annotations);
        self
    }

    /// Sets the icons.
    pub fn icons(mut self, icons: Vec<Value>) -> Self {
        self.icons = Some(icons);
        self
    }

    /// Sets whether the tool may run as a task (`execution.taskSupport`). A task-capable tool
    /// makes the server advertise tasks: the `io.modelcontextprotocol/tasks` extension on
    /// 2026-07-28, the `tasks` capability on 2025-11-25.
    pub fn task_support(mut self, support: TaskSupport) -> Self {
        self.execution = Some(ToolExecution { task_support: support });
        self
    }

    /// The tool's task support (`Forbidden` when not set).
    pub fn task_support_level(&self) -> TaskSupport {
        self.execution.as_ref().map(|e| e.task_support).unwrap_or_default()
    }

    /// Gathers client input before becoming a task (2026-07-28 only): the handler starts
    /// inside the `tools/call` request, where its asks are multi-round-trip asks of that
    /// request, and the task is created when it calls `RequestContext::start_task`; the
    /// handler then runs again from the start as the task, its earlier asks answered. Without
    /// this, a task is created before the handler runs. On 2025-11-25 the task is always
    /// created first (`start_task` returns at once).
    pub fn defer_task(mut self) -> Self {
        self.defer_task = true;
        self
    }

    /// Sets how a returned JSON value is written as content blocks ([`ValueContent`]; the
    /// `structuredContent` does not change).
    pub fn value_content(mut self, value_content: ValueContent) -> Self {
        self.value_content = value_content;
        self
    }

    /// Declares the tool's object `outputSchema` to be the wrapped form of a return type
    /// that is not an object (`{"type": "object", "properties": {"result": ...}}`, as
    /// Python derives it from a return annotation such as `-> list[int]` or `-> dict | int`):
    /// every returned value, an object too, is then structured as `{"result": value}`.
    /// Without it only values that are not objects are wrapped.
    pub fn wrapped_output(mut self) -> Self {
        self.wrapped_output = true;
        self
    }

    /// Sets the OAuth scopes a caller needs for this tool, on top of the server's
    /// (`AuthOptions::required_scopes`). A request whose bearer grant lacks one does not see
    /// the tool in `tools/list`, and a call of it is refused: over HTTP with 403
    /// `insufficient_scope` and a challenge naming every scope the call needs. A request
    /// without a grant (stdio, in memory, HTTP without `auth`) is not checked. Each scope is
    /// a scope token (RFC 6749 §3.3: visible ASCII without `"` and `\`, no spaces).
    pub fn required_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.required_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Links the tool to the MCP app at `uri` (`ui://...`): hosts render that app with the
    /// tool's results (written into `_meta.ui` when the tool is registered).
    pub fn ui(mut self, uri: impl Into<String>) -> Self {
        let visibility = self.ui.take().and_then(|u| u.visibility);
        self.ui = Some(super::tool_ui::ToolUi { resource_uri: uri.into(), visibility });
        self
    }

    /// Who may call a tool linked to an app: `model`, `app` or both (the default); a tool
    /// only its app calls is left out of what the model is offered.
    pub fn ui_visibility<I, S>(mut self, visibility: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let list = Some(visibility.into_iter().map(Into::into).collect());
        let uri = self.ui.take().map(|u| u.resource_uri).unwrap_or_default();
        self.ui = Some(super::tool_ui::ToolUi { resource_uri: uri, visibility: list });
        self
    }

    /// Writes the link to its app ([`Tool::ui`]) into `_meta` (see
    /// [`super::tool_ui::ToolUi::write_into`]); `Err` says what is wrong with it.
    pub fn link_ui(&mut self) -> Result<(), String> {
        match self.ui.take() {
            Some(ui) => ui.write_into(&mut self.meta),
            None => Ok(()),
        }
    }
}
