"""`validate --batch`: a line that is not UTF-8 gets its own error line; the other lines are validated."""

from __future__ import annotations

import json

from tests.conftest import SHOP


def test_one_bad_line_does_not_stop_the_batch(run_cli, tmp_path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(
        b"\xef\xbb\xbf"
        + b'{"id": 1, "sql": "SELECT amount FROM orders"}\n'
        + b'{"id": 2, "sql": "SELECT \'caf\xe9\' AS x"}\n'
        + b'{"id": 3, "sql": "SELECT nmae FROM customers"}\n'
        + '{"id": 4, "sql": "SELECT \'café\' AS x"}\n'.encode()
    )
    done = run_cli("validate", "--schema", str(SHOP), "--batch", str(batch))
    assert done.code == 1, done.err
    results = [json.loads(line) for line in done.out.splitlines()]
    assert [r["id"] for r in results] == [1, None, 3, 4]
    assert [r["valid"] for r in results] == [True, False, False, True]
    assert results[1]["diagnostics"][0]["code"] == "DEA-INPUT-ENCODING"
    assert results[1]["diagnostics"][0]["message"] == "line 2: not UTF-8 text (byte 29)"
    assert results[2]["diagnostics"][0]["code"] == "DEA-SQL-UNKNOWN-COLUMN"
