"""Data-quality checks drafted from what the data means, run in DuckDB, exportable as dbt tests.

Checks come from keys, relationships and semantic types, not from the values the data happens to
hold: keys unique, foreign keys have parents, emails well formed, amounts / prices / fares /
quantities non-negative, event times not in the future, categorical columns limited to the values
of the clean majority; plus completeness, freshness of the load timestamp and row-count change.
When the data already violates a check the check stays as it should be: `measure_violations`
records the current violations on the table plan (count and masked examples), the drafts report
them, and the drafted check carries them as `known_violations` at warn severity, so a drafted
project still builds and runs while the report keeps saying what is wrong.

Running checks costs one aggregate scan per table for the row-level checks, plus one query per
link and per failing check (for its sample rows). Personal data in sample rows is masked.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from tools.drafting.names import quote
from tools.drafting.plan import ID_LIKE, SourcePlan, TablePlan, Violation
from tools.profile.model import jsonable
from tools.profile.semantic import mask

Kind = Literal[
    "not_null", "completeness", "uniqueness", "range", "accepted_values", "referential_integrity",
    "freshness", "row_count_change", "email_format", "not_future",
]
Severity = Literal["error", "warn"]
ACCEPTED_VALUES_MAX = 5  # the profile keeps exact counts of this many top values
MAJORITY_SHARE = 0.01  # a categorical value held by fewer rows than this share is taken for a typo, not a category
NON_NEGATIVE = re.compile(
    r"(^|_)(amount|amt|price|fare|fee|cost|total|subtotal|quantity|qty|tax|tip|revenue|distance|duration|weight)s?(_|$)"
)
FRACTION = re.compile(r"(^|_)(discount|rate|ratio|pct|percent|share)(_|$)")
# Timestamps that may lie ahead by design; every other event time must not be in the future.
MAY_BE_FUTURE = re.compile(r"(^|_)(expir\w*|due|scheduled|planned|until|deadline|next|valid_to|ends?)(_|$)")
STAGED_ROWS = 10_000_000  # database tables copied in for checks stop here (as the profile's links do)
EXAMPLES = 3  # masked example values a draft's note shows per violated check
FRESHNESS_HOURS = 24
ROW_COUNT_CHANGE = 0.5  # a table growing or shrinking by more than half since the last run is flagged
SAMPLE_ROWS = 5
HISTORY_FILE = "quality_history.jsonl"


@dataclass(frozen=True)
class Check:
    name: str  # stable, e.g. orders.amount.range
    kind: Kind
    table: str
    column: str | None
    severity: Severity
    params: dict[str, Any] = field(default_factory=dict)
    known_violations: int | None = None  # rows violating it when it was drafted (then it is a warning)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Check:
        return cls(**data)


@dataclass
class CheckResult:
    check: Check
    passed: bool
    observed: Any
    failing_rows: int | None = None
    sample: list[dict[str, Any]] = field(default_factory=list)

    @property
    def message(self) -> str:
        c = self.check
        where = f"{c.table}.{c.column}" if c.column else c.table
        if self.passed:
            return f"{where}: {c.kind} ok"
        detail = f"{self.failing_rows} failing rows" if self.failing_rows is not None else f"observed {self.observed}"
        expected = f"; expected {json.dumps(c.params, default=str)}" if c.params else ""
        return f"{where}: {c.kind} failed ({detail}{expected})"

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.check.to_dict(),
            "status": "pass" if self.passed else "fail",
            "observed": jsonable(self.observed),
            "failing_rows": self.failing_rows,
            "sample": [{k: jsonable(v) for k, v in row.items()} for row in self.sample],
        }


@dataclass
class QualityReport:
    source: str
    results: list[CheckResult]

    @property
    def passed(self) -> bool:
        """False when a check of error severity failed; failed warnings are reported, not fatal."""
        return all(r.passed or r.check.severity == "warn" for r in self.results)

    @property
    def first_failure(self) -> CheckResult | None:
        return next((r for r in self.results if not r.passed and r.check.severity == "error"), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "passed": self.passed,
            "summary": {
                "checks": len(self.results),
                "failed": sum(not r.passed and r.check.severity == "error" for r in self.results),
                "warnings": sum(not r.passed and r.check.severity == "warn" for r in self.results),
            },
            "checks": [r.to_dict() for r in self.results],
        }

    def to_text(self) -> str:
        lines = []
        for r in self.results:
            mark = "PASS" if r.passed else "FAIL" if r.check.severity == "error" else "WARN"
            lines.append(f"{mark}  {r.message}")
            for row in r.sample:
                lines.append("        " + ", ".join(f"{k}={jsonable(v)}" for k, v in row.items()))
        summary = self.to_dict()["summary"]
        verdict = "passed" if self.passed else "failed"
        lines.append(f"{verdict}: {summary['checks']} checks, {summary['failed']} failed, {summary['warnings']} warnings")
        return "\n".join(lines)


# -- drafting ------------------------------------------------------------------------------------


def draft_checks(plan: SourcePlan) -> list[Check]:
    checks: list[Check] = []
    for table in plan.tables:
        checks.extend(table_checks(table))
    return checks


def table_checks(table: TablePlan) -> list[Check]:
    """The table's checks; one its data already violates (`table.violations`) is kept, as a warning."""
    return [_known(check, table) for check in _expectations(table)]


