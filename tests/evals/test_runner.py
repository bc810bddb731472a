"""`deassist eval` end to end through the console script: offline, reports, the score gate, record and replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.backends.stub_server import Reply, StubMessagesAPI

SUITE = """
category: smoke
cases:
  - id: smoke-lead-takes-part
    fixtures: [shop]
    request: How many rows does the orders table have?
    expect:
      routing: {must: [data-engineer]}
      limits: {max_seconds: 120}
  - id: smoke-impossible-phrase
    category: smoke-other
    fixtures: [shop]
    request: Which columns does the customers table have?
    expect:
      content: {contains: [zebra-unicorn-4711]}
"""


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    path = tmp_path / "smoke.yaml"
    path.write_text(SUITE)
    return path


def test_an_offline_run_grades_reports_and_gates_on_the_score(run_cli, suite: Path, tmp_path: Path) -> None:
    done = run_cli("eval", str(suite), "--report", str(tmp_path / "out" / "report"))
    assert done.code == 0, done.err
    assert "smoke-other" in done.out and "score 0.500 (1/2)" in done.out
    assert "FAIL smoke-impossible-phrase: content: the answer does not mention 'zebra-unicorn-4711'" in done.out

    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert (report["model"], report["passed"], report["total"], report["score"]) == ("offline", 1, 2, 0.5)
    assert (report["correct"], report["wrong"], report["declined"]) == (1, 1, 0)
    assert report["by_category"] == {
        "smoke": {"passed": 1, "total": 1, "score": 1.0, "correct": 1, "wrong": 0, "declined": 0},
        "smoke-other": {"passed": 0, "total": 1, "score": 0.0, "correct": 0, "wrong": 1, "declined": 0},
    }
    first, second = report["cases"]
    assert first["passed"] and first["why"] == "" and "data-engineer" in first["agents"]
    assert first["tool_calls"] >= 1 and first["seconds"] > 0 and first["tokens"] == {"input": 0, "output": 0}
    assert not second["passed"] and "zebra-unicorn-4711" in second["why"]
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert "| smoke-other | 0 | 1 | 0 | 1 | 0% |" in markdown and "| smoke-impossible-phrase | smoke-other | wrong |" in markdown

    below = run_cli("eval", str(suite), "--min-score", "0.6")
    assert below.code == 1
    assert below.err.strip().splitlines()[-1] == "error DEA-EVAL-BELOW-MIN: score 0.500 is below --min-score 0.6"
    assert run_cli("eval", str(suite), "--min-score", "0.5").code == 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["no-such-suite"], 2, "error DEA-EVAL-SUITE: no suite 'no-such-suite'"),
        (["--model", "gpt-9"], 2, "error DEA-MODEL-UNKNOWN:"),
        (["--model", "anthropic:sonnet"], 2, "error DEA-MODEL-NO-KEY:"),
        (["--record", "a.json", "--replay", "b.json"], 2, "error DEA-USAGE: --record and --replay cannot be used together"),
        (["--replay", "missing.json"], 2, "error DEA-REPLAY-CASSETTE:"),
        (["--min-score", "2"], 2, "error DEA-USAGE:"),
    ],
)
def test_bad_usage_is_one_line(run_cli, suite: Path, args: list[str], code: int, message: str) -> None:
    done = run_cli("eval", str(suite), *args)
    assert done.code == code
    assert done.err.strip().startswith(message) and len(done.err.strip().splitlines()) == 1, done.err


def test_a_run_recorded_against_the_messages_api_replays_without_it(
    run_cli, suite: Path, tmp_path: Path, messages_stub: StubMessagesAPI
) -> None:
    messages_stub.script(*[Reply.text("The orders table has 300 rows and the customers table 60.") for _ in range(60)])
    cassette = tmp_path / "run.cassette.json"
    live_env = {"ANTHROPIC_API_KEY": "sk-ant-test-key", "ANTHROPIC_BASE_URL": messages_stub.url}
    recorded = run_cli("eval", str(suite), "--model", "anthropic:sonnet", "--record", str(cassette),
                       "--report", str(tmp_path / "live"), env=live_env)
    assert recorded.code == 0, recorded.err
    data = json.loads(cassette.read_text())
    exchanges = sum(len(v) for v in data["cases"].values())
    assert exchanges == len(messages_stub.requests) > 0
    assert set(data["cases"]) == {"smoke-lead-takes-part", "smoke-impossible-phrase"}
    assert str(tmp_path) not in cassette.read_text()  # run-specific paths are placeholders
    assert "sk-ant-test-key" not in cassette.read_text()

    messages_stub.close()  # no server from here on
    replayed = run_cli("eval", str(suite), "--replay", str(cassette), "--jobs", "2", "--report", str(tmp_path / "replay"))
    assert replayed.code == 0, replayed.err
    live = json.loads((tmp_path / "live.json").read_text())
    again = json.loads((tmp_path / "replay.json").read_text())
    assert [(c["id"], c["passed"], c["why"], c["agents"], c["tokens"]) for c in again["cases"]] == [
        (c["id"], c["passed"], c["why"], c["agents"], c["tokens"]) for c in live["cases"]
    ]
    assert again["model"] == live["model"] == "anthropic:sonnet"
    assert live["tokens"]["input"] > 0

    first = data["cases"]["smoke-lead-takes-part"][0]["request"]
    first["messages"][0]["content"][0]["text"] = "a request that was never recorded"
    cassette.write_text(json.dumps(data))
    mismatch = run_cli("eval", str(suite), "--replay", str(cassette))
    assert mismatch.code == 1
    last = mismatch.err.strip().splitlines()[-1]
    assert last.startswith("error DEA-REPLAY-MISMATCH: case smoke-lead-takes-part: model request 1 differs from the "
                           "recording at request.messages[0].content[0].text: recorded \"a request that was never"), last

    del data["cases"]["smoke-impossible-phrase"]
    data["cases"]["smoke-lead-takes-part"] = []
    cassette.write_text(json.dumps(data))
    missing = run_cli("eval", str(suite), "--replay", str(cassette))
    assert missing.code == 1 and "model request 1 was not recorded" in missing.err


def test_a_git_case_starts_from_one_commit_with_its_files_staged(tmp_path: Path) -> None:
    import subprocess

    from evals.cases import EvalCase, Expectations, Limits
    from evals.runner import prepare_workdir

    case = EvalCase("g", "c", "r", Expectations(limits=Limits()), files={"models/a.sql": "select 1\n", ".env": "K=v\n"},
                    git=True)
    prepare_workdir(case, tmp_path)
    git = lambda *args: subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert git("status", "--porcelain").splitlines() == ["A  models/a.sql", "?? .env"]
    assert len(git("log", "--oneline").splitlines()) == 1


def test_eval_help_stays_light() -> None:
    from tests.test_architecture import HEAVY, _modules_loaded_by

    loaded = _modules_loaded_by(["eval", "--help"])
    assert "click" in loaded and not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
