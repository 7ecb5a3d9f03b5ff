//! The method table: every MCP method and notification the engine serves, sends or reads,
//! one row each (its wire name, the protocol versions it exists in, who sends it, what it
//! names, its routing header and its capability gate). Every other module reads the facts
//! of a method from here; no other file of the crate spells a method name.

use super::version::ProtocolVersion;

/// A set of protocol versions: the ones a method exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions(u8);

impl Versions {
    /// One version.
    pub const fn of(version: ProtocolVersion) -> Versions {
        Versions(1 << version as u8)
    }

    /// Every version this one and the next have.
    pub const fn and(self, other: Versions) -> Versions {
        Versions(self.0 | other.0)
    }

    /// Every version negotiated by the `initialize` handshake (2024-11-05 to 2025-11-25).
    pub const LEGACY: Versions = Versions::of(ProtocolVersion::V2024_11_05)
        .and(Versions::of(ProtocolVersion::V2025_03_26))
        .and(Versions::of(ProtocolVersion::V2025_06_18))
        .and(Versions::of(ProtocolVersion::V2025_11_25));

    /// The stateless 2026-07-28 wire.
    pub const MODERN: Versions = Versions::of(ProtocolVersion::V2026_07_28);

    /// Every version.
    pub const EVERY: Versions = Versions::LEGACY.and(Versions::MODERN);

    /// The versions with tasks: 2025-11-25 (a capability) and 2026-07-28 (an extension).
    pub const TASKS: Versions = Versions::of(ProtocolVersion::V2025_11_25).and(Versions::MODERN);

    /// 2025-11-25 alone: the tasks methods 2026 dropped.
    pub const TASKS_LEGACY: Versions = Versions::of(ProtocolVersion::V2025_11_25);

    /// Whether `version` is in the set.
    pub const fn contains(self, version: ProtocolVersion) -> bool {
        self.0 & Versions::of(version).0 != 0
    }

    /// Whether the method exists on the 2026-07-28 wire.
    pub const fn on_modern(self) -> bool {
        self.contains(ProtocolVersion::V2026_07_28)
    }

    /// Whether the method exists on some legacy (session) version.
    pub const fn on_legacy(self) -> bool {
        self.0 & Versions::LEGACY.0 != 0
    }
}

/// A message that expects an answer, or one that does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A JSON-RPC request (has an id, gets a response).
    Request,
    /// A JSON-RPC notification.
    Notification,
}

/// Who sends the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The client sends it; the server serves or reads it.
    Client,
    /// The server sends it to the client.
    Server,
    /// Either side may send it (`notifications/cancelled`, `notifications/progress`).
    Either,
}

/// What a request names among the server's registered items (or its tasks), by which field
/// of its params.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// Nothing.
    Nothing,
    /// A tool, by `name`.
    Tool,
    /// A prompt, by `name`.
    Prompt,
    /// A resource (or the template its URI matches), by `uri`.
    Resource,
    /// A prompt or a resource template, by `ref` (`{type, name | uri}`).
    Reference,
    /// A task, by `taskId`.
    Task,
}

impl Names {
    /// The params field that holds the name (`None` for [`Names::Nothing`]).
    pub const fn field(self) -> Option<&'static str> {
        match self {
            Names::Nothing => None,
            Names::Tool | Names::Prompt => Some("name"),
            Names::Resource => Some("uri"),
            Names::Reference => Some("ref"),
            Names::Task => Some("taskId"),
        }
    }

    /// Whether the name is a registered item (a tool, prompt, resource or reference), what
    /// middleware, metrics and spans label a request by.
    pub const fn is_item(self) -> bool {
        matches!(self, Names::Tool | Names::Prompt | Names::Resource | Names::Reference)
    }
}

/// The capability a method is served behind (-32601 when the server does not have it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Always served.
    Open,
    /// The tools capability.
    Tools,
    /// The resources capability.
    Resources,
    /// The resources capability with subscriptions on.
    ResourceSubscriptions,
    /// The prompts capability.
    Prompts,
    /// Completions (on 2025-03-26 and later, only with a provider registered).
    Completions,
    /// The logging capability.
    Logging,
    /// Tasks (advertised, and the version's own task methods).
    Tasks,
    /// `subscriptions/listen`, unless the server turned it off.
    Listen,
    /// The skills extension: served while a skill is registered.
    Skills,
}

