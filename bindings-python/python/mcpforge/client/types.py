"""The results a ``mcpforge.client.Client`` returns and the params its callbacks receive:
plain objects over the server's JSON that read like the official ``mcp`` types, without
needing that package. Each field reads by its wire name (``result.structuredContent``,
``result.isError``, ``tool.inputSchema``, as in ``mcp`` 1.x) and by its snake_case name
(``result.structured_content``, ``result.is_error``, as in ``mcp`` 2.x); ``meta`` is
``_meta``. A field the server left out reads as None (a list as empty, ``isError`` as
False). Nested objects (content blocks, tools, messages) are typed the same way, made when
first read. ``model_dump()`` gives the wire dict back.

Callbacks may return these types, built with keywords in either spelling
(``CreateMessageResult(role="assistant", content=TextContent(type="text", text="hi"),
model="m")``), the official pydantic models, or plain dicts in the wire form.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Dict, FrozenSet, List, Optional, Type, TypeVar, Union

__all__ = [
    "Model", "Implementation", "ErrorData", "EmptyResult",
    "TextContent", "ImageContent", "AudioContent", "ResourceLink", "EmbeddedResource", "ContentBlock",
    "TextResourceContents", "BlobResourceContents",
    "PaginatedResult", "Tool", "ListToolsResult", "CallToolResult",
    "Resource", "ListResourcesResult", "ResourceTemplate", "ListResourceTemplatesResult", "ReadResourceResult",
    "PromptArgument", "Prompt", "ListPromptsResult", "PromptMessage", "GetPromptResult",
    "Completion", "CompleteResult",
    "Root", "ListRootsResult", "SamplingMessage", "CreateMessageRequestParams", "CreateMessageResult",
    "ElicitRequestParams", "ElicitResult", "LoggingMessageNotificationParams", "ServerNotification", "ServerCapabilities",
    "Task", "CreateTaskResult", "GetTaskResult", "ListTasksResult", "CancelTaskResult",
]

M = TypeVar("M", bound="Model")


def _wire_name(name: str) -> str:
    """``structured_content`` -> ``structuredContent``; ``meta`` -> ``_meta``."""
    if name == "meta":
        return "_meta"
    if "_" not in name.strip("_"):
        return name
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _dump(value: Any) -> Any:
    """A value in its wire form: models and official pydantic models as dicts, recursively."""
    if isinstance(value, Model):
        return value.model_dump()
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_dump(v) for v in value]
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(by_alias=True, mode="json", exclude_none=True)
    return value


class Model:
    """One object of the protocol over its wire dict (see the module docs)."""

    # The fields each class declares (both spellings), gathered from its annotations.
    _fields: ClassVar[FrozenSet[str]] = frozenset()
    # How a nested field is made from its JSON, by wire name.
    _nested: ClassVar[Dict[str, Callable[[Any], Any]]] = {}
    # What a field the server left out reads as, by wire name (None otherwise).
    _defaults: ClassVar[Dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = set(cls._fields)
        for name in cls.__dict__.get("__annotations__", {}):
            if not name.startswith("_"):
                names.update((name, _wire_name(name)))
        cls._fields = frozenset(names)

    def __init__(self, **fields: Any) -> None:
        self._data: Dict[str, Any] = {_wire_name(k): _dump(v) for k, v in fields.items() if v is not None}

    @classmethod
    def from_wire(cls: Type[M], data: Dict[str, Any]) -> M:
        """The object over ``data`` (kept, not copied)."""
        made = cls.__new__(cls)
        made._data = data if isinstance(data, dict) else {}
        return made

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_data":
            raise AttributeError(name)
        key = _wire_name(name)
        data = self._data
        if key in data:
            value = data[key]
        elif name in data:
            value = data[name]
        elif name in self._fields or key in self._fields:
            default = self._defaults.get(key)
            value = list(default) if isinstance(default, list) else default
            if value is None:
                return None
        else:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        make = self._nested.get(key)
        if make is not None and value is not None:
            value = make(value)
        # Kept: the next read finds it without coming here.
        self.__dict__[name] = value
        return value

    def model_dump(self, **_options: Any) -> Dict[str, Any]:
        """The wire dict (the options of pydantic's ``model_dump`` are accepted and ignored:
        the wire form, by alias, without None, is what this always gives)."""
        return self._data

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Model):
            return type(self) is type(other) and self._data == other._data
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal by value, and mutable

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"


def _each(make: Callable[[Any], Any]) -> Callable[[Any], List[Any]]:
    return lambda items: [make(i) for i in items] if isinstance(items, list) else []


def _of(cls: Type[Model]) -> Callable[[Any], Any]:
    return lambda value: cls.from_wire(value) if isinstance(value, dict) else value


class Implementation(Model):
    """A client's or server's name and version."""

    name: str
    version: str
    title: Optional[str]


class ErrorData(Model):
    """A JSON-RPC error; a callback may return one to refuse the server's request."""

    code: int
    message: str
    data: Any

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(code=code, message=message, data=data)


