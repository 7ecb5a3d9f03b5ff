"""What a scale-out scenario found: calls that passed, calls that failed by kind, notes
(which instance served what), and how the outcome counts for the run: a scenario that
must pass, or one that needs the shared session store and is expected to fail until it
exists.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field


class Needs(enum.Enum):
    """What a scenario needs from the deployment to pass."""

    NOTHING = "2026-07-28 wire, no shared state"
    AFFINITY = "legacy session, served by the shipped nginx session affinity"
    SHARED_STORE = "needs the shared store (expected to fail today)"


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

    def fails_the_run(self, shared_store: bool) -> bool:
        """A failure here fails the run; scenarios that need the shared store do only when
        the instances run with one (`shared_store`)."""
        return not self.succeeded and (shared_store or self.needs is not Needs.SHARED_STORE)

    def lines(self) -> list[str]:
        """The scenario's report."""
        if self.succeeded:
            verdict = "passes" + (" already" if self.needs is Needs.SHARED_STORE else "")
        elif self.needs is Needs.SHARED_STORE:
            verdict = "fails (expected until the shared store exists)"
        else:
            verdict = "FAILED"
        failed = ", ".join(f"{kind}: {n}" for kind, n in sorted(self.tally.failed.items())) or "none"
        out = [f"  {self.name:<28} {verdict}  [{self.seconds:.1f} s]", f"      calls ok {self.tally.ok}, failed {failed}"]
        out += [f"      e.g. {kind}: {example}" for kind, example in sorted(self.tally.examples.items())]
        out += [f"      {note}" for note in self.tally.notes]
        if self.error:
            out.append(f"      stopped: {self.error}")
        return out


def report(results: list[Result]) -> str:
    """All results, grouped: what must work today, then what waits for the shared store."""
    out = []
    for needs in Needs:
        group = [r for r in results if r.needs is needs]
        if group:
            out.append(f"{needs.value}:")
            for result in group:
                out += result.lines()
    return "\n".join(out)