/// One row of the table: everything the engine knows about a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The method.
    pub method: Method,
    /// Its name on the wire.
    pub wire: &'static str,
    /// Request or notification.
    pub kind: Kind,
    /// Who sends it.
    pub sender: Sender,
    /// The protocol versions it exists in.
    pub versions: Versions,
    /// What it names, and by which params field.
    pub names: Names,
    /// Whether the 2026 HTTP wire mirrors that name in the `Mcp-Name` header.
    pub name_header: bool,
    /// Whether naming the method alone puts a request on the 2026 wire (no `_meta` needed to
    /// tell; a missing one is then -32602).
    pub marks_modern: bool,
    /// The capability it is served behind.
    pub gate: Gate,
}

macro_rules! method_table {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $wire:literal, $kind:ident, $sender:ident, $versions:ident, $names:ident, $header:literal, $modern:literal, $gate:ident;
    )*) => {
        /// Every MCP method and notification the engine knows (see the module's table).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Method {
            $( $(#[$doc])* $variant, )*
        }

        /// The table, one row per [`Method`], in declaration order.
        pub const TABLE: &[Row] = &[$(
            Row {
                method: Method::$variant,
                wire: $wire,
                kind: Kind::$kind,
                sender: Sender::$sender,
                versions: Versions::$versions,
                names: Names::$names,
                name_header: $header,
                marks_modern: $modern,
                gate: Gate::$gate,
            },
        )*];

        impl Method {
            /// The method of a wire name (`None`: a method the engine does not know). A
            /// match on the string: no allocation, no table walk.
            pub fn from_wire(wire: &str) -> Option<Method> {
                match wire {
                    $( $wire => Some(Method::$variant), )*
                    _ => None,
                }
            }

            /// The wire name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Method::$variant => $wire, )*
                }
            }
        }
    };
}

