"""From a question to a `Reading`, or to a decline naming what could not be placed.

Two stages. `pieces` splits the question into the longest runs of units the lexicon or the schema
knows (an operator, a period, a filler word, a table, a column, a value seen in the data, a number,
a year); whatever is left is an unplaced word. `read` then gives each piece its role (measure,
dimension, filter, ranking, threshold) and resolves columns to tables and tables to joins. Anything
that carries meaning and finds no role makes a `Decline`; the planner never answers another question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.backends.offline.lexicon import Lexicon, units_of
from assistant.backends.offline.schema import SchemaIndex, join_of
from assistant.reading import Dimension, Filter, Measure, Reading

Ref = tuple[str, str | None, str | None]  # (table, column, value)
# Ties between a lexicon phrase and a schema name of the same length: operators beat names, names beat the rest.
RANK = {"aggregate": 0, "group": 0, "compare": 0, "rank_desc": 0, "rank_asc": 0, "unsupported": 0,
        "month_of_year": 0, "product": 0, "anti": 0, "duplicate": 0, "negative": 0, "schema": 1, "column_suffix": 2, "period": 2, "number": 2, "noun": 3, "joiner": 4, "filler": 5}


ARTICLES = {"the", "a", "an", "("}
INTRODUCERS = {"(", "as", "is", "means", "=", ":"}


@dataclass
class Piece:
    kind: str  # a lexicon kind, "schema", "number", "year", "product" or "word" (unplaced)
    text: str
    value: str = ""
    refs: list[Ref] = field(default_factory=list)


@dataclass(frozen=True)
class Decline:
    unplaced: list[str] = field(default_factory=list)  # words that carry meaning and found no place
    unsupported: list[str] = field(default_factory=list)  # operators the planner knows it cannot compute
    reason: str = ""  # anything else: an ambiguity, a fan-out, a value not in the data


def pieces(question: str, lex: Lexicon, schema: SchemaIndex) -> list[Piece]:
    units = units_of(question)
    names = schema.names()
    sources = schema.source_names()
    longest = max([lex.longest, *(len(k) for k in names)])
    out: list[Piece] = []
    i = 0
    while i < len(units):
        best: tuple[int, int, Piece] | None = None
        for length in range(min(longest, len(units) - i), 0, -1):
            key = units[i : i + length]
            text = " ".join(key) if any(u.isascii() for u in key) else "".join(key)
            found: list[Piece] = []
            if key in names:
                found.append(Piece("schema", text, refs=list(names[key])))
            phrase = lex.phrases.get(key)
            if phrase is not None:
                if phrase.kind == "synonym":
                    refs = _synonym(phrase.value, names)
                    if refs:
                        found.append(Piece("schema", text, refs=refs))
                elif phrase.kind == "noun":
                    english = units_of(phrase.value)
                    if english in names:
                        found.append(Piece("schema", text, refs=list(names[english])))
                else:
                    found.append(Piece(phrase.kind, text, phrase.value))
            if length == 1:
                found.extend(_literal(key[0], names))
            if key in sources:
                found.append(Piece("filler", text))
            for piece in found:
                rank = RANK.get(piece.kind, 1)
                if best is None or (length, -rank) > (best[0], -best[1]):
                    best = (length, rank, piece)
            if best is not None:
                break
        if best is None:
            out.append(Piece("word", units[i]))
            i += 1
        else:
            out.append(best[2])
            i += best[0]
    return _merge_words(out)


def _synonym(columns: str, names: dict[tuple[str, ...], list[Ref]]) -> list[Ref]:
    """The columns the first listed name that occurs in the schema names."""
    for column in columns.split("|"):
        refs = [r for r in names.get(units_of(column), []) if r[1] is not None and r[2] is None]
        if refs:
            return refs
    return []


def _literal(unit: str, names: dict[tuple[str, ...], list[Ref]]) -> list[Piece]:
    if unit.isdigit() and len(unit) == 4 and 1900 <= int(unit) <= 2100:
        return [Piece("year", unit, unit)]
    if unit.replace(".", "", 1).isdigit():
        return [Piece("number", unit, unit)]
    if unit[0] in "'\"":
        inner = units_of(unit[1:-1].replace("_", " "))
        refs = names.get(inner, [])
        return [Piece("schema", unit, refs=refs)] if any(r[2] for r in refs) else [Piece("word", unit)]
    if unit in {"(", ")", "?", ".", ",", ":", ";", "!", "-", "'", '"'}:
        return [Piece("filler", unit)]
    return []


def _merge_words(found: list[Piece]) -> list[Piece]:
    """Adjacent unplaced CJK or Hangul characters are one word in a decline."""
    out: list[Piece] = []
    for piece in found:
        if (
            out
            and piece.kind == "word"
            and out[-1].kind == "word"
            and not piece.text.isascii()
            and not out[-1].text.isascii()
        ):
            out[-1] = Piece("word", out[-1].text + piece.text)
        else:
            out.append(piece)
    return out


@dataclass
class _State:
    schema: SchemaIndex
    measures: list[tuple[str, list[Ref]]] = field(default_factory=list)  # (function, candidate refs or a table)
    products: list[tuple[str, list[Ref], list[Ref]]] = field(default_factory=list)
    dims: list[tuple[list[Ref], str | None]] = field(default_factory=list)  # (candidates, grain)
    filters: list[tuple[list[Ref], str, str | float]] = field(default_factory=list)  # (candidates, op, value)
    years: list[int] = field(default_factory=list)
    named: list[str] = field(default_factory=list)  # tables the question names
    loose: list[list[Ref]] = field(default_factory=list)  # columns named with no role yet
    having: list[tuple[str, float]] = field(default_factory=list)
    having_table: str | None = None
    order: str | None = None
    limit: int | None = None
    unplaced: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    count_groups: bool = False
    rank_entity: str | None = None  # "top 5 customers": the things ranked
    absent: list[str] = field(default_factory=list)  # "never placed an order": tables with no related row
    nulls: list[list[Ref]] = field(default_factory=list)  # "with no email": columns that are null


def read(question: str, lex: Lexicon, schema: SchemaIndex) -> Reading | Decline:
    found = _prefix(_defined(_qualify(pieces(question, lex, schema), schema)), lex.postfix)
    state = _State(schema)
    _roles(found, state)
    if state.unplaced or state.unsupported:
        return Decline(list(dict.fromkeys(state.unplaced)), list(dict.fromkeys(state.unsupported)))
    return _resolve(state)


def _prefix(found: list[Piece], postfix: set[str]) -> list[Piece]:
    """Markers a language writes after their word (국가별: country-per) moved before it, as English writes them."""
    out: list[Piece] = []
    for piece in found:
        if piece.kind in postfix and out and out[-1].kind == "schema":
            out.insert(len(out) - 1, piece)
        else:
            out.append(piece)
    return out


def _defined(found: list[Piece]) -> list[Piece]:
    """`revenue is quantity times unit price`, `revenue (quantity times ...)`: a word the question defines is placed."""
    defined = set()
    for index, piece in enumerate(found):
        if piece.kind != "word":
            continue
        rest = [p for p in found[index + 1 : index + 6] if p.kind != "filler"]
        if len(rest) >= 2 and rest[0].kind == "schema" and rest[1].kind == "product":
            defined.add(piece.text)
        # "revenue from completed orders (quantity times unit price)", "revenue ..., as quantity times unit
        # price": a bracket or `as` before the product defines the nearest unplaced word before it.
        for at in range(index + 1, min(index + 12, len(found) - 2)):
            if found[at].kind == "word":
                break
            if found[at].text in INTRODUCERS and found[at + 1].kind == "schema" and found[at + 2].kind == "product":
                defined.add(piece.text)
    return [Piece("filler", p.text) if p.kind == "word" and p.text in defined else p for p in found]


def _qualify(found: list[Piece], schema: SchemaIndex) -> list[Piece]:
    """`vehicle type`, `rating stars`: a table followed by one of its columns names that column only."""
    out: list[Piece] = []
    for piece in found:
        prev = out[-1] if out else None
        if piece.kind == "column_suffix":
            if prev is not None and prev.kind == "schema" and any(r[1] and not r[2] for r in prev.refs):
                continue  # "device type": the device column
            piece = Piece("word", piece.text)
        if (
            prev is not None
            and prev.kind == "schema"
            and piece.kind == "schema"
            and all(r[1] is None for r in prev.refs)
        ):
            tables = {r[0] for r in prev.refs}
            own = [r for r in piece.refs if r[0] in tables]
            if own:
                out[-1] = Piece("schema", f"{prev.text} {piece.text}", refs=own)
                continue
        out.append(piece)
    return out


def _roles(found: list[Piece], s: _State) -> None:
    pending: str | None = None  # an aggregate waiting for what it aggregates
    pending_text = ""
    grouping = False
    for index, piece in enumerate(found):
        after = found[index + 1] if index + 1 < len(found) else None
        kind = piece.kind
        if kind == "aggregate":
            before = found[index - 1] if index else None
            if before is not None and before.kind == "aggregate" and pending in {"max", "min"}:
                s.order = "desc" if pending == "max" else "asc"  # "the highest average fee" ranks the averages
            pending = "count_distinct" if pending == "count" and piece.value == "count_distinct" else piece.value
            pending_text = piece.text
            grouping = False
        elif kind == "group":
            grouping = True
        elif kind == "filler" and piece.text not in ARTICLES:
            grouping = False  # "per city for completed trips", "每個城市的訂單": a filler ends the grouping
        elif kind in {"rank_desc", "rank_asc"}:
            s.order = "desc" if kind == "rank_desc" else "asc"
            if after is not None and after.kind == "number":
                s.limit = int(float(after.value))
                after.kind = "used"
            if pending is None:
                pending = "rank"
            grouping = False
        elif kind == "compare":
            if after is None or after.kind != "number":
                s.unplaced.append(piece.text)
                continue
            after.kind = "used"
            s.having.append((piece.value, float(after.value)))
            nxt = found[index + 2] if index + 2 < len(found) else None
            if nxt is not None and nxt.kind == "schema" and all(r[1] is None for r in nxt.refs):
                s.having_table = nxt.refs[0][0]
                nxt.kind = "used"
        elif kind == "period":
            last = s.dims[-1] if s.dims else None
            if last and last[1] is None and last[0] and all(_temporal(r, s) for r in last[0]):
                s.dims[-1] = (last[0], piece.value)  # "per scheduled at month": that date column, by month
            else:
                s.dims.append(([], piece.value))
        elif kind == "month_of_year":
            s.dims.append(([], "month_of_year"))
        elif kind == "year":
            s.years.append(int(piece.value))
        elif kind == "schema":
            pending, grouping = _schema_piece(piece, pending, grouping, s)
        elif kind == "product":
            _product(found, index, s)
        elif kind in {"duplicate", "negative"}:
            target = next((p for p in found[index + 1 :] if p.kind not in {"filler", "followup"}), None)
            columns = [r for r in target.refs if r[1] and not r[2]] if target and target.kind == "schema" else []
            if not columns or (kind == "negative" and not any(s.schema.numeric(r[0], r[1] or "") for r in columns)):
                s.unplaced.append(piece.text)
                continue
            target.kind = "used"
            if kind == "negative":
                s.filters.append(([r for r in columns if s.schema.numeric(r[0], r[1] or "")], "<", 0))
            else:
                # "duplicate order ids": group by the column, keep the values seen more than once, count them.
                # An id that should be unique is the key of its own table, not a reference to it elsewhere.
                keyed = [r for r in columns if r[1] == s.schema.key(s.schema.table(r[0]))] or columns
                if len({r[0] for r in keyed}) > 1:
                    s.unplaced.append(target.text)
                    continue
                s.measures.append(("count", [(keyed[0][0], None, None)]))
                s.dims.append((keyed, None))
                s.having.append((">", 1.0))
                s.count_groups = True
            pending = None if kind == "duplicate" else pending
        elif kind == "anti":
            target = next((p for p in found[index + 1 :] if p.kind not in {"filler", "followup"}), None)
            if target is None or target.kind != "schema" or any(r[2] for r in target.refs):
                s.unplaced.append(piece.text)
                continue
            columns = [r for r in target.refs if r[1] is not None]
            if columns:
                s.nulls.append(columns)
            else:
                s.absent.append(target.refs[0][0])
            target.kind = "used"
            grouping = False
        elif kind == "unsupported":
            s.unsupported.append(piece.value)
        elif kind == "word":
            s.unplaced.append(piece.text)
        elif kind == "number":
            s.unplaced.append(piece.text)
    dangling = [t for t in s.named if t not in _dim_tables(s)] or [refs[0][0] for refs in s.loose]
    if pending not in {None, "rank", "count"} and s.loose and not s.measures:
        s.measures.append((pending, s.loose.pop()))  # amount 總和: the aggregate written after its column
    elif pending not in {None, "rank"} and dangling and not s.measures:
        s.measures.append((pending, [(dangling[-1], None, None)]))  # 訂單數量: the count written after its table
    elif pending not in {None, "rank"}:
        s.unplaced.append(pending_text)


def _temporal(ref: Ref, s: _State) -> bool:
    return ref[1] is not None and ref[1] in s.schema.temporal_columns(ref[0])


def _schema_piece(piece: Piece, pending: str | None, grouping: bool, s: _State) -> tuple[str | None, bool]:
    values = [r for r in piece.refs if r[2] is not None]
    columns = [r for r in piece.refs if r[1] is not None and r[2] is None]
    tables = [r for r in piece.refs if r[1] is None]
    if tables:
        s.named.append(tables[0][0])
    if values and not columns and not tables:
        s.filters.append((values, "=", values[0][2] or ""))
        return pending, grouping
    if grouping and s.rank_entity is not None and not s.measures and not s.products:
        # "top 5 customers by orders / by amount": what follows "by" is what they are ranked by.
        s.measures.append(("count" if tables and not columns else "rank", columns or tables))
        return pending, False
    if grouping:
        s.dims.append((columns or tables, None))
        return pending, grouping
    if pending == "rank" and tables and not columns:
        s.rank_entity = tables[0][0]
        return None, grouping
    if pending == "rank" and columns and not any(s.schema.numeric(r[0], r[1] or "") for r in columns):
        s.dims.append((columns, None))  # "the top two regions by ...": the regions are ranked
        return None, grouping
    if pending is not None:
        s.measures.append((pending, columns or tables))
        return None, grouping
    if columns:
        s.loose.append(columns)
    return pending, grouping


def _product(found: list[Piece], index: int, s: _State) -> None:
    """`quantity times unit price`: the two numeric columns around the operator, summed or averaged as asked."""
    left = found[index - 1] if index > 0 else None
    right = found[index + 1] if index + 1 < len(found) else None
    if left is None or right is None or left.kind != "schema" or right.kind != "schema":
        s.unplaced.append(found[index].text)
        return
    function = "sum"
    for m in list(s.measures):
        if m[1] == [r for r in left.refs if r[1] is not None]:
            function = "sum" if m[0] == "rank" else m[0]
            s.measures.remove(m)
    s.loose = [c for c in s.loose if c != [r for r in left.refs if r[1] is not None]]
    right.kind = "used"
    s.products.append((function, [r for r in left.refs if r[1]], [r for r in right.refs if r[1]]))


def _resolve(s: _State) -> Reading | Decline:
    schema = s.schema
    measures: list[Measure] = []
    for function, left, right in s.products:
        pair = _same_table(left, right)
        if pair is None:
            return Decline(reason="the two columns of a product must come from one table")
        table, a, b = pair
        if not (schema.numeric(table, a) and schema.numeric(table, b)):
            return Decline(reason=f"{a} and {b} are not both numeric")
        measures.append(Measure(function, table, f"{a} * {b}"))
    for function, refs in s.measures:
        measure = _measure(function, refs, s)
        if isinstance(measure, Decline):
            return measure
        measures.append(measure)
    entity: str | None = None
    if s.rank_entity is not None and s.limit and s.dims:
        return Decline(unsupported=["top N within each group"])  # a LIMIT would rank across the groups instead
    if s.rank_entity is not None:
        if measures:
            entity = s.rank_entity
        else:
            measures = [Measure("count", s.rank_entity)]
    if s.having_table is not None:
        # "customers who placed more than 15 orders": count orders per customer, keep the groups over 15.
        entity = next((m.table for m in measures if m.function in {"count", "rank"}), None) or (s.named[0] if s.named else None)
        counted = "count_groups" if any(m.function == "count" for m in measures) else None
        measures = [Measure("count", s.having_table)]
        s.count_groups = counted is not None
        if entity is None or entity == s.having_table:
            return Decline(reason="the threshold needs both the things counted and what they belong to")
    if not measures:
        rank_table = next((t for t in s.named if t not in _dim_tables(s)), None)
        if (s.dims or s.order) and rank_table is not None:
            measures = [Measure("count", rank_table)]
        elif s.named and not s.dims:
            return _listing(s)
        else:
            return Decline(reason="the question names no table or column to count or aggregate")
    measures = [Measure("count", m.table) if m.function == "rank" else m for m in measures]
    subject = measures[0].table
    if any(m.table != subject for m in measures):
        return Decline(reason="measures from different tables would need separate aggregations")
    dims: list[Dimension] = []
    if entity is not None:
        dim = _entity_dimension(entity, subject, schema)
        if dim is None:
            return Decline(reason=f"{subject} has no key that leads to {entity}")
        dims.append(dim)
        label = _label(entity, schema)
        if label is not None and not s.count_groups and entity != subject:
            dims.append(Dimension(entity, label))  # "top 5 customers" shows who they are
    s.loose = [refs for refs in s.loose if not any(r[1] in {d.column for d in dims} for r in refs)]
    if not s.dims and not dims and s.loose and not s.count_groups:
        s.dims = [(refs, None) for refs in s.loose]
        s.loose = []
    for refs, grain in s.dims:
        dim = _dimension(refs, grain, subject, s)
        if isinstance(dim, Decline):
            return dim
        dims.append(dim)
    shown = {d.column for d in dims}
    s.loose = [refs for refs in s.loose if not any(r[1] in shown for r in refs)]  # "give customer_id and revenue"
    if s.loose:
        words = [r[1] for refs in s.loose for r in refs[:1] if r[1]]
        return Decline(unplaced=words)
    filters: list[Filter] = []
    for refs, op, value in s.filters:
        owner = _owner(refs, subject, s)
        if isinstance(owner, Decline):
            return owner
        filters.append(Filter(owner[0], owner[1], op, value))
    absent = _absence(subject, s)
    if isinstance(absent, Decline):
        return absent
    filters.extend(absent)
    for year in s.years:
        column = _date_column(subject, s)
        if isinstance(column, Decline):
            return column
        filters.append(Filter(subject, column, "year", year))
    joins = []
    needed = {d.table for d in dims} | {f.table for f in filters}
    for table in dict.fromkeys([*(d.table for d in dims), *(f.table for f in filters), *s.named]):
        path = schema.path(subject, table)
        if path is None:
            return Decline(reason=f"{table} is reached from {subject} only through a join that would repeat its rows")
        if table in needed:
            joins.extend(join_of(e) for e in path if join_of(e) not in joins)
    having = [Filter(subject, "", op, value) for op, value in s.having]
    return Reading(
        subject=subject,
        measures=measures,
        dimensions=dims,
        filters=filters,
        having=having,
        order=s.order,
        limit=s.limit,
        joins=joins,
        count_groups=s.count_groups,
    )


def _label(table: str, schema: SchemaIndex) -> str | None:
    """The column that names a row of `table` (name, full_name, title), if it has one."""
    for column in schema.table(table).columns:
        lowered = column.name.lower()
        if lowered in {"name", "title"} or lowered.endswith("_name"):
            return column.name
    return None


def _dim_tables(s: _State) -> set[str]:
    return {r[0] for refs, _ in s.dims for r in refs if r[1] is None}


def _same_table(left: list[Ref], right: list[Ref]) -> tuple[str, str, str] | None:
    for table, a, _ in left:
        for other, b, _ in right:
            if table == other and a and b:
                return table, a, b
    return None


def _measure(function: str, refs: list[Ref], s: _State) -> Measure | Decline:
    if not refs:
        return Decline(reason="the aggregate names nothing to aggregate")
    if refs[0][1] is None:
        table = refs[0][0]
        if function == "count_distinct":
            key = s.schema.key(s.schema.table(table))
            return Measure("count_distinct", table, key) if key else Decline(reason=f"{table} has no key to count")
        if function in {"count", "rank"}:
            return Measure(function, table)
        return Decline(unplaced=[f"{function} of {table}"])
    owners = sorted({r[0] for r in refs}, key=lambda t: (t not in s.named, t))
    if len(owners) > 1 and owners[1] in s.named:
        return Decline(reason=f"{refs[0][1]} is a column of {' and '.join(owners)}: name the table")
    if len(owners) > 1 and owners[0] not in s.named:
        return Decline(reason=f"{refs[0][1]} is a column of {' and '.join(owners)}: name the table")
    table, column = owners[0], next(r[1] for r in refs if r[0] == owners[0])
    assert column is not None
    if function == "rank":
        function = "sum"
    if function in {"sum", "avg", "median"} and not s.schema.numeric(table, column):
        return Decline(reason=f"{table}.{column} is not numeric, so it has no {function}")
    if function == "count":
        function = "count_distinct"  # "how many cities" counts the distinct values of the column
    return Measure(function, table, column)


def _owner(refs: list[Ref], subject: str, s: _State) -> tuple[str, str] | Decline:
    """The (table, column) a column or value names: the subject's own, else the one reachable without a fan-out."""
    reachable = [r for r in refs if r[1] and s.schema.path(subject, r[0]) is not None]
    if not reachable:
        return Decline(reason=f"{refs[0][1]} is not reachable from {subject} without repeating its rows")
    own = [r for r in reachable if r[0] == subject]
    if own:
        return own[0][0], own[0][1] or ""
    named = [r for r in reachable if r[0] in s.named]
    choice = named or reachable
    if len({(r[0], r[1]) for r in choice}) > 1:
        places = ", ".join(sorted({f"{r[0]}.{r[1]}" for r in choice}))
        return Decline(reason=f"'{refs[0][2] or refs[0][1]}' could mean {places}: name the table")
    return choice[0][0], choice[0][1] or ""


