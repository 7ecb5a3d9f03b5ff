"""``Metrics``: what a ``Server`` measures: the request metrics per method, name and outcome
(``metrics=True``; as a dict or in the Prometheus text format that ``/metrics`` serves) and
the figures of the worker pool that runs synchronous handlers."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from ._core import ServerCore

__all__ = ["Metrics"]


class Metrics(ServerCore):
    """Request metrics and worker figures (see the module documentation)."""

    def worker_stats(self) -> Dict[str, int]:
        """The worker pool of synchronous handlers: ``workers`` (threads alive), ``idle``,
        ``queued`` (calls waiting for a worker), ``stuck`` (workers held by handlers that
        still run after their request was cancelled; the pool grows past them, by at most
        ``max_workers``), ``stuck_total`` and ``refused`` (calls refused because stuck
        handlers held every worker)."""
        keys = ("workers", "idle", "queued", "stuck", "stuck_total", "refused")
        return dict(zip(keys, self._native.worker_stats()))

    def metrics(self) -> Optional[Dict[str, Any]]:
        """The request metrics (``metrics=True``), or None when the server keeps none:
        ``{"series": [{"method", "name", "outcomes": {"ok", "tool_error", "error",
        "internal_error", "rate_limited", "timeout", "cancelled"}, "inFlight", "count",
        "sumSeconds", "buckets": [{"le", "count"}]}]}``. ``name`` is the tool or prompt, the
        resource URI or the template that matched it, ``unknown`` for a name not registered
        and empty for methods that name nothing; buckets are cumulative, as in Prometheus."""
        text = self._native.metrics()
        return None if text is None else json.loads(text)

    def metrics_text(self) -> Optional[str]:
        """The request metrics in the Prometheus text format (what ``/metrics`` serves), or
        None when the server keeps none."""
        return self._native.metrics_text()