def _known(check: Check, table: TablePlan) -> Check:
    found = table.violations.get(check.name)
    if not found or check.kind not in MEASURED:
        return check
    return Check(check.name, check.kind, check.table, check.column, "warn", check.params, found.count)


def _expectations(table: TablePlan) -> list[Check]:
    t = table.name
    checks: list[Check] = []
    if table.key:
        label = "__".join(table.key)
        checks.append(Check(f"{t}.{label}.uniqueness", "uniqueness", t, ",".join(table.key), "error"))
    linked = {link.column for link in table.links}
    for column in table.columns:
        p, c = column.profile, column.name
        if not table.profile.row_count:
            continue
        if column.not_null or c in table.key:
            checks.append(Check(f"{t}.{c}.not_null", "not_null", t, c, "error"))
        else:
            limit = round(min(1.0, max(p.null_fraction * 2, p.null_fraction + 0.05)), 4)
            checks.append(Check(f"{t}.{c}.completeness", "completeness", t, c, "error", {"max_null_fraction": limit}))
        if column.numeric and c not in table.key and c not in linked and not ID_LIKE.search(c):
            if FRACTION.search(c):
                checks.append(Check(f"{t}.{c}.range", "range", t, c, "error", {"min": 0, "max": 1}))
            elif NON_NEGATIVE.search(c):
                checks.append(Check(f"{t}.{c}.range", "range", t, c, "error", {"min": 0}))
        if column.type == "VARCHAR" and (p.semantic_type == "email" or "email" in c.split("_")):
            checks.append(Check(f"{t}.{c}.email_format", "email_format", t, c, "error"))
        if column.temporal and c != table.loaded_at and not MAY_BE_FUTURE.search(c):
            checks.append(Check(f"{t}.{c}.not_future", "not_future", t, c, "error"))
        accepted = _majority(column)
        if accepted:
            checks.append(Check(f"{t}.{c}.accepted_values", "accepted_values", t, c, "error", {"values": accepted}))
    for link in table.links:
        checks.append(
            Check(
                f"{t}.{link.column}.referential_integrity", "referential_integrity", t, link.column, "error",
                {"table": link.parent, "column": link.parent_column},
            )
        )
    if table.loaded_at:
        checks.append(
            Check(f"{t}.{table.loaded_at}.freshness", "freshness", t, table.loaded_at, "warn", {"max_age_hours": FRESHNESS_HOURS})
        )
    checks.append(Check(f"{t}.row_count_change", "row_count_change", t, None, "warn", {"max_change": ROW_COUNT_CHANGE}))
    return checks


def _majority(column: Any) -> list[str]:
    """The values of a categorical column its clean majority holds (rare spellings are left out), or []."""
    p = column.profile
    exact = p.top_values and all(v.count is not None for v in p.top_values)
    if not exact or p.pii or column.type != "VARCHAR" or not 1 < p.distinct <= ACCEPTED_VALUES_MAX:
        return []
    if sum(v.count or 0 for v in p.top_values) != p.count or p.count < 2 * p.distinct:
        return []
    values = sorted(str(v.value) for v in p.top_values if (v.count or 0) >= MAJORITY_SHARE * p.count)
    return values if len(values) > 1 else []