def _dimension(refs: list[Ref], grain: str | None, subject: str, s: _State) -> Dimension | Decline:
    if grain is not None and refs:
        owner = _owner(refs, subject, s)
        return owner if isinstance(owner, Decline) else Dimension(owner[0], owner[1], grain)
    if grain is not None:
        column = _date_column(subject, s)
        return column if isinstance(column, Decline) else Dimension(subject, column, grain)
    if refs and refs[0][1] is None:
        found = _entity_dimension(refs[0][0], subject, s.schema)
        return found or Decline(reason=f"{refs[0][0]} is reached from {subject} only through a fan-out join")
    owner = _owner(refs, subject, s)
    return owner if isinstance(owner, Decline) else Dimension(owner[0], owner[1])


def _entity_dimension(entity: str, subject: str, schema: SchemaIndex) -> Dimension | None:
    """Per customer: the subject's own key to the entity when it has one, else the entity's key over the joins."""
    path = schema.path(subject, entity)
    if path is None:
        return None
    if len(path) == 1:
        return Dimension(subject, path[0].column)
    key = schema.key(schema.table(entity))
    return Dimension(entity, key) if key else None


def _date_column(subject: str, s: _State) -> str | Decline:
    columns = s.schema.temporal_columns(subject)
    named = [c for c in columns if any(r[0] == subject and r[1] == c for refs in s.loose for r in refs)]
    if named:
        s.loose = [refs for refs in s.loose if not any(r[1] in named for r in refs)]
        return named[0]
    if len(columns) == 1:
        return columns[0]
    if not columns:
        return Decline(reason=f"{subject} has no date or time column to bucket or filter by year")
    return Decline(reason=f"{subject} has several date columns ({', '.join(columns)}): name one")


