"""What an analytic answer took the question to mean, and whether it answered at all.

A `Reading` is the structured interpretation (measures, dimensions, filters, time grain, window,
ordering, limit, joins) that a backend attaches to its answer and that `ask --json` shows as
"reading". It lives apart from any backend so the event stream, the graph and the faces share one
shape without importing a planner.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, TypedDict

ANSWERED = "answered"
DECLINED = "declined"
Outcome = Literal["answered", "declined"]


@dataclass(frozen=True)
class Measure:
    function: str  # count, count_distinct, sum, avg, min, max, median
    table: str
    column: str | None = None  # None for count(*)


@dataclass(frozen=True)
class Dimension:
    table: str
    column: str
    grain: str | None = None  # day, week, month, quarter, year, month_of_year


@dataclass(frozen=True)
class Filter:
    table: str
    column: str
    op: str  # =, <, >, <=, >=, is_null, year
    value: str | int | float | None = None


@dataclass(frozen=True)
class Join:
    left: str
    left_column: str
    right: str
    right_column: str


@dataclass(frozen=True)
class Reading:
    subject: str  # the fact table whose rows the question is about
    measures: list[Measure] = field(default_factory=list)
    dimensions: list[Dimension] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)
    having: list[Filter] = field(default_factory=list)  # thresholds on the first measure
    order: str | None = None  # "desc" | "asc" on the first measure
    limit: int | None = None
    joins: list[Join] = field(default_factory=list)
    window: str | None = None  # e.g. "rolling 7 days"; None when the question names none
    count_groups: bool = False  # the answer is how many groups pass `having`, not the groups themselves

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reading:
        return cls(
            subject=data["subject"],
            measures=[Measure(**m) for m in data.get("measures", [])],
            dimensions=[Dimension(**d) for d in data.get("dimensions", [])],
            filters=[Filter(**f) for f in data.get("filters", [])],
            having=[Filter(**f) for f in data.get("having", [])],
            order=data.get("order"),
            limit=data.get("limit"),
            joins=[Join(**j) for j in data.get("joins", [])],
            window=data.get("window"),
            count_groups=data.get("count_groups", False),
        )


class VerdictDict(TypedDict):
    """A Verdict as the graph's checkpointed state holds it (plain JSON)."""

    outcome: Outcome
    declined_reason: str | None
    reading: dict[str, Any] | None  # Reading.to_dict()
    question: str | None


@dataclass(frozen=True)
class Verdict:
    """What an answer was: answered (with the reading it took, if analytic) or declined and why."""

    outcome: Outcome = ANSWERED
    declined_reason: str | None = None
    reading: Reading | None = None
    question: str | None = None  # the question as read, a follow-up folded into the one it refines

    def to_dict(self) -> VerdictDict:
        return {
            "outcome": self.outcome,
            "declined_reason": self.declined_reason,
            "reading": self.reading.to_dict() if self.reading else None,
            "question": self.question,
        }

    @classmethod
    def from_dict(cls, data: VerdictDict | dict[str, Any] | None) -> Verdict:
        if not data:
            return cls()
        reading = data.get("reading")
        return cls(
            data.get("outcome", ANSWERED),
            data.get("declined_reason"),
            Reading.from_dict(reading) if reading else None,
            data.get("question"),
        )
