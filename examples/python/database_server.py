"""A read-only SQL MCP server over SQLite (built in) or PostgreSQL (with ``DATABASE_URL``).

Tools: ``list_tables``, ``get_table_schema``, ``execute_select`` (one query, its ``params``
bound to placeholders: ``?`` on SQLite, ``%s`` on PostgreSQL), ``execute_aggregation``
(COUNT/SUM/AVG/MIN/MAX of a column, optionally grouped; the names are checked against the
schema and then quoted), ``analyze_table`` (row count, per-column null and distinct counts,
minimum and maximum of numbers and dates, most frequent values) and ``suggest_queries``
(SELECTs built from the schema: joins along foreign keys, group-bys on low-cardinality
columns; table_analysis.py). Every table is a resource, ``database://tables/{name}`` (its
schema and first rows as JSON): the template lists the tables that exist when the client
asks, and table names complete.

Connections are pooled: SQLite keeps up to ``POOL_MAX`` read-only connections
(connection_pool.py), PostgreSQL a psycopg_pool of ``POOL_MIN`` to ``POOL_MAX``. The answers
of ``execute_select`` and ``execute_aggregation`` are cached for ``--cache-ttl`` seconds
(default 300; 0 turns the cache off), keyed by the SQL, its parameters and the row limit, in
a cache bounded in entries and bytes (ttl_cache.py); ``cached`` says where an answer came
from, and ``use_cache: false`` runs the query again (and refreshes the cached answer). With
``format: "table"`` their text content is a text table (text_table.py) instead of JSON; the
structured content is the same either way.

Read-only is enforced by the database, never by looking at the SQL text:

- SQLite: the file is opened with ``mode=ro``, and an authorizer (``set_authorizer``)
  allows only reading while the client's SQL is prepared, so writes, ATTACH, PRAGMA and
  transaction control are refused naming what was refused. The same authorizer refuses the
  functions that reach past the data (``DENIED_FUNCTIONS``: ``fts3_tokenizer``, which
  answers a heap address, ``load_extension``, and the shell's file functions). A progress
  handler stops a query that exceeds the time limit or whose call was cancelled.
- PostgreSQL (psycopg): every query runs in its own ``READ ONLY`` transaction (on a
  connection whose ``default_transaction_read_only`` is on) with a ``statement_timeout``,
  through the extended protocol, which takes exactly one statement. A read-only transaction
  does not stop a superuser from reading server files (``pg_read_file``) or running programs
  (``COPY ... TO PROGRAM``), so the server refuses to start when its role is a superuser or a
  member of ``pg_read_server_files``, ``pg_write_server_files`` or
  ``pg_execute_server_program``, unless given ``--allow-superuser``. Connect as a role that
  has only CONNECT, USAGE and SELECT rights.

Results are bounded: at most ``--max-rows`` rows (default 1000; a call may ask for fewer with
``max_rows``) and about ``--max-bytes`` of JSON (default 1 MiB). Rows are fetched a batch at
a time (PostgreSQL streams them one by one) and the fetching stops at the first limit
reached: the answer then says ``"truncated": true`` with a ``note`` ("truncated after N
rows: ..."). A single row larger than ``--max-bytes`` is a tool error; on SQLite (Python 3.11
and later) the same limit caps every string and blob (``SQLITE_LIMIT_LENGTH``), so such a
value is refused before it is built.

    python examples/python/database_server.py [--init SCRIPT.sql] [--timeout-ms N] [--max-rows N] [--max-bytes N]
        [--cache-ttl SECONDS] [--http HOST:PORT] DATABASE
    DATABASE_URL=postgresql://reader@host:5432/db python examples/python/database_server.py [--allow-superuser] ...
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import decimal
import json
import os
import sqlite3
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Annotated, Any, Callable, Dict, Iterator, List, Literal, Optional, Sequence, Union

import mcpforge
from connection_pool import Pool, PoolExhausted
from mcpforge import CallToolResult, Context, Field, Server, Text, ToolError
from table_analysis import analyze, suggest
from text_table import render
from ttl_cache import TtlCache

FIRST_ROWS = 5
FETCH_BATCH = 100
POOL_MIN, POOL_MAX = 2, 10  # PostgreSQL keeps 2 to 10 connections, SQLite up to 10
POOL_WAIT = 30.0  # seconds a call waits for a free connection
CACHE_ENTRIES, CACHE_BYTES = 256, 32 * 1024 * 1024
Param = Union[str, int, float, bool, None]
Format = Literal["json", "table"]

# Set by main() from the command line: the most rows and bytes (of JSON) one answer holds,
# and the query cache (its lifetime is --cache-ttl).
MAX_ROWS = 1000
MAX_BYTES = 1024 * 1024
CACHE = TtlCache(300, CACHE_ENTRIES, CACHE_BYTES)

server = Server(
    "mcpforge-database",
    version=mcpforge.__version__,
    instructions="Explore and query a SQL database, read-only. Start with list_tables and get_table_schema.",
)


def json_value(value: Any) -> Any:
    """A database value as JSON: blobs as {"base64": ...}, decimals as numbers, dates as text."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime.date, datetime.time, datetime.datetime)):
        return value.isoformat()
    return value


