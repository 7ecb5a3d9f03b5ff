"""Structured output from pydantic models, TypedDicts and dataclasses."""

from dataclasses import dataclass
from typing import TypedDict

from pydantic import BaseModel

from mcp.server.mcpserver import MCPServer

mcp = MCPServer("structured")

SCRIPT = {"tools": [("weather", {"city": "Oslo"}), ("point", {}), ("pair", {}), ("plain", {})]}


class Weather(BaseModel):
    city: str
    celsius: float


class Point(TypedDict):
    x: int
    y: int


@dataclass
class Pair:
    left: str
    right: str


@mcp.tool()
def weather(city: str) -> Weather:
    """The weather in a city."""
    return Weather(city=city, celsius=21.5)


@mcp.tool()
def point() -> Point:
    """A point."""
    return {"x": 1, "y": 2}


@mcp.tool()
def pair() -> Pair:
    """A pair."""
    return Pair("l", "r")


@mcp.tool(structured_output=False)
def plain() -> dict[str, int]:
    """Unstructured on purpose."""
    return {"n": 1}


if __name__ == "__main__":
    mcp.run()
