"""Query results as a plain-text table, for database_server.py's ``format: "table"``.

Columns are padded to their widest cell; NULL is written ``NULL``, a blob (JSON
``{"base64": ...}``) as ``<blob N bytes>``, line breaks and tabs as ``\\n`` and ``\\t``, and a
cell longer than ``MAX_CELL`` characters is cut with an ellipsis, so one long value cannot
stretch the whole table. A footer gives the row count and, when the result was cut, why.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Dict, List, Sequence

MAX_CELL = 60


def cell(value: Any) -> str:
    """One value as the text of a cell."""
    if value is None:
        text = "NULL"
    elif isinstance(value, dict) and set(value) == {"base64"}:
        text = f"<blob {len(base64.b64decode(value['base64']))} bytes>"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (dict, list)):
        text = json.dumps(value)
    else:
        text = str(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "\u2026"


def render(result: Dict[str, Any]) -> str:
    """The table of a result with ``columns``, ``rows`` and ``row_count`` (and ``note`` when
    it was truncated)."""
    columns: Sequence[str] = result["columns"]
    rows: List[List[str]] = [[cell(v) for v in row] for row in result["rows"]]
    header = [cell(c) for c in columns]
    widths = [max([len(header[i])] + [len(r[i]) for r in rows]) for i in range(len(header))]
    numeric = [all(isinstance(row[i], (int, float)) and not isinstance(row[i], bool) or row[i] is None
                   for row in result["rows"]) and bool(result["rows"]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [c.rjust(w) if right else c.ljust(w) for c, w, right in zip(cells, widths, numeric)]
        return " | ".join(padded).rstrip()

    lines = [line(header), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    count = result["row_count"]
    footer = f"({count} row{'s' if count != 1 else ''})"
    if result.get("note"):
        footer += f" {result['note']}"
    return "\n".join(lines + [footer])
