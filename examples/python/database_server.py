"""A read-only SQL MCP server over SQLite (built in) or PostgreSQL (with ``DATABASE_URL``).

Tools: ``list_tables``, ``get_table_schema``, ``execute_select`` (one query, its ``params``
bound to placeholders: ``?`` on SQLite, ``%s`` on PostgreSQL) and ``execute_aggregation``
(COUNT/SUM/AVG/MIN/MAX of a column, optionally grouped; the names are checked against the
schema and then quoted). Every table is a resource, ``database://tables/{name}`` (its schema
and first rows as JSON), and table names complete.

Read-only is enforced by the database, never by looking at the SQL text:

- SQLite: the file is opened with ``mode=ro``, and an authorizer (``set_authorizer``)
  allows only reading while the client's SQL is prepared, so writes, ATTACH, PRAGMA and
  transaction control are refused naming what was refused. A progress handler stops a query
  that exceeds the time limit or whose call was cancelled.
- PostgreSQL (psycopg): every query runs in its own ``READ ONLY`` transaction (on a
  connection whose ``default_transaction_read_only`` is on) with a ``statement_timeout``,
  through the extended protocol, which takes exactly one statement. For production, also
  connect as a role that has only SELECT rights.

    python examples/python/database_server.py [--init SCRIPT.sql] [--timeout-ms N] [--http HOST:PORT] DATABASE
    DATABASE_URL=postgresql://user@host:5432/db python examples/python/database_server.py [--http HOST:PORT]
"""

from __future__ import annotations

import argparse
import base64
import datetime
import decimal
import os
import sqlite3
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Annotated, Any, Dict, List, Literal, Optional, Sequence, Union

import mcpforge
from mcpforge import Context, Field, Server, ToolError

FIRST_ROWS = 5
Param = Union[str, int, float, bool, None]

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


def rows_result(columns: Sequence[str], fetched: List[Sequence[Any]], max_rows: int) -> Dict[str, Any]:
    rows = [[json_value(v) for v in row] for row in fetched[:max_rows]]
    return {"columns": list(columns), "rows": rows, "row_count": len(rows), "truncated": len(fetched) > max_rows}


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
_SQLITE_READS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}


class SQLite:
    """A SQLite database file, opened read-only for every call (connections are cheap)."""

    placeholder = "?"

    def __init__(self, path: Path, timeout: float) -> None:
        self.uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
        self.timeout = timeout
        self.connect().close()  # fail now, not on the first call

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.uri, uri=True, isolation_level=None, check_same_thread=False)

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def tables(self) -> List[str]:
        with self.connect() as db:
            rows = db.execute("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') "
                              "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
        return [r[0] for r in rows]

    def columns(self, table: str) -> List[Dict[str, Any]]:
        with self.connect() as db:
            rows = db.execute("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", (table,)).fetchall()
        return [{"name": n, "type": t, "nullable": not nn, "default": d, "primary_key": bool(pk)} for n, t, nn, d, pk in rows]

    def query(self, sql: str, params: Sequence[Param], max_rows: int, ctx: Optional[Context] = None) -> Dict[str, Any]:
        refused: List[str] = []

        def authorize(action: int, arg1: Optional[str], *_: Any) -> int:
            if action in _SQLITE_READS:
                return sqlite3.SQLITE_OK
            refused.append(_SQLITE_ACTIONS.get(action, f"action {action}") + (f" {arg1}" if arg1 else ""))
            return sqlite3.SQLITE_DENY

        deadline = time.monotonic() + self.timeout
        stopped: List[str] = []

        def progress() -> int:
            if ctx is not None and ctx.cancelled:
                stopped.append("cancelled")
            elif time.monotonic() > deadline:
                stopped.append(f"it ran longer than the {self.timeout:g} s time limit")
            return 1 if stopped else 0

        db = self.connect()
        try:
            db.set_authorizer(authorize)
            db.set_progress_handler(progress, 10_000)
            cursor = db.execute(sql, list(params))
            if cursor.description is None:
                raise ToolError("the statement returns no rows: only queries (SELECT, WITH, VALUES) can run")
            fetched = cursor.fetchmany(max_rows + 1)
            return rows_result([d[0] for d in cursor.description], fetched, max_rows)
        except sqlite3.Error as e:
            if refused:
                what = ", ".join(dict.fromkeys(refused))
                raise ToolError(f"refused: the database is read-only (not allowed: {what})") from None
            if stopped:
                raise ToolError(f"the query was interrupted: {stopped[0]}") from None
            raise ToolError(f"SQLite: {e}") from None
        finally:
            db.close()

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


class PostgreSQL:
    """A PostgreSQL database through psycopg: one connection per call, read-only."""

    placeholder = "%s"

    def __init__(self, url: str, timeout: float) -> None:
        import psycopg  # only needed for PostgreSQL

        self.psycopg = psycopg
        self.url = url
        self.options = f"-c default_transaction_read_only=on -c statement_timeout={int(timeout * 1000)}"
        self.timeout = timeout
        self.connect().close()

    def connect(self) -> Any:
        conn = self.psycopg.connect(self.url, options=self.options, connect_timeout=10)
        conn.read_only = True
        return conn

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def _run(self, sql: str, params: Sequence[Any], max_rows: int) -> Dict[str, Any]:
        with self.connect() as conn:
            try:
                cursor = conn.execute(sql, list(params), prepare=True)  # a prepared statement holds exactly one statement
                if cursor.description is None:
                    raise ToolError("the statement returns no rows: only queries (SELECT, WITH, VALUES) can run")
                fetched = cursor.fetchmany(max_rows + 1)
                return rows_result([d.name for d in cursor.description], fetched, max_rows)
            finally:
                conn.rollback()

    def tables(self) -> List[str]:
        sql = ("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
               "ORDER BY table_name")
        return [r[0] for r in self._run(sql, [], 10_000)["rows"]]

    def columns(self, table: str) -> List[Dict[str, Any]]:
        sql = (
            "SELECT c.column_name, c.data_type, c.is_nullable = 'YES', c.column_default, "
            "EXISTS (SELECT 1 FROM information_schema.key_column_usage k JOIN information_schema.table_constraints t "
            "  ON t.constraint_name = k.constraint_name AND t.table_schema = k.table_schema "
            "  WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema "
            "  AND k.table_name = c.table_name AND k.column_name = c.column_name) "
            "FROM information_schema.columns c WHERE c.table_schema = current_schema() AND c.table_name = %s "
            "ORDER BY c.ordinal_position"
        )
        rows = self._run(sql, [table], 10_000)["rows"]
        return [{"name": n, "type": t, "nullable": nn, "default": d, "primary_key": pk} for n, t, nn, d, pk in rows]

    def query(self, sql: str, params: Sequence[Param], max_rows: int, ctx: Optional[Context] = None) -> Dict[str, Any]:
        errors = self.psycopg.Error
        try:
            return self._run(sql, params, max_rows)
        except self.psycopg.errors.ReadOnlySqlTransaction as e:
            raise ToolError(f"refused: the database is read-only ({e.diag.message_primary})") from None
        except self.psycopg.errors.QueryCanceled:
            raise ToolError(f"the query was interrupted: it ran longer than the {self.timeout:g} s time limit") from None
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
) -> Dict[str, Any]:
    """Run one read-only SQL query with bound parameters; the database refuses anything that writes."""
    return DB.query(sql, params, max_rows, ctx)