// The request rows come first, in the order metrics report them.
method_table! {
    /// `initialize`: the legacy handshake.
    Initialize = "initialize", Request, Client, LEGACY, Nothing, false, false, Open;
    /// `ping`.
    Ping = "ping", Request, Either, LEGACY, Nothing, false, false, Open;
    /// `server/discover`: the 2026 wire's capabilities and versions.
    ServerDiscover = "server/discover", Request, Client, MODERN, Nothing, false, true, Open;
    /// `tools/list`.
    ToolsList = "tools/list", Request, Client, EVERY, Nothing, false, false, Tools;
    /// `tools/call`.
    ToolsCall = "tools/call", Request, Client, EVERY, Tool, true, false, Tools;
    /// `resources/list`.
    ResourcesList = "resources/list", Request, Client, EVERY, Nothing, false, false, Resources;
    /// `resources/templates/list`.
    ResourceTemplatesList = "resources/templates/list", Request, Client, EVERY, Nothing, false, false, Resources;
    /// `resources/read`.
    ResourcesRead = "resources/read", Request, Client, EVERY, Resource, true, false, Resources;
    /// `resources/subscribe` (legacy; 2026 subscribes through `subscriptions/listen`).
    ResourcesSubscribe = "resources/subscribe", Request, Client, LEGACY, Resource, false, false, ResourceSubscriptions;
    /// `resources/unsubscribe`.
    ResourcesUnsubscribe = "resources/unsubscribe", Request, Client, LEGACY, Resource, false, false, ResourceSubscriptions;
    /// `prompts/list`.
    PromptsList = "prompts/list", Request, Client, EVERY, Nothing, false, false, Prompts;
    /// `prompts/get`.
    PromptsGet = "prompts/get", Request, Client, EVERY, Prompt, true, false, Prompts;
    /// `completion/complete`.
    CompletionComplete = "completion/complete", Request, Client, EVERY, Reference, false, false, Completions;
    /// `logging/setLevel` (legacy; 2026 sets the level per request in `_meta`).
    LoggingSetLevel = "logging/setLevel", Request, Client, LEGACY, Nothing, false, false, Logging;
    /// `subscriptions/listen`: the 2026 stream of notifications.
    SubscriptionsListen = "subscriptions/listen", Request, Client, MODERN, Nothing, false, true, Listen;
    /// `tasks/get`.
    TasksGet = "tasks/get", Request, Client, TASKS, Task, true, false, Tasks;
    /// `tasks/update` (2026: answers a task's input requests).
    TasksUpdate = "tasks/update", Request, Client, MODERN, Task, true, false, Tasks;
    /// `tasks/cancel`.
    TasksCancel = "tasks/cancel", Request, Client, TASKS, Task, true, false, Tasks;
    /// `tasks/result` (2025-11-25: waits for a task's result).
    TasksResult = "tasks/result", Request, Client, TASKS_LEGACY, Task, false, false, Tasks;
    /// `tasks/list` (2025-11-25).
    TasksList = "tasks/list", Request, Client, TASKS_LEGACY, Nothing, false, false, Tasks;
    /// `skills/list`: the skills extension's list of skills.
    SkillsList = "skills/list", Request, Client, EVERY, Nothing, false, false, Skills;
    /// `skills/get`: one skill's entry, by the URI of its `SKILL.md`.
    SkillsGet = "skills/get", Request, Client, EVERY, Nothing, false, false, Skills;
    /// `resources/directory/read`: the children of a skill's directory.
    ResourcesDirectoryRead = "resources/directory/read", Request, Client, EVERY, Nothing, false, false, Skills;
    /// `elicitation/create`: the server asks the user for input.
    ElicitationCreate = "elicitation/create", Request, Server, EVERY, Nothing, false, false, Open;
    /// `sampling/createMessage`: the server asks the client's model.
    SamplingCreateMessage = "sampling/createMessage", Request, Server, EVERY, Nothing, false, false, Open;
    /// `roots/list`: the server asks for the client's roots.
    RootsList = "roots/list", Request, Server, EVERY, Nothing, false, false, Open;
    /// `notifications/initialized`: the end of the legacy handshake.
    Initialized = "notifications/initialized", Notification, Client, LEGACY, Nothing, false, false, Open;
    /// `notifications/cancelled`.
    Cancelled = "notifications/cancelled", Notification, Either, EVERY, Nothing, false, false, Open;
    /// `notifications/progress`.
    Progress = "notifications/progress", Notification, Either, EVERY, Nothing, false, false, Open;
    /// `notifications/message`: a log message.
    LogMessage = "notifications/message", Notification, Server, EVERY, Nothing, false, false, Open;
    /// `notifications/tools/list_changed`.
    ToolListChanged = "notifications/tools/list_changed", Notification, Server, EVERY, Nothing, false, false, Open;
    /// `notifications/prompts/list_changed`.
    PromptListChanged = "notifications/prompts/list_changed", Notification, Server, EVERY, Nothing, false, false, Open;
    /// `notifications/resources/list_changed`.
    ResourceListChanged = "notifications/resources/list_changed", Notification, Server, EVERY, Nothing, false, false, Open;
    /// `notifications/resources/updated`.
    ResourceUpdated = "notifications/resources/updated", Notification, Server, EVERY, Nothing, false, false, Open;
    /// `notifications/roots/list_changed` (legacy).
    RootsListChanged = "notifications/roots/list_changed", Notification, Client, LEGACY, Nothing, false, false, Open;
    /// `notifications/elicitation/complete`: a URL-mode elicitation finished out of band.
    ElicitationComplete = "notifications/elicitation/complete", Notification, Server, TASKS, Nothing, false, false, Open;
    /// `notifications/tasks`: a task's change, on a 2026 listen stream.
    TaskChanged = "notifications/tasks", Notification, Server, MODERN, Nothing, false, false, Open;
    /// `notifications/subscriptions/acknowledged`: the first message of a listen stream.
    SubscriptionsAcknowledged = "notifications/subscriptions/acknowledged", Notification, Server, MODERN, Nothing, false, false, Open;
}

impl Method {
    /// Every method, in table order.
    pub fn all() -> impl Iterator<Item = Method> {
        TABLE.iter().map(|r| r.method)
    }

    /// The method's row.
    pub const fn row(self) -> &'static Row {
        &TABLE[self as usize]
    }

    /// What the method names.
    pub const fn names(self) -> Names {
        self.row().names
    }

    /// The params field the `Mcp-Name` header mirrors, if the method has that header.
    pub const fn name_header_field(self) -> Option<&'static str> {
        if self.row().name_header { self.row().names.field() } else { None }
    }

    /// Whether the method was removed on the 2026-07-28 wire (-32601 when it arrives there).
    pub const fn is_legacy_only(self) -> bool {
        !self.row().versions.on_modern()
    }

    /// Whether its result is cacheable on the 2026 wire (carries `ttlMs` and `cacheScope`):
    /// discovery, the lists and reads.
    pub const fn is_cacheable(self) -> bool {
        matches!(
            self,
            Method::ServerDiscover
                | Method::ToolsList
                | Method::ResourcesList
                | Method::ResourceTemplatesList
                | Method::ResourcesRead
                | Method::PromptsList
                | Method::SkillsList
                | Method::SkillsGet
                | Method::ResourcesDirectoryRead
        )
    }

    /// Whether the method is a request a client sends the server: what the router serves
    /// and metrics count.
    pub const fn is_served(self) -> bool {
        let row = self.row();
        matches!(row.kind, Kind::Request) && matches!(row.sender, Sender::Client | Sender::Either)
    }
}

