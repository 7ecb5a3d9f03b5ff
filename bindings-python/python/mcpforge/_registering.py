"""``Registering``: ``Server``'s decorators and ``add_*`` methods for tools, resources and
resource templates, prompts and completion providers. Each builds the component's
definition (its schema from the function's type hints, its tags in ``_meta``), wraps the
function for the engine (``_invoke``: ``binding`` the arguments, converting the ``results``, reporting
``failures``), and hands both to the component mirror (``_components``), which registers it with
the engine (disabled there when ``enabled=False``) unless the server's tags leave it out."""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, TypeVar, overload

from ._components import Definition, tag_set, tagged_meta
from ._convert import wire
from ._core import ServerCore, drop_none
from ._function_spec import function_spec
from ._invoke import binding, failures, results, wrappers
from .errors import ErrorInfo

__all__ = ["Registering"]

F = TypeVar("F", bound=Callable[..., Any])

_ANNOTATION_KEYS = {
    "title": "title",
    "read_only_hint": "readOnlyHint",
    "destructive_hint": "destructiveHint",
    "idempotent_hint": "idempotentHint",
    "open_world_hint": "openWorldHint",
}


def _annotations(value: Any) -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    return {_ANNOTATION_KEYS.get(k, k): v for k, v in wire(value).items()}


def _wired(value: Any) -> Any:
    return None if value is None else wire(value)


def _decorator(register: Callable[..., Any], name: Any, options: Dict[str, Any]) -> Any:
    """``@server.x`` (``name`` is the function) or ``@server.x(name, **options)``."""
    if callable(name):
        register(name)
        return name

    def decorate(fn: F) -> F:
        register(fn, name=name, **options)
        return fn

    return decorate


def _excluded_args(fn: Callable[..., Any], names: Optional[Sequence[str]]) -> FrozenSet[str]:
    """The parameters of ``fn`` named in ``exclude_args``, checked: each must be a named
    parameter with a default, because the client never fills it."""
    if not names:
        return frozenset()
    if isinstance(names, str):
        raise TypeError(f"exclude_args is a list of parameter names (e.g. [{names!r}]), not a single string")
    params = inspect.signature(fn).parameters
    where = getattr(fn, "__qualname__", repr(fn))
    for name in names:
        p = params.get(name)
        if p is None:
            raise ValueError(f"exclude_args: {where} has no parameter {name!r}")
        if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            raise ValueError(f"exclude_args: {name!r} of {where} is a variadic parameter; only a named parameter with a default can be excluded")
        if p.default is inspect.Parameter.empty:
            raise ValueError(f"exclude_args: parameter {name!r} of {where} must have a default value (an excluded parameter is never filled by the client)")
    return frozenset(names)


def _scopes(scopes: Optional[Sequence[str]]) -> List[str]:
    """``required_scopes`` as the engine takes them: a list of scope strings (the engine
    checks each is a scope token)."""
    if not scopes:
        return []
    if isinstance(scopes, str):
        raise TypeError(f"required_scopes is a list of scopes (e.g. [{scopes!r}]), not a single string")
    return list(scopes)


def _without(bind: Callable[..., Dict[str, Any]], names: FrozenSet[str]) -> Callable[..., Dict[str, Any]]:
    """``bind`` that first drops the arguments ``names`` sent by the client, so excluded
    parameters keep their defaults (also when the function takes ``**kwargs``)."""

    def bind_without(args: Dict[str, Any], native: Any) -> Dict[str, Any]:
        if not names.isdisjoint(args):
            args = {k: v for k, v in args.items() if k not in names}
        return bind(args, native)

    return bind_without


