"""A typed use of the public API, checked by ``mypy --strict`` in ``make python-test`` (not a
pytest module): what users write must type-check, e.g. ``await ctx.report_progress(...)``."""

from mcpforge import Context, Server

server = Server("typed", version="1.0.0")


@server.tool()
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@server.tool(annotations={"readOnlyHint": True})
async def slow(n: int, ctx: Context) -> str:
    """Report progress, log, and finish."""
    await ctx.report_progress(1, n, "working")
    ctx.report_progress(n, n)
    return "done"
