"""How long the installed commit-msg hook takes, beside the floor: `python -c pass` in the same run.

Builds a throw-away repository (private HOME, the hooks installed by `deassist hook install`),
then runs the installed hook script on an attributed message N times, interleaved with
`python -c pass`, and prints both medians and their difference. Target: hook median <= 40 ms.

    python evals/bench/hook_speed.py [--runs 60] [--ledger]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_MS = 40.0
MESSAGE = "feat(etl): add incremental orders load - @data-engineer @database-admin\n\nLoads only new rows.\n"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com")
    env.update(GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.com")
    return env


def _setup(base: Path, ledger: bool) -> tuple[Path, Path, dict[str, str]]:
    home, repo = base / "home", base / "repo"
    agents = home / ".claude" / "agents"
    agents.mkdir(parents=True)
    for name in ("data-engineer", "database-admin"):
        (agents / f"{name}.md").write_text(f"---\nname: {name}\ndescription: bench\n---\nprompt\n")
    env = _env(home)
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    subprocess.run(
        [str(Path(sys.executable).with_name("deassist")), "hook", "install", "--repo", str(repo)],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    if ledger:
        sys.path.insert(0, str(ROOT))
        from tools.attribution.ledger import record_write

        for index in range(50):
            path = repo / "models" / f"model_{index}.sql"
            path.parent.mkdir(exist_ok=True)
            path.write_text(f"select {index}\n")
            record_write(path, "data-engineer", path.read_bytes())
        subprocess.run(["git", "add", "."], check=True, env=env, cwd=repo)
    message = repo / ".git" / "COMMIT_EDITMSG"
    message.write_text(MESSAGE)
    return repo, message, env


def _time(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, check=False, cwd=cwd, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} failed: {proc.stderr.decode(errors='replace')}")
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--ledger", action="store_true", help="stage 50 files recorded in the ledger (adds a git diff)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo, message, env = _setup(Path(tmp), args.ledger)
        hook = [str(repo / ".git" / "hooks" / "commit-msg"), str(message)]
        floor = [sys.executable, "-c", "pass"]
        bare = [sys.executable, "-I", "-S", "-c", "pass"]  # how the hook starts Python
        for _ in range(3):  # warm the file cache (and the hook's config cache)
            _time(hook, repo, env), _time(floor, repo, env)
        hook_ms, floor_ms, bare_ms = [], [], []
        for _ in range(args.runs):
            hook_ms.append(_time(hook, repo, env))
            floor_ms.append(_time(floor, repo, env))
            bare_ms.append(_time(bare, repo, env))
    hook_median, floor_median = statistics.median(hook_ms), statistics.median(floor_ms)
    print(
        f"commit-msg hook      median {hook_median:6.1f} ms  (min {min(hook_ms):.1f}, {args.runs} runs{', ledger' if args.ledger else ''})"
    )
    print(f"python -c pass       median {floor_median:6.1f} ms  (min {min(floor_ms):.1f})")
    print(f"python -I -S -c pass median {statistics.median(bare_ms):6.1f} ms  (min {min(bare_ms):.1f})")
    print(f"hook - floor         {hook_median - floor_median:6.1f} ms;  ratio {hook_median / floor_median:.2f}")
    print(f"target median <= {TARGET_MS:.0f} ms: {'met' if hook_median <= TARGET_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