# -- what the sources already break --------------------------------------------------------------

MEASURED = {"uniqueness", "not_null", "range", "accepted_values", "referential_integrity", "email_format", "not_future"}


def staged_checks(plan: SourcePlan, checks: list[Check], *, previous: Mapping[str, int] | None = None, source: str = "") -> tuple[QualityReport, dict[str, int]]:
    """Run `checks` on the sources' rows, typed as drafted and not deduplicated, through the profile
    engine (files in place, DuckDB attached read-only, SQLite and PostgreSQL copied in read-only)."""
    import duckdb

    from tools.errors import DeassistError
    from tools.profile.engine import ProfileEngine

    engine = ProfileEngine(row_limit=STAGED_ROWS, tables=[t.table for t in plan.tables], policy=plan.policy)
    try:
        relations = {}
        for table in plan.tables:
            relation = quote(f"q_{table.name}")
            casts = ", ".join(c.cast for c in table.columns)
            engine.conn.execute(f"CREATE TEMP TABLE {relation} AS SELECT {casts} FROM {engine.relation(table.table)[0]}")
            relations[table.name] = relation
        pii = {t.name: {c.name for c in t.columns if c.profile.pii} for t in plan.tables}
        return run_checks(engine.conn, checks, relations, pii=pii, previous_counts=previous, source=source)
    except duckdb.Error as exc:
        raise DeassistError("DEA-QUALITY-READ", f"{source}: {str(exc).splitlines()[0]}") from None
    finally:
        engine.close()


def measure_violations(plan: SourcePlan) -> list[Violation]:
    """Run the row-level checks on the sources and record on each table plan what its data already
    violates (count and masked examples), so drafts report it instead of loosening the check."""
    checks = [c for t in plan.tables for c in _expectations(t) if c.kind in MEASURED]
    report, _ = staged_checks(plan, checks, source="sources")
    found = []
    for result in report.results:
        if result.passed:
            continue
        check = result.check
        table = plan.table(check.table)
        column = (check.column or "").split(",")[0]
        private = check.kind == "email_format" or any(c.name == column and c.profile.pii for c in table.columns)
        values = list(dict.fromkeys(row.get(column) for row in result.sample if row.get(column) is not None))
        examples = [mask(v) if private else jsonable(v) for v in values[:EXAMPLES]]
        violation = Violation(check.name, check.kind, check.column, int(result.failing_rows or 0), examples)
        table.violations[check.name] = violation
        found.append(violation)
    return found


# -- running -------------------------------------------------------------------------------------


def run_checks(
    conn: Any,
    checks: list[Check],
    relations: Mapping[str, str],
    *,
    pii: Mapping[str, set[str]] | None = None,
    previous_counts: Mapping[str, int] | None = None,
    source: str = "",
) -> tuple[QualityReport, dict[str, int]]:
    """Run the checks on `conn` (a DuckDB connection) where `relations` maps table -> relation SQL.

    Returns the report and the row count of each table (for the next run's row-count change).
    """
    pii = pii or {}
    previous_counts = previous_counts or {}
    results: list[CheckResult] = []
    counts: dict[str, int] = {}
    for table in dict.fromkeys(c.table for c in checks):
        relation = relations[table]
        mine = [c for c in checks if c.table == table]
        row_level = [c for c in mine if c.kind in AGGREGATES]
        expressions = ["count(*)", *(_aggregate(c) for c in row_level)]
        row = conn.execute(f"SELECT {', '.join(expressions)} FROM {relation}").fetchone()
        counts[table] = rows = row[0]
        observed = dict(zip((c.name for c in row_level), row[1:], strict=True))
        for check in mine:
            results.append(_result(conn, check, rows, observed.get(check.name), relations, previous_counts))
        masked = pii.get(table, set())
        for result in results:
            if result.check.table == table and not result.passed and result.check.kind in SAMPLES:
                sample_sql = SAMPLES[result.check.kind](result.check, relation, relations)
                cursor = conn.execute(f"{sample_sql} LIMIT {SAMPLE_ROWS}")
                names = [d[0] for d in cursor.description]
                result.sample = [
                    {n: mask(v) if n in masked else v for n, v in zip(names, r, strict=True)} for r in cursor.fetchall()
                ]
    return QualityReport(source, results), counts


