"""ctx.elicit(message, schema) with a pydantic model: accept and its .data."""

from pydantic import BaseModel, Field

from mcp.server.mcpserver import Context, MCPServer

mcp = MCPServer("elicitation")

SCRIPT = {"tools": [("book", {"date": "2030-01-01"})]}


class Preferences(BaseModel):
    name: str = Field(description="Your name")
    seats: int = Field(description="How many seats")
    window: bool = Field(description="A window seat")


@mcp.tool()
async def book(date: str, ctx: Context) -> str:
    """Book a table, asking for details."""
    answer = await ctx.elicit(f"Details for {date}?", Preferences)
    if answer.action == "accept":
        data = answer.data
        return f"booked {data.seats} for {data.name} (window: {data.window})"
    return f"not booked: {answer.action}"


if __name__ == "__main__":
    mcp.run()
