"""The profiler on data with known answers: statistics, semantic types, PII, keys and links."""

from __future__ import annotations

import json
import math
import sqlite3
import statistics
from pathlib import Path

import duckdb
import psycopg
import pytest

from tools.catalog import load_catalog
from tools.errors import DeassistError
from tools.profile import infer_semantic_type, is_pii, mask, profile_catalog
from tools.profile.semantic import semantic_type_of

# column name, engine type, values -> expected semantic type
SEMANTIC = [
    ("contact", "VARCHAR", ["ada@example.com", "grace.hopper@navy.mil", "alan+x@cam.ac.uk"], "email"),
    ("homepage", "VARCHAR", ["https://example.com/a", "http://x.org", "https://duckdb.org/docs?q=1"], "url"),
    ("token", "VARCHAR", ["0b7e1c52-4b4e-4f55-9f0e-0f0b6f3a2a11", "9d1e3f8c-2a7b-4c1d-8e9f-1a2b3c4d5e6f"], "uuid"),
    ("client", "VARCHAR", ["10.0.0.1", "192.168.1.20", "2001:db8::1"], "ip_address"),
    ("mobile", "VARCHAR", ["+44 20 7946 0958", "(555) 123-4567", "+1-202-555-0142"], "phone"),
    ("day", "VARCHAR", ["2025-01-31", "2024-02-29", "1999-12-01"], "date"),
    ("seen", "VARCHAR", ["2025-01-31T10:00:00Z", "2025-01-31 10:00:00.123", "2025-02-01T00:00+02:00"], "timestamp"),
    ("payload", "VARCHAR", ['{"a": 1}', "[1, 2]", '{"nested": {"b": null}}'], "json"),
    ("price_text", "VARCHAR", ["$1,234.50", "€12", "99.99 USD"], "currency"),
    ("amount", "DOUBLE", [1.5, 2.25], "currency"),
    ("total", "DECIMAL(12,2)", [], "currency"),
    ("ratio", "DOUBLE", [0.5], None),
    ("code", "VARCHAR", ["12345678", "87654321"], None),  # digits alone are not a phone number
    ("version", "VARCHAR", ["1.2.3", "2.0.1"], None),
    ("mostly_email", "VARCHAR", ["a@b.co"] * 8 + ["n/a", "unknown"], None),  # 80% is not enough
    ("mostly_email", "VARCHAR", ["a@b.co"] * 19 + ["n/a"], "email"),  # 95% is
]


@pytest.mark.parametrize(("name", "dtype", "values", "expected"), SEMANTIC)
def test_semantic_types(name, dtype, values, expected):
    assert infer_semantic_type(name, dtype, values) == expected


# values -> (semantic type, violations, checked, masked examples)
VIOLATIONS = [
    (["u@x.io"] * 96 + ["ann(at)x.io", "n/a", "bob@x", "n/a"], ("email", 4, 100, ["aaa(aa)a.aa", "a/a", "aaa@a"])),
    (["2024-01-0" + str(d) for d in range(1, 10)] + ["31/12/2024"], ("date", 1, 10, ["99/99/9999"])),
    (["https://x.org"] * 10, ("url", 0, 10, [])),
]


@pytest.mark.parametrize(("values", "expected"), VIOLATIONS)
def test_semantic_types_report_the_values_that_break_them(values, expected):
    found = semantic_type_of("col", "VARCHAR", values)
    assert (found.name, found.violations, found.checked, found.violation_examples) == expected


@pytest.mark.parametrize(
    ("name", "semantic_type", "table", "pii"),
    [
        ("contact", "email", "", True),
        ("client", "ip_address", "", True),
        ("last_name", None, "", True),
        ("date_of_birth", "date", "", True),
        ("name", None, "customers", True),
        ("name", None, "products", False),
        ("homepage", "url", "", False),
    ],
)
def test_pii_flags(name, semantic_type, table, pii):
    assert is_pii(name, semantic_type, table) is pii