class Registering(ServerCore):
    """Registers tools, resources, prompts and completions (see the module documentation)."""

    def _description(self, given: Optional[str], spec: Any, fn: Any = None) -> Optional[str]:
        """A definition's description: the one given, else the function's docstring, else
        none (``""`` where the server writes definitions as the official SDK does, but for a
        reader marked ``undescribed``: an official resource object made without one)."""
        if given is not None:
            return given
        if spec.description is None and self._sdk_definitions and not getattr(fn, "undescribed", False):
            return ""
        return spec.description  # type: ignore[no-any-return]

    # ----- tools ---------------------------------------------------------------------------

    @overload
    def tool(self, name: F) -> F: ...

    @overload
    def tool(
        self,
        name: Optional[str] = None,
        *,
        title: Optional[str] = None,
        description: Optional[str] = None,
        annotations: Any = None,
        input_schema: Optional[Dict[str, Any]] = None,
        output_schema: Optional[Dict[str, Any]] = None,
        structured_output: Optional[bool] = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        task_support: Optional[str] = None,
        defer_task: bool = False,
        required_scopes: Optional[Sequence[str]] = None,
        tags: Optional[Iterable[str]] = None,
        enabled: bool = True,
        exclude_args: Optional[Sequence[str]] = None,
        ui: Optional[str] = None,
        ui_visibility: Optional[Sequence[str]] = None,
    ) -> Callable[[F], F]: ...

    def tool(self, name: Any = None, **options: Any) -> Any:
        """Registers a function as a tool (``@server.tool()`` or ``@server.tool``).

        The input schema comes from the type hints (or ``input_schema``), the description
        from the docstring (or ``description``), the output schema and
        ``structuredContent`` from the return annotation (or ``output_schema``;
        ``structured_output=False`` turns it off). ``annotations`` takes the MCP hints
        (``readOnlyHint`` or ``read_only_hint``, ...). ``task_support`` is ``"optional"`` or
        ``"required"`` to let the tool run as a task; with ``defer_task=True`` it gathers
        client input first and becomes a task when it calls ``ctx.start_task()``.
        ``required_scopes`` (a list of OAuth scopes) hides the tool from, and refuses its
        call to, an HTTP caller whose token lacks one (403 ``insufficient_scope``).

        ``tags`` (a set of strings) are sent in the definition's ``_meta`` as
        ``{"_fastmcp": {"tags": [...]}}`` and matched by the server's ``include_tags`` and
        ``exclude_tags``. ``enabled=False`` registers the tool without serving it until
        ``enable_tool(name)``. ``exclude_args`` names parameters, each with a default, that
        are left out of the input schema and always get their default: an argument of that
        name sent by a client is dropped. ``ui`` links the tool to an MCP app (a ``ui://``
        URI registered with ``app`` or ``add_app``): hosts show the tool's results in it;
        ``ui_visibility`` (``["model"]``, ``["app"]`` or both, the default) says who may call
        it."""
        return _decorator(self.add_tool, name, options)

    def add_tool(
        self,
        fn: Callable[..., Any],
        *,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        annotations: Any = None,
        input_schema: Optional[Dict[str, Any]] = None,
        output_schema: Optional[Dict[str, Any]] = None,
        structured_output: Optional[bool] = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        task_support: Optional[str] = None,
        defer_task: bool = False,
        required_scopes: Optional[Sequence[str]] = None,
        tags: Optional[Iterable[str]] = None,
        enabled: bool = True,
        exclude_args: Optional[Sequence[str]] = None,
        ui: Optional[str] = None,
        ui_visibility: Optional[Sequence[str]] = None,
    ) -> Dict[str, Any]:
        """Registers ``fn`` as a tool (see ``tool``) and returns its definition."""
        name = name or fn.__name__
        scopes = _scopes(required_scopes)
        link = drop_none({"resourceUri": ui, "visibility": list(ui_visibility) if ui_visibility is not None else None})
        tag_names = tag_set(tags)
        excluded = _excluded_args(fn, exclude_args)
        explicit_output = output_schema is not None
        spec = function_spec(
            fn,
            structured_output=False if explicit_output else structured_output,
            skip=tuple(sorted(excluded)),
            text_schema=self._sdk_results,
            titles=self._sdk_definitions,
            official_docs=self._sdk_definitions,
            release=self._sdk_release,
        )
        definition = drop_none(
            {
                "name": name,
                "title": title,
                "description": self._description(description, spec),
                "inputSchema": input_schema if input_schema is not None else spec.input_schema,
                "outputSchema": output_schema if explicit_output else spec.output_schema,
                "annotations": _annotations(annotations),
                "icons": _wired(icons),
                "execution": {"taskSupport": task_support} if task_support is not None else None,
                "_meta": tagged_meta(meta, tag_names),
            }
        )
        definition = Definition(definition, fn)
        is_async = wrappers.is_async(fn)
        bind = binding.bind_tool(spec, self._ref)
        if excluded:
            bind = _without(bind, excluded)
        # 1.x sends a list of content blocks under a wrapped output schema as both.
        finish = results.tool_finish(mirror_blocks=spec.wrap_output and self._sdk_release == "1.x" and not explicit_output)
        # The engine wraps every value under a schema derived as ``{"result": ...}``.
        registered = {**definition, "wrappedOutput": True} if spec.wrap_output and not explicit_output else definition
        if link:
            # The engine writes the link into ``_meta.ui`` (and checks it).
            registered = {**registered, "ui": link}
        fail = failures.tool_failure(name, self._error_style)
        native = self._native
        per_item = self._sdk_results
        # A plain synchronous tool is called by the engine itself, without the wrapper.
        direct = None if excluded else wrappers.direct_tool(fn, spec, is_async, finish, fail, self._witness)
        if direct is not None:
            register = functools.partial(native.add_direct_tool, registered, direct, defer_task, per_item, scopes)
        else:
            invoker = wrappers.wrapper(fn, is_async, bind, finish, self._loop_of(), fail, self._witness)
            register = functools.partial(native.add_tool, registered, invoker, is_async, defer_task, per_item, scopes)

        self._tools.add(
            name,
            definition,
            tag_names,
            enabled,
            register,
            lambda: native.remove_tool(name),
            lambda on: native.set_enabled("tools", name, on),
            f"a tool named {name!r} is already registered (remove_tool it first)",
        )
        return definition

    # ----- resources -----------------------------------------------------------------------

    def resource(
        self,
        uri: str,
        *,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        mime_type: Optional[str] = None,
        size: Optional[int] = None,
        annotations: Any = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        tags: Optional[Iterable[str]] = None,
        enabled: bool = True,
        list_resources: Optional[Callable[..., Any]] = None,
        path_policy: Optional[Dict[str, Any]] = None,
    ) -> Callable[[F], F]:
        """Registers a resource reader for ``uri``, or for a URI template (RFC 6570 level-1
        variables such as ``file:///{path}``) whose variables fill the parameters of the same
        names. A parameter named ``uri`` gets the URI read. Return str (text), bytes (blob),
        ``ResourceContents`` (or a list of them), another JSON value (sent as JSON text), or
        None for "not found". ``tags`` and ``enabled`` as for ``tool`` (``enable_resource``
        and ``disable_resource`` take the URI or the template). For a template,
        ``list_resources`` (a function, sync or async, that may take a ``Context``) returns the
        resources it stands for now, as dicts with ``uri`` and ``name`` (or the official SDK's
        ``Resource`` objects): ``resources/list`` adds them after the concrete resources, each
        taking the template's metadata for what it leaves out; ``path_policy`` as for
        ``add_resource``."""

        def decorate(fn: F) -> F:
            self.add_resource(
                fn,
                uri,
                list_resources=list_resources,
                name=name,
                title=title,
                description=description,
                mime_type=mime_type,
                size=size,
                annotations=annotations,
                icons=icons,
                meta=meta,
                tags=tags,
                enabled=enabled,
                path_policy=path_policy,
            )
            return fn

        return decorate

    def add_resource(
        self,
        fn: Callable[..., Any],
        uri: str,
        *,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        mime_type: Optional[str] = None,
        size: Optional[int] = None,
        annotations: Any = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        tags: Optional[Iterable[str]] = None,
        enabled: bool = True,
        list_resources: Optional[Callable[..., Any]] = None,
        path_policy: Optional[Dict[str, Any]] = None,
    ) -> Dict[str, Any]:
        """Registers ``fn`` as the reader of ``uri`` (see ``resource``). ``path_policy`` (a
        template's: ``reject_path_traversal``, ``reject_absolute_paths``,
        ``reject_null_bytes``, each True by default, and ``exempt_params``, variable names)
        holds the values of a read's URI to those rules instead of the engine's own; a value
        it refuses is an unknown resource, and no later template is tried."""
        tag_names = tag_set(tags)
        spec = function_spec(fn, structured_output=False, official_docs=self._sdk_definitions)
        template = "{" in uri
        if list_resources is not None and not template:
            raise ValueError(f"list_resources lists the resources of a URI template; {uri!r} is a concrete resource")
        key = "uriTemplate" if template else "uri"
        definition = drop_none(
            {
                key: uri,
                "name": name or fn.__name__,
                "title": title,
                "description": self._description(description, spec, fn),
                "mimeType": mime_type,
                "size": None if template else size,
                "annotations": _wired(annotations),
                "icons": _wired(icons),
                "_meta": tagged_meta(meta, tag_names),
            }
        )
        definition = Definition(definition, fn)
        invoker, is_async = self._reader(fn, uri, spec, template)
        native = self._native
        add: Callable[[], None]
        remove: Callable[[str], bool]
        kind = "resource_templates" if template else "resources"
        if template:
            lister, lister_async = self._lister(list_resources)
            add = lambda: native.add_template(definition, invoker, is_async, lister, lister_async, path_policy)  # noqa: E731
            remove = native.remove_resource_template
        else:
            add = lambda: native.add_resource(definition, invoker, is_async)  # noqa: E731
            remove = native.remove_resource
        self._resources.add(
            uri,
            definition,
            tag_names,
            enabled,
            add,
            lambda: remove(uri),
            lambda on: native.set_enabled(kind, uri, on),
            f"a resource {uri!r} is already registered",
        )
        return definition

    def _reader(self, fn: Callable[..., Any], uri: str, spec: Any, template: bool = False) -> Tuple[Any, bool]:
        """The wrapper that calls ``fn`` to read ``uri`` (its arguments bound from the URI and
        the template's variables, its failures reported), and whether ``fn`` is async."""
        is_async = wrappers.is_async(fn)
        bind = binding.bind_strings(spec, self._ref, uri_param=True)
        read_label = "Error creating resource from template" if template else "Error reading resource"
        label = self._sdk_label(lambda uri, *_: f"{read_label} {uri}")
        fail = failures.reported_failure(self._errors, ErrorInfo("resource", uri), label, lambda uri, *_: str(uri))
        return wrappers.wrapper(fn, is_async, bind, results.resource_finish, self._loop_of(), fail, self._witness), is_async

    def _lister(self, list_resources: Optional[Callable[..., Any]]) -> Tuple[Optional[Callable[..., Any]], bool]:
        """The engine's wrapper of a template's ``list_resources`` function, and whether it is async."""
        if list_resources is None:
            return None, False
        spec = function_spec(list_resources, structured_output=False, official_docs=self._sdk_definitions)
        is_async = wrappers.is_async(list_resources)
        bind = binding.bind_context_only(spec, self._ref)
        fail = failures.reported_failure(self._errors, ErrorInfo("resource_list"))
        return wrappers.wrapper(list_resources, is_async, bind, results.listed_finish, self._loop_of(), fail), is_async

    # ----- prompts -------------------------------------------------------------------------

    @overload
    def prompt(self, name: F) -> F: ...

    @overload
    def prompt(
        self,
        name: Optional[str] = None,
        *,
        title: Optional[str] = None,
        description: Optional[str] = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        tags: Optional[Iterable[str]] = None,
        enabled: bool = True,
    ) -> Callable[[F], F]: ...

    def prompt(self, name: Any = None, **options: Any) -> Any:
        """Registers a prompt (``@server.prompt()`` or ``@server.prompt``): its parameters
        are the prompt's arguments (required unless they have a default; values arrive as
        strings and are converted to int, float, bool or JSON per annotation). Return a str
        (one user message), a ``Message``, a list of them (or of strs and content), or a
        ``GetPromptResult`` dict. ``meta`` is the definition's ``_meta``; ``tags`` and
        ``enabled`` as for ``tool``."""
        return _decorator(self.add_prompt, name, options)

    def add_prompt(
        self,
        fn: Callable[..., Any],
        *,
        name: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        icons: Optional[List[Any]] = None,
        meta: Optional[Dict[str, Any]] = None,
        tags: Optional[Iterable[str]] = None,
        enabled: bool = True,
    ) -> Dict[str, Any]:
        """Registers ``fn`` as a prompt (see ``prompt``)."""
        name = name or fn.__name__
        tag_names = tag_set(tags)
        spec = function_spec(fn, structured_output=False, official_docs=self._sdk_definitions)
        arguments = [
            drop_none({"name": p.name, "description": spec.input_schema["properties"][p.name].get("description"), "required": p.required or None})
            for p in spec.params
        ]
        description = self._description(description, spec)
        definition = drop_none(
            {
                "name": name,
                "title": title,
                "description": description,
                # The official servers list a prompt without arguments with `arguments: []`.
                "arguments": arguments if arguments or self._sdk_definitions else None,
                "icons": _wired(icons),
                "_meta": tagged_meta(meta, tag_names),
            }
        )
        definition = Definition(definition, fn)
        is_async = wrappers.is_async(fn)
        bind = binding.bind_strings(spec, self._ref, uri_param=False)
        finish = results.prompt_finish
        fail = failures.reported_failure(self._errors, ErrorInfo("prompt", name), self._sdk_label(lambda *_: f"Error rendering prompt {name}"))
        invoker = wrappers.wrapper(fn, is_async, bind, finish, self._loop_of(), fail, self._witness)
        native = self._native
        self._prompts.add(
            name,
            definition,
            tag_names,
            enabled,
            lambda: native.add_prompt(definition, invoker, is_async),
            lambda: native.remove_prompt(name),
            lambda on: native.set_enabled("prompts", name, on),
            f"a prompt named {name!r} is already registered",
        )
        return definition

    # ----- completions ---------------------------------------------------------------------

    def completion(self, *, prompt: Optional[str] = None, resource: Optional[str] = None) -> Callable[[F], F]:
        """Registers a completion provider for a prompt's arguments (``prompt=name``), a
        template's variables (``resource=template``), or every reference without its own
        provider (neither). The function takes any of ``argument`` (name), ``value`` (typed
        so far), ``context`` (other arguments' values), ``ref`` and a ``Context``, and returns
        a list of strings or a ``Completion``."""
        if prompt is not None and resource is not None:
            raise ValueError("a completion provider is for a prompt or a resource template, not both")
        reference = (
            {"type": "ref/prompt", "name": prompt}
            if prompt is not None
            else {"type": "ref/resource", "uri": resource}
            if resource is not None
            else None
        )

        def decorate(fn: F) -> F:
            spec = function_spec(fn, structured_output=False, official_docs=self._sdk_definitions)
            is_async = wrappers.is_async(fn)
            bind = binding.bind_completion(spec, self._ref)
            label = self._sdk_label(lambda ref, argument, *_: f"Error completing argument {argument}")
            fail = failures.reported_failure(self._errors, ErrorInfo("completion"), label, lambda ref, argument, *_: str(argument))
            invoker = wrappers.wrapper(fn, is_async, bind, self._completion_finish, self._loop_of(), fail)
            self._native.add_completion(reference, invoker, is_async)
            return fn

        return decorate
