"""What every DuckDB connection deassist opens is allowed to do, read back from DuckDB itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.duckdb_sandbox import connect_duckdb


def _setting(conn, name: str):  # noqa: ANN001, ANN202
    return conn.execute("SELECT value FROM duckdb_settings() WHERE name = ?", [name]).fetchone()[0]


@pytest.mark.parametrize("database", [":memory:", "file"])
def test_a_connection_is_locked_down(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "folder").mkdir()
    conn = connect_duckdb(
        str(tmp_path / "m.duckdb") if database == "file" else database,
        files=[str(tmp_path / "a.csv")],
        directories=[str(tmp_path / "folder")],
    )
    try:
        assert _setting(conn, "enable_external_access") == "false"
        assert _setting(conn, "lock_configuration") == "true"
        assert _setting(conn, "enable_progress_bar") == "false"
        assert _setting(conn, "autoinstall_known_extensions") == "false"
        temp = _setting(conn, "temp_directory")
        assert not temp.startswith(os.getcwd()) and ".tmp" not in Path(temp).parts  # never <cwd>/.tmp
        folders = conn.execute("SELECT current_setting('allowed_directories')").fetchone()[0]
        assert sorted(folders) == sorted([os.path.join(temp, ""), str(tmp_path / "folder") + "/"])
        assert conn.execute(f"SELECT x FROM read_csv('{tmp_path / 'a.csv'}')").fetchall() == [(1,)]
        with pytest.raises(Exception, match="disabled by configuration"):
            conn.execute("SELECT * FROM read_text('/etc/hostname')")
        with pytest.raises(Exception, match="locked"):
            conn.execute("SET enable_external_access = true")
    finally:
        conn.close()