def too_large(size: Optional[int] = None) -> ToolError:
    """The error for a row (of ``size`` bytes as JSON) or a value past MAX_BYTES."""
    what = f"a single row is {size} bytes as JSON, more than" if size is not None else "a value is larger than"
    return ToolError(f"{what} the server's {MAX_BYTES}-byte limit: select less of it (e.g. substr() or length() "
                     "of large values)")


def rows_result(columns: Callable[[], Sequence[str]], fetch: Callable[[int], Sequence[Sequence[Any]]],
                max_rows: int) -> Dict[str, Any]:
    """Fetches rows through ``fetch(n)`` (the next at most n rows) a batch at a time, until
    ``max_rows`` rows or MAX_BYTES of JSON are reached: never more than one row past either
    limit is fetched. ``columns`` is asked for the column names once the rows are in."""
    rows: List[List[Any]] = []
    size, note = 0, None
    while note is None:
        batch = fetch(min(FETCH_BATCH, max_rows + 1 - len(rows)))
        if not batch:
            break
        for fetched in batch:
            if len(rows) == max_rows:
                note = f"truncated after {len(rows)} rows: there are more (the limit is {max_rows} rows)"
                break
            row = [json_value(v) for v in fetched]
            row_size = len(json.dumps(row)) + 1
            if size + row_size > MAX_BYTES:
                if not rows:
                    raise too_large(row_size)
                note = f"truncated after {len(rows)} rows: the result reached the {MAX_BYTES}-byte limit"
                break
            rows.append(row)
            size += row_size
    result = {"columns": list(columns()), "rows": rows, "row_count": len(rows), "truncated": note is not None}
    return {**result, "note": note} if note else result


# ----- SQLite --------------------------------------------------------------------------------

# Authorizer actions, by code, for refusal messages ("INSERT is not allowed").
_SQLITE_ACTIONS = {
    getattr(sqlite3, "SQLITE_" + name): name.replace("_", " ")
    for name in (
        "INSERT", "UPDATE", "DELETE", "PRAGMA", "ATTACH", "DETACH", "TRANSACTION", "SAVEPOINT", "ALTER_TABLE",
        "REINDEX", "ANALYZE", "CREATE_INDEX", "CREATE_TABLE", "CREATE_TEMP_INDEX", "CREATE_TEMP_TABLE",
        "CREATE_TEMP_TRIGGER", "CREATE_TEMP_VIEW", "CREATE_TRIGGER", "CREATE_VIEW", "CREATE_VTABLE", "DROP_INDEX",
        "DROP_TABLE", "DROP_TEMP_INDEX", "DROP_TEMP_TABLE", "DROP_TEMP_TRIGGER", "DROP_TEMP_VIEW", "DROP_TRIGGER",
        "DROP_VIEW", "DROP_VTABLE",
    )
    if hasattr(sqlite3, "SQLITE_" + name)
}
SQLITE_TOOBIG = 18  # "string or blob too big" (sqlite3.SQLITE_TOOBIG from Python 3.11)
_SQLITE_READS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
# Functions that reach past the data: fts3_tokenizer answers a heap address (and with two
# arguments installs one), load_extension loads code, and readfile, writefile and edit (the
# shell's, when a build has them) touch files and run an editor.
DENIED_FUNCTIONS = {"fts3_tokenizer", "load_extension", "readfile", "writefile", "edit"}