def _key(check: Check) -> str:
    columns = [quote(c) for c in (check.column or "").split(",")]
    return columns[0] if len(columns) == 1 else f"({', '.join(columns)})"


def _literal(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _violates(check: Check) -> str:
    """The predicate a failing row satisfies (row-level checks)."""
    col = quote(check.column or "")
    if check.kind == "not_null":
        return f"{col} IS NULL"
    if check.kind == "range":
        parts = [f"{col} < {check.params['min']}"]
        if "max" in check.params:
            parts.append(f"{col} > {check.params['max']}")
        return " OR ".join(parts)
    if check.kind == "accepted_values":
        return f"{col} IS NOT NULL AND {col}::VARCHAR NOT IN ({', '.join(_literal(v) for v in check.params['values'])})"
    if check.kind in PREDICATES:
        return PREDICATES[check.kind](check.column or "").sql("duckdb")
    raise ValueError(check.kind)


def _email_violation(column: str) -> Any:
    """A malformed email: not `x@y.z`, or holding a space or a second `@` (LIKE, so any engine reads it)."""
    from sqlglot import exp

    col = exp.column(column, quoted=True)
    well_formed = exp.Like(this=col, expression=exp.Literal.string("_%@_%._%"))
    return exp.and_(
        exp.Not(this=exp.Is(this=col, expression=exp.Null())),
        exp.or_(
            exp.Not(this=well_formed),
            exp.Like(this=col, expression=exp.Literal.string("% %")),
            exp.Like(this=col, expression=exp.Literal.string("%@%@%")),
        ),
    )


def _future_violation(column: str) -> Any:
    """An event time after now (timestamps are compared as UTC wall-clock time)."""
    from sqlglot import exp

    return exp.GT(this=exp.column(column, quoted=True), expression=exp.cast(exp.CurrentTimestamp(), "TIMESTAMP"))


PREDICATES: dict[str, Callable[[str], Any]] = {"email_format": _email_violation, "not_future": _future_violation}


AGGREGATES: dict[str, Callable[[Check], str]] = {
    "not_null": lambda c: f"count_if({_violates(c)})",
    "email_format": lambda c: f"count_if({_violates(c)})",
    "not_future": lambda c: f"count_if({_violates(c)})",
    "range": lambda c: f"count_if({_violates(c)})",
    "accepted_values": lambda c: f"count_if({_violates(c)})",
    "completeness": lambda c: f"count_if({quote(c.column or '')} IS NULL)",
    "uniqueness": lambda c: f"count({_key(c)}) - count(DISTINCT {_key(c)})",
    "freshness": lambda c: f"max({quote(c.column or '')})",
}


def _aggregate(check: Check) -> str:
    sql = AGGREGATES[check.kind](check)
    return sql if check.kind == "freshness" else f"coalesce({sql}, 0)"  # aggregates over no rows are NULL


def _orphans(check: Check, relation: str, relations: Mapping[str, str], *, count: bool = False) -> str:
    col, parent = quote(check.column or ""), relations[check.params["table"]]
    key = quote(check.params["column"])
    return (
        f"SELECT {'count(*)' if count else 'c.*'} FROM {relation} c WHERE c.{col} IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = c.{col})"
    )


SAMPLES: dict[str, Callable[[Check, str, Mapping[str, str]], str]] = {
    "not_null": lambda c, rel, _: f"SELECT * FROM {rel} WHERE {_violates(c)}",
    "email_format": lambda c, rel, _: f"SELECT * FROM {rel} WHERE {_violates(c)}",
    "not_future": lambda c, rel, _: f"SELECT * FROM {rel} WHERE {_violates(c)}",
    "range": lambda c, rel, _: f"SELECT * FROM {rel} WHERE {_violates(c)}",
    "accepted_values": lambda c, rel, _: f"SELECT * FROM {rel} WHERE {_violates(c)}",
    "uniqueness": lambda c, rel, _: f"SELECT * FROM {rel} QUALIFY count(*) OVER (PARTITION BY {_key(c)}) > 1 ORDER BY {_key(c)}",
    "referential_integrity": _orphans,
}


def _result(
    conn: Any, check: Check, rows: int, observed: Any, relations: Mapping[str, str], previous: Mapping[str, int]
) -> CheckResult:
    if check.kind in {"not_null", "range", "accepted_values", "uniqueness", "email_format", "not_future"}:
        return CheckResult(check, observed == 0, observed, failing_rows=observed)
    if check.kind == "completeness":
        fraction = observed / rows if rows else 0.0
        return CheckResult(check, fraction <= check.params["max_null_fraction"], round(fraction, 6))
    if check.kind == "referential_integrity":
        orphans = conn.execute(_orphans(check, relations[check.table], relations, count=True)).fetchone()[0]
        return CheckResult(check, orphans == 0, orphans, failing_rows=orphans)
    if check.kind == "freshness":
        if observed is None:
            return CheckResult(check, False, None)
        latest = observed if isinstance(observed, dt.datetime) else dt.datetime.combine(observed, dt.time())
        if latest.tzinfo is not None:
            latest = latest.astimezone(dt.UTC).replace(tzinfo=None)
        age = (dt.datetime.now(dt.UTC).replace(tzinfo=None) - latest).total_seconds() / 3600
        return CheckResult(check, age <= check.params["max_age_hours"], f"{age:.1f} hours old")
    if check.kind == "row_count_change":
        before = previous.get(check.table)
        if before is None:
            return CheckResult(check, True, {"rows": rows, "previous": None})
        change = abs(rows - before) / before if before else (0.0 if rows == 0 else 1.0)
        return CheckResult(check, change <= check.params["max_change"], {"rows": rows, "previous": before})
    raise ValueError(check.kind)


# -- run history ---------------------------------------------------------------------------------


def previous_counts(state_dir: Path, source: str) -> dict[str, int]:
    """Row counts of the last recorded run of `source` (empty before the first run)."""
    path = state_dir / HISTORY_FILE
    if not path.exists():
        return {}
    last: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry.get("source") == source:
            last = entry["rows"]
    return last


def record_counts(state_dir: Path, source: str, counts: Mapping[str, int]) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    entry = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "source": source, "rows": dict(counts)}
    with (state_dir / HISTORY_FILE).open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")


