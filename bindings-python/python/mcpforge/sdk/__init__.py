"""The drop-in layer: the official ``mcp`` SDK's server API on top of mcpforge's native one
(``Server``, ``Context``), which never imports it. ``mcpserver`` holds ``MCPServer`` and
``FastMCP``; the other modules one job each of theirs: ``options`` (the SDK's option
names), ``settings``, ``checks`` (registration checks), ``duplicates`` (a name
registered twice), ``managers`` (the official ``_tool_manager``), ``direct`` (direct
calls), ``context`` (``SdkContext``), ``log`` (failure records), ``http`` (ASGI apps),
``streams`` (in-process connections), ``exceptions``, ``resources`` and ``media`` (classes under the
SDK's module paths, published there by thin re-export modules: ``mcpforge.mcpserver``,
``mcpforge.exceptions``, ``mcpforge.resources``, ``mcpforge.utilities.types``),
``lowlevel`` (1.x's low-level ``Server``) and ``standin`` (``mcpforge sdk -- COMMAND``: a
program on the official package served with these classes, unedited)."""
