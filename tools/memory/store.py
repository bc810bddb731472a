"""The memory file: `.deassist/memory.duckdb` in the project, opened per operation, shared between processes.

DuckDB lets one process at a time hold a file open for writing, and the CLI, the TUI and an agent session
may all want it. So every operation opens the file, runs one short transaction and closes it; a process
that finds the file locked retries with backoff until `lock_timeout`. Within a process a lock per file
serialises threads (the TUI's and a session's), which share one DuckDB instance.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date as Date
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TypeVar

import duckdb

from tools.duckdb_sandbox import connect_duckdb
from tools.errors import FAILURE, DeassistError

try:
    import fcntl
except ImportError:  # Windows: DuckDB's own lock, waited on in `_connect`, is all there is
    fcntl = None  # type: ignore[assignment]
from tools.memory.guard import check_storable
from tools.memory.model import (
    FLOWS_BACKWARD,
    FLOWS_FORWARD,
    Entity,
    FlowEdge,
    MemorySnapshot,
    Observation,
    Relation,
    SearchHit,
)
from tools.words import split_words

MEMORY_FILE = Path(".deassist") / "memory.duckdb"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entities (name VARCHAR PRIMARY KEY, type VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS observations (
    id BIGINT PRIMARY KEY,
    entity VARCHAR NOT NULL, text VARCHAR NOT NULL, date DATE NOT NULL,
    UNIQUE (entity, text, date));
CREATE TABLE IF NOT EXISTS relations (
    source VARCHAR NOT NULL, relation VARCHAR NOT NULL, target VARCHAR NOT NULL,
    PRIMARY KEY (source, relation, target));
"""

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_NAME = 200
MAX_TEXT = 2000
# Words too common to say anything in a search.
_STOP_WORDS = frozenset(
    "a an and are at by do does for from how in is it of on or that the to what when where which who with".split()
)

_file_locks: dict[Path, threading.Lock] = {}
_file_locks_guard = threading.Lock()


