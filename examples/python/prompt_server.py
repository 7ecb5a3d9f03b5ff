"""A prompt MCP server: ``code_review``, a review prompt with arguments (the code, its
language, the review's focus) and completions for the language and the focus, so an MCP
host can offer them as the user types.

    python examples/python/prompt_server.py [--http HOST:PORT]
"""

from __future__ import annotations

import argparse
import sys
from typing import Annotated, Dict, List

import mcpforge
from mcpforge import McpError, Message, Server

INVALID_PARAMS = -32602

LANGUAGES = [
    "bash", "c", "c++", "c#", "css", "go", "haskell", "html", "java", "javascript", "kotlin", "lua", "ocaml",
    "php", "python", "r", "ruby", "rust", "scala", "sql", "swift", "typescript", "zig",
]

FOCUS_AREAS: Dict[str, str] = {
    "general": "correctness, readability and maintainability",
    "security": "injection, unsafe input handling, secrets, authentication and authorization flaws",
    "performance": "algorithmic complexity, needless allocation and I/O, and blocking calls",
    "readability": "naming, structure, comments and how easily a newcomer follows the code",
    "testing": "what is untested, which edge cases are missing and how to test them",
    "error-handling": "failures that are ignored, swallowed or reported unclearly",
    "concurrency": "races, deadlocks, shared mutable state and cancellation",
}

server = Server(
    "mcpforge-prompts",
    version=mcpforge.__version__,
    instructions="Prompts for code review, with completions for their arguments.",
)


@server.prompt(title="Code review")
def code_review(
    code: Annotated[str, "The code to review."],
    language: Annotated[str, "The programming language (completes)."] = "python",
    focus: Annotated[str, "What to concentrate on: general, security, performance, ... (completes)."] = "general",
) -> List[Message]:
    """Review a piece of code, concentrating on one area."""
    if focus not in FOCUS_AREAS:
        raise McpError(INVALID_PARAMS, f"unknown focus {focus!r} (one of: {', '.join(FOCUS_AREAS)})")
    if not code.strip():
        raise McpError(INVALID_PARAMS, "the code to review is empty")
    fence = "````" if "```" in code else "```"
    return [
        Message(
            f"Review this {language} code as a meticulous senior {language} reviewer. "
            f"Concentrate on {focus}: {FOCUS_AREAS[focus]}. List concrete findings, most important first, "
            "each with the line it concerns and a suggested fix; say so plainly when you find nothing.\n\n"
            f"{fence}{language}\n{code}\n{fence}"
        )
    ]


@server.completion(prompt="code_review")
def complete_code_review(argument: str, value: str) -> List[str]:
    """Languages and focus areas starting with what was typed (case-insensitive)."""
    typed = value.lower()
    if argument == "language":
        return [name for name in LANGUAGES if name.startswith(typed)]
    if argument == "focus":
        return [name for name in FOCUS_AREAS if name.startswith(typed)]
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description="code review prompts over MCP")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    server.serve(http=args.http)  # stdio, or HTTP with --http; returns on EOF, Ctrl-C or SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())
