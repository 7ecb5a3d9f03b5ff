"""What a scale-out scenario found: calls that passed, calls that failed by kind, notes
(which instance served what), grouped in the report by the deployment it ran on.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field


class Needs(enum.Enum):
    """What a scenario needs from the deployment to pass."""

    NOTHING = "2026-07-28 wire"
    AFFINITY = "legacy sessions"
    SHARED_STORE = "across instances, through the shared store"


@dataclass
class Tally:
    """Calls of one scenario: how many passed, and the failures by kind with an example."""

    ok: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def passed(self, calls: int = 1) -> None:
        """Counts `calls` calls that passed every check."""
        self.ok += calls

    def fail(self, kind: str, detail: str) -> None:
        """Counts one failed call of `kind` (the first detail of each kind is kept)."""
        self.failed[kind] += 1
        self.examples.setdefault(kind, " ".join(detail.split())[:300])

    def note(self, text: str) -> None:
        """Something the report should show (which instance served what)."""
        self.notes.append(text)


@dataclass
class Result:
    """One scenario's outcome."""

    name: str
    needs: Needs
    tally: Tally
    error: str | None = None
    """Why the scenario stopped early (an exception or a failed check), if it did."""
    seconds: float = 0.0
    failed_calls_checked: bool = False
    """The scenario's own check decides which failed calls are acceptable (calls in flight
    on an instance that was killed); otherwise any failed call fails the scenario."""

    @property
    def succeeded(self) -> bool:
        """No check failed, and every call passed unless the check accepted the failures."""
        return self.error is None and (self.failed_calls_checked or not self.tally.failed)

    def lines(self) -> list[str]:
        """The scenario's report."""
        verdict = "passes" if self.succeeded else "FAILED"
        failed = ", ".join(f"{kind}: {n}" for kind, n in sorted(self.tally.failed.items())) or "none"
        out = [f"  {self.name:<28} {verdict}  [{self.seconds:.1f} s]", f"      calls ok {self.tally.ok}, failed {failed}"]
        out += [f"      e.g. {kind}: {example}" for kind, example in sorted(self.tally.examples.items())]
        out += [f"      {note}" for note in self.tally.notes]
        if self.error:
            out.append(f"      stopped: {self.error}")
        return out


def report(title: str, results: list[Result]) -> str:
    """The results of one deployment (`title`), grouped by what they exercise."""
    out = [f"{title}:"]
    for needs in Needs:
        group = [r for r in results if r.needs is needs]
        if group:
            out.append(f" {needs.value}:")
            for result in group:
                out += result.lines()
    return "\n".join(out)
