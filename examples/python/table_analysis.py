"""What database_server.py's ``analyze_table`` and ``suggest_queries`` answer.

Both work on any backend that offers ``columns(table)``, ``foreign_keys()``, ``quote(name)``
and ``query(sql, params, max_rows)`` (database_server.py's SQLite and PostgreSQL), and build
their SQL only from names read from the schema, each quoted, never from the caller's text.
The SQL is portable between the two (``count(DISTINCT ...)``, ``CAST(... AS TEXT)``,
``substr``), so one code path serves both.

A column is a *number* when its declared type says so (INT, REAL, FLOAT, DOUBLE, NUMERIC,
DECIMAL, MONEY, SERIAL), a *date* when its type names DATE or TIME, or when it is text whose
first ``DATE_SAMPLE`` values are all ISO 8601 dates (SQLite keeps dates as text). Numbers
and dates get their minimum and maximum.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Protocol, Sequence

DATE_SAMPLE = 100
TOP_VALUES = 5
MAX_COLUMNS = 64  # columns analyzed in one call; wider tables are cut with a note
LOW_CARDINALITY = 20  # at most this many distinct values: worth grouping by
MAX_SUGGESTIONS = 16
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
_NUMBER_TYPES = ("INT", "REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL", "MONEY", "SERIAL")


class Backend(Protocol):
    """What the analysis needs of a database."""

    def columns(self, table: str) -> List[Dict[str, Any]]: ...

    def foreign_keys(self) -> List[Dict[str, Any]]: ...

    def quote(self, name: str) -> str: ...

    def query(self, sql: str, params: Sequence[Any], max_rows: int) -> Dict[str, Any]: ...


def kind_of(db: Backend, table: str, column: Dict[str, Any]) -> str:
    """``number``, ``date`` or ``text`` (anything else counts as text)."""
    declared = str(column["type"] or "").upper()
    if any(word in declared for word in _NUMBER_TYPES):
        return "number"
    if "DATE" in declared or "TIME" in declared:
        return "date"
    name = db.quote(column["name"])
    sample = db.query(f"SELECT {name} FROM {db.quote(table)} WHERE {name} IS NOT NULL", [], DATE_SAMPLE)["rows"]
    if sample and all(isinstance(v, str) and ISO_DATE.match(v) for v, in sample):
        return "date"
    return "text"


def analyze(db: Backend, table: str) -> Dict[str, Any]:
    """The table's row count and, per column, its null and distinct counts, minimum and
    maximum (numbers and dates) and most frequent values."""
    columns = db.columns(table)
    note = None
    if len(columns) > MAX_COLUMNS:
        note = f"only the first {MAX_COLUMNS} of {len(columns)} columns are analyzed"
        columns = columns[:MAX_COLUMNS]
    t = db.quote(table)
    kinds = [kind_of(db, table, c) for c in columns]
    parts = ["count(*)"]
    for column, kind in zip(columns, kinds):
        q = db.quote(column["name"])
        parts += [f"count({q})", f"count(DISTINCT {q})"]
        if kind != "text":
            parts += [f"min({q})", f"max({q})"]
    (counts,) = db.query(f"SELECT {', '.join(parts)} FROM {t}", [], 1)["rows"]
    rows, at = counts[0], 1
    analyzed = []
    for column, kind in zip(columns, kinds):
        q = db.quote(column["name"])
        entry: Dict[str, Any] = {"name": column["name"], "type": column["type"], "kind": kind,
                                 "null_count": rows - counts[at], "distinct_count": counts[at + 1]}
        at += 2
        if kind != "text":
            entry["min"], entry["max"] = counts[at], counts[at + 1]
            at += 2
        top = db.query(f"SELECT {q}, count(*) AS n FROM {t} GROUP BY {q} ORDER BY n DESC, {q} LIMIT {TOP_VALUES}", [],
                       TOP_VALUES)["rows"]
        entry["top_values"] = [{"value": v, "count": n} for v, n in top]
        analyzed.append(entry)
    result: Dict[str, Any] = {"table": table, "row_count": rows, "columns": analyzed}
    return {**result, "note": note} if note else result


def _join(db: Backend, left: str, right: str, pairs: Sequence[Sequence[str]]) -> str:
    return " AND ".join(f"{left}.{db.quote(a)} = {right}.{db.quote(b)}" for a, b in pairs)


def suggest(db: Backend, table: str) -> Dict[str, Any]:
    """Useful SELECTs on ``table``: its rows, joins along its foreign keys (both ways),
    group-bys on its low-cardinality columns, the range of its numbers and dates."""
    analysis = analyze(db, table)
    t = db.quote(table)
    keys = {c["name"] for c in db.columns(table) if c["primary_key"]}
    suggestions: List[Dict[str, str]] = [
        {"description": f"the first rows of {table}", "sql": f"SELECT * FROM {t} LIMIT 10"},
    ]
    fks = db.foreign_keys()
    linked = set()
    for fk in fks:
        pairs = list(zip(fk["columns"], fk["ref_columns"]))
        if fk["table"] == table:
            other = db.quote(fk["ref_table"])
            linked.update(fk["columns"])
            suggestions.append({
                "description": f"each row of {table} with its {fk['ref_table']} (by {', '.join(fk['columns'])})",
                "sql": f"SELECT * FROM {t} AS a JOIN {other} AS b ON {_join(db, 'a', 'b', pairs)} LIMIT 10"})
        if fk["ref_table"] == table:
            other = db.quote(fk["table"])
            ref = ", ".join(f"a.{db.quote(c)}" for c in fk["ref_columns"])
            suggestions.append({
                "description": f"how many {fk['table']} rows refer to each row of {table}",
                "sql": (f"SELECT {ref}, count(b.{db.quote(fk['columns'][0])}) AS {db.quote(fk['table'] + '_count')} "
                        f"FROM {t} AS a LEFT JOIN {other} AS b ON {_join(db, 'b', 'a', pairs)} "
                        f"GROUP BY {ref} ORDER BY 2 DESC LIMIT 10")})
    numbers = [c["name"] for c in analysis["columns"] if c["kind"] == "number" and c["name"] not in keys | linked]
    for column in analysis["columns"]:
        name, q = column["name"], db.quote(column["name"])
        if name in keys or not 1 < column["distinct_count"] <= LOW_CARDINALITY or column["distinct_count"] >= analysis["row_count"]:
            continue
        summed = [n for n in numbers if n != name][:2]
        measures = "".join(f", sum({db.quote(n)}) AS {db.quote('total_' + n)}" for n in summed)
        suggestions.append({"description": f"rows of {table} per {name}" + (f", with the totals of {', '.join(summed)}" if summed else ""),
                            "sql": f"SELECT {q}, count(*) AS n{measures} FROM {t} GROUP BY {q} ORDER BY n DESC"})
    for column in analysis["columns"]:
        name, q = column["name"], db.quote(column["name"])
        if column["kind"] == "number" and name not in keys | linked:
            suggestions.append({"description": f"the range and average of {name}",
                                "sql": f"SELECT min({q}), max({q}), avg({q}) FROM {t}"})
        elif column["kind"] == "date":
            month = f"substr(CAST({q} AS TEXT), 1, 7)"
            suggestions.append({"description": f"rows of {table} per month of {name}",
                                "sql": f"SELECT {month} AS month, count(*) AS n FROM {t} WHERE {q} IS NOT NULL "
                                       f"GROUP BY {month} ORDER BY month"})
    suggestions.append({"description": f"how many rows {table} has", "sql": f"SELECT count(*) FROM {t}"})
    return {"table": table, "queries": suggestions[:MAX_SUGGESTIONS]}
