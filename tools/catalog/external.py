"""Objects in a source database that reach outside it: views and macros reading files, URLs, the environment.

A `.duckdb` or SQLite file is data the user was handed, and a view in it is code its author wrote:
`CREATE VIEW v AS SELECT * FROM read_text('/proc/self/environ')` would leak the reader's secrets the
moment anything scanned it. Each definition is parsed with sqlglot (not run, not bound) and an
object that calls a file, network or environment function, reads a table function other than a
generator, names a file in table position, or uses such an object is reported and never evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatch

EXTERNAL = "DEA-SOURCE-EXTERNAL"

# Functions that read files, URLs, other databases, the environment, or run a query string.
REACHING_FUNCTIONS = (
    "read_*",
    "*_scan",
    "*_attach",
    "parquet_*",
    "sniff_csv",
    "glob",
    "getenv",
    "query",
    "query_table",
    "iceberg_*",
    "delta_*",
    "st_read*",
    "json_execute_serialized_sql",
    "readfile",
    "writefile",
    "load_extension",
    "edit",
    "fts3_tokenizer",
)
# Table functions that only generate values.
GENERATORS = {"range", "generate_series", "unnest", "repeat", "generate_subscripts"}
FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".json", ".ndjson", ".jsonl", ".gz", ".zst", ".xlsx", ".db")


@dataclass(frozen=True)
class ExternalObject:
    """A view or macro whose definition reaches outside its database file (`reaches` says how)."""

    name: str
    kind: str  # "view", "macro" or "table macro"
    reaches: str

    @property
    def message(self) -> str:
        return f"{self.kind} {self.name} reaches outside its database ({self.reaches}); listed, never evaluated"


def external_objects(definitions: Iterable[tuple[str, str, str]], dialect: str) -> list[ExternalObject]:
    """The objects among (name, kind, SQL definition) that reach outside, directly or through each other."""
    found: dict[str, ExternalObject] = {}
    uses: dict[str, tuple[str, str, set[str]]] = {}
    for name, kind, sql in definitions:
        reaches, names = _reaches(sql, dialect)
        if reaches:
            found[name.lower()] = ExternalObject(name, kind, reaches)
        else:
            uses[name.lower()] = (name, kind, names)
    changed = True
    while changed:  # a view over a hostile view is as hostile as the view it reads
        changed = False
        for key, (name, kind, names) in list(uses.items()):
            via = next((n for n in sorted(names) if n in found), None)
            if via is not None:
                found[key] = ExternalObject(name, kind, f"uses {found[via].name}")
                del uses[key]
                changed = True
    return list(found.values())


def _reaches(sql: str, dialect: str) -> tuple[str | None, set[str]]:
    """How `sql` reaches outside (None when it does not), and the names of the relations and functions it uses."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except (ParseError, TokenError, ValueError):
        return "a definition sqlglot cannot read, so it was not checked", set()
    if tree is None:
        return None, set()
    names: set[str] = set()
    for node in tree.walk():
        if isinstance(node, exp.Table):
            target = node.this
            if isinstance(target, exp.Func):
                name = _function_name(target)
                if name not in GENERATORS:
                    return f"table function {target.sql(dialect)[:80]}", names
            elif isinstance(target, (exp.Identifier, exp.Literal)):
                text = target.name
                if "/" in text or "\\" in text or "://" in text or text.lower().endswith(FILE_SUFFIXES):
                    return f"file {text[:80]!r}", names
                names.add(text.lower())
        elif isinstance(node, exp.Func):
            name = _function_name(node)
            names.add(name)
            if any(fnmatch(name, pattern) for pattern in REACHING_FUNCTIONS):
                return f"{name}()", names
    return None, names


def _function_name(node: object) -> str:
    from sqlglot import exp

    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    if isinstance(node, exp.GenerateSeries):
        return "generate_series"
    return node.sql_name().lower()  # type: ignore[attr-defined]


__all__ = ["EXTERNAL", "ExternalObject", "external_objects"]
