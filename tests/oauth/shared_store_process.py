"""One client process of the shared token file test (test_mcpforge_client.py): given the MCP
endpoint's URL and the token file, it prints ``ready``, waits for a line on stdin (so that
the test starts every process's call at once), connects with the tokens in the file, calls
``add`` and prints its result. It never authorizes: the file holds what it needs."""

from __future__ import annotations

import asyncio
import sys

from mcpforge.client import Client, OAuthClientProvider

CALL_BOUND = 60.0


async def main(url: str, token_file: str) -> None:
    print("ready", flush=True)
    await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline), CALL_BOUND)
    # follow_redirects stands for the user's part, never reached: the file's token is refreshed.
    auth = OAuthClientProvider(follow_redirects=True, token_file=token_file)
    async with Client(url, auth=auth, read_timeout_seconds=CALL_BOUND) as client:
        result = await asyncio.wait_for(client.call_tool("add", {"a": 2, "b": 3}), CALL_BOUND)
        print(getattr(result.content[0], "text", ""), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
