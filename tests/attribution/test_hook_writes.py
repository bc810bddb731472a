"""The hooks never cut the user's message: writes go through a temporary file and a rename; a BOM is fine."""

from __future__ import annotations

import resource
import subprocess

from tests.attribution.conftest import GitRepo
from tools.attribution.ledger import record_write

MESSAGE = b"feat(etl): add orders model\n\nA long body the user wrote and must not lose.\n"


def _prepare(repo: GitRepo, message_file: str, fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    """The installed prepare-commit-msg hook, as git runs it; `fsize` caps the bytes any file may hold."""

    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    hook = repo.root / ".git" / "hooks" / "prepare-commit-msg"
    return subprocess.run(
        [str(hook), message_file, "message"],
        cwd=repo.root,
        env=repo.env,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        check=False,
    )


def _staged_agent_write(repo: GitRepo) -> None:
    path = repo.write("models/orders.sql", "select 1\n")
    record_write(path, "data-engineer", path.read_bytes())
    repo.git("add", "models/orders.sql")


def test_a_failed_write_leaves_the_message_whole(hooked: GitRepo) -> None:
    _staged_agent_write(hooked)
    warm = hooked.root / ".git" / "WARM_MSG"
    warm.write_bytes(MESSAGE)
    assert _prepare(hooked, str(warm)).returncode == 0  # fills the hook's caches before the limit
    assert warm.read_bytes().startswith(b"feat(etl): add orders model - @data-engineer\n")

    message = hooked.root / ".git" / "COMMIT_EDITMSG"
    message.write_bytes(MESSAGE)
    done = _prepare(hooked, str(message), fsize=len(MESSAGE) + 4)  # the attributed message is longer
    assert done.returncode == 1
    assert done.stderr.startswith("error DEA-HOOK-WRITE:") and done.stderr.count("\n") == 1
    assert message.read_bytes() == MESSAGE
    assert sorted(p.name for p in message.parent.iterdir() if "deassist-" in p.name) == []


def test_the_rename_keeps_the_file_mode(hooked: GitRepo) -> None:
    _staged_agent_write(hooked)
    message = hooked.root / ".git" / "COMMIT_EDITMSG"
    message.write_bytes(MESSAGE)
    message.chmod(0o600)
    assert _prepare(hooked, str(message)).returncode == 0
    assert message.read_bytes().startswith(b"feat(etl): add orders model - @data-engineer\n")
    assert message.stat().st_mode & 0o777 == 0o600


def test_a_bom_before_the_header_is_accepted(hooked: GitRepo) -> None:
    _staged_agent_write(hooked)
    message = hooked.root / "bom.txt"
    message.write_bytes(b"\xef\xbb\xbf" + MESSAGE)
    done = hooked.git("commit", "-q", "-F", str(message), check=False)
    assert done.returncode == 0, done.stderr
    # git keeps the mark; the hooks attribute the header behind it and accept it.
    assert hooked.head_message() == "\ufeff" + MESSAGE.decode().replace("model", "model - @data-engineer", 1).rstrip()


def test_commit_msg_check_reads_the_header_behind_a_bom(hooked: GitRepo) -> None:
    done = hooked.deassist("commit-msg", "check", "\ufefffeat: add a - @data-engineer")
    assert done.returncode == 0, done.stderr