class SQLite:
    """A SQLite database file, read through a pool of up to POOL_MAX read-only connections."""

    placeholder = "?"

    def __init__(self, path: Path, timeout: float) -> None:
        self.uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
        self.timeout = timeout
        self.pool: Pool[sqlite3.Connection] = Pool(self.connect, lambda db: db.close(), POOL_MAX, POOL_WAIT)
        with self.pool.connection() as db:  # fail now, not on the first call
            db.execute("SELECT count(*) FROM sqlite_schema").fetchall()

    def connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.uri, uri=True, isolation_level=None, check_same_thread=False)
        if hasattr(db, "setlimit"):  # Python 3.11+: no string or blob past the byte limit is ever built
            db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_BYTES)
        return db

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def _catalogue(self, sql: str, params: Sequence[Any] = ()) -> List[Any]:
        """The rows of a query of the server's own on the schema (not the client's SQL)."""
        with self.pool.connection() as db:
            return db.execute(sql, params).fetchall()

    def tables(self) -> List[str]:
        return [r[0] for r in self._catalogue("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') "
                                              "AND name NOT LIKE 'sqlite_%' ORDER BY name")]

    def columns(self, table: str) -> List[Dict[str, Any]]:
        rows = self._catalogue("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", (table,))
        return [{"name": n, "type": t, "nullable": not nn, "default": d, "primary_key": bool(pk)} for n, t, nn, d, pk in rows]

    def foreign_keys(self) -> List[Dict[str, Any]]:
        """Every foreign key: its table and columns, and the table and columns it refers to
        (a key written without columns refers to the other table's primary key)."""
        rows = self._catalogue(
            "SELECT m.name, f.id, f.\"from\", f.\"table\", f.\"to\" FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f "
            "WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq")
        keys: Dict[Any, Dict[str, Any]] = {}
        for table, key, column, ref_table, ref_column in rows:
            fk = keys.setdefault((table, key), {"table": table, "columns": [], "ref_table": ref_table, "ref_columns": []})
            fk["columns"].append(column)
            fk["ref_columns"].append(ref_column)
        for fk in keys.values():
            if None in fk["ref_columns"]:
                fk["ref_columns"] = [c["name"] for c in self.columns(fk["ref_table"]) if c["primary_key"]]
        return list(keys.values())

    def query(self, sql: str, params: Sequence[Param], max_rows: int, ctx: Optional[Context] = None) -> Dict[str, Any]:
        refused: List[str] = []
        denied_functions: List[str] = []

        def authorize(action: int, arg1: Optional[str], arg2: Optional[str], *_: Any) -> int:
            if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
                denied_functions.append(str(arg2))
                return sqlite3.SQLITE_DENY
            if action in _SQLITE_READS:
                return sqlite3.SQLITE_OK
            refused.append(_SQLITE_ACTIONS.get(action, f"action {action}") + (f" {arg1}" if arg1 else ""))
            return sqlite3.SQLITE_DENY

        deadline = [time.monotonic() + self.timeout]  # set again once a connection is free
        stopped: List[str] = []

        def progress() -> int:
            if ctx is not None and ctx.cancelled:
                stopped.append("cancelled")
            elif time.monotonic() > deadline[0]:
                stopped.append(f"it ran longer than the {self.timeout:g} s time limit")
            return 1 if stopped else 0

        try:
            with self.pool.connection() as db:
                deadline[0] = time.monotonic() + self.timeout  # the time limit is the query's, not the wait's
                return self._run(db, authorize, progress, sql, params, max_rows)
        except PoolExhausted as e:
            raise ToolError(f"the server is busy: {e}") from None
        except sqlite3.Error as e:
            if denied_functions:
                raise ToolError(f"refused: the function {denied_functions[0]}() is not allowed on this server") from None
            if refused:
                what = ", ".join(dict.fromkeys(refused))
                raise ToolError(f"refused: the database is read-only (not allowed: {what})") from None
            if stopped:
                raise ToolError(f"the query was interrupted: {stopped[0]}") from None
            if getattr(e, "sqlite_errorcode", None) == SQLITE_TOOBIG:
                raise too_large() from None
            raise ToolError(f"SQLite: {e}") from None

    @staticmethod
    def _run(db: sqlite3.Connection, authorize: Callable[..., int], progress: Callable[[], int], sql: str,
             params: Sequence[Param], max_rows: int) -> Dict[str, Any]:
        """Runs the client's SQL on a pooled connection under ``authorize`` and ``progress``,
        and leaves the connection as it found it: no statement open (so no read transaction
        holds an old snapshot), no authorizer, no progress handler."""
        cursor = None
        try:
            db.set_authorizer(authorize)
            db.set_progress_handler(progress, 10_000)
            cursor = db.execute(sql, list(params))
            if cursor.description is None:
                raise ToolError("the statement returns no rows: only queries (SELECT, WITH, VALUES) can run")
            return rows_result(lambda: [d[0] for d in cursor.description], cursor.fetchmany, max_rows)
        finally:
            if cursor is not None:
                cursor.close()
            db.set_authorizer(None)
            db.set_progress_handler(None, 0)

    def close(self) -> None:
        self.pool.close()

    @staticmethod
    def init(path: Path, script: Path) -> bool:
        """Creates ``path`` from the SQL ``script`` unless it exists (atomically: a failing
        script leaves nothing behind). True when it was created."""
        if path.exists():
            return False
        sql = script.read_text(encoding="utf-8")
        temporary = path.with_name(f"{path.name}.init-{os.getpid()}")
        try:
            with sqlite3.connect(temporary) as db:
                db.executescript(sql)
            db.close()
            temporary.rename(path)
        finally:
            temporary.unlink(missing_ok=True)
        return True


