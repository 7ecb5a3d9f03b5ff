"""Prints the row count and each numeric column's mean of a CSV file."""

import csv
import statistics
import sys

with open(sys.argv[1], newline="") as f:
    rows = list(csv.DictReader(f))
print(f"rows: {len(rows)}")
for column in rows[0] if rows else []:
    try:
        values = [float(r[column]) for r in rows]
    except ValueError:
        continue
    print(f"{column}: mean {statistics.mean(values):.2f}")