def _absence(subject: str, s: _State) -> list[Filter] | Decline:
    """"with no email": the column is null; "never placed an order": no related row refers to the subject's key."""
    filters = []
    for refs in s.nulls:
        owner = _owner(refs, subject, s)
        if isinstance(owner, Decline):
            return owner
        if owner[0] != subject:
            return Decline(reason=f"{owner[0]}.{owner[1]} is not a column of {subject}")
        filters.append(Filter(owner[0], owner[1], "is_null"))
    for table in s.absent:
        edge = next((e for e in s.schema.edges if e.child == table and e.parent == subject), None)
        if edge is None:
            return Decline(reason=f"no key of {table} refers to {subject}, so rows without one cannot be found")
        filters.append(Filter(subject, edge.key, "not_in", f"{edge.child}.{edge.column}"))
    return filters


def _listing(s: _State) -> Reading | Decline:
    subject = s.named[0]
    absent = _absence(subject, s)
    if isinstance(absent, Decline):
        return absent
    filters = list(absent)
    for refs, op, value in s.filters:
        owner = _owner(refs, subject, s)
        if isinstance(owner, Decline):
            return owner
        if owner[0] != subject:
            return Decline(reason="listing rows filtered on another table is not supported offline")
        filters.append(Filter(owner[0], owner[1], op, value))
    if s.loose or s.years or s.having:
        return Decline(reason="listing rows with columns, years or thresholds is not supported offline")
    return Reading(subject=subject, filters=filters, limit=s.limit or 50)