# ----- PostgreSQL ----------------------------------------------------------------------------


# Roles whose members read or write the server's files or run programs on it, read-only
# transaction or not (PostgreSQL 11 and later).
POWERFUL_ROLES = ("pg_read_server_files", "pg_write_server_files", "pg_execute_server_program")


class RoleRefused(Exception):
    """The PostgreSQL role can do more than read (see PostgreSQL.powers)."""


class PostgreSQL:
    """A PostgreSQL database through psycopg, read-only, on a pool of POOL_MIN to POOL_MAX
    connections (psycopg_pool, which checks a connection before handing it out)."""

    placeholder = "%s"

    def __init__(self, url: str, timeout: float, allow_superuser: bool = False) -> None:
        import psycopg  # only needed for PostgreSQL
        import psycopg_pool

        self.psycopg, self.psycopg_pool = psycopg, psycopg_pool
        self.url = url
        self.options = f"-c default_transaction_read_only=on -c statement_timeout={int(timeout * 1000)}"
        self.timeout = timeout
        self.pool: Any = None
        powers = self.powers()  # on a connection of its own: a refused role never gets a pool
        if powers and not allow_superuser:
            raise RoleRefused(
                f"refusing to serve as the PostgreSQL role {powers[0]!r}: it is {powers[1]}, so it could read the server's "
                "files or run programs on it (pg_read_file, COPY ... TO PROGRAM) even in a read-only transaction. "
                "Connect as a role with only CONNECT, USAGE and SELECT rights, or pass --allow-superuser")
        if powers:
            print(f"database_server: warning: --allow-superuser: serving as {powers[0]!r}, {powers[1]}, which can read "
                  "the server's files and run programs on it", file=sys.stderr)
        self.pool = psycopg_pool.ConnectionPool(
            url, min_size=POOL_MIN, max_size=POOL_MAX, timeout=POOL_WAIT, open=False, name="database_server",
            kwargs={"options": self.options, "connect_timeout": 10}, configure=self._configure,
            check=psycopg_pool.ConnectionPool.check_connection)
        self.pool.open(wait=True, timeout=30)

    @staticmethod
    def _configure(conn: Any) -> None:
        conn.read_only = True

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    def powers(self) -> Optional[List[str]]:
        """The role's name and what makes it too powerful, or None when it is an ordinary role."""
        sql = ("SELECT current_user, r.rolsuper, ARRAY(SELECT p.rolname FROM pg_roles p WHERE p.rolname = ANY(%s) "
               "AND pg_has_role(current_user, p.oid, 'MEMBER') ORDER BY p.rolname) FROM pg_roles r "
               "WHERE r.rolname = current_user")
        (name, superuser, members), = self._run(sql, [list(POWERFUL_ROLES)], 1)["rows"]
        if superuser:
            return [name, "a superuser"]
        return [name, "a member of " + ", ".join(members)] if members else None

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        """A pooled connection (or, before the pool is open, one of its own)."""
        if self.pool is not None:
            with self.pool.connection() as conn:
                yield conn
            return
        with self.psycopg.connect(self.url, options=self.options, connect_timeout=10) as conn:
            self._configure(conn)
            yield conn

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def _run(self, sql: str, params: Sequence[Any], max_rows: int) -> Dict[str, Any]:
        with self.connect() as conn:
            cursor = conn.cursor()
            try:
                # stream() sends the query through the extended protocol (exactly one statement)
                # and receives the rows one at a time; closing it early cancels the query.
                with contextlib.closing(cursor.stream(sql, list(params))) as stream:

                    def fetch(n: int) -> List[Any]:
                        return [row for _, row in zip(range(n), stream)]

                    return rows_result(lambda: self.column_names(conn, cursor, sql, params), fetch, max_rows)
            except self.psycopg.ProgrammingError as e:
                if "didn't produce a result" in str(e):
                    raise ToolError("the statement returns no rows: only queries (SELECT, WITH, VALUES) can run") from None
                raise
            finally:
                conn.rollback()

    def column_names(self, conn: Any, cursor: Any, sql: str, params: Sequence[Any]) -> List[str]:
        """The columns of a streamed query. With no rows stream() keeps no description, so
        they come from the query wrapped in LIMIT 0, which does not run it."""
        if cursor.description is not None:
            return [d.name for d in cursor.description]
        try:
            with conn.transaction():  # a savepoint: a query that cannot be wrapped leaves the transaction usable
                empty = conn.execute(f"SELECT * FROM (\n{sql}\n) AS query LIMIT 0", list(params), prepare=True)
                return [d.name for d in empty.description or []]
        except self.psycopg.Error:
            return []

    def tables(self) -> List[str]:
        sql = ("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
               "ORDER BY table_name")
        return [r[0] for r in self._run(sql, [], 10_000)["rows"]]

    def columns(self, table: str) -> List[Dict[str, Any]]:
        sql = (
            "SELECT c.column_name, c.data_type, c.is_nullable = 'YES', c.column_default, "
            # pg_index, not information_schema's constraint views, which show nothing to a SELECT-only role
            "EXISTS (SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a "
            "  ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "  WHERE i.indisprimary AND i.indrelid = format('%%I.%%I', c.table_schema, c.table_name)::regclass "
            "  AND a.attname = c.column_name) "
            "FROM information_schema.columns c WHERE c.table_schema = current_schema() AND c.table_name = %s "
            "ORDER BY c.ordinal_position"
        )
        rows = self._run(sql, [table], 10_000)["rows"]
        return [{"name": n, "type": t, "nullable": nn, "default": d, "primary_key": pk} for n, t, nn, d, pk in rows]

    def foreign_keys(self) -> List[Dict[str, Any]]:
        """Every foreign key between tables of the current schema (from pg_constraint, which
        a SELECT-only role reads, unlike information_schema's constraint views)."""
        sql = (
            "SELECT c.oid, src.relname, a.attname, dst.relname, af.attname FROM pg_catalog.pg_constraint c "
            "JOIN pg_catalog.pg_class src ON src.oid = c.conrelid "
            "JOIN pg_catalog.pg_class dst ON dst.oid = c.confrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = src.relnamespace AND n.nspname = current_schema() "
            "CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, fcol, i) "
            "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col "
            "JOIN pg_catalog.pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = k.fcol "
            "WHERE c.contype = 'f' ORDER BY src.relname, c.conname, k.i"
        )
        keys: Dict[Any, Dict[str, Any]] = {}
        for oid, table, column, ref_table, ref_column in self._run(sql, [], 10_000)["rows"]:
            fk = keys.setdefault(oid, {"table": table, "columns": [], "ref_table": ref_table, "ref_columns": []})
            fk["columns"].append(column)
            fk["ref_columns"].append(ref_column)
        return list(keys.values())

    def query(self, sql: str, params: Sequence[Param], max_rows: int, ctx: Optional[Context] = None) -> Dict[str, Any]:
        errors = self.psycopg.Error
        try:
            return self._run(sql, params, max_rows)
        except self.psycopg.errors.ReadOnlySqlTransaction as e:
            raise ToolError(f"refused: the database is read-only ({e.diag.message_primary})") from None
        except self.psycopg.errors.QueryCanceled:
            raise ToolError(f"the query was interrupted: it ran longer than the {self.timeout:g} s time limit") from None
        except self.psycopg_pool.PoolTimeout:
            raise ToolError(f"the server is busy: all {POOL_MAX} connections stayed busy for {POOL_WAIT:g} s") from None
        except errors as e:
            message = e.diag.message_primary if getattr(e, "diag", None) and e.diag.message_primary else str(e)
            raise ToolError(f"PostgreSQL: {message}") from None


