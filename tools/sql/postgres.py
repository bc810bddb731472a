"""PostgreSQL's own rules, checked without a server.

Syntax comes from libpg_query (pglast), the parser PostgreSQL itself uses. Function and operator
resolution follows PostgreSQL 15's catalog, shipped as `data/postgres15.json` (pg_proc, pg_operator
and the implicit casts of pg_cast, dumped once from a PostgreSQL 15 server by
`data/dump_postgres15.sql`): a call or an operator whose
argument types no candidate accepts through implicit casts is an error there, even where DuckDB
would cast its way through (sum(boolean), round(double precision, integer), text = integer, ...).
Types are inferred only where they are certain (catalog columns, literals, casts, resolved calls);
anything uncertain is left alone, so these rules never raise a false alarm on their own guesses.
A call `run` would refuse (`tools.sql.pg_guard`'s denylist) is reported as a warning.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from tools.catalog.model import Catalog, Table
from tools.sql.diagnostics import INVALID, SYNTAX, TYPE, UNKNOWN_FUNCTION
from tools.sql.pg_guard import DENIED_FUNCTION, denied_reason

DATA = Path(__file__).with_name("data") / "postgres15.json"
# Numeric types from narrowest to widest, as PostgreSQL picks a common type for CASE branches.
NUMERIC_ORDER = ["int2", "int4", "int8", "numeric", "float4", "float8"]

# Catalog type spellings -> PostgreSQL type names (pg_type.typname).
TYPE_NAMES = {
    "int": "int4",
    "integer": "int4",
    "int4": "int4",
    "serial": "int4",
    "mediumint": "int4",
    "bigint": "int8",
    "int8": "int8",
    "bigserial": "int8",
    "hugeint": "numeric",
    "smallint": "int2",
    "int2": "int2",
    "tinyint": "int2",
    "double precision": "float8",
    "double": "float8",
    "float8": "float8",
    "float": "float8",
    "real": "float4",
    "float4": "float4",
    "numeric": "numeric",
    "decimal": "numeric",
    "text": "text",
    "varchar": "varchar",
    "character varying": "varchar",
    "string": "text",
    "char": "bpchar",
    "character": "bpchar",
    "bpchar": "bpchar",
    "boolean": "bool",
    "bool": "bool",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp without time zone": "timestamp",
    "timestamptz": "timestamptz",
    "timestamp with time zone": "timestamptz",
    "time": "time",
    "time without time zone": "time",
    "interval": "interval",
    "json": "json",
    "jsonb": "jsonb",
    "uuid": "uuid",
    "bytea": "bytea",
    "blob": "bytea",
}
DISPLAY = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "varchar": "character varying",
    "bpchar": "character",
    "timestamptz": "timestamp with time zone",
    "timestamp": "timestamp without time zone",
}
COMPARISONS = {"=", "<>", "!=", "<", ">", "<=", ">=", "~~", "!~~", "~~*", "!~~*", "~", "!~", "~*", "!~*"}
# Operators whose unknown-literal side takes the other side's type (so the literal must read as it).
COERCING = {"=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"}
DATE_TYPES = {"date", "timestamp", "timestamptz"}
NUMERIC_TYPES = {"int2", "int4", "int8", "numeric", "float4", "float8"}
INTEGER_TYPES = {"int2", "int4", "int8"}
UNKNOWN = "unknown"  # the type of a quoted literal until context gives it one
NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|nan|infinity|inf)\s*$", re.IGNORECASE)
INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    offset: int


@dataclass
class PgCatalog:
    functions: dict[str, list[tuple[str, tuple[str, ...], str, bool, int]]]
    operators: dict[str, list[tuple[str, str, str]]]
    casts: set[tuple[str, str]]


@cache
def pg_catalog() -> PgCatalog:
    data = json.loads(DATA.read_text())
    functions: dict[str, list[tuple[str, tuple[str, ...], str, bool, int]]] = {}
    for name, kind, args, result, variadic, defaults in data["functions"]:
        functions.setdefault(name, []).append((kind, tuple(args), result, variadic, defaults))
    operators: dict[str, list[tuple[str, str, str]]] = {}
    for name, left, right, result in data["operators"]:
        operators.setdefault(name, []).append((left, right, result))
    return PgCatalog(functions, operators, {tuple(pair) for pair in data["implicit_casts"]})


def pg_type(type_sql: str) -> str | None:
    """The pg_type name of a catalog column type, or None when it is not one we can reason about."""
    base = re.sub(r"\(.*\)", "", type_sql.strip().lower()).strip()
    if base.endswith("[]"):
        return None
    return TYPE_NAMES.get(base)


def show(typname: str) -> str:
    return DISPLAY.get(typname, typname)


POLYMORPHIC = {"any", "anyelement", "anynonarray", "anycompatible", "anycompatiblenonarray", "internal"}


def _accepts(param: str, arg: str, casts: set[tuple[str, str]]) -> bool:
    if arg == UNKNOWN or param == arg or param in POLYMORPHIC:
        return True
    if param in {"anyarray", "anycompatiblearray"}:
        return arg.startswith("_")
    return (arg, param) in casts


@dataclass
class Scope:
    """The relations visible in one SELECT: name -> catalog table (None when its columns are unknown)."""

    relations: dict[str, Table | None] = field(default_factory=dict)
    parent: Scope | None = None


class PostgresChecker:
    """Walks libpg_query's parse tree of one statement and reports what PostgreSQL 15 would reject."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.pg = pg_catalog()
        self.findings: list[Finding] = []
        self.ctes: set[str] = set()

    def check(self, sql: str) -> list[Finding]:
        from pglast import parser

        try:
            tree = json.loads(parser.parse_sql_json(sql))
        except parser.ParseError as exc:
            message = exc.args[0]
            index = exc.args[1] if len(exc.args) > 1 and exc.args[1] is not None else len(sql)
            return [Finding(SYNTAX, message, max(0, min(index, len(sql))))]
        self.findings = []
        for raw in tree.get("stmts", []):
            self.visit(raw.get("stmt", {}), Scope())
        return self.findings

    # -- walking ---------------------------------------------------------------------------------

    def visit(self, node: Any, scope: Scope) -> str | None:
        """Check `node` and return its PostgreSQL type when it is certain."""
        if isinstance(node, list):
            for item in node:
                self.visit(item, scope)
            return None
        if not isinstance(node, dict) or len(node) != 1:
            return None
        ((kind, body),) = node.items()
        handler = getattr(self, f"visit_{kind}", None)
        if handler is not None:
            return handler(body, scope)
        for value in body.values() if isinstance(body, dict) else ():
            if isinstance(value, (dict, list)):
                self.visit(value, scope)
        return None

    def visit_SelectStmt(self, body: dict, scope: Scope) -> None:
        if body.get("op", "SETOP_NONE") != "SETOP_NONE":
            self.visit({"SelectStmt": body["larg"]}, scope)
            self.visit({"SelectStmt": body["rarg"]}, scope)
            return None
        with_clause = body.get("withClause")
        if with_clause:
            for cte in with_clause.get("ctes", []):
                self.ctes.add(cte["CommonTableExpr"]["ctename"])
                self.visit(cte["CommonTableExpr"].get("ctequery"), scope)
        inner = Scope(parent=scope)
        for item in body.get("fromClause", []):
            self.add_relation(item, inner)
        for key in (
            "targetList",
            "whereClause",
            "groupClause",
            "havingClause",
            "sortClause",
            "valuesLists",
            "limitCount",
            "limitOffset",
        ):
            if body.get(key):
                self.visit(body[key], inner)
        return None

    def add_relation(self, item: dict, scope: Scope) -> None:
        ((kind, body),) = item.items()
        alias = (body.get("alias") or {}).get("aliasname")
        if kind == "RangeVar":
            name = body["relname"]
            table = (
                None if name in self.ctes and not body.get("schemaname") else self.table(name, body.get("schemaname"))
            )
            scope.relations[alias or name] = table
        elif kind == "JoinExpr":
            self.add_relation(body["larg"], scope)
            self.add_relation(body["rarg"], scope)
            if body.get("quals"):
                self.visit(body["quals"], scope)
        elif kind == "RangeSubselect":
            if alias is None:
                self.findings.append(Finding(INVALID, "subquery in FROM must have an alias", body.get("location", 0)))
            self.visit(body.get("subquery"), scope if body.get("lateral") else scope.parent or Scope())
            scope.relations[alias or f"?subquery{len(scope.relations)}"] = None
        else:
            self.visit(item, scope)
            scope.relations[alias or f"?{kind}{len(scope.relations)}"] = None

    def table(self, name: str, schema: str | None) -> Table | None:
        for table in self.catalog.tables:
            if table.name == name and (schema is None or table.schema in {schema, None}):
                return table
        return None

    # -- expressions -----------------------------------------------------------------------------

    def visit_ColumnRef(self, body: dict, scope: Scope) -> str | None:
        names = [f["String"]["sval"] for f in body.get("fields", []) if "String" in f]
        if not names or len(names) != len(body.get("fields", [])):
            return None
        column = names[-1]
        current: Scope | None = scope
        while current is not None:
            if len(names) >= 2:
                if names[-2] in current.relations:
                    table = current.relations[names[-2]]
                    found = table.column(column) if table else None
                    return pg_type(found.type) if found and found.name == column else None
            else:
                tables = list(current.relations.values())
                matches = [t for t in tables if t is not None and any(c.name == column for c in t.columns)]
                if None in tables:
                    return None
                if len(matches) == 1:
                    found = next(c for c in matches[0].columns if c.name == column)
                    return pg_type(found.type)
                if matches:
                    return None
            current = current.parent
        return None

    def visit_A_Const(self, body: dict, scope: Scope) -> str | None:
        if body.get("isnull"):
            return UNKNOWN
        if "ival" in body:
            return "int4"
        if "fval" in body:
            return "numeric"
        if "sval" in body:
            return UNKNOWN
        if "boolval" in body:
            return "bool"
        return None

    def visit_TypeCast(self, body: dict, scope: Scope) -> str | None:
        self.visit(body.get("arg"), scope)
        names = [n["String"]["sval"] for n in body.get("typeName", {}).get("names", []) if "String" in n]
        if body.get("typeName", {}).get("arrayBounds"):
            return None
        name = names[-1] if names else ""
        return (
            name
            if name
            in NUMERIC_TYPES
            | {"text", "varchar", "bool", "date", "timestamp", "timestamptz", "bpchar", "interval", "time"}
            else pg_type(name)
        )

    def visit_BoolExpr(self, body: dict, scope: Scope) -> str:
        self.visit(body.get("args"), scope)
        return "bool"

    def visit_NullTest(self, body: dict, scope: Scope) -> str:
        self.visit(body.get("arg"), scope)
        return "bool"

    def visit_SubLink(self, body: dict, scope: Scope) -> str | None:
        if body.get("testexpr"):
            self.visit(body["testexpr"], scope)
        self.visit(body.get("subselect"), scope)
        return "bool" if body.get("subLinkType") in {"EXISTS_SUBLINK", "ANY_SUBLINK", "ALL_SUBLINK"} else None

    def visit_CaseExpr(self, body: dict, scope: Scope) -> str | None:
        if body.get("arg"):
            self.visit(body["arg"], scope)
        results: list[tuple[str | None, dict]] = []
        for when in body.get("args", []):
            self.visit(when["CaseWhen"].get("expr"), scope)
            result = when["CaseWhen"].get("result")
            results.append((self.visit(result, scope), result))
        if body.get("defresult"):
            results.append((self.visit(body["defresult"], scope), body["defresult"]))
        known = {t for t, _ in results if t != UNKNOWN}
        if len(known) > 1 and None not in known and known <= set(NUMERIC_ORDER):
            return max(known, key=NUMERIC_ORDER.index)  # PostgreSQL resolves numeric branches to the widest
        if len(known) == 1 and None not in known:
            common = known.pop()
            for typ, node in results:
                if typ == UNKNOWN:
                    self.check_literal(node, common)
            return common
        if not known:
            return "text"
        return None

    def visit_CoalesceExpr(self, body: dict, scope: Scope) -> str | None:
        types = {self.visit(arg, scope) for arg in body.get("args", [])} - {UNKNOWN}
        return types.pop() if len(types) == 1 else None

    def visit_FuncCall(self, body: dict, scope: Scope) -> str | None:
        names = [n["String"]["sval"] for n in body.get("funcname", []) if "String" in n]
        name = names[-1]
        args = [self.visit(arg, scope) for arg in body.get("args", [])]
        if body.get("agg_filter"):
            self.visit(body["agg_filter"], scope)
        ordered = [self.visit(item.get("SortBy", {}).get("node"), scope) for item in body.get("agg_order") or []]
        if body.get("agg_within_group"):
            args += ordered  # an ordered-set aggregate's signature lists its direct and its ordered arguments
        over = body.get("over")
        if over:
            self.visit(over.get("partitionClause"), scope)
            self.visit(over.get("orderClause"), scope)
        location = body.get("location", 0)
        denied = denied_reason(name)
        if denied:
            self.findings.append(
                Finding(DENIED_FUNCTION, f"{name}() {denied}: deassist run refuses it on PostgreSQL", location)
            )
        if len(names) > 1 and names[0] != "pg_catalog":
            return None  # a user schema's function: not ours to judge
        candidates = self.pg.functions.get(name)
        if len(args) == 1 and name in TYPE_NAMES and not any(self._fits(c, args) for c in candidates or ()):
            # `date(x)`, `numeric(x)`: a function-style cast, which PostgreSQL allows for any type name.
            return TYPE_NAMES[name]
        if not candidates:
            shown = f"{name}({', '.join(show(a) if a else '?' for a in args)})" if None not in args else f"{name}()"
            self.findings.append(Finding(UNKNOWN_FUNCTION, f"function {shown} does not exist in PostgreSQL", location))
            return None
        if body.get("agg_within_group") and over:
            self.findings.append(Finding(INVALID, f"OVER is not supported for ordered-set aggregate {name}", location))
        if body.get("agg_star") or body.get("func_variadic"):
            return (
                _single({result for kind, params, result, *_ in candidates if kind == "a" and not params})
                if body.get("agg_star")
                else None
            )
        if None in args:
            return None
        matching = [c for c in candidates if self._fits(c, args)]
        if not matching:
            spelled = ", ".join(show(a) for a in args)
            self.findings.append(Finding(TYPE, f"function {name}({spelled}) does not exist in PostgreSQL", location))
            return None
        best = _best(matching, args, lambda c: c[1])
        return _single({c[2] for c in best})

    def _fits(self, candidate: tuple[str, tuple[str, ...], str, bool, int], args: list[str | None]) -> bool:
        _kind, params, _result, variadic, defaults = candidate
        if variadic:
            if len(args) < len(params) - 1:
                return False
            padded = list(params[:-1]) + [params[-1]] * (len(args) - len(params) + 1)
            return all(
                _accepts(p.lstrip("_"), a or UNKNOWN, self.pg.casts) or p.startswith("_") for p, a in zip(padded, args)
            )
        if not len(params) - defaults <= len(args) <= len(params):
            return False
        return all(_accepts(p, a or UNKNOWN, self.pg.casts) for p, a in zip(params, args))

    def visit_A_Expr(self, body: dict, scope: Scope) -> str | None:
        kind = body.get("kind")
        op = "".join(n["String"]["sval"] for n in body.get("name", []) if "String" in n)
        left = self.visit(body["lexpr"], scope) if body.get("lexpr") else None
        right_node = body.get("rexpr")
        location = body.get("location", 0)
        if kind in {"AEXPR_BETWEEN", "AEXPR_NOT_BETWEEN", "AEXPR_BETWEEN_SYM", "AEXPR_NOT_BETWEEN_SYM"}:
            bounds = right_node.get("List", {}).get("items", []) if isinstance(right_node, dict) else []
            for bound in bounds:
                self.operator(">=", left, self.visit(bound, scope), body["lexpr"], bound, location)
            return "bool"
        if kind == "AEXPR_IN":
            items = (
                right_node
                if isinstance(right_node, list)
                else right_node.get("List", {}).get("items", [])
                if isinstance(right_node, dict)
                else []
            )
            for item in items:
                self.operator("=", left, self.visit(item, scope), body["lexpr"], item, location)
            return "bool"
        right = self.visit(right_node, scope) if right_node is not None else None
        if kind == "AEXPR_OP" and op in {"-", "+"} and not body.get("lexpr") and right in NUMERIC_ORDER:
            return right  # unary sign keeps the type
        if kind == "AEXPR_NULLIF":
            return left
        if kind in {"AEXPR_OP", "AEXPR_LIKE", "AEXPR_ILIKE"} and body.get("lexpr") and right_node is not None:
            return self.operator(op, left, right, body["lexpr"], right_node, location)
        if kind in {"AEXPR_DISTINCT", "AEXPR_NOT_DISTINCT", "AEXPR_LIKE", "AEXPR_ILIKE", "AEXPR_SIMILAR"}:
            return "bool"
        return None

    def operator(
        self, op: str, left: str | None, right: str | None, lnode: Any, rnode: Any, location: int
    ) -> str | None:
        if left is None or right is None:
            return "bool" if op in COMPARISONS else None
        candidates = self.pg.operators.get(op)
        if not candidates:
            return None
        if UNKNOWN in (left, right) and left != right and op in COERCING:
            known, literal = (left, rnode) if right == UNKNOWN else (right, lnode)
            self.check_literal(literal, known)
        matching = [
            c
            for c in candidates
            if c[0] and c[1] and _accepts(c[0], left, self.pg.casts) and _accepts(c[1], right, self.pg.casts)
        ]
        if not matching:
            self.findings.append(
                Finding(TYPE, f"operator does not exist in PostgreSQL: {show(left)} {op} {show(right)}", location)
            )
            return None
        return _single({c[2] for c in _best(matching, [left, right], lambda c: c[:2])})

    def check_literal(self, node: Any, typname: str) -> None:
        """A quoted literal takes the type of its context; PostgreSQL rejects one that does not read as it."""
        const = node.get("A_Const") if isinstance(node, dict) else None
        if not const or "sval" not in const:
            return
        text = const["sval"]["sval"]
        if typname in INTEGER_TYPES and not INTEGER.match(text) or typname in NUMERIC_TYPES and not NUMBER.match(text):
            self.findings.append(
                Finding(TYPE, f'invalid input syntax for type {show(typname)}: "{text}"', const.get("location", 0))
            )
        elif typname in DATE_TYPES and not _plausible_date(text):
            self.findings.append(
                Finding(TYPE, f'date/time field value out of range: "{text}"', const.get("location", 0))
            )


