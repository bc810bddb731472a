"""PostgreSQL by connection string: tables, views, columns, keys and comments from pg_catalog.

Everything runs in one read-only transaction. The password stays in `Source.location` (the profiler
reconnects with it) and never reaches `Source.display`, an error message or a log line.
"""

from __future__ import annotations

import re

from tools.catalog.model import Catalog, Column, ForeignKey, Source, Table
from tools.errors import DeassistError

CONNECT_TIMEOUT_S = 5
_USER_SCHEMAS = (
    "n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
)
RELATIONS_SQL = f"""
SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples::bigint, obj_description(c.oid, 'pg_class')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND {_USER_SCHEMAS}
ORDER BY n.nspname, c.relname
"""
COLUMNS_SQL = f"""
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       col_description(a.attrelid, a.attnum)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND {_USER_SCHEMAS}
ORDER BY a.attrelid, a.attnum
"""
CONSTRAINTS_SQL = f"""
SELECT con.conrelid, con.contype,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),
       fc.relname,
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord),
       fn.nspname
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'f') AND {_USER_SCHEMAS}
ORDER BY con.conrelid, con.conname
"""


def is_postgres_dsn(spec: str) -> bool:
    """A postgresql:// URI or a libpq key=value string (`host=... dbname=...`)."""
    return spec.startswith(("postgresql://", "postgres://")) or re.match(r"^\s*\w+\s*=", spec) is not None


def redact_dsn(dsn: str) -> str:
    """`postgresql://user@host:port/dbname`: what the user needs to recognise the server, never the password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(dsn)
    except Exception:  # noqa: BLE001 - an unparsable string is shown as nothing of its content
        return "postgresql://(invalid connection string)"
    user = params.get("user")
    host = params.get("host") or "localhost"
    port = params.get("port")
    dbname = params.get("dbname") or ""
    return f"postgresql://{f'{user}@' if user else ''}{host}{f':{port}' if port else ''}/{dbname}"


def connect(dsn: str):  # noqa: ANN201 - a psycopg.Connection, imported lazily
    """A read-only connection; every failure a user can cause is one line naming the server."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    display = redact_dsn(dsn)
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        raise DeassistError(
            "DEA-PG-DSN",
            "the PostgreSQL connection string does not parse (expected postgresql://user@host:port/dbname)",
        ) from None
    password = str(params.get("password") or "")
    try:
        conn = psycopg.connect(dsn, connect_timeout=CONNECT_TIMEOUT_S, application_name="deassist")
    except psycopg.OperationalError as exc:
        raise _connect_error(display, params, exc, password) from None
    conn.read_only = True
    return conn


def _connect_error(display: str, params: dict, exc: Exception, password: str) -> DeassistError:
    text = str(exc)
    if password:
        text = text.replace(password, "***")
    user = params.get("user") or "(default user)"
    if "password authentication failed" in text or "no password supplied" in text:
        return DeassistError("DEA-PG-AUTH", f"{display}: authentication failed for user {user}; check the password")
    missing = re.search(r'(database|role) "([^"]+)" does not exist', text)
    if missing:
        return DeassistError("DEA-PG-NOT-FOUND", f"{display}: {missing.group(1)} {missing.group(2)} does not exist")
    reason = next(
        (
            phrase
            for phrase in ("Connection refused", "timeout expired", "could not translate host name", "No route to host")
            if phrase in text
        ),
        text.strip().splitlines()[-1].strip() if text.strip() else "connection failed",
    )
    return DeassistError("DEA-PG-UNREACHABLE", f"{display}: cannot reach the server ({reason})")


def _schema(name: str) -> str | None:
    """Tables in `public` are named bare, as PostgreSQL's default search path finds them."""
    return None if name == "public" else name


def read_postgres(dsn: str) -> Catalog:
    import psycopg

    source = Source("postgres", dsn, redact_dsn(dsn))
    conn = connect(dsn)
    try:
        with conn.transaction():
            relations = conn.execute(RELATIONS_SQL).fetchall()
            columns: dict[int, list[Column]] = {}
            for relid, name, dtype, notnull, comment in conn.execute(COLUMNS_SQL):
                columns.setdefault(relid, []).append(Column(name, dtype, not notnull, comment))
            primary_keys: dict[int, list[str]] = {}
            foreign_keys: dict[int, list[ForeignKey]] = {}
            for relid, contype, cols, ref_table, ref_cols, ref_schema in conn.execute(CONSTRAINTS_SQL):
                if contype == "p":
                    primary_keys[relid] = list(cols)
                else:
                    foreign_keys.setdefault(relid, []).append(
                        ForeignKey(tuple(cols), ref_table, tuple(ref_cols), _schema(ref_schema))
                    )
    except psycopg.Error as exc:
        raise DeassistError(
            "DEA-PG-CATALOG", f"{source.display}: reading the catalog failed: {str(exc).splitlines()[0]}"
        ) from None
    finally:
        conn.close()
    return Catalog(
        [
            Table(
                name=name,
                source=source,
                columns=columns.get(relid, []),
                primary_key=primary_keys.get(relid, []),
                foreign_keys=foreign_keys.get(relid, []),
                row_count=tuples if relkind in {"r", "p", "m"} and tuples >= 0 else None,
                schema=_schema(schema),
                kind="view" if relkind in {"v", "m"} else "table",
                comment=comment,
            )
            for relid, schema, name, relkind, tuples, comment in relations
        ]
    )
