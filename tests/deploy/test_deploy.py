"""The deployment files (deploy/) run as they say, without a container engine: the image's
entry point and environment (deploy/Dockerfile) start the production example server, and
the image's HEALTHCHECK command, run as written, passes while its shared store answers and
fails once it does not; the compose file (deploy/docker-compose.yml) wires the production
replicas to Redis and the database example server to a PostgreSQL made by the compose file's
own init files (the sample tables, then deploy/postgres/10-reader.sh's read-only role), and
each service's healthcheck passes against the server started the way the service starts it.
The official client then lists the database server's tables through the read-only role.

What only a container engine can show, the image building and `docker compose up`, is not
run here; every command and file those use is.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import pytest
import yaml
from postgres import running_postgres
from scale.redis_server import RedisServer
from support import HANDSHAKE, REPO_ROOT, free_port, http_server, over_http, run, structured, tool_error

DEPLOY = REPO_ROOT / "deploy"
EXAMPLES = REPO_ROOT / "examples" / "python"
CHECK_BOUND = 10.0  # seconds for one health command, and for the check's result to change


def dockerfile() -> list[tuple[str, str]]:
    """The runtime stage's instructions, (NAME, arguments), continuation lines joined."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    stages = [i for i, line in enumerate(lines) if line.startswith("FROM ")]
    return [(line.split(None, 1)[0], line.split(None, 1)[1]) for line in lines[stages[-1]:]]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    return loaded


def on_this_machine(command: list[str], port_in_image: int, port: int) -> list[str]:
    """A command of the image as this machine runs it: its `python` this interpreter, its
    /app the examples' folder, its port the test's."""
    mapped = []
    for word in command:
        word = sys.executable if word == "python" else word.replace("/app/", f"{EXAMPLES}/")
        mapped.append(word.replace(f":{port_in_image}", f":{port}").replace("0.0.0.0", "127.0.0.1"))
    return mapped


def passes(check: list[str]) -> bool:
    """Whether a health command exits 0 within its bound."""
    done = subprocess.run(check, stdin=subprocess.DEVNULL, capture_output=True, timeout=CHECK_BOUND, check=False)
    return done.returncode == 0


def eventually(what: str, condition: Any) -> None:
    deadline = time.monotonic() + CHECK_BOUND
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {CHECK_BOUND} s"
        time.sleep(0.2)


def compose_check(service: dict[str, Any]) -> list[str]:
    test = service["healthcheck"]["test"]
    assert test[0] == "CMD", f"exec form expected: {test}"
    return list(test[1:])


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis", free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_the_image_entry_point_serves_and_its_healthcheck_follows_the_store(
    redis: RedisServer, errlog: TextIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    instructions = dockerfile()
    env: dict[str, str] = {}
    for name, args in instructions:
        if name == "ENV":
            env.update(dict(pair.split("=", 1) for pair in shlex.split(args)))
        if name == "COPY" and "--from" not in args:
            sources = shlex.split(args)[:-1]
            missing = [s for s in sources if not (REPO_ROOT / s).exists()]
            assert not missing, f"the image copies files the tree does not have: {missing}"
    entry = json.loads(next(a for n, a in instructions if n == "ENTRYPOINT"))
    health = next(a for n, a in instructions if n == "HEALTHCHECK")
    check = json.loads(health.split("CMD", 1)[1])
    image_port = int(env["MCP_PORT"])
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    # The compose file's settings of the replicas, with the store on this machine.
    mcp = compose()["services"]["mcp"]
    assert mcp["environment"]["MCPFORGE_SHARED_STORE"].startswith("redis://redis:")
    monkeypatch.setenv("MCPFORGE_SHARED_STORE", redis.url)
    monkeypatch.setenv("MCP_TOKENS", "deploy:a-token-long-enough-for-the-test")
    monkeypatch.setenv("MCPFORGE_STATE_KEY", "ab" * 32)
    command = on_this_machine(entry, image_port, 0)
    with http_server(command, errlog) as url:
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        image_check, replica_check = (on_this_machine(c, image_port, port) for c in (check, compose_check(mcp)))
        assert passes(image_check) and passes(replica_check), "healthy while the store answers"
        redis.stop()
        eventually("the image's check fails without the store", lambda: not passes(image_check))
        assert not passes(replica_check)
        redis.start()
        eventually("the image's check passes again", lambda: passes(image_check))


def test_the_database_service_reads_the_compose_postgres_as_its_read_only_role(errlog: TextIO,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    services = compose()["services"]
    assert {"mcp", "redis", "postgres", "database", "nginx"} <= set(services)
    postgres, database = services["postgres"], services["database"]
    assert database["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert database["image"] == services["mcp"]["image"], "the database server runs from the same image"
    # The init files the postgres image runs on its first start, in its order (by name).
    inits = sorted((Path(v.split(":")[1]).name, DEPLOY / v.split(":")[0]) for v in postgres["volumes"]
                   if "/docker-entrypoint-initdb.d/" in v)
    assert [name for name, _ in inits] == ["00-sample.sql", "10-reader.sh"]
    database_name = postgres["environment"]["POSTGRES_DB"]
    url = database["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql://reader@postgres:5432/"), "the reader role, its password from reader.env"
    with running_postgres() as cluster:
        env = {**os.environ, "PGHOST": "127.0.0.1", "PGPORT": str(cluster.port), "POSTGRES_USER": "postgres",
               "POSTGRES_DB": database_name, "READER_PASSWORD": "reader-password"}
        created = subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-d", "postgres", "-c",
                                  f"CREATE DATABASE {database_name}"], env=env, capture_output=True, text=True,
                                 timeout=CHECK_BOUND, check=False)
        assert created.returncode == 0, created.stderr
        for name, path in inits:
            command = ["psql", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-d", database_name, "-f", str(path)] \
                if name.endswith(".sql") else ["bash", str(path)]
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=CHECK_BOUND * 3, check=False)
            assert done.returncode == 0, f"{name}: {done.stderr}"
        monkeypatch.setenv("DATABASE_URL", url.replace("@postgres:5432/", f"@127.0.0.1:{cluster.port}/"))
        monkeypatch.setenv("PGPASSWORD", "reader-password")
        entry = database["entrypoint"]
        image_port = int(entry[entry.index("--http") + 1].rsplit(":", 1)[1])
        command = on_this_machine(entry, image_port, 0)
        http_at = command.index("--http")
        command = command[:http_at] + command[http_at + 2:]  # http_server gives the address
        with http_server(command, errlog) as endpoint:
            port = int(endpoint.rsplit(":", 1)[1].split("/")[0])
            assert passes(on_this_machine(compose_check(database), image_port, port))

            async def body() -> None:
                async with over_http(endpoint, HANDSHAKE) as peer:
                    tables = structured(await peer.call_tool("list_tables", {}))
                    assert sorted(t["name"] if isinstance(t, dict) else t for t in tables["tables"]) == \
                        ["customers", "orders", "products"]
                    refused = tool_error(await peer.call_tool("execute_select", {"sql": "DELETE FROM orders"}))
                    assert "read-only" in refused, refused

            run(body)