class EmptyResult(Model):
    """The result of ``ping``, ``subscribe_resource``, ``set_logging_level``, ..."""

    meta: Optional[Dict[str, Any]]


class TextContent(Model):
    """A text block."""

    type: str
    text: str
    annotations: Optional[Dict[str, Any]]
    meta: Optional[Dict[str, Any]]


class ImageContent(Model):
    """An image block (``data`` is base64)."""

    type: str
    data: str
    mimeType: str
    mime_type: str
    annotations: Optional[Dict[str, Any]]
    meta: Optional[Dict[str, Any]]


class AudioContent(ImageContent):
    """An audio block (``data`` is base64)."""


class TextResourceContents(Model):
    """A resource's contents as text."""

    uri: str
    mimeType: Optional[str]
    mime_type: Optional[str]
    text: str
    meta: Optional[Dict[str, Any]]


class BlobResourceContents(Model):
    """A resource's contents as bytes (``blob`` is base64)."""

    uri: str
    mimeType: Optional[str]
    mime_type: Optional[str]
    blob: str
    meta: Optional[Dict[str, Any]]


def _contents(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    return BlobResourceContents.from_wire(value) if "blob" in value else TextResourceContents.from_wire(value)


class ResourceLink(Model):
    """A link to a resource."""

    type: str
    uri: str
    name: str
    title: Optional[str]
    description: Optional[str]
    mimeType: Optional[str]
    mime_type: Optional[str]
    size: Optional[int]
    meta: Optional[Dict[str, Any]]


class EmbeddedResource(Model):
    """A resource embedded in a result or message."""

    _nested = {"resource": _contents}
    type: str
    resource: Union[TextResourceContents, BlobResourceContents]
    annotations: Optional[Dict[str, Any]]
    meta: Optional[Dict[str, Any]]


ContentBlock = Union[TextContent, ImageContent, AudioContent, ResourceLink, EmbeddedResource]

_BLOCKS: Dict[str, Type[Model]] = {
    "text": TextContent, "image": ImageContent, "audio": AudioContent,
    "resource_link": ResourceLink, "resource": EmbeddedResource,
}


def _block(value: Any) -> Any:
    """A content block of its type (a ``Model`` for a type this client does not know)."""
    if not isinstance(value, dict):
        return value
    return _BLOCKS.get(value.get("type", ""), Model).from_wire(value)


class PaginatedResult(Model):
    """A page of a list: ``nextCursor`` names the next page (None after the last)."""

    nextCursor: Optional[str]
    next_cursor: Optional[str]
    meta: Optional[Dict[str, Any]]


class Tool(Model):
    """A tool the server lists."""

    name: str
    title: Optional[str]
    description: Optional[str]
    inputSchema: Dict[str, Any]
    input_schema: Dict[str, Any]
    outputSchema: Optional[Dict[str, Any]]
    output_schema: Optional[Dict[str, Any]]
    annotations: Optional[Dict[str, Any]]
    icons: Optional[List[Dict[str, Any]]]
    meta: Optional[Dict[str, Any]]


class ListToolsResult(PaginatedResult):
    """``tools/list``: every tool (every page followed unless a cursor was given)."""

    _nested = {"tools": _each(_of(Tool))}
    _defaults = {"tools": []}
    tools: List[Tool]


class CallToolResult(Model):
    """``tools/call``: content blocks, structured content, and whether the tool failed."""

    _nested = {"content": _each(_block)}
    _defaults = {"content": [], "isError": False}
    content: List[ContentBlock]
    structuredContent: Optional[Dict[str, Any]]
    structured_content: Optional[Dict[str, Any]]
    isError: bool
    is_error: bool
    meta: Optional[Dict[str, Any]]


class Resource(Model):
    """A resource the server lists."""

    uri: str
    name: str
    title: Optional[str]
    description: Optional[str]
    mimeType: Optional[str]
    mime_type: Optional[str]
    size: Optional[int]
    annotations: Optional[Dict[str, Any]]
    meta: Optional[Dict[str, Any]]


class ListResourcesResult(PaginatedResult):
    """``resources/list``."""

    _nested = {"resources": _each(_of(Resource))}
    _defaults = {"resources": []}
    resources: List[Resource]


class ResourceTemplate(Model):
    """A resource template the server lists."""

    uriTemplate: str
    uri_template: str
    name: str
    title: Optional[str]
    description: Optional[str]
    mimeType: Optional[str]
    mime_type: Optional[str]
    meta: Optional[Dict[str, Any]]


class ListResourceTemplatesResult(PaginatedResult):
    """``resources/templates/list``."""

    _nested = {"resourceTemplates": _each(_of(ResourceTemplate))}
    _defaults = {"resourceTemplates": []}
    resourceTemplates: List[ResourceTemplate]
    resource_templates: List[ResourceTemplate]


class ReadResourceResult(Model):
    """``resources/read``."""

    _nested = {"contents": _each(_contents)}
    _defaults = {"contents": []}
    contents: List[Union[TextResourceContents, BlobResourceContents]]
    meta: Optional[Dict[str, Any]]


class PromptArgument(Model):
    """An argument of a prompt."""

    name: str
    description: Optional[str]
    required: Optional[bool]


class Prompt(Model):
    """A prompt the server lists."""

    _nested = {"arguments": _each(_of(PromptArgument))}
    name: str
    title: Optional[str]
    description: Optional[str]
    arguments: Optional[List[PromptArgument]]
    meta: Optional[Dict[str, Any]]


class ListPromptsResult(PaginatedResult):
    """``prompts/list``."""

    _nested = {"prompts": _each(_of(Prompt))}
    _defaults = {"prompts": []}
    prompts: List[Prompt]


class PromptMessage(Model):
    """A message of a prompt: a role and one content block."""

    _nested = {"content": _block}
    role: str
    content: ContentBlock


class GetPromptResult(Model):
    """``prompts/get``."""

    _nested = {"messages": _each(_of(PromptMessage))}
    _defaults = {"messages": []}
    description: Optional[str]
    messages: List[PromptMessage]
    meta: Optional[Dict[str, Any]]


class Completion(Model):
    """Completion values."""

    _defaults = {"values": []}
    values: List[str]
    total: Optional[int]
    hasMore: Optional[bool]
    has_more: Optional[bool]


class CompleteResult(Model):
    """``completion/complete``."""

    _nested = {"completion": _of(Completion)}
    completion: Completion
    meta: Optional[Dict[str, Any]]


class Root(Model):
    """A root the client offers (``uri`` is a ``file://`` URI)."""

    uri: str
    name: Optional[str]
    meta: Optional[Dict[str, Any]]


class ListRootsResult(Model):
    """The answer to ``roots/list``."""

    _nested = {"roots": _each(_of(Root))}
    _defaults = {"roots": []}
    roots: List[Root]


class SamplingMessage(PromptMessage):
    """A message of a sampling request."""


class CreateMessageRequestParams(Model):
    """What ``sampling/createMessage`` asks."""

    _nested = {"messages": _each(_of(SamplingMessage))}
    _defaults = {"messages": []}
    messages: List[SamplingMessage]
    maxTokens: int
    max_tokens: int
    systemPrompt: Optional[str]
    system_prompt: Optional[str]
    modelPreferences: Optional[Dict[str, Any]]
    model_preferences: Optional[Dict[str, Any]]
    temperature: Optional[float]
    stopSequences: Optional[List[str]]
    stop_sequences: Optional[List[str]]
    includeContext: Optional[str]
    include_context: Optional[str]
    metadata: Optional[Dict[str, Any]]
    meta: Optional[Dict[str, Any]]


class CreateMessageResult(Model):
    """The answer to ``sampling/createMessage``."""

    _nested = {"content": _block}
    role: str
    content: ContentBlock
    model: str
    stopReason: Optional[str]
    stop_reason: Optional[str]


class ElicitRequestParams(Model):
    """What ``elicitation/create`` asks: form mode (``message``, ``requestedSchema``) or URL
    mode (``mode == "url"``, ``url``, ``elicitationId``)."""

    mode: Optional[str]
    message: str
    requestedSchema: Optional[Dict[str, Any]]
    requested_schema: Optional[Dict[str, Any]]
    url: Optional[str]
    elicitationId: Optional[str]
    elicitation_id: Optional[str]
    meta: Optional[Dict[str, Any]]


class ElicitResult(Model):
    """The answer to ``elicitation/create``: ``action`` is accept, decline or cancel."""

    action: str
    content: Optional[Dict[str, Any]]


class LoggingMessageNotificationParams(Model):
    """A log message from the server."""

    level: str
    logger: Optional[str]
    data: Any
    meta: Optional[Dict[str, Any]]


class ServerNotification(Model):
    """A notification from the server, as ``message_handler`` receives it."""

    method: str
    params: Optional[Dict[str, Any]]


class ServerCapabilities(Model):
    """What the server offers (each present capability is a dict of its options)."""

    tools: Optional[Dict[str, Any]]
    resources: Optional[Dict[str, Any]]
    prompts: Optional[Dict[str, Any]]
    logging: Optional[Dict[str, Any]]
    completions: Optional[Dict[str, Any]]
    experimental: Optional[Dict[str, Any]]
    tasks: Optional[Dict[str, Any]]


class Task(Model):
    """A task's state: ``taskId``, ``status`` (``working``, ``input_required``,
    ``completed``, ``failed``, ``cancelled``), when it was made and last changed, and the
    poll interval the server suggests (``pollInterval`` on 2025-11-25, ``pollIntervalMs``
    on 2026-07-28, both in milliseconds)."""

    taskId: str
    task_id: str
    status: str
    statusMessage: Optional[str]
    status_message: Optional[str]
    createdAt: Optional[str]
    created_at: Optional[str]
    lastUpdatedAt: Optional[str]
    last_updated_at: Optional[str]
    ttl: Optional[int]
    pollInterval: Optional[int]
    poll_interval: Optional[int]
    pollIntervalMs: Optional[int]
    poll_interval_ms: Optional[int]
    meta: Optional[Dict[str, Any]]


class GetTaskResult(Task):
    """``tasks/get``: the task's state (on 2026-07-28 also its ``result`` or ``error`` once
    it ended, and the ``inputRequests`` it waits for)."""

    result: Optional[Dict[str, Any]]
    error: Optional[Dict[str, Any]]
    inputRequests: Optional[Dict[str, Any]]
    input_requests: Optional[Dict[str, Any]]


class CancelTaskResult(Task):
    """``tasks/cancel``: the cancelled task (2025-11-25; empty on 2026-07-28)."""


class CreateTaskResult(Model):
    """A ``tools/call`` answered with a task: ``task`` is its state."""

    _nested = {"task": _of(Task)}
    task: Task
    meta: Optional[Dict[str, Any]]


class ListTasksResult(PaginatedResult):
    """``tasks/list`` (2025-11-25): every task (every page followed unless a cursor was given)."""

    _nested = {"tasks": _each(_of(Task))}
    _defaults = {"tasks": []}
    tasks: List[Task]