Database = Union[SQLite, PostgreSQL]
DB: Database  # set by main()


# ----- tools, resources, completions ---------------------------------------------------------


def existing_table(table: str) -> str:
    if table not in DB.tables():
        raise ToolError(f"no such table: {table!r} (list_tables shows the tables)")
    return table


def table_schema(table: str) -> Dict[str, Any]:
    columns = DB.columns(existing_table(table))
    count = DB.query(f"SELECT count(*) FROM {DB.quote(table)}", [], 1)["rows"][0][0]
    return {"name": table, "columns": columns, "row_count": count}


def cached_query(sql: str, params: Sequence[Param], max_rows: int, use_cache: bool,
                 ctx: Optional[Context] = None) -> Dict[str, Any]:
    """The answer of a query, from the cache when it holds one (and ``use_cache``), else from
    the database, then kept for --cache-ttl seconds. Errors are never cached. The key is JSON,
    so parameters 1, 1.0 and true are three keys, as they are three queries."""
    key = json.dumps([sql, list(params), max_rows])
    if use_cache:
        hit = CACHE.get(key)
        if hit is not None:
            return {**hit, "cached": True}
    result = DB.query(sql, params, max_rows, ctx)
    CACHE.put(key, result, len(json.dumps(result)))
    return {**result, "cached": False}