@server.tool(title="Aggregate a column", annotations={"readOnlyHint": True})
def execute_aggregation(
    table: Annotated[str, "A table name."],
    function: Literal["COUNT", "SUM", "AVG", "MIN", "MAX"],
    column: Annotated[Optional[str], "The column aggregated (COUNT without one counts rows)."] = None,
    group_by: Annotated[Optional[str], "A column to group by."] = None,
    max_rows: Annotated[int, Field(ge=1, le=1000, description="The most groups returned.")] = 100,
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
    return {"sql": sql, "result": DB.query(sql, [], max_rows)}


@server.resource("database://tables/{name}", name="table", mime_type="application/json",
                 description="A table's schema and first rows.")
def table_resource(name: str) -> Optional[Dict[str, Any]]:
    if name not in DB.tables():
        return None
    return {"schema": table_schema(name),
            "first_rows": DB.query(f"SELECT * FROM {DB.quote(name)}", [], FIRST_ROWS)}


@server.completion(resource="database://tables/{name}")
def complete_table(value: str) -> List[str]:
    return [t for t in DB.tables() if t.startswith(value)]


def register_table_resources() -> None:
    """Lists the tables that exist at startup as resources (the template reaches any table)."""
    for table in DB.tables():
        uri = "database://tables/" + urllib.parse.quote(table, safe="")
        server.add_resource(lambda t=table: table_resource(t), uri, name=table, mime_type="application/json",
                            description=f"The schema and first rows of {table}.")


def main() -> int:
    global DB
    parser = argparse.ArgumentParser(description="read-only SQL over MCP (SQLite, or PostgreSQL with DATABASE_URL)")
    parser.add_argument("database", nargs="?", help="the SQLite database file (not with DATABASE_URL)")
    parser.add_argument("--init", metavar="SCRIPT.sql", type=Path, help="create the SQLite DATABASE from SCRIPT when missing")
    parser.add_argument("--timeout-ms", type=int, default=10_000, help="stop a query running longer (default 10000)")
    parser.add_argument("--http", metavar="HOST:PORT", help="serve Streamable HTTP at /mcp instead of stdio")
    args = parser.parse_args()
    if args.timeout_ms < 1:
        parser.error("--timeout-ms must be positive")
    url = os.environ.get("DATABASE_URL", "")
    try:
        if url.startswith(("postgresql://", "postgres://")):
            if args.database or args.init:
                parser.error("DATABASE and --init are for SQLite; DATABASE_URL selects PostgreSQL")
            DB = PostgreSQL(url, args.timeout_ms / 1000)
        elif url:
            parser.error("DATABASE_URL must start with postgresql://")
        else:
            if not args.database:
                parser.error("give a SQLite DATABASE file, or DATABASE_URL=postgresql://...")
            path = Path(args.database)
            if args.init is not None and SQLite.init(path, args.init):
                print(f"database_server: created {path} from {args.init}", file=sys.stderr)
            DB = SQLite(path, args.timeout_ms / 1000)
    except (OSError, sqlite3.Error) as e:
        print(f"database_server: cannot open the database: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # psycopg.OperationalError and friends, without importing psycopg
        print(f"database_server: cannot connect: {e}", file=sys.stderr)
        return 1
    register_table_resources()
    server.serve(http=args.http)  # stdio, or HTTP with --http; returns on EOF, Ctrl-C or SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())
