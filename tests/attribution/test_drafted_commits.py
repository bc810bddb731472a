"""Every drafting kind's proposed commit message passes the installed commit-msg hook: `deassist ask`
drafts into a real repository, then the proposal is committed through the hook as it stands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.bench.trip_domain import make_trips
from tests.attribution.conftest import GitRepo

ASKS = [  # (request, the header it must start with)
    ("build a dbt project with staging and marts for the trips and riders tables", "feat(dbt): add staging and marts for "),
    ("make me a medallion pipeline for trips and riders", "feat(pipeline): add medallion pipeline"),
    ("write an incremental MERGE pipeline for trips into a silver table", "feat(pipeline): "),
    ("create a pipeline with an SCD2 rider dimension for trips and riders", "feat(pipeline): "),
    ("run the data quality checks on trips and write the commit message", "feat(quality): record data-quality checks"),
]


@pytest.fixture
def hooked(repo: GitRepo) -> GitRepo:
    repo.write("README.md", "data\n")
    repo.git("add", ".")
    repo.git("commit", "-q", "-m", "chore: start - @data-engineer")
    installed = repo.deassist("hook", "install")
    assert installed.returncode == 0, installed.stderr
    return repo


def test_every_drafting_kind_commits_through_the_hook(hooked: GitRepo, tmp_path: Path) -> None:
    data = make_trips(riders=60, trips=300).write(tmp_path / "trips")
    for request, header in ASKS:
        asked = hooked.deassist("ask", "--data", str(data), request, "--yes", "--json")
        assert asked.returncode == 0, (request, asked.stderr)
        message = json.loads(asked.stdout)["commit_message"]
        assert message and message.startswith(header), (request, message)
        assert len(message.splitlines()[0]) <= 100
        hooked.git("add", "-A")
        proposal = hooked.home / "proposal.txt"
        proposal.write_text(message + "\n", encoding="utf-8")
        done = hooked.git("commit", "-q", "--allow-empty", "-F", str(proposal), check=False)
        assert done.returncode == 0, (request, message, done.stderr)
        assert hooked.head_message() == message