def shaped(answer: Dict[str, Any], rows: Dict[str, Any], format: Format, heading: str = "") -> Any:
    """``answer`` as the tool's result: JSON text, or with ``format: "table"`` the rows as a
    text table; ``structuredContent`` is ``answer`` either way."""
    if format == "json":
        return answer
    cached = " (cached)" if answer.get("cached") else ""
    return CallToolResult([Text(heading + render(rows) + cached)], structured_content=answer)


UseCache = Annotated[bool, "false: run the query now rather than answer from the cache (the new answer is cached)."]
FormatArg = Annotated[Format, 'The text content: "json" (default) or "table" (aligned columns); structuredContent is JSON either way.']


@server.tool(title="List tables", annotations={"readOnlyHint": True})
def list_tables() -> Dict[str, List[str]]:
    """The tables (and views) of the database."""
    return {"tables": DB.tables()}


@server.tool(title="Table schema", annotations={"readOnlyHint": True})
def get_table_schema(table: Annotated[str, "A table name from list_tables."]) -> Dict[str, Any]:
    """A table's columns (name, type, nullable, default, primary key) and its row count."""
    return table_schema(table)


@server.tool(title="Run a query", annotations={"readOnlyHint": True})
def execute_select(
    sql: Annotated[str, "One read-only query (SELECT, WITH ... SELECT, VALUES)."],
    ctx: Context,
    params: Annotated[List[Param], "Values bound to the query's placeholders (? on SQLite, %s on PostgreSQL)."] = [],  # noqa: B006
    max_rows: Annotated[int, Field(ge=1, le=1000, description="The most rows returned.")] = 100,
    use_cache: UseCache = True,
    format: FormatArg = "json",
) -> Dict[str, Any]:
    """Run one read-only SQL query with bound parameters; the database refuses anything that writes.
    The answer is bounded in rows (max_rows, and the server's own limit) and in bytes; when
    there was more, it says "truncated": true with a note. Answers are cached for a while
    ("cached": true); use_cache: false asks the database again."""
    answer = cached_query(sql, params, min(max_rows, MAX_ROWS), use_cache, ctx)
    return shaped(answer, answer, format)