# -- dbt export ----------------------------------------------------------------------------------


def dbt_tests(checks: list[Check], model: Callable[[str], str]) -> dict[str, str]:
    """Checks as dbt singular tests (`tests/<name>.sql`, each returning the failing rows).

    `model(table)` names the dbt model a table's checks run on. The SQL reads the same in DuckDB and
    PostgreSQL (a drafted dbt project exports only range and completeness checks). Freshness belongs to dbt's source
    freshness and row-count change needs run history, so neither is exported.
    """
    files: dict[str, str] = {}
    for check in checks:
        if check.kind in {"freshness", "row_count_change"}:
            continue
        ref = f"{{{{ ref('{model(check.table)}') }}}}"
        if check.kind == "completeness":
            col = quote(check.column or "")
            sql = (
                f"select null_fraction from (\n    select cast(count(*) filter (where {col} is null) as double precision)"
                f" / nullif(count(*), 0) as null_fraction\n    from {ref}\n) as measured where null_fraction > "
                f"{check.params['max_null_fraction']}"
            )
        elif check.kind == "referential_integrity":
            parent = {"table": f"{{{{ ref('{model(check.params['table'])}') }}}}"}
            sql = _orphans(check, ref, {**parent, check.params["table"]: parent["table"]})
        elif check.kind == "uniqueness":
            sql = f"select {_key(check)} as key, count(*) as n from {ref} group by all having count(*) > 1"
        else:
            sql = f"select * from {ref} where {_violates(check)}"
        severity = "warn" if check.severity == "warn" else "error"
        files[f"tests/quality/{check.name.replace('.', '__')}.sql"] = (
            f"-- drafted by deassist from the profile: {check.kind}\n{{{{ config(severity='{severity}') }}}}\n{sql}\n"
        )
    return files
