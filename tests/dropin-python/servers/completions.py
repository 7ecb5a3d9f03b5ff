"""The completion handler with the official argument objects."""

from mcp.types import Completion, CompletionArgument, CompletionContext, PromptReference, ResourceTemplateReference

from mcp.server.mcpserver import MCPServer

mcp = MCPServer("completions")

SCRIPT = {
    "prompts": [("translate", {"language": "fr"})],
    "completions": [
        ({"type": "ref/prompt", "name": "translate"}, "language", "f"),
        ({"type": "ref/prompt", "name": "translate"}, "language", ""),
        ({"type": "ref/resource", "uri": "city://{name}"}, "name", "O"),
    ],
}

LANGUAGES = ["de", "en", "fi", "fr"]
CITIES = ["Oslo", "Osaka", "Paris"]


@mcp.prompt()
def translate(language: str) -> str:
    """Translate into a language."""
    return f"Translate into {language}."


@mcp.resource("city://{name}")
def city(name: str) -> str:
    """A city."""
    return name


@mcp.completion()
async def complete(ref: PromptReference | ResourceTemplateReference, argument: CompletionArgument, context: CompletionContext | None) -> Completion | None:
    if isinstance(ref, PromptReference) and argument.name == "language":
        values = [x for x in LANGUAGES if x.startswith(argument.value)]
        return Completion(values=values, total=len(values), has_more=False)
    if isinstance(ref, ResourceTemplateReference):
        return Completion(values=[c for c in CITIES if c.startswith(argument.value)])
    return None


if __name__ == "__main__":
    mcp.run()