def _plausible_date(text: str) -> bool:
    """False only for dates PostgreSQL certainly rejects: digit runs or ISO dates with an impossible month/day.

    PostgreSQL reads a run of 6 digits as YYMMDD and 8 as YYYYMMDD; any other spelling is left alone.
    """
    import datetime

    stripped = text.strip()
    if stripped.isdigit() and len(stripped) in {6, 8}:
        year, rest = (
            (2000 + int(stripped[:2]), stripped[2:]) if len(stripped) == 6 else (int(stripped[:4]), stripped[4:])
        )
        month, day = int(rest[:2]), int(rest[2:])
    else:
        match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[ T])", stripped)
        if not match:
            return True
        year, month, day = (int(g) for g in match.groups())
    try:
        datetime.date(max(year, 1), month, day)
    except ValueError:
        return False
    return True


def _best(candidates: list, args: list, params_of) -> list:
    """PostgreSQL keeps the candidates with the most exact argument-type matches."""
    scored = [(sum(p == a for p, a in zip(params_of(c), args)), c) for c in candidates]
    top = max(score for score, _ in scored)
    return [c for score, c in scored if score == top]


def _single(types: set[str]) -> str | None:
    if len(types) != 1:
        return None
    only = next(iter(types))
    return None if only.startswith("any") or only in {"record", "void", "internal"} else only


def check_postgres(sql: str, catalog: Catalog) -> list[Finding]:
    """What PostgreSQL 15 would reject in `sql` beyond name binding (which DuckDB checks)."""
    return PostgresChecker(catalog).check(sql)


__all__ = ["Finding", "PostgresChecker", "check_postgres", "pg_type"]