def test_masking_keeps_shape_but_hides_the_person():
    assert mask("grace.hopper@navy.mil") == "g***@navy.mil"
    assert mask("+44 20 7946 0958") == "+** ** **** **58"
    assert mask("Hopper") == "H***"
    assert mask(None) is None


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Path:
    """Customers, orders and a many-to-many table with known statistics, as Parquet, CSV and NDJSON."""
    folder = tmp_path_factory.mktemp("shop")
    with duckdb.connect() as conn:
        conn.execute(
            f"""COPY (SELECT range + 1 AS customer_id, 'user' || range || '@shop.test' AS email,
                       CASE WHEN range % 4 = 0 THEN NULL ELSE 'Name ' || range END AS full_name,
                       ['gold', 'silver', 'bronze'][1 + range % 3] AS tier,
                       '10.0.' || (range // 250) || '.' || (range % 250) AS last_ip,
                       strftime(TIMESTAMP '2024-01-01' + INTERVAL (range) HOUR, '%Y-%m-%dT%H:%M:%SZ') AS signed_up
                FROM range(1000)) TO '{folder / "customers.parquet"}'"""
        )
        conn.execute(
            f"""COPY (SELECT range + 1 AS order_id, 1 + (range * 7) % 1000 AS customer_id,
                       round(10 + (range % 50) * 1.25, 2)::DECIMAL(10, 2) AS amount,
                       TIMESTAMP '2025-01-01' + INTERVAL (range) MINUTE AS placed_at
                FROM range(3000)) TO '{folder / "orders.csv"}' (HEADER)"""
        )
    lines = [json.dumps({"order_id": 1 + i // 2, "line": 1 + i % 2, "sku": f"SKU-{i % 7}"}) for i in range(400)]
    lines += [lines[0], lines[1]]  # two exact duplicate rows
    (folder / "order_lines.ndjson").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture(scope="module")
def shop_profiles(shop: Path):
    profiles = profile_catalog(load_catalog([str(shop)]), sample=3)
    return {p.name: p for p in profiles}


def test_column_statistics_match_the_data(shop_profiles):
    orders = shop_profiles["orders"]
    assert orders.row_count == 3000
    amount = orders.column("amount")
    expected = [10 + (i % 50) * 1.25 for i in range(3000)]
    assert (amount.min, amount.max) == (10, 71.25)
    assert math.isclose(amount.mean, statistics.fmean(expected), rel_tol=1e-9)
    assert math.isclose(amount.stddev, statistics.stdev(expected), rel_tol=1e-9)
    assert (amount.distinct, amount.distinct_approximate) == (50, False)
    assert amount.semantic_type == "currency"
    placed = orders.column("placed_at")
    assert (placed.type, str(placed.max)) == ("TIMESTAMP", "2025-01-03 01:59:00")
    customers = shop_profiles["customers"]
    full_name = customers.column("full_name")
    assert full_name.null_fraction == 0.25 and full_name.count == 750
    tier = customers.column("tier")
    assert [(t.value, t.count) for t in tier.top_values] == [("gold", 334), ("bronze", 333), ("silver", 333)]


def test_semantic_types_and_pii_are_found_and_masked(shop_profiles):
    customers = shop_profiles["customers"]
    email, ip, name = customers.column("email"), customers.column("last_ip"), customers.column("full_name")
    assert (email.semantic_type, email.pii) == ("email", True)
    assert (ip.semantic_type, ip.pii) == ("ip_address", True)
    assert name.pii is True and customers.column("tier").pii is False
    signed_up = customers.column("signed_up")
    assert (signed_up.semantic_type, signed_up.type, signed_up.min_length, signed_up.max_length) == (
        "timestamp",
        "VARCHAR",
        20,
        20,
    )
    assert email.min.startswith("u***@") and email.max == "u***@shop.test"
    assert all(row["email"].endswith("***@shop.test") for row in customers.sample_rows)
    assert len(customers.sample_rows) == 3
    text = json.dumps([p.to_dict() for p in shop_profiles.values()])
    assert "user1@shop.test" not in text and "Name 1" not in text


def test_show_pii_leaves_values_alone(shop: Path):
    profile = profile_catalog(load_catalog([str(shop / "customers.parquet")]), sample=2, show_pii=True)[0]
    assert profile.column("email").min == "user0@shop.test"


def test_keys_duplicates_and_links(shop_profiles):
    assert shop_profiles["customers"].primary_key_candidates[0] == ["customer_id"]
    assert ["email"] in shop_profiles["customers"].primary_key_candidates
    assert shop_profiles["orders"].primary_key_candidates[0] == ["order_id"]
    lines = shop_profiles["order_lines"]
    assert lines.duplicate_rows == 2
    assert lines.primary_key_candidates == []  # duplicates rule out every combination
    assert shop_profiles["customers"].duplicate_rows == 0
    links = [fk.to_dict() for fk in shop_profiles["orders"].foreign_key_candidates]
    assert links == [
        {
            "columns": ["customer_id"],
            "references": {"table": "customers", "columns": ["customer_id"]},
            "inclusion": 1.0,
            "declared": False,
        }
    ]
    order_links = {(fk.columns, fk.ref_table) for fk in lines.foreign_key_candidates}
    assert order_links == {(("order_id",), "orders")}


def test_composite_keys_up_to_three_columns(tmp_path: Path):
    path = tmp_path / "grades.csv"
    rows = [f"{s},{c},{t},{(s * c + t) % 5}" for s in range(6) for c in range(4) for t in range(3)]
    path.write_text("student,course,term,grade\n" + "\n".join(rows) + "\n")
    pairs = tmp_path / "enrolments.csv"
    pairs.write_text(
        "student,course,grade\n" + "\n".join(f"{s},{c},{s % 3}" for s in range(6) for c in range(4)) + "\n"
    )
    profiles = {p.name: p for p in profile_catalog(load_catalog([str(path), str(pairs)]))}
    # grade = (student * course + term) % 5 differs for the three terms, so it identifies a row too
    assert profiles["grades"].primary_key_candidates == [["student", "course", "term"], ["student", "course", "grade"]]
    assert profiles["grades"].duplicate_rows == 0
    assert profiles["enrolments"].primary_key_candidates == [["student", "course"]]


def test_links_below_99_percent_inclusion_are_not_candidates(tmp_path: Path):
    (tmp_path / "products.csv").write_text("product_id,name\n" + "".join(f"{i},p{i}\n" for i in range(1, 101)))
    (tmp_path / "sales.csv").write_text("sale_id,product_id\n" + "".join(f"{i},{i}\n" for i in range(1, 103)))
    profiles = {p.name: p for p in profile_catalog(load_catalog([str(tmp_path)]))}
    assert profiles["sales"].foreign_key_candidates == []  # 100 of 102 product ids exist: 98%


def test_large_tables_use_approximate_distincts_but_exact_keys(tmp_path: Path):
    path = tmp_path / "events.parquet"
    with duckdb.connect() as conn:
        conn.execute(f"COPY (SELECT range AS event_id, range % 70000 AS session FROM range(300000)) TO '{path}'")
    profile = profile_catalog(load_catalog([str(path)]), sample=0)[0]
    session = profile.column("session")
    assert session.distinct_approximate and abs(session.distinct - 70000) < 0.05 * 70000
    event = profile.column("event_id")
    assert (event.distinct, event.distinct_approximate) == (300000, False)
    assert profile.primary_key_candidates == [["event_id"]] and profile.sample_rows == []


def test_sqlite_and_duckdb_databases_are_profiled_with_declared_keys_marked(tmp_path: Path):
    lite = tmp_path / "club.sqlite"
    with sqlite3.connect(lite) as conn:
        conn.executescript(
            "CREATE TABLE member (member_id TEXT PRIMARY KEY, email TEXT, phone TEXT);"
            "CREATE TABLE expense (expense_id TEXT PRIMARY KEY, link_to_member TEXT REFERENCES member (member_id),"
            " cost REAL, note TEXT);"
        )
        conn.executemany(
            "INSERT INTO member VALUES (?, ?, ?)",
            [(f"m{i}", f"m{i}@club.org", f"(555) 010-{i:04d}") for i in range(30)],
        )
        conn.executemany(
            "INSERT INTO expense VALUES (?, ?, ?, ?)",
            [(f"e{i}", f"m{i % 30}", i * 1.5, "" if i % 2 else None) for i in range(90)],
        )
    profiles = {p.name: p for p in profile_catalog(load_catalog([str(lite)]), sample=1)}
    expense = profiles["expense"]
    assert [fk.to_dict() for fk in expense.foreign_key_candidates] == [
        {
            "columns": ["link_to_member"],
            "references": {"table": "member", "columns": ["member_id"]},
            "inclusion": 1.0,
            "declared": True,
        }
    ]
    assert expense.column("note").null_fraction == 0.5  # NULL and '' survive the copy as themselves
    assert profiles["member"].column("phone").semantic_type == "phone"
    duck = tmp_path / "club.duckdb"
    with duckdb.connect(str(duck)) as conn:
        conn.execute("CREATE TABLE t AS SELECT range AS id, range % 3 AS bucket FROM range(50)")
    profile = profile_catalog(load_catalog([str(duck)]))[0]
    assert profile.column("bucket").distinct == 3 and profile.primary_key_candidates == [["id"]]


@pytest.mark.postgres
def test_postgres_tables_are_profiled_through_a_read_only_copy(pg_database: str):
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE accounts (id int PRIMARY KEY, email text, note text, active boolean);"
            "INSERT INTO accounts SELECT g, 'a' || g || '@bank.test', CASE WHEN g % 2 = 0 THEN '' END, g % 3 = 0 "
            "FROM generate_series(1, 120) g;"
        )
    from tests.conftest import read_only_role
    from tools.sql.policy import SqlPolicy

    with pytest.raises(DeassistError) as refused:  # the view definitions a copy reads run as this role
        profile_catalog(load_catalog([pg_database]), tables=["accounts"], row_limit=100)
    assert refused.value.code == "DEA-SQL-PRIVILEGED-ROLE"
    opted_in = profile_catalog(
        load_catalog([pg_database]), tables=["accounts"], row_limit=100, policy=SqlPolicy(allow_privileged_role=True)
    )[0]
    with read_only_role(pg_database) as reader:
        profile = profile_catalog(load_catalog([reader]), tables=["accounts"], row_limit=100)[0]
    assert opted_in.to_dict() | {"source": ""} == profile.to_dict() | {"source": ""}  # the same rows, either role
    assert profile.row_count == 100
    assert profile.notes == ["profiled the first 100 rows"]
    assert profile.column("email").semantic_type == "email" and profile.column("email").pii
    assert profile.column("note").null_fraction == 0.5
    assert profile.primary_key_candidates[0] == ["id"]


def test_ddl_and_unknown_tables_are_refused(tmp_path: Path):
    ddl = tmp_path / "s.sql"
    ddl.write_text("CREATE TABLE t (id INT);")
    with pytest.raises(DeassistError) as caught:
        profile_catalog(load_catalog([str(ddl)]))
    assert caught.value.code == "DEA-PROFILE-NO-DATA"
    csv = tmp_path / "a.csv"
    csv.write_text("x\n1\n")
    with pytest.raises(DeassistError) as caught:
        profile_catalog(load_catalog([str(csv)]), tables=["b"])
    assert caught.value.code == "DEA-PROFILE-UNKNOWN-TABLE"


def test_a_bad_row_beyond_the_checked_head_fails_profiling_with_its_line(tmp_path: Path, monkeypatch):
    from tools.catalog import files

    monkeypatch.setattr(files, "CHECKED_BYTES", 1024)  # inspect checks only the head of big files
    path = tmp_path / "big.csv"
    # Past DuckDB's sniffing sample too (a bad row inside it can make DuckDB guess a headerless file).
    path.write_text("id,name\n" + "".join(f"{i},n{i}\n" for i in range(60000)) + "60000,n,extra\n")
    catalog = load_catalog([str(path)])
    assert catalog.tables[0].row_count is None  # not read in full, so not counted
    with pytest.raises(DeassistError) as caught:
        profile_catalog(catalog)
    assert caught.value.code == "DEA-SOURCE-UNREADABLE"
    assert caught.value.message == f"{path}: line 60002: Expected Number of Columns: 2 Found: 3"


def test_profile_json_carries_violations_for_quality_checks(tmp_path, run_cli):
    import json

    rows = [f"{i},user{i}@example.com" for i in range(96)] + ["96,user96(at)example.com", "97,n/a", "98,x@y", "99,n/a"]
    (tmp_path / "people.csv").write_text("id,email\n" + "\n".join(rows) + "\n")
    result = run_cli("profile", str(tmp_path / "people.csv"), "--format", "json")
    email = json.loads(result.out)["tables"][0]["profile"]["columns"][1]
    assert (email["semantic_type"], email["violations"], email["violations_checked"]) == ("email", 4, 100)
    assert email["violation_examples"] == ["aaaa99(aa)aaaaaaa.aaa", "a/a", "a@a"]
    assert "user96" not in result.out