@server.tool(title="Aggregate a column", annotations={"readOnlyHint": True})
def execute_aggregation(
    table: Annotated[str, "A table name."],
    function: Literal["COUNT", "SUM", "AVG", "MIN", "MAX"],
    column: Annotated[Optional[str], "The column aggregated (COUNT without one counts rows)."] = None,
    group_by: Annotated[Optional[str], "A column to group by."] = None,
    max_rows: Annotated[int, Field(ge=1, le=1000, description="The most groups returned.")] = 100,
    use_cache: UseCache = True,
    format: FormatArg = "json",
) -> Dict[str, Any]:
    """COUNT, SUM, AVG, MIN or MAX of a column, optionally per value of another column. The
    table and columns must exist; the answer shows the SQL that ran."""
    names = {c["name"] for c in DB.columns(existing_table(table))}
    for name in (column, group_by):
        if name is not None and name not in names:
            raise ToolError(f"no column {name!r} in {table!r} (columns: {', '.join(sorted(names))})")
    if column is None and function != "COUNT":
        raise ToolError(f"{function} needs a column")
    target = f"{function}({DB.quote(column) if column else '*'})"
    sql = f"SELECT {target} FROM {DB.quote(table)}"
    if group_by is not None:
        g = DB.quote(group_by)
        sql = f"SELECT {g}, {target} FROM {DB.quote(table)} GROUP BY {g} ORDER BY {g}"
    result = cached_query(sql, [], min(max_rows, MAX_ROWS), use_cache)
    cached = result.pop("cached")
    answer = {"sql": sql, "result": result, "cached": cached}
    return shaped(answer, result, format, sql + "\n\n")


@server.tool(title="Analyze a table", annotations={"readOnlyHint": True})
def analyze_table(table: Annotated[str, "A table name from list_tables."]) -> Dict[str, Any]:
    """A table's row count and, per column: its kind (number, date, text), null and distinct
    counts, minimum and maximum (numbers and dates), and its most frequent values."""
    return analyze(DB, existing_table(table))


@server.tool(title="Suggest queries", annotations={"readOnlyHint": True})
def suggest_queries(table: Annotated[str, "A table name from list_tables."]) -> Dict[str, Any]:
    """Useful SELECTs on a table, built from its schema and data: its first rows, joins along
    its foreign keys (and the tables that refer to it), counts per low-cardinality column,
    ranges of its numbers, rows per month of its dates. Each runs as is with execute_select."""
    return suggest(DB, existing_table(table))


