"""docs/benchmarks.svg: calls/s of every subject in every throughput workload, drawn from the
medians of ``make bench-peers`` (see report.summarize) as plain SVG, no plotting library.

One panel per workload, one horizontal bar per subject, on a logarithmic axis (the subjects
span three orders of magnitude); the number is printed at the end of each bar.
"""

from __future__ import annotations

import math
from html import escape

from subjects import Subject
from workloads import Workload

WIDTH = 860
LABEL_W = 130
BAR_H = 14
GAP = 4
PANEL_PAD = 34
COLORS = {"floor": "#555555", "mcpforge": "#1f6fb2", "base": "#8fb5d8", "peer": "#e08a2c"}


def _ticks(lo: float, hi: float) -> list[float]:
    return [10.0**e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)]


def _short(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.1f}M"
    if value >= 1e3:
        return f"{value / 1e3:.0f}k" if value >= 1e4 else f"{value / 1e3:.1f}k"
    return f"{value:.0f}"


def render(summary: dict, subjects: list[Subject], workloads: list[Workload]) -> str:
    """The SVG document."""
    panels = [w for w in workloads if w.key != "cold-start" and summary.get(w.key)]
    values = [e["calls_per_s"] for w in panels for e in summary[w.key].values() if e.get("calls_per_s")]
    if not values:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="40"><text x="10" y="25">no data</text></svg>\n'
    ticks = _ticks(min(values), max(values))
    lo, hi = math.log10(ticks[0]), math.log10(ticks[-1])
    plot_w = WIDTH - LABEL_W - 70

    def x(value: float) -> float:
        return LABEL_W + (math.log10(value) - lo) / (hi - lo) * plot_w

    parts: list[str] = []
    y = 40
    for w in panels:
        rows = [s for s in subjects if s.key in summary[w.key]]
        height = len(rows) * (BAR_H + GAP)
        parts.append(f'<text x="8" y="{y - 8}" class="title">{escape(w.title)} (calls/s, log scale)</text>')
        for tick in ticks:
            tx = x(tick)
            parts.append(f'<line x1="{tx:.1f}" y1="{y - 2}" x2="{tx:.1f}" y2="{y + height}" class="grid"/>')
            parts.append(f'<text x="{tx:.1f}" y="{y + height + 11}" class="tick">{_short(tick)}</text>')
        for i, s in enumerate(rows):
            by = y + i * (BAR_H + GAP)
            value = summary[w.key][s.key].get("calls_per_s")
            parts.append(f'<text x="{LABEL_W - 6}" y="{by + BAR_H - 3}" class="label">{escape(s.key)}</text>')
            if not value:
                parts.append(f'<text x="{LABEL_W + 4}" y="{by + BAR_H - 3}" class="value">failed</text>')
                continue
            end = x(value)
            parts.append(f'<rect x="{LABEL_W}" y="{by}" width="{max(end - LABEL_W, 1):.1f}" height="{BAR_H}" '
                         f'fill="{COLORS[s.kind]}"><title>{escape(s.key)}: {value:,.0f} calls/s</title></rect>')
            parts.append(f'<text x="{end + 4:.1f}" y="{by + BAR_H - 3}" class="value">{value:,.0f}</text>')
        y += height + PANEL_PAD + 12
    legend = " ".join(
        f'<rect x="{WIDTH - 330 + i * 110}" y="8" width="10" height="10" fill="{color}"/>'
        f'<text x="{WIDTH - 316 + i * 110}" y="17" class="legend">{name}</text>'
        for i, (name, color) in enumerate(COLORS.items())
    )
    style = ("<style>text{font-family:sans-serif;font-size:11px;fill:#222}.title{font-weight:bold;font-size:12px}"
             ".label{text-anchor:end}.tick{text-anchor:middle;fill:#666;font-size:10px}.grid{stroke:#ddd}.legend{font-size:10px}</style>")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y}" viewBox="0 0 {WIDTH} {y}">'
            f'<rect width="100%" height="100%" fill="white"/>{style}{legend}{"".join(parts)}</svg>\n')