/// How many rows mark the 2026 wire.
const MARKING: usize = {
    let (mut i, mut n) = (0, 0);
    while i < TABLE.len() {
        n += TABLE[i].marks_modern as usize;
        i += 1;
    }
    n
};

/// The wire names of the rows that mark the 2026 wire, taken from the table when compiled:
/// every request asks, so this compares with these few names rather than matching all.
const MARKS: [&str; MARKING] = {
    let (mut out, mut i, mut n) = ([""; MARKING], 0, 0);
    while i < TABLE.len() {
        if TABLE[i].marks_modern {
            out[n] = TABLE[i].wire;
            n += 1;
        }
        i += 1;
    }
    out
};

/// Whether naming `method` alone puts a request on the 2026 wire ([`Row::marks_modern`]).
pub fn marks_modern(method: &str) -> bool {
    MARKS.contains(&method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_round_trips_and_sits_at_its_index() {
        for (i, row) in TABLE.iter().enumerate() {
            assert_eq!(row.method as usize, i, "{} is not at its own index", row.wire);
            assert_eq!(Method::from_wire(row.wire), Some(row.method));
            assert_eq!(row.method.as_str(), row.wire);
            assert_eq!(Method::from_wire(row.method.as_str()), Some(row.method));
        }
        assert_eq!(Method::from_wire("tools/Call"), None);
        assert_eq!(Method::from_wire(""), None);
    }

    #[test]
    fn names_are_unique_and_notifications_are_named_so() {
        let mut seen = std::collections::HashSet::new();
        for row in TABLE {
            assert!(seen.insert(row.wire), "{} appears twice", row.wire);
            let named = row.wire.starts_with("notifications/");
            assert_eq!(named, row.kind == Kind::Notification, "{}", row.wire);
        }
    }

    /// The era rules of the specification: tasks exist from 2025-11-25 only; the 2026 wire
    /// dropped the handshake, `ping`, `logging/setLevel`, legacy subscriptions and roots
    /// change notifications; `server/discover` and listen streams exist only there.
    #[test]
    fn rows_agree_with_the_eras_of_the_specification() {
        let before_tasks = [ProtocolVersion::V2024_11_05, ProtocolVersion::V2025_03_26, ProtocolVersion::V2025_06_18];
        for row in TABLE {
            if row.wire.starts_with("tasks/") {
                assert_eq!(row.gate, Gate::Tasks, "{}", row.wire);
                for v in before_tasks {
                    assert!(!row.versions.contains(v), "{} exists before tasks did ({})", row.wire, v.as_str());
                }
            }
            if row.marks_modern {
                assert_eq!(row.versions, Versions::MODERN, "{} marks the 2026 wire but exists elsewhere", row.wire);
            }
            if row.name_header {
                assert!(row.versions.on_modern(), "{} has a 2026 header but no 2026 form", row.wire);
                assert!(row.names.field().is_some(), "{} has a name header but names nothing", row.wire);
            }
            assert!(row.versions != Versions(0), "{} exists in no version", row.wire);
        }
        let mut legacy_only: Vec<&str> = Method::all().filter(|m| m.is_legacy_only()).map(Method::as_str).collect();
        legacy_only.sort_unstable();
        assert_eq!(
            legacy_only,
            [
                "initialize",
                "logging/setLevel",
                "notifications/initialized",
                "notifications/roots/list_changed",
                "ping",
                "resources/subscribe",
                "resources/unsubscribe",
                "tasks/list",
                "tasks/result",
            ]
        );
        let marks: Vec<&str> = TABLE.iter().filter(|r| r.marks_modern).map(|r| r.wire).collect();
        assert_eq!(marks, ["server/discover", "subscriptions/listen"]);
        assert_eq!(MARKS.as_slice(), marks);
        assert!(marks.iter().all(|m| marks_modern(m)) && !marks_modern("tools/call") && !marks_modern("nope"));
        let headers: Vec<&str> = TABLE.iter().filter(|r| r.name_header).map(|r| r.wire).collect();
        assert_eq!(
            headers,
            ["tools/call", "resources/read", "prompts/get", "tasks/get", "tasks/update", "tasks/cancel"]
        );
    }
}