def listed_tables() -> List[Dict[str, str]]:
    """The tables that exist now, as the template's resources (asked at each resources/list)."""
    return [{"uri": "database://tables/" + urllib.parse.quote(table, safe=""), "name": table,
             "description": f"The schema and first rows of {table}."} for table in DB.tables()]


@server.resource("database://tables/{name}", name="table", mime_type="application/json",
                 description="A table's schema and first rows.", list_resources=listed_tables)
def table_resource(name: str) -> Optional[Dict[str, Any]]:
    if name not in DB.tables():
        return None
    return {"schema": table_schema(name),
            "first_rows": DB.query(f"SELECT * FROM {DB.quote(name)}", [], FIRST_ROWS)}


@server.completion(resource="database://tables/{name}")
def complete_table(value: str) -> List[str]:
    return [t for t in DB.tables() if t.startswith(value)]


def main() -> int:
    global DB, MAX_ROWS, MAX_BYTES, CACHE
    parser = argparse.ArgumentParser(description="read-only SQL over MCP (SQLite, or PostgreSQL with DATABASE_URL)")
    parser.add_argument("database", nargs="?", help="the SQLite database file (not with DATABASE_URL)")
    parser.add_argument("--init", metavar="SCRIPT.sql", type=Path, help="create the SQLite DATABASE from SCRIPT when missing")
    parser.add_argument("--timeout-ms", type=int, default=10_000, help="stop a query running longer (default 10000)")
    parser.add_argument("--max-rows", type=int, default=MAX_ROWS, help="the most rows one answer holds (default 1000)")
    parser.add_argument("--max-bytes", type=int, default=MAX_BYTES,
                        help="about the most bytes of JSON one answer holds, and the largest value (default 1 MiB)")
    parser.add_argument("--cache-ttl", type=float, default=300,
                        help="seconds a query's answer is kept and reused (default 300; 0 turns the cache off)")
    parser.add_argument("--allow-superuser", action="store_true",
                        help="serve even as a PostgreSQL superuser or a role that reads server files or runs programs")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    for option, value in (("--timeout-ms", args.timeout_ms), ("--max-rows", args.max_rows), ("--max-bytes", args.max_bytes)):
        if value < 1:
            parser.error(f"{option} must be positive")
    if not 0 <= args.cache_ttl <= 86_400:
        parser.error("--cache-ttl must be between 0 and 86400 seconds")
    MAX_ROWS, MAX_BYTES = args.max_rows, args.max_bytes
    CACHE = TtlCache(args.cache_ttl, CACHE_ENTRIES, CACHE_BYTES)
    url = os.environ.get("DATABASE_URL", "")
    try:
        if url.startswith(("postgresql://", "postgres://")):
            if args.database or args.init:
                parser.error("DATABASE and --init are for SQLite; DATABASE_URL selects PostgreSQL")
            DB = PostgreSQL(url, args.timeout_ms / 1000, args.allow_superuser)
        elif url:
            parser.error("DATABASE_URL must start with postgresql://")
        else:
            if not args.database:
                parser.error("give a SQLite DATABASE file, or DATABASE_URL=postgresql://...")
            path = Path(args.database)
            if args.init is not None and SQLite.init(path, args.init):
                print(f"database_server: created {path} from {args.init}", file=sys.stderr)
            DB = SQLite(path, args.timeout_ms / 1000)
    except RoleRefused as e:
        print(f"database_server: {e}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as e:
        print(f"database_server: cannot open the database: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # psycopg.OperationalError and friends, without importing psycopg
        print(f"database_server: cannot connect: {e}", file=sys.stderr)
        return 1
    try:
        server.serve(http=args.http)  # stdio, or HTTP with --http; returns on EOF, Ctrl-C or SIGTERM
    finally:
        DB.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
