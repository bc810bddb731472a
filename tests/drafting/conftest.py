"""Fixtures for drafting: generated source data, a git work tree to draft into, and dbt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.drafting.shopdata import make_shop


@pytest.fixture(scope="module")
def shop_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_shop().write(tmp_path_factory.mktemp("shop") / "raw")


def git_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def deassist(deassist_bin: str, *args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "DEASSIST_HOME": str(home)}
    env.pop("ANTHROPIC_API_KEY", None)
    return subprocess.run([deassist_bin, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def dbt_build(project: Path) -> list[dict]:
    """`dbt build` in the project with its own profiles.yml; the results of every node."""
    dbt = Path(sys.executable).with_name("dbt")
    if not dbt.exists():
        if os.environ.get("CI") == "true":
            raise RuntimeError("dbt is not installed in the test environment (pip install -e '.[test]')")
        pytest.skip("dbt is not installed")
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run(
        [str(dbt), "build", "--no-use-colors"], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    return json.loads((project / "target" / "run_results.json").read_text())["results"]