def project_root(start: Path | None = None) -> Path:
    """The enclosing git work tree of `start` (default: the cwd), or `start` itself outside git."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / ".git").exists():
            return directory
    return here


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


def parse_relation(spec: str) -> tuple[str, str]:
    """`feeds_data_to:warehouse.orders` -> ("feeds_data_to", "warehouse.orders")."""
    relation, sep, target = spec.partition(":")
    relation, target = relation.strip().lower(), target.strip()
    if not sep or not IDENTIFIER.match(relation) or not target:
        raise DeassistError(
            "DEA-MEMORY-BAD-RELATION",
            f"relation {spec!r} is not RELATION:TARGET with RELATION like feeds_data_to, depends_on, owned_by",
        )
    return relation, target


class MemoryStore:
    """One project's memory. Cheap to create: nothing is opened until an operation runs."""

    def __init__(self, path: Path, *, lock_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._held = threading.local()

    @classmethod
    def for_project(cls, start: Path | None = None, *, lock_timeout: float = 30.0) -> MemoryStore:
        return cls(project_root(start) / MEMORY_FILE, lock_timeout=lock_timeout)

    # -- writing -------------------------------------------------------------------------------

    def add(
        self,
        name: str,
        *,
        type: str | None = None,
        observations: Sequence[str] = (),
        relations: Sequence[tuple[str, str]] = (),
        date: str | None = None,
    ) -> Entity:
        """Create or update an entity: set its type, add dated observations and outgoing relations.

        A new entity needs a type (a typo in a name would otherwise create a stray entity); relation
        targets not yet known are created with type `unknown`, to be described later.
        """
        name = _check_name(name, "entity name")
        entity_type = _check_identifier(type, "type") if type is not None else None
        texts = [_check_text(text, f"observation on {name}") for text in observations]
        links = [(_check_identifier(r, "relation"), _check_name(t, f"target of {r}")) for r, t in relations]
        day = _check_date(date) if date else today()
        with self._transaction(write=True) as con:
            known = _resolve(con, name)
            if known is None:
                if entity_type is None:
                    raise DeassistError(
                        "DEA-MEMORY-NO-TYPE", f"{name} is a new entity: give it a --type (data_pipeline, dataset, ...)"
                    )
                con.execute("INSERT INTO entities VALUES (?, ?)", [name, entity_type])
            else:
                name = known
                if entity_type is not None:
                    con.execute("UPDATE entities SET type = ? WHERE name = ?", [entity_type, name])
            if texts:
                _insert_observations(con, [(name, text, day) for text in texts])
            for relation, target in links:
                target = _resolve(con, target) or _create_placeholder(con, target)
                con.execute("INSERT INTO relations VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [name, relation, target])
            return _load_entity(con, name)

    def forget(self, name: str) -> Entity:
        """Remove an entity with its observations and every relation it takes part in; returns what was removed."""
        with self._transaction(write=True) as con:
            entity = _load_entity(con, self._known(con, name))
            con.execute("DELETE FROM observations WHERE entity = ?", [entity.name])
            con.execute("DELETE FROM relations WHERE source = ? OR target = ?", [entity.name, entity.name])
            con.execute("DELETE FROM entities WHERE name = ?", [entity.name])
            return entity

    def forget_observation(self, name: str, observation_id: int) -> Observation:
        with self._transaction(write=True) as con:
            entity = _load_entity(con, self._known(con, name))
            found = next((o for o in entity.observations if o.id == observation_id), None)
            if found is None:
                raise DeassistError(
                    "DEA-MEMORY-UNKNOWN-OBSERVATION", f"{entity.name} has no observation {observation_id}"
                )
            con.execute("DELETE FROM observations WHERE id = ?", [observation_id])
            return found

    def forget_relation(self, name: str, relation: str, target: str) -> Relation:
        with self._transaction(write=True) as con:
            source = self._known(con, name)
            target = _resolve(con, target) or target
            deleted = con.execute(
                "DELETE FROM relations WHERE source = ? AND relation = ? AND target = ? RETURNING source",
                [source, relation, target],
            ).fetchall()
            if not deleted:
                raise DeassistError("DEA-MEMORY-UNKNOWN-RELATION", f"{source} has no relation {relation}:{target}")
            return Relation(source, relation, target)

    def import_snapshot(self, snapshot: MemorySnapshot, *, replace: bool = False) -> MemorySnapshot:
        """Merge a snapshot into memory (or replace memory with it); everything is checked before anything is written.

        Names are matched exactly: an export spells them as stored.
        """
        entities = [
            Entity(
                _check_name(e.name, "entity name"),
                _check_identifier(e.type, f"type of {e.name}"),
                [
                    Observation(0, e.name, _check_text(o.text, f"observation on {e.name}"), _check_date(o.date))
                    for o in e.observations
                ],
            )
            for e in snapshot.entities
        ]
        relations = [
            Relation(
                _check_name(r.source, "relation source"),
                _check_identifier(r.relation, "relation"),
                _check_name(r.target, "relation target"),
            )
            for r in snapshot.relations
        ]
        types = {e.name: e.type for e in entities}  # an entity listed twice: the last type wins
        facts = list(dict.fromkeys((e.name, o.text, o.date) for e in entities for o in e.observations))
        links = list(dict.fromkeys((r.source, r.relation, r.target) for r in relations))
        # Set-wise inserts over unnested lists: one statement per table, not one per row.
        with self._transaction(write=True) as con:
            if replace:
                for table in ("relations", "observations", "entities"):
                    con.execute(f"DELETE FROM {table}")
            if types:
                con.execute(
                    "INSERT INTO entities SELECT unnest($names), unnest($types)"
                    " ON CONFLICT (name) DO UPDATE SET type = excluded.type",
                    {"names": list(types), "types": list(types.values())},
                )
            if facts:
                _insert_observations(con, facts)
            if links:
                ends = sorted({name for s, _, t in links for name in (s, t)} - set(types))
                if ends:
                    con.execute("INSERT INTO entities SELECT unnest($ends), 'unknown' ON CONFLICT DO NOTHING", {"ends": ends})
                con.execute(
                    "INSERT INTO relations SELECT unnest($sources), unnest($relations), unnest($targets)"
                    " ON CONFLICT DO NOTHING",
                    {"sources": [l[0] for l in links], "relations": [l[1] for l in links], "targets": [l[2] for l in links]},
                )
            return _snapshot(con)

    # -- reading -------------------------------------------------------------------------------

    def entity(self, name: str) -> Entity:
        with self._transaction() as con:
            return _load_entity(con, self._known(con, name))

    def entities(self) -> list[Entity]:
        """Every entity with its observations and relations, by name."""
        with self._transaction() as con:
            return _all_entities(con)

    def names(self) -> list[str]:
        with self._transaction() as con:
            return [row[0] for row in con.execute("SELECT name FROM entities ORDER BY name").fetchall()]

    def export_snapshot(self) -> MemorySnapshot:
        with self._transaction() as con:
            return _snapshot(con)

    def search(self, query: str, *, limit: int = 10) -> list[SearchHit]:
        """Observations (and entities by name or type) ranked by the share of the query's words they contain."""
        words = _search_words(query)
        if not words:
            raise DeassistError("DEA-MEMORY-EMPTY-QUERY", "give some words to search for")
        with self._transaction() as con:
            rows = con.execute(
                """
                WITH docs AS (
                    SELECT e.name, e.type, o.id, o.text, o.date,
                           lower(e.name || ' ' || e.type || ' ' || coalesce(o.text, '')) AS doc
                    FROM entities e LEFT JOIN observations o ON o.entity = e.name),
                scored AS (
                    SELECT *, list_sum([contains(doc, w)::INTEGER for w in $words]) / len($words) AS score
                    FROM docs)
                SELECT name, type, id, text, date, score FROM scored WHERE score > 0
                ORDER BY score DESC, date DESC NULLS LAST, name, id LIMIT $limit
                """,
                {"words": words, "limit": limit},
            ).fetchall()
        return [
            SearchHit(name, kind, Observation(oid, name, text, str(day)) if oid is not None else None, round(score, 3))
            for name, kind, oid, text, day, score in rows
        ]

    def flow_edges(self, name: str | None = None, *, direction: str = "down") -> list[FlowEdge]:
        """Lineage edges reachable from `name` going `down`stream or `up`stream, transitively; all when no name.

        A recursive CTE with UNION (not UNION ALL) stops on cycles: an edge already reached adds no row.
        """
        flow = """
            flow(up, down, relation) AS (
                SELECT source, target, relation FROM relations WHERE list_contains($forward, relation)
                UNION ALL
                SELECT target, source, relation FROM relations WHERE list_contains($backward, relation))"""
        params: dict[str, object] = {"forward": sorted(FLOWS_FORWARD), "backward": sorted(FLOWS_BACKWARD)}
        with self._transaction() as con:
            if name is None:
                rows = con.execute(f"WITH {flow} SELECT DISTINCT * FROM flow ORDER BY ALL", params).fetchall()
            else:
                near, far = ("up", "down") if direction == "down" else ("down", "up")
                params["root"] = self._known(con, name)
                rows = con.execute(
                    f"""
                    WITH RECURSIVE {flow},
                    walk(up, down, relation) AS (
                        SELECT up, down, relation FROM flow WHERE {near} = $root
                        UNION
                        SELECT f.up, f.down, f.relation FROM walk w JOIN flow f ON f.{near} = w.{far})
                    SELECT * FROM walk ORDER BY ALL
                    """,
                    params,
                ).fetchall()
        return [FlowEdge(up, down, relation) for up, down, relation in rows]

    def types(self) -> dict[str, str]:
        with self._transaction() as con:
            return dict(con.execute("SELECT name, type FROM entities").fetchall())

    def resolve(self, name: str) -> str:
        """The stored spelling of an entity name (matched exactly, else ignoring case)."""
        with self._transaction() as con:
            return self._known(con, name)

    # -- the file ------------------------------------------------------------------------------

    def _known(self, con: duckdb.DuckDBPyConnection, name: str) -> str:
        known = _resolve(con, name)
        if known is None:
            names = [row[0] for row in con.execute("SELECT name FROM entities").fetchall()]
            from difflib import get_close_matches

            close = get_close_matches(name, names, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise DeassistError("DEA-MEMORY-UNKNOWN-ENTITY", f"no entity {name!r} in {self.path}{hint}")
        return known

    @contextmanager
    def reading(self) -> Iterator[MemoryStore]:
        """Several reads in one open of the file and one transaction (opening costs more than most reads).

        The file stays locked against other processes meanwhile: keep the block short.
        """
        with self._transaction() as con:
            self._held.con = con
            try:
                yield self
            finally:
                self._held.con = None

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction on the file; reading a memory that does not exist yet reads an empty one."""
        held = getattr(self._held, "con", None)
        if held is not None:
            if write:
                raise RuntimeError("memory writes do not belong inside MemoryStore.reading()")
            yield held
            return
        with _lock_for(self.path), ExitStack() as stack:
            if not write and not self.path.exists():
                con = connect_duckdb()
            else:
                deadline = time.monotonic() + self.lock_timeout
                stack.enter_context(self._turn(deadline))
                con = self._connect(deadline)
            try:
                con.execute(_SCHEMA)
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            finally:
                con.close()

    @contextmanager
    def _turn(self, deadline: float) -> Iterator[None]:
        """This process's turn at the memory file: an exclusive lock on `memory.duckdb.lock` beside it.

        DuckDB locks the file only once it has opened it, and two processes opening the same new file at
        the same moment were seen to lose a committed write; taking turns before DuckDB opens it avoids that.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path.with_name(self.path.name + ".lock"), "a+b")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise DeassistError(
                "DEA-MEMORY-UNWRITABLE", f"cannot create {self.path.parent}: {exc.strerror or exc}"
            ) from None
        with handle:
            if fcntl is not None:
                _wait(lambda: _try_flock(handle), deadline, self._locked)
            yield

    def _connect(self, deadline: float) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting while a process outside deassist (the duckdb CLI, a notebook) holds it."""

        def attempt() -> duckdb.DuckDBPyConnection | None:
            try:
                return connect_duckdb(str(self.path))
            except duckdb.IOException as exc:
                if "lock" in str(exc).lower():
                    return None
                raise _open_error(self.path, str(exc)) from None
            except duckdb.Error as exc:
                raise _open_error(self.path, str(exc)) from None

        return _wait(attempt, deadline, self._locked)

    def _locked(self) -> DeassistError:
        return DeassistError(
            "DEA-MEMORY-LOCKED",
            f"{self.path} stayed locked by another process for {self.lock_timeout:g}s",
            exit_code=FAILURE,
        )


T = TypeVar("T")


def _wait(attempt: Callable[[], T | None], deadline: float, timed_out: Callable[[], DeassistError]) -> T:
    """Call `attempt` until it returns something, backing off with jitter; past `deadline`, raise."""
    delay = 0.005
    while True:
        result = attempt()
        if result is not None:
            return result
        if time.monotonic() >= deadline:
            raise timed_out()
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 0.2)


def _try_flock(handle: IO[bytes]) -> bool | None:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released when the handle is closed
    except BlockingIOError:
        return None
    return True


def _insert_observations(con: duckdb.DuckDBPyConnection, facts: list[tuple[str, str, str]]) -> None:
    """Observations not already recorded (same entity, text and date), numbered after the highest id.

    Ids are counted here rather than drawn from a sequence: the transaction holds the file alone, and a
    sequence's state is one more thing to persist between processes.
    """
    con.execute(
        """
        INSERT INTO observations
        SELECT (SELECT coalesce(max(id), 0) FROM observations) + row_number() OVER (ORDER BY n), entity, text, date
        FROM (SELECT unnest($entities) AS entity, unnest($texts) AS text, unnest($dates)::DATE AS date,
                     unnest(range(len($texts))) AS n) AS new
        WHERE NOT EXISTS (SELECT 1 FROM observations o
                          WHERE o.entity = new.entity AND o.text = new.text AND o.date = new.date)
        """,
        {"entities": [f[0] for f in facts], "texts": [f[1] for f in facts], "dates": [f[2] for f in facts]},
    )


def _open_error(path: Path, message: str) -> DeassistError:
    if "permission denied" in message.lower() or "read-only file system" in message.lower():
        return DeassistError("DEA-MEMORY-UNWRITABLE", f"cannot write {path}: permission denied")
    return DeassistError("DEA-MEMORY-UNREADABLE", f"{path} is not a readable memory file: {message.splitlines()[0]}")


def _lock_for(path: Path) -> threading.Lock:
    key = path.resolve()
    with _file_locks_guard:
        return _file_locks.setdefault(key, threading.Lock())


def _resolve(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    rows = con.execute(
        "SELECT name FROM entities WHERE name = $n OR lower(name) = lower($n) ORDER BY name = $n DESC", {"n": name}
    ).fetchall()
    if not rows or (len(rows) > 1 and rows[0][0] != name):
        return None
    return rows[0][0]


def _create_placeholder(con: duckdb.DuckDBPyConnection, name: str) -> str:
    con.execute("INSERT INTO entities VALUES (?, 'unknown')", [name])
    return name


def _load_entity(con: duckdb.DuckDBPyConnection, name: str) -> Entity:
    (kind,) = con.execute("SELECT type FROM entities WHERE name = ?", [name]).fetchone()
    observations = [
        Observation(oid, name, text, str(day))
        for oid, text, day in con.execute(
            "SELECT id, text, date FROM observations WHERE entity = ? ORDER BY date, id", [name]
        ).fetchall()
    ]
    relations = [
        Relation(*row)
        for row in con.execute(
            "SELECT source, relation, target FROM relations WHERE source = $n OR target = $n ORDER BY source <> $n, source, relation, target",
            {"n": name},
        ).fetchall()
    ]
    return Entity(name, kind, observations, relations)


def _all_entities(con: duckdb.DuckDBPyConnection) -> list[Entity]:
    """Every entity with its observations and relations, in three queries whatever the size of memory."""
    observations: dict[str, list[Observation]] = {}
    for oid, entity, text, day in con.execute("SELECT id, entity, text, date FROM observations ORDER BY date, id").fetchall():
        observations.setdefault(entity, []).append(Observation(oid, entity, text, str(day)))
    relations: dict[str, list[Relation]] = {}
    for row in con.execute("SELECT source, relation, target FROM relations ORDER BY ALL").fetchall():
        relation = Relation(*row)
        relations.setdefault(relation.source, []).append(relation)
        if relation.target != relation.source:
            relations.setdefault(relation.target, []).append(relation)
    return [
        Entity(
            name,
            kind,
            observations.get(name, []),
            # As `_load_entity` orders them: where the entity is the source first.
            sorted(relations.get(name, []), key=lambda r: (r.source != name, r.source, r.relation, r.target)),
        )
        for name, kind in con.execute("SELECT name, type FROM entities ORDER BY name").fetchall()
    ]


def _snapshot(con: duckdb.DuckDBPyConnection) -> MemorySnapshot:
    entities = _all_entities(con)
    relations = [
        Relation(*row) for row in con.execute("SELECT source, relation, target FROM relations ORDER BY ALL").fetchall()
    ]
    return MemorySnapshot([Entity(e.name, e.type, e.observations) for e in entities], relations)


def _search_words(query: str) -> list[str]:
    words = []
    for word in split_words(query):
        if len(word) < 2 or word in _STOP_WORDS:
            continue
        # A stem for substring search, not `tools.words.singular`: "pipelines" -> "pipeline" finds both
        # forms, where "categories" -> "category" would miss the plural.
        word = word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
        if word not in words:
            words.append(word)
    return words


def _check_name(name: str, what: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or any(ch in name for ch in "\n\r\t"):
        raise DeassistError("DEA-MEMORY-BAD-NAME", f"{what} must be one line of 1 to {MAX_NAME} characters")
    check_storable(name, what)
    return name


def _check_identifier(value: str, what: str) -> str:
    value = (value or "").strip().lower()
    if not IDENTIFIER.match(value):
        raise DeassistError("DEA-MEMORY-BAD-NAME", f"{what} must be a lower-case word like data_pipeline or feeds_data_to")
    return value


def _check_text(text: str, what: str) -> str:
    text = " ".join((text or "").split())
    if not text or len(text) > MAX_TEXT:
        raise DeassistError("DEA-MEMORY-BAD-OBSERVATION", f"{what} must be 1 to {MAX_TEXT} characters")
    check_storable(text, what)
    return text


def _check_date(value: str) -> str:
    try:
        return Date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise DeassistError("DEA-MEMORY-BAD-DATE", f"date {value!r} is not YYYY-MM-DD") from None


def snapshot_from_json(data: object) -> MemorySnapshot:
    """The export format back into a snapshot; a wrong shape is DEA-MEMORY-BAD-IMPORT, naming where."""

    def fail(where: str, expected: str) -> DeassistError:
        return DeassistError("DEA-MEMORY-BAD-IMPORT", f"{where} should be {expected}")

    if not isinstance(data, dict) or not isinstance(data.get("entities", []), list):
        raise fail("the document", 'an object with "entities" and "relations" lists')
    if data.get("version", 1) != 1:
        raise fail('"version"', "1")
    entities = []
    for i, item in enumerate(data.get("entities", [])):
        where = f"entities[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not isinstance(item.get("type"), str):
            raise fail(where, 'an object with string "name" and "type"')
        observations = []
        for j, obs in enumerate(item.get("observations", [])):
            if not isinstance(obs, dict) or not isinstance(obs.get("text"), str):
                raise fail(f"{where}.observations[{j}]", 'an object with a string "text" and a "date"')
            observations.append(Observation(0, item["name"], obs["text"], str(obs.get("date") or today())))
        entities.append(Entity(item["name"], item["type"], observations))
    relations = []
    raw_relations = data.get("relations", [])
    if not isinstance(raw_relations, list):
        raise fail('"relations"', "a list")
    for i, item in enumerate(raw_relations):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("source", "relation", "target")):
            raise fail(f"relations[{i}]", 'an object with string "source", "relation" and "target"')
        relations.append(Relation(item["source"], item["relation"], item["target"]))
    return MemorySnapshot(entities, relations)
