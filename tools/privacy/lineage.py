"""Which source columns each output column of a query carries values from, read with sqlglot.

The query is qualified against the catalog's schema (stars expanded, every column tied to its
source), then each projection is walked: a column contributes its source column, a CTE, derived
table or scalar subquery contributes what its own outputs carry, a set operation joins its branches
by position. Two forms carry no value of their argument and contribute nothing: counts (`count(x)`,
`count(DISTINCT x)`, approximate distinct counts) and null checks (`x IS NULL`). Columns only used to
filter, join or group carry nothing either. What cannot be traced (a table function, an unknown
table, an unexpanded star, a parse failure) is reported as undetermined, so the caller can fail closed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.catalog.model import Catalog


@dataclass(frozen=True)
class SourceColumn:
    table: str
    column: str


@dataclass(frozen=True)
class OutputLineage:
    """One output column; `sources` is None when its lineage could not be determined."""

    name: str
    sources: frozenset[SourceColumn] | None


def trace_output_columns(sql: str, catalog: Catalog, dialect: str) -> list[OutputLineage] | None:
    """The lineage of each output column of the one query in `sql`, in order; None if it cannot be read."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError
    from sqlglot.optimizer.qualify import qualify

    from tools.errors import DeassistError
    from tools.sql.depth import deep_recursion

    schema = {t.name: {c.name: "VARCHAR" for c in t.columns} for t in catalog.tables}
    try:
        with deep_recursion():
            expression = sqlglot.parse_one(sql, read=dialect)
            if not isinstance(expression, exp.Query):
                return None
            qualified = qualify(
                expression, schema=schema, dialect=dialect, validate_qualify_columns=False, quote_identifiers=False
            )
            return _Tracer(catalog).query(qualified, {}, {})
    except (SqlglotError, DeassistError, ValueError, KeyError):
        return None


class _Tracer:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def query(self, node, ctes: dict, outer: dict) -> list[OutputLineage] | None:  # noqa: ANN001
        from sqlglot import exp

        if isinstance(node, exp.Subquery):
            return self.query(node.this, ctes, outer)
        ctes = dict(ctes)
        with_ = node.args.get("with_") or node.args.get("with")
        for cte in with_.expressions if with_ else []:
            ctes[cte.alias_or_name.lower()] = self.query(cte.this, ctes, outer)
        if isinstance(node, exp.SetOperation):
            left, right = self.query(node.left, ctes, outer), self.query(node.right, ctes, outer)
            if left is None or right is None or len(left) != len(right):
                return None
            if isinstance(node, exp.Except):
                return left
            return [OutputLineage(a.name, _union(a.sources, b.sources)) for a, b in zip(left, right, strict=True)]
        if not isinstance(node, exp.Select):
            return None
        sources = dict(outer) | self._sources(node, ctes, outer)
        outputs = []
        for projection in node.expressions:
            if isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and projection.is_star):
                return None
            outputs.append(OutputLineage(projection.alias_or_name, self.carried(projection, sources, ctes)))
        return outputs

    def _sources(self, select, ctes: dict, outer: dict) -> dict:  # noqa: ANN001
        from sqlglot import exp

        found: dict = {}
        from_ = select.args.get("from_") or select.args.get("from")
        relations = ([from_.this] if from_ else []) + [join.this for join in select.args.get("joins") or []]
        for relation in relations:
            alias = relation.alias_or_name.lower()
            if isinstance(relation, exp.Table) and isinstance(relation.this, exp.Identifier):
                name = relation.name.lower()
                if not relation.db and name in ctes:
                    found[alias] = ctes[name]
                else:
                    table = self.catalog.table(f"{relation.db}.{relation.name}" if relation.db else relation.name)
                    found[alias] = table.name if table else None
            elif isinstance(relation, exp.Subquery):
                found[alias] = self.query(relation.this, ctes, outer)
            else:
                found[alias] = None  # a table function, UNNEST, VALUES...: not traced
        return found

    def carried(self, node, sources: dict, ctes: dict) -> frozenset[SourceColumn] | None:  # noqa: ANN001
        """The source columns whose values `node` can carry; None when that cannot be known."""
        from sqlglot import exp

        if isinstance(node, (exp.Count, exp.ApproxDistinct, exp.Is)):
            return frozenset()
        if isinstance(node, exp.Column):
            return self._column(node, sources)
        if isinstance(node, (exp.Subquery, exp.Query)):
            outputs = self.query(node, ctes, sources)
            if outputs is None:
                return None
            result: frozenset[SourceColumn] | None = frozenset()
            for output in outputs:
                result = _union(result, output.sources)
            return result
        if isinstance(node, exp.Star):
            return None
        result = frozenset()
        for child in node.iter_expressions():
            result = _union(result, self.carried(child, sources, ctes))
            if result is None:
                return None
        return result

    def _column(self, column, sources: dict) -> frozenset[SourceColumn] | None:  # noqa: ANN001
        if column.is_star or not column.table:
            return None
        relation = sources.get(column.table.lower())
        if isinstance(relation, str):
            table = self.catalog.table(relation)
            found = table.column(column.name) if table else None
            return frozenset({SourceColumn(table.name, found.name)}) if table and found else None
        if isinstance(relation, list):
            match = [o for o in relation if o.name.lower() == column.name.lower()]
            return match[0].sources if len(match) == 1 else None
        return None


def _union(a: frozenset[SourceColumn] | None, b: frozenset[SourceColumn] | None) -> frozenset[SourceColumn] | None:
    return None if a is None or b is None else a | b
