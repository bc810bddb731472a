"""`deassist inspect` and `deassist profile` through the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SHOP


def test_inspect_json_has_the_documented_shape(run_cli, tmp_path: Path):
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR)")
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id))")
    result = run_cli("inspect", str(db), str(SHOP / "products.csv"), "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert list(document) == ["tables"]
    orders = next(t for t in document["tables"] if t["name"] == "orders")
    assert orders == {
        "name": "orders",
        "source": str(db),
        "row_count": 0,
        "columns": [
            {"name": "id", "type": "INTEGER", "nullable": False},
            {"name": "customer_id", "type": "INTEGER", "nullable": True},
        ],
        "primary_key": ["id"],
        "foreign_keys": [{"columns": ["customer_id"], "references": {"table": "customers", "columns": ["id"]}}],
    }
    products = next(t for t in document["tables"] if t["name"] == "products")
    assert products["row_count"] == 10 and products["source"] == str(SHOP / "products.csv")


def test_inspect_text_markdown_and_ddl(run_cli, tmp_path: Path):
    text = run_cli("inspect", str(SHOP))
    assert text.code == 0
    assert "orders  (" in text.out and "customer_id" in text.out and "300 rows" in text.out
    markdown = run_cli("inspect", str(SHOP / "orders.csv"), "--format", "markdown")
    assert markdown.out.startswith("## orders") and "| customer_id | BIGINT | yes |  |" in markdown.out
    ddl = run_cli("inspect", str(SHOP), "--format", "ddl", "--dialect", "postgres")
    assert ddl.code == 0
    with duckdb.connect() as conn:  # the DDL is runnable
        conn.execute(ddl.out)
        assert {r[0] for r in conn.execute("SHOW TABLES").fetchall()} == {
            "customers",
            "orders",
            "order_items",
            "products",
        }
    assert "TIMESTAMP" in ddl.out and "DOUBLE PRECISION" in ddl.out


def test_profile_json_adds_a_profile_to_the_inspect_shape(run_cli):
    result = run_cli("profile", str(SHOP), "--format", "json", "--sample", "2")
    assert result.code == 0, result.err
    tables = {t["name"]: t for t in json.loads(result.out)["tables"]}
    customers = tables["customers"]
    assert set(customers) == {"name", "source", "row_count", "columns", "primary_key", "foreign_keys", "profile"}
    profile = customers["profile"]
    email = next(c for c in profile["columns"] if c["name"] == "email")
    assert {"name", "null_fraction", "distinct", "semantic_type", "pii"} <= set(email)
    assert (email["semantic_type"], email["pii"]) == ("email", True)
    assert profile["primary_key_candidates"][0] == ["customer_id"]
    assert len(profile["sample_rows"]) == 2
    assert all("***@" in row["email"] for row in profile["sample_rows"])
    assert tables["orders"]["profile"]["foreign_key_candidates"] == [
        {
            "columns": ["customer_id"],
            "references": {"table": "customers", "columns": ["customer_id"]},
            "inclusion": 1.0,
            "declared": False,
        }
    ]
    assert result.err == ""  # no progress bar when stderr is not a terminal


def test_profile_one_table_in_text_and_markdown_with_pii_shown_on_request(run_cli):
    masked = run_cli("profile", str(SHOP), "--table", "customers")
    assert masked.code == 0
    assert masked.out.startswith("customers  (") and "order_items" not in masked.out
    assert "primary-key candidates: (customer_id); (email)" in masked.out
    shown = run_cli("profile", str(SHOP / "customers.csv"), "--show-pii", "--format", "markdown", "--sample", "60")
    emails = [line for line in shown.out.splitlines() if "@example.com" in line and "***" not in line]
    assert len(emails) == 60


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        ("a,b\n1,2,3\n", "ragged.csv", "error DEA-SOURCE-RAGGED: {path}: line 2: 3 fields where the header has 2"),
        (b"a,b\n1,\xff\n", "bytes.csv", "error DEA-SOURCE-ENCODING: {path}: line 2: not UTF-8"),
        (b"", "empty.csv", "error DEA-SOURCE-EMPTY: {path}: the file is empty"),
        (bytes(range(256)) * 4, "blob.csv", "error DEA-SOURCE-BINARY: {path}: binary data"),
        ("a,b\n1,2\n", "comma.tsv", "error DEA-SOURCE-DELIMITER: {path}: line 1: no tab"),
    ],
    ids=["ragged", "not-utf8", "empty", "binary", "wrong-delimiter"],
)
def test_bad_input_is_one_line_and_exit_2(run_cli, tmp_path: Path, content, name, expected):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    for command in ("inspect", "profile"):
        result = run_cli(command, str(path))
        assert result.code == 2
        assert result.err.startswith(expected.format(path=path)), result.err
        assert result.err.count("\n") == 1 and "Traceback" not in result.err and result.out == ""


def test_missing_path_and_unreachable_server(run_cli, tmp_path: Path):
    missing = run_cli("inspect", str(tmp_path / "nowhere.parquet"))
    assert (missing.code, missing.err) == (
        2,
        f"error DEA-SOURCE-MISSING: {tmp_path / 'nowhere.parquet'}: no such file or directory\n",
    )
    server = run_cli("profile", "postgresql://etl:Sup3r-Secret@127.0.0.1:1/warehouse")
    assert server.code == 2
    assert server.err.startswith("error DEA-PG-UNREACHABLE: postgresql://etl@127.0.0.1:1/warehouse: cannot reach")
    assert "Sup3r-Secret" not in server.err + server.out


def test_permission_denied_names_the_file(deassist_bin: str):
    """Run as an unprivileged user when the suite runs as root: root reads a 000 file, nobody cannot."""
    folder = Path(tempfile.mkdtemp(prefix="deassist-perm-"))
    try:
        folder.chmod(0o755)
        secret = folder / "payroll.csv"
        secret.write_text("id,salary\n1,100\n")
        secret.chmod(0o000)
        command = [deassist_bin, "inspect", str(secret)]
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            assert setpriv, "running as root needs util-linux setpriv to drop to an unprivileged user"
            command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env={**os.environ, "DEASSIST_HOME": str(folder / "home")},
            cwd=folder,
            timeout=120,
        )
        assert proc.returncode == 2
        assert proc.stderr == f"error DEA-SOURCE-UNREADABLE: {secret}: permission denied\n"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_progress_bar_is_drawn_only_on_a_terminal(deassist_bin: str, tmp_path: Path):
    """stderr on a pseudo-terminal gets rich's bar; piped, it stays empty (checked in the JSON test)."""
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [deassist_bin, "profile", str(SHOP), "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=follower,
            env={**os.environ, "DEASSIST_HOME": str(tmp_path / "home"), "TERM": "xterm", "COLUMNS": "100"},
            timeout=120,
        )
        os.close(follower)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(leader)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["tables"]  # stdout stays clean JSON
    assert b"profiling" in drawn and b"\x1b[" in drawn
