"""The official MCP client drives examples/python/database_server.py on the sample database
(examples/data/sample.sql): on SQLite (created by the server's `--init`) over stdio on both
wires and over Streamable HTTP, and on a real PostgreSQL server this test starts.

Checked: the listings; `list_tables`, `get_table_schema`, `execute_select` with bound
parameters and row limits, and `execute_aggregation`, with exact answers compared with what
the database itself answers; every kind of write, DDL, ATTACH/PRAGMA, transaction control
and multi-statement text refused by the database (the file's digest and PostgreSQL's row
counts unchanged afterwards); unknown tables and columns; the table resources, the template
and its completion; `--init` (created once, a failing script leaves nothing); the query
time limit. The functions that reach past the data (`fts3_tokenizer`, which answers a heap
address, `load_extension`) are refused. Answers are bounded: rows past `--max-rows` and
bytes past `--max-bytes` are cut with a note, a single row or value past the byte limit is a
tool error, and `zeroblob(100000000)` is refused at once without the server's memory ever
growing. On both backends: connections are pooled (open between calls, never more than 10
under 24 concurrent calls; PostgreSQL keeps 2 and reuses them); a repeated query is answered
from the cache even after a row is written behind the server's back, until `use_cache:
false`; `format: "table"` gives a text table with the same structured content;
`analyze_table` and `suggest_queries` answer what the sample holds (every suggestion runs);
a table created after the start is listed by the template.

PostgreSQL: initdb into a scratch directory, run (as the `postgres` system user when this
runs as root, since PostgreSQL refuses root) on 127.0.0.1 and a free port, always stopped.
If it cannot be started the test fails saying why. The server connects as `reader`, a role
with only CONNECT, USAGE and SELECT rights, which cannot read server files or run programs;
started as the superuser or as a member of `pg_read_server_files` it refuses to serve
unless given `--allow-superuser`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, TextIO

import mcp.types as types
import pytest
from mcp import MCPError
from postgres import running_postgres
from support import (HANDSHAKE, REPO_ROOT, WIRES, http_server, not_found_code, over_http, over_stdio, Peer, resource_json,
                     run, structured, text_of, tool_error)

SCRIPT = REPO_ROOT / "examples" / "python" / "database_server.py"
SAMPLE_SQL = REPO_ROOT / "examples" / "data" / "sample.sql"
TABLES = ["customers", "orders", "products"]
INFINITE = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
PG_BOUND = 60  # seconds for initdb, start and stop, each


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    """The sample database, created by the server's --init."""
    db = tmp_path / "shop.db"
    done = subprocess.run([sys.executable, str(SCRIPT), "--init", str(SAMPLE_SQL), str(db)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=PG_BOUND, check=False)
    assert done.returncode == 0 and f"created {db} from {SAMPLE_SQL}" in done.stderr, done.stderr
    return db


def sample(sql: str) -> list[list[Any]]:
    """What SQLite answers on a fresh in-memory copy of the sample database (the oracle for
    both backends: the sample's values are the same on each)."""
    with sqlite3.connect(":memory:") as conn:
        conn.executescript(SAMPLE_SQL.read_text())
        return [list(row) for row in conn.execute(sql)]


def sqlite_oracle(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[list[Any]]:
    with sqlite3.connect(db) as conn:
        return [list(row) for row in conn.execute(sql, params)]


# ----- what every backend must answer ----------------------------------------------------------


async def check_listing(peer: Peer) -> None:
    tools = {t.name: t for t in (await peer.list_tools()).tools}
    assert sorted(tools) == ["analyze_table", "execute_aggregation", "execute_select", "get_table_schema", "list_tables",
                             "suggest_queries"]
    assert all(t.annotations.read_only_hint is True for t in tools.values())
    assert tools["execute_select"].input_schema["properties"]["max_rows"]["maximum"] == 1000
    assert [str(r.uri) for r in (await peer.list_resources()).resources] == [f"database://tables/{t}" for t in TABLES]
    templates = (await peer.list_resource_templates()).resource_templates
    assert [t.uri_template for t in templates] == ["database://tables/{name}"]


async def check_queries(peer: Peer, placeholder: str) -> None:
    assert structured(await peer.call_tool("list_tables", {})) == {"tables": TABLES}
    schema = structured(await peer.call_tool("get_table_schema", {"table": "products"}))
    assert schema["name"] == "products" and schema["row_count"] == 10
    assert [(c["name"], c["primary_key"]) for c in schema["columns"]] == [
        ("id", True), ("name", False), ("category", False), ("price", False), ("stock", False)]
    assert [c["nullable"] for c in schema["columns"]][1:] == [False] * 4
    assert tool_error(await peer.call_tool("get_table_schema", {"table": "nope"})) == (
        "no such table: 'nope' (list_tables shows the tables)")

    p = placeholder
    by_city = structured(await peer.call_tool("execute_select", {
        "sql": f"SELECT name, city FROM customers WHERE country = {p} AND id > {p} ORDER BY id", "params": ["USA", 5]}))
    assert by_city == {"columns": ["name", "city"], "row_count": 4, "truncated": False, "cached": False, "rows": [
        ["Donald Knuth", "Stanford"], ["Margaret Hamilton", "Boston"], ["Frances Allen", "New York"],
        ["Radia Perlman", "Seattle"]]}
    assert by_city["rows"] == sample("SELECT name, city FROM customers WHERE country = 'USA' AND id > 5 ORDER BY id")
    injection = structured(await peer.call_tool("execute_select", {
        "sql": f"SELECT count(*) AS n FROM customers WHERE name = {p}", "params": ["x' OR '1'='1"]}))
    assert injection["rows"] == [[0]]
    limited = structured(await peer.call_tool("execute_select", {"sql": "SELECT id FROM orders ORDER BY id", "max_rows": 3}))
    assert limited == {"columns": ["id"], "rows": [[1], [2], [3]], "row_count": 3, "truncated": True, "cached": False,
                       "note": "truncated after 3 rows: there are more (the limit is 3 rows)"}
    exact = structured(await peer.call_tool("execute_select", {"sql": "SELECT id FROM orders WHERE id <= 3", "max_rows": 3}))
    assert exact == {"columns": ["id"], "rows": [[1], [2], [3]], "row_count": 3, "truncated": False, "cached": False}
    empty = structured(await peer.call_tool("execute_select", {"sql": "SELECT name, city FROM customers WHERE 1 = 0"}))
    assert empty == {"columns": ["name", "city"], "rows": [], "row_count": 0, "truncated": False, "cached": False}
    typed = structured(await peer.call_tool("execute_select", {
        "sql": f"SELECT {p} AS s, {p} AS f, {p} AS n", "params": ["text", 1.5, None]}))
    assert typed["rows"] == [["text", 1.5, None]]
    assert "Invalid arguments for tool execute_select" in tool_error(
        await peer.call_tool("execute_select", {"sql": "SELECT 1", "max_rows": 0}))
    assert "Invalid arguments for tool execute_select" in tool_error(
        await peer.call_tool("execute_select", {"sql": "SELECT 1", "params": [{"a": 1}]}))

    total = structured(await peer.call_tool("execute_aggregation", {"table": "orders", "function": "SUM", "column": "quantity"}))
    assert total["sql"] == 'SELECT SUM("quantity") FROM "orders"'
    assert total["result"]["rows"] == sample("SELECT sum(quantity) FROM orders")
    grouped = structured(await peer.call_tool("execute_aggregation", {
        "table": "orders", "function": "COUNT", "group_by": "status"}))
    assert grouped["result"]["rows"] == sample("SELECT status, count(*) FROM orders GROUP BY status ORDER BY status")
    assert sum(n for _, n in grouped["result"]["rows"]) == 30
    priciest = structured(await peer.call_tool("execute_aggregation", {"table": "products", "function": "MAX", "column": "price"}))
    assert priciest["result"]["rows"] == sample("SELECT max(price) FROM products") == [[279.0]]
    for args, message in [
        ({"table": "nope", "function": "COUNT"}, "no such table: 'nope'"),
        ({"table": "orders", "function": "SUM", "column": "quantity\"; DROP TABLE orders; --"}, "no column 'quantity\"; DROP"),
        ({"table": "orders", "function": "AVG"}, "AVG needs a column"),
        ({"table": "orders", "function": "COUNT", "group_by": "nope"}, "no column 'nope' in 'orders'"),
    ]:
        assert message in tool_error(await peer.call_tool("execute_aggregation", args)), args
    assert "Invalid arguments for tool execute_aggregation" in tool_error(
        await peer.call_tool("execute_aggregation", {"table": "orders", "function": "MEDIAN", "column": "id"}))


async def check_resources(peer: Peer, wire: str) -> None:
    uri = "database://tables/orders"
    orders = resource_json(await peer.read_resource(uri), uri)
    assert orders["schema"]["row_count"] == 30
    assert orders["first_rows"]["columns"] == ["id", "customer_id", "product_id", "quantity", "ordered_on", "status"]
    assert [row[0] for row in orders["first_rows"]["rows"]] == [1, 2, 3, 4, 5] and orders["first_rows"]["truncated"]
    with pytest.raises(MCPError) as missing:
        await peer.read_resource("database://tables/nope")
    assert missing.value.code == not_found_code(wire)
    ref = types.ResourceTemplateReference(type="ref/resource", uri="database://tables/{name}")
    for typed, expected in [("", TABLES), ("o", ["orders"]), ("c", ["customers"]), ("x", [])]:
        assert (await peer.complete(ref, {"name": "name", "value": typed})).completion.values == expected


# ----- pool, cache, text tables, analysis, listing when asked ---------------------------------

COUNT_ORDERS = {"sql": "SELECT count(*) AS n FROM orders"}
TABLE_TEXT = """id | name                | price
---+---------------------+------
 1 | Mechanical Keyboard |  89.5
 2 | Wireless Mouse      | 24.99
(2 rows)"""


async def check_cache(peer: Peer, write: Callable[[str], None]) -> None:
    """A repeated query is answered from the cache, not the database: a row written behind
    the server's back shows only with use_cache: false (which refreshes the cached answer)."""
    first = structured(await peer.call_tool("execute_select", COUNT_ORDERS))
    assert first["rows"] == [[30]] and first["cached"] is False
    write("INSERT INTO orders (id, customer_id, product_id, quantity, ordered_on, status) "
          "VALUES (31, 1, 1, 1, '2024-11-01', 'pending')")
    assert structured(await peer.call_tool("execute_select", COUNT_ORDERS)) == {**first, "cached": True}
    fresh = structured(await peer.call_tool("execute_select", {**COUNT_ORDERS, "use_cache": False}))
    assert fresh["rows"] == [[31]] and fresh["cached"] is False
    assert structured(await peer.call_tool("execute_select", COUNT_ORDERS)) == {**fresh, "cached": True}
    # The key is the SQL, its parameters (by JSON type) and the row limit.
    one = structured(await peer.call_tool("execute_select", {"sql": "SELECT 1 AS v WHERE 1 = 1", "max_rows": 5}))
    assert one["cached"] is False
    again = structured(await peer.call_tool("execute_select", {"sql": "SELECT 1 AS v WHERE 1 = 1", "max_rows": 6}))
    assert again["cached"] is False
    aggregated = {"table": "orders", "function": "COUNT", "group_by": "status"}
    assert structured(await peer.call_tool("execute_aggregation", aggregated))["cached"] is False
    write("DELETE FROM orders WHERE id = 31")
    assert structured(await peer.call_tool("execute_aggregation", aggregated))["cached"] is True
    assert structured(await peer.call_tool("execute_select", COUNT_ORDERS))["rows"] == [[31]]
    assert structured(await peer.call_tool("execute_select", {**COUNT_ORDERS, "use_cache": False}))["rows"] == [[30]]


async def check_text_tables(peer: Peer) -> None:
    args = {"sql": "SELECT id, name, price FROM products WHERE id <= 2 ORDER BY id", "use_cache": False}
    as_json = structured(await peer.call_tool("execute_select", args))
    table = await peer.call_tool("execute_select", {**args, "format": "table"})
    assert text_of(table) == TABLE_TEXT and table.structured_content == as_json
    cached = await peer.call_tool("execute_select", {"sql": args["sql"], "format": "table"})
    assert text_of(cached) == TABLE_TEXT + " (cached)" and cached.structured_content == {**as_json, "cached": True}
    grouped = await peer.call_tool("execute_aggregation", {"table": "orders", "function": "SUM", "column": "quantity",
                                                           "group_by": "status", "format": "table", "use_cache": False})
    lines = text_of(grouped).splitlines()
    assert lines[0] == 'SELECT "status", SUM("quantity") FROM "orders" GROUP BY "status" ORDER BY "status"'
    assert lines[2].split("|")[0].strip() == "status" and lines[-1] == "(4 rows)"
    sums = sample("SELECT status, sum(quantity) FROM orders GROUP BY status ORDER BY status")
    assert [[c.strip() for c in line.split("|")] for line in lines[4:-1]] == [[s, str(n)] for s, n in sums]
    assert grouped.structured_content["result"]["rows"] == sums
    assert "Invalid arguments for tool execute_select" in tool_error(
        await peer.call_tool("execute_select", {"sql": "SELECT 1", "format": "csv"}))


async def check_analysis(peer: Peer) -> None:
    orders = structured(await peer.call_tool("analyze_table", {"table": "orders"}))
    assert orders["table"] == "orders" and orders["row_count"] == 30
    columns = {c["name"]: c for c in orders["columns"]}
    assert list(columns) == ["id", "customer_id", "product_id", "quantity", "ordered_on", "status"]
    assert [columns[c]["kind"] for c in columns] == ["number", "number", "number", "number", "date", "text"]
    assert all(c["null_count"] == 0 for c in columns.values())
    for name in columns:
        assert [columns[name]["distinct_count"]] == sample(f"SELECT count(DISTINCT {name}) FROM orders")[0], name
    assert (columns["id"]["min"], columns["id"]["max"]) == (1, 30)
    assert [columns["ordered_on"]["min"], columns["ordered_on"]["max"]] == sample("SELECT min(ordered_on), max(ordered_on) FROM orders")[0]
    assert "min" not in columns["status"]
    top = sample("SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC, status LIMIT 5")
    assert [[t["value"], t["count"]] for t in columns["status"]["top_values"]] == top
    assert [t["value"] for t in columns["id"]["top_values"]] == [1, 2, 3, 4, 5]
    products = structured(await peer.call_tool("analyze_table", {"table": "products"}))
    price = next(c for c in products["columns"] if c["name"] == "price")
    assert (price["kind"], price["min"], price["max"]) == ("number", 24.99, 279.0)
    assert tool_error(await peer.call_tool("analyze_table", {"table": "nope"})) == "no such table: 'nope' (list_tables shows the tables)"

    suggested = structured(await peer.call_tool("suggest_queries", {"table": "orders"}))["queries"]
    sqls = [q["sql"] for q in suggested]
    assert 'SELECT * FROM "orders" AS a JOIN "customers" AS b ON a."customer_id" = b."id" LIMIT 10' in sqls
    assert 'SELECT * FROM "orders" AS a JOIN "products" AS b ON a."product_id" = b."id" LIMIT 10' in sqls
    assert any(q.startswith('SELECT "status", count(*) AS n, sum("quantity")') for q in sqls), sqls
    assert not any('GROUP BY "id"' in q for q in sqls)  # unique: no use grouping by it
    reverse = structured(await peer.call_tool("suggest_queries", {"table": "customers"}))["queries"]
    assert any("how many orders rows refer to each row of customers" == q["description"] for q in reverse)
    for query in suggested + reverse:  # every suggestion runs as it is
        answer = structured(await peer.call_tool("execute_select", {"sql": query["sql"], "use_cache": False}))
        assert answer["row_count"] > 0, query
    per_customer = next(q["sql"] for q in reverse if "refer to" in q["description"])
    top_customers = structured(await peer.call_tool("execute_select", {"sql": per_customer}))["rows"]
    assert top_customers[0][1] == max(n for _, n in sample("SELECT customer_id, count(*) FROM orders GROUP BY 1"))


async def check_listed_when_asked(peer: Peer, write: Callable[[str], None]) -> None:
    """The template lists the tables that exist when asked: one made after the start shows."""
    write("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    listed = [str(r.uri) for r in (await peer.list_resources()).resources]
    assert listed == [f"database://tables/{t}" for t in sorted(TABLES + ["notes"])]
    notes = resource_json(await peer.read_resource("database://tables/notes"), "database://tables/notes")
    assert notes["schema"]["row_count"] == 0


async def check_cache_tables_analysis(peer: Peer, write: Callable[[str], None]) -> None:
    await check_text_tables(peer)
    await check_analysis(peer)
    await check_cache(peer, write)
    await check_listed_when_asked(peer, write)


# ----- SQLite ----------------------------------------------------------------------------------

SQLITE_REFUSED = [(sql, f"refused: the database is read-only (not allowed: {what})") for sql, what in [
    ("DELETE FROM orders", "DELETE orders"),
    ("UPDATE products SET price = 0", "UPDATE products"),
    ("INSERT INTO customers (name) VALUES ('x')", "INSERT customers"),
    ("DROP TABLE orders", "DELETE sqlite_master"),
    ("CREATE TABLE t (x)", "INSERT sqlite_master"),
    ("ALTER TABLE orders ADD COLUMN y", "ALTER TABLE main"),
    ("ATTACH DATABASE 'other.db' AS other", "ATTACH other.db"),
    ("PRAGMA journal_mode = DELETE", "PRAGMA journal_mode"),
    ("BEGIN IMMEDIATE", "TRANSACTION BEGIN"),
    ("WITH x AS (SELECT 1) DELETE FROM orders", "DELETE orders"),
]] + [
    ("SELECT fts3_tokenizer('simple')", "refused: the function fts3_tokenizer() is not allowed on this server"),
    ("SELECT hex(FTS3_TOKENIZER('porter'))", "refused: the function fts3_tokenizer() is not allowed on this server"),
    ("SELECT fts3_tokenizer('x', x'0000000000000000')", "refused: the function fts3_tokenizer() is not allowed on this server"),
    ("SELECT load_extension('libm')", "refused: the function load_extension() is not allowed on this server"),
    ("SELECT 1; DELETE FROM orders", "SQLite: You can only execute one statement at a time."),
    ("SELEC 1", 'SQLite: near "SELEC": syntax error'),
    ("SELECT * FROM nope", "SQLite: no such table: nope"),
]


async def check_sqlite_read_only(peer: Peer, db: Path) -> None:
    before = digest(db)
    for sql, message in SQLITE_REFUSED:
        assert tool_error(await peer.call_tool("execute_select", {"sql": sql})) == message, sql
    assert digest(db) == before
    assert sqlite_oracle(db, "SELECT count(*) FROM orders") == [[30]]
    answer = structured(await peer.call_tool("execute_select", {"sql": "SELECT category, avg(price) FROM products GROUP BY 1 ORDER BY 1"}))
    assert answer["rows"] == sqlite_oracle(db, "SELECT category, avg(price) FROM products GROUP BY 1 ORDER BY 1")
    blob = structured(await peer.call_tool("execute_select", {"sql": "SELECT x'00ff'"}))
    assert blob["rows"] == [[{"base64": "AP8="}]]


@pytest.mark.parametrize("wire", WIRES)
def test_sqlite_over_stdio(wire: str, sample_db: Path, errlog: TextIO) -> None:
    async def body() -> None:
        async with over_stdio([sys.executable, str(SCRIPT), "--timeout-ms", "500", str(sample_db)], wire, errlog) as peer:
            await check_listing(peer)
            await check_queries(peer, "?")
            await check_sqlite_read_only(peer, sample_db)
            await check_resources(peer, wire)
            assert tool_error(await peer.call_tool("execute_select", {"sql": INFINITE})) == (
                "the query was interrupted: it ran longer than the 0.5 s time limit")
            assert structured(await peer.call_tool("execute_select", {"sql": "SELECT 2"}))["rows"] == [[2]]

    run(body)


@pytest.mark.parametrize("wire", WIRES)
def test_sqlite_over_http(wire: str, sample_db: Path, errlog: TextIO) -> None:
    with http_server([sys.executable, str(SCRIPT), str(sample_db)], errlog) as url:

        async def body() -> None:
            async with over_http(url, wire) as peer:
                await check_listing(peer)
                await check_queries(peer, "?")
                await check_sqlite_read_only(peer, sample_db)

        run(body)


def open_files(pid: int, path: Path) -> int:
    """How many file descriptors of the process `pid` are open on `path`."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):  # closed while we looked
            count += os.readlink(fd) == str(path.resolve())
    return count


SLOW_SQLITE = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT count(*) FROM n"


def test_sqlite_pool_cache_and_analysis(sample_db: Path, errlog: TextIO, child_pids: Callable[[], list[int]]) -> None:
    def write(sql: str) -> None:
        with contextlib.closing(sqlite3.connect(sample_db)) as conn, conn:
            conn.execute(sql)

    async def body() -> None:
        async with over_stdio([sys.executable, str(SCRIPT), str(sample_db)], HANDSHAKE, errlog) as peer:
            (server,) = child_pids()
            # Connections are kept between calls (a connection per call would leave none open)...
            await peer.call_tool("list_tables", {})
            assert open_files(server, sample_db) == 1
            # ... and at most 10 exist however many calls arrive at once.
            calls = [peer.call_tool("execute_select", {"sql": SLOW_SQLITE, "use_cache": False}) for _ in range(24)]
            answers = await asyncio.gather(*calls)
            assert all(structured(a)["rows"] == [[20000]] for a in answers)
            assert 1 <= open_files(server, sample_db) <= 10
            await check_cache_tables_analysis(peer, write)

    run(body)


def test_sqlite_init_and_usage_errors(sample_db: Path, tmp_path: Path) -> None:
    def start(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(SCRIPT), *args], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=PG_BOUND, check=False, env={**os.environ, **(env or {})})

    before = digest(sample_db)
    broken = tmp_path / "broken.sql"
    broken.write_text("CREATE TABLE a (x);\nINSERT INTO nope VALUES (1);\n")
    again = start("--init", str(broken), str(sample_db))  # exists: used as it is, the script does not run
    assert again.returncode == 0 and "created" not in again.stderr and digest(sample_db) == before
    other = tmp_path / "other.db"
    failed = start("--init", str(broken), str(other))
    assert failed.returncode == 1 and "no such table: nope" in failed.stderr
    assert not other.exists() and not list(tmp_path.glob("other.db.init-*"))
    absent = start(str(other))
    assert absent.returncode == 1 and "cannot open the database" in absent.stderr and not other.exists()
    for args, env, message in [
        ([], None, "give a SQLite DATABASE file"),
        ([str(sample_db)], {"DATABASE_URL": "mysql://x"}, "DATABASE_URL must start with postgresql://"),
        ([str(sample_db)], {"DATABASE_URL": "postgresql://127.0.0.1:1/x"}, "DATABASE and --init are for SQLite"),
        (["--timeout-ms", "0", str(sample_db)], None, "--timeout-ms must be positive"),
        (["--max-rows", "0", str(sample_db)], None, "--max-rows must be positive"),
        (["--max-bytes", "-1", str(sample_db)], None, "--max-bytes must be positive"),
    ]:
        usage = start(*args, env=env)
        assert usage.returncode == 2 and message in usage.stderr, args


def peak_memory_kib(pid: int) -> int:
    """The most resident memory the process `pid` has had (VmHWM), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmHWM in /proc/{pid}/status")


SERIES = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
TOO_BIG = "the server's {}-byte limit: select less of it (e.g. substr() or length() of large values)"
PEAK_BOUND_KIB = 150 * 1024  # the server's own size is well under; the blob alone would be 98 MiB


def test_sqlite_bounds_every_answer(sample_db: Path, errlog: TextIO, child_pids: Callable[[], list[int]]) -> None:
    async def body() -> None:
        async with over_stdio([sys.executable, str(SCRIPT), str(sample_db)], HANDSHAKE, errlog) as peer:
            (server,) = child_pids()
            started = time.monotonic()
            huge = await peer.call_tool("execute_select", {"sql": "SELECT zeroblob(100000000)"})
            assert tool_error(huge) == "a value is larger than " + TOO_BIG.format(1024 * 1024)
            assert time.monotonic() - started < 5 and peak_memory_kib(server) < PEAK_BOUND_KIB
            # The default caps: 1000 rows, 1 MiB.
            many = structured(await peer.call_tool("execute_select", {"sql": SERIES + "SELECT i FROM n", "max_rows": 1000}))
            assert many["row_count"] == 1000 and many["note"] == "truncated after 1000 rows: there are more (the limit is 1000 rows)"
            wide = structured(await peer.call_tool("execute_select", {
                "sql": SERIES + "SELECT i, hex(zeroblob(5000)) FROM n", "max_rows": 1000}))
            assert wide["truncated"] and wide["note"] == f"truncated after {wide['row_count']} rows: the result reached the 1048576-byte limit"
            assert 100 <= wide["row_count"] <= 105 and len(json.dumps(wide["rows"])) <= 1024 * 1024
            assert peak_memory_kib(server) < PEAK_BOUND_KIB

        limits = ["--max-rows", "50", "--max-bytes", "100000"]
        async with over_stdio([sys.executable, str(SCRIPT), *limits, str(sample_db)], HANDSHAKE, errlog) as peer:
            rows = structured(await peer.call_tool("execute_select", {"sql": SERIES + "SELECT i FROM n", "max_rows": 1000}))
            assert [r[0] for r in rows["rows"]] == list(range(1, 51))
            assert rows["note"] == "truncated after 50 rows: there are more (the limit is 50 rows)"
            grouped = structured(await peer.call_tool("execute_aggregation", {
                "table": "orders", "function": "COUNT", "group_by": "id", "max_rows": 1000}))
            assert grouped["result"]["row_count"] == 30 and not grouped["result"]["truncated"]
            wide = structured(await peer.call_tool("execute_select", {"sql": SERIES + "SELECT i, hex(zeroblob(2500)) FROM n"}))
            assert wide["note"] == f"truncated after {wide['row_count']} rows: the result reached the 100000-byte limit"
            assert wide["row_count"] == 19 and len(json.dumps(wide["rows"])) <= 100000
            row = tool_error(await peer.call_tool("execute_select", {"sql": "SELECT hex(zeroblob(30000)), hex(zeroblob(30000))"}))
            assert row == "a single row is 120009 bytes as JSON, more than " + TOO_BIG.format(100000)
            value = tool_error(await peer.call_tool("execute_select", {"sql": "SELECT hex(zeroblob(60000))"}))
            assert value == "a value is larger than " + TOO_BIG.format(100000)
            assert structured(await peer.call_tool("execute_select", {"sql": "SELECT 1"}))["rows"] == [[1]]

    run(body)


# ----- PostgreSQL ------------------------------------------------------------------------------


class Postgres(NamedTuple):
    reader: str  # the URL of `shop` as `reader`: LOGIN, CONNECT, USAGE and SELECT, nothing else
    superuser: str  # the same database as the superuser `postgres`
    files: str  # as `files`, an otherwise ordinary role that is a member of pg_read_server_files
    scratch: Path  # the server's scratch directory (writable by its programs)


@pytest.fixture
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL server on 127.0.0.1 holding the sample database `shop`."""
    import psycopg

    with running_postgres() as cluster:
        port = cluster.port
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE shop")
        url = f"postgresql://postgres@127.0.0.1:{port}/shop"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(SAMPLE_SQL.read_text())
            for role in ("reader", "files"):
                conn.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT")
                conn.execute(f"GRANT CONNECT ON DATABASE shop TO {role}")
                conn.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
                conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
            conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            conn.execute("GRANT pg_read_server_files TO files")
        yield Postgres(f"postgresql://reader@127.0.0.1:{port}/shop", url, f"postgresql://files@127.0.0.1:{port}/shop",
                       cluster.scratch)


PG_REFUSED = [
    ("DELETE FROM orders", "refused: the database is read-only (cannot execute DELETE in a read-only transaction)"),
    ("UPDATE products SET price = 0", "refused: the database is read-only (cannot execute UPDATE in a read-only transaction)"),
    ("INSERT INTO customers (name) VALUES ('x')", "cannot execute INSERT in a read-only transaction"),
    ("CREATE TABLE t (x int)", "cannot execute CREATE TABLE in a read-only transaction"),
    ("DROP TABLE orders", "cannot execute DROP TABLE in a read-only transaction"),
    ("WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone", "cannot execute SELECT in a read-only transaction"),
    ("SELECT 1; DELETE FROM orders", "PostgreSQL: cannot insert multiple commands into a prepared statement"),
    ("SET TRANSACTION READ WRITE; DELETE FROM orders", "cannot insert multiple commands into a prepared statement"),
    ("SET default_transaction_read_only = off", "the statement returns no rows: only queries (SELECT, WITH, VALUES) can run"),
    ("SELECT set_config('transaction_read_only', 'off', false)", "PostgreSQL: transaction read-write mode must be set before any query"),
    ("SELECT * FROM nope", 'PostgreSQL: relation "nope" does not exist'),
    ("SELECT pg_sleep(5)", "the query was interrupted: it ran longer than the 0.5 s time limit"),
    # What a read-only transaction alone does not stop; the role's rights do.
    ("SELECT pg_read_file('/etc/passwd')", "PostgreSQL: permission denied for function pg_read_file"),
    ("SELECT pg_ls_dir('.')", "PostgreSQL: permission denied for function pg_ls_dir"),
    ("SELECT lo_import('/etc/passwd')", "PostgreSQL: "),
    ("COPY (SELECT 1) TO PROGRAM 'true'", "pg_execute_server_program role to COPY to or from an external program"),
    ("COPY (SELECT 1) TO '/tmp/out.csv'", "pg_write_server_files role to COPY to a file"),
    ("SELECT * FROM pg_authid", "PostgreSQL: permission denied for table pg_authid"),
]


def test_postgresql_over_stdio(postgres: Postgres, errlog: TextIO) -> None:
    import psycopg

    ran = postgres.scratch / "program-ran"

    async def body() -> None:
        command = ["env", f"DATABASE_URL={postgres.reader}", sys.executable, str(SCRIPT), "--timeout-ms", "500"]
        async with over_stdio(command, HANDSHAKE, errlog) as peer:
            await check_listing(peer)
            await check_queries(peer, "%s")
            await check_resources(peer, HANDSHAKE)
            for sql, message in PG_REFUSED + [(f"COPY (SELECT 1) TO PROGRAM 'touch {ran}'", "to COPY to or from an external program")]:
                assert message in tool_error(await peer.call_tool("execute_select", {"sql": sql})), sql
            dates = structured(await peer.call_tool("execute_select", {"sql": "SELECT DATE '2024-01-05' AS d, 2.50::numeric AS n"}))
            assert dates["rows"] == [["2024-01-05", 2.5]]
            # Rows arrive one at a time and stop at the limits (the series is never read to its end).
            series = "SELECT i, repeat('x', 10000) FROM (SELECT generate_series(1, 100000000) AS i) AS n"
            wide = structured(await peer.call_tool("execute_select", {"sql": series, "max_rows": 1000}))
            assert wide["note"] == f"truncated after {wide['row_count']} rows: the result reached the 1048576-byte limit"
            assert 100 <= wide["row_count"] <= 105
            row = tool_error(await peer.call_tool("execute_select", {"sql": "SELECT repeat('x', 2000000)"}))
            assert row == "a single row is 2000005 bytes as JSON, more than " + TOO_BIG.format(1024 * 1024)
            assert structured(await peer.call_tool("execute_select", {"sql": "SELECT 2 AS two"}))["rows"] == [[2]]

    run(body)
    assert not ran.exists()
    with psycopg.connect(postgres.superuser) as conn:
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES]
    assert counts == [12, 30, 10]


def test_postgresql_refuses_a_powerful_role(postgres: Postgres, errlog: TextIO) -> None:
    def start(url: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["env", f"DATABASE_URL={url}", sys.executable, str(SCRIPT), *args], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=PG_BOUND, check=False)

    advice = ("so it could read the server's files or run programs on it (pg_read_file, COPY ... TO PROGRAM) even in a "
              "read-only transaction. Connect as a role with only CONNECT, USAGE and SELECT rights, or pass --allow-superuser")
    for url, role, what in [(postgres.superuser, "postgres", "a superuser"),
                            (postgres.files, "files", "a member of pg_read_server_files")]:
        refused = start(url)
        assert refused.returncode == 1, refused.stderr
        assert refused.stderr == f"database_server: refusing to serve as the PostgreSQL role {role!r}: it is {what}, {advice}\n"
    # With the flag it serves (and says so): a superuser's query reaches what the reader's cannot.
    allowed = start(postgres.superuser, "--allow-superuser")
    assert allowed.returncode == 0 and "warning: --allow-superuser" in allowed.stderr

    async def body() -> None:
        command = ["env", f"DATABASE_URL={postgres.superuser}", sys.executable, str(SCRIPT), "--allow-superuser"]
        async with over_stdio(command, HANDSHAKE, errlog) as peer:
            assert structured(await peer.call_tool("execute_select", {"sql": "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"}))["rows"] == [[True]]

    run(body)


def test_postgresql_over_http(postgres: Postgres, errlog: TextIO, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", postgres.reader)
    with http_server([sys.executable, str(SCRIPT)], errlog) as url:

        async def body() -> None:
            async with over_http(url, WIRES[0]) as peer:
                await check_listing(peer)
                await check_queries(peer, "%s")

        run(body)


def test_postgresql_pool_cache_and_analysis(postgres: Postgres, errlog: TextIO) -> None:
    import psycopg

    def write(sql: str) -> None:
        with psycopg.connect(postgres.superuser, autocommit=True) as conn:
            conn.execute(sql)
            if sql.startswith("CREATE TABLE"):
                conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")

    def reader_connections(settled: Callable[[int], bool] = lambda n: True) -> int:
        """The reader's connections, once `settled` holds of their count (a closed one leaves
        pg_stat_activity a moment after its client closed it), or at the deadline."""
        deadline = time.monotonic() + 10
        with psycopg.connect(postgres.superuser, autocommit=True) as conn:
            while True:
                count = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = 'reader'").fetchone()[0]
                if settled(count) or time.monotonic() > deadline:
                    return int(count)
                time.sleep(0.05)

    async def body() -> None:
        command = ["env", f"DATABASE_URL={postgres.reader}", sys.executable, str(SCRIPT)]
        async with over_stdio(command, HANDSHAKE, errlog) as peer:
            # The pool keeps 2 connections open from the start, and reuses them call after call.
            assert reader_connections(lambda n: n == 2) == 2
            pids = {structured(await peer.call_tool("execute_select", {"sql": "SELECT pg_backend_pid()", "use_cache": False}))["rows"][0][0]
                    for _ in range(6)}
            assert 1 <= len(pids) <= 2, pids
            calls = [peer.call_tool("execute_select", {"sql": "SELECT 1 FROM pg_sleep(0.1)", "use_cache": False}) for _ in range(24)]
            answers = await asyncio.gather(*calls)
            assert all(structured(a)["rows"] == [[1]] for a in answers)
            assert 2 <= reader_connections() <= 10
            await check_cache_tables_analysis(peer, write)

    run(body)
    assert reader_connections(lambda n: n == 0) == 0  # the pool is closed when the server stops
