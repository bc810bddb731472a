"""What the installed git hooks run: `commit-msg FILE` and `prepare-commit-msg FILE [SOURCE [SHA]]`.

The hook runs on every commit, so this module and what it imports are the standard library and
`tools` (the agent files are read through `tools.agentfiles` only when the cached names are stale);
the installed script starts Python with `-I -S` (no site-packages, no current folder on the path)
and puts deassist's own folder first. git is asked nothing unless needed: its comment character
only when a line could be a comment, the staged blobs only when the repository has a ledger.
"""

from __future__ import annotations

import os
import sys

from tools.attribution.check import AGENT_PLACEHOLDER, CheckResult, check_message
from tools.attribution.config import AttributionConfig, load_config, repository_config
from tools.attribution.message import AUTO_COMMENT_CHARS, add_agents, message_kind, parse_message
from tools.attribution.repository import Repository, StrPath, find_repository, git_config
from tools.attribution.staged import staged_writes
from tools.errors import FAILURE, USAGE, DeassistError

SUGGESTION_FILE = "COMMIT_SUGGESTION"


def _read(path: str, errors: str = "replace") -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", errors=errors)
    except OSError as exc:
        raise DeassistError(
            "DEA-HOOK-MESSAGE-FILE", f"cannot read the commit message file {path} ({exc.strerror})"
        ) from exc


def _config(repo: Repository | None, text: str) -> AttributionConfig:
    config = repository_config(repo) if repo is not None else load_config()
    if repo is not None and any(line[:1] in AUTO_COMMENT_CHARS for line in text.split("\n") if line):
        config = config._replace(comment_char=git_config(repo.root, "core.commentChar") or "#")
    return config


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.split("\n"))


def render_rejection(result: CheckResult, message_file: str, suggestion_file: str | None) -> str:
    """What a rejected commit prints: the problems, the suggested message, and how to reuse either."""
    lines = ["deassist: commit message rejected"]
    lines += [f"  {problem.code}: {problem.message}" for problem in result.problems]
    if result.suggestion is not None:
        lines += ["", "suggested message:", _indent(result.suggestion)]
        if f"@{AGENT_PLACEHOLDER}" in result.suggestion:
            lines.append(f"    (replace @{AGENT_PLACEHOLDER} with the agents that contributed)")
    lines += [
        "",
        f"your message is kept in {message_file}; edit it and commit again with:",
        f"    git commit -e -F {message_file}",
    ]
    if suggestion_file is not None:
        lines += ["or start from the suggestion:", f"    git commit -e -F {suggestion_file}"]
    return "\n".join(lines) + "\n"


def check_file(message_file: StrPath, cwd: StrPath | None = None) -> int:
    """The commit-msg check: 0 accepted (or not checked), 1 rejected with the reasons on stderr."""
    message_file = os.path.abspath(message_file)
    text = _read(message_file)
    repo = find_repository(cwd or os.getcwd())
    config = _config(repo, text)
    merging = repo is not None and os.path.isfile(os.path.join(repo.git_dir, "MERGE_HEAD"))
    result = check_message(
        text, config, required_agents=staged_writes(repo.root) if repo is not None else {}, merging=merging
    )
    if result.ok:
        return 0
    suggestion_file = None
    if repo is not None and result.suggestion is not None:
        suggestion_file = os.path.join(repo.git_dir, "deassist", SUGGESTION_FILE)
        os.makedirs(os.path.dirname(suggestion_file), exist_ok=True)
        replace_file(suggestion_file, (result.suggestion + "\n").encode("utf-8"))
    sys.stderr.write(render_rejection(result, message_file, suggestion_file))
    return FAILURE


def prepare_file(message_file: StrPath, source: str | None = None, cwd: StrPath | None = None) -> int:
    """The prepare-commit-msg step: credit the agents the ledger says wrote what is staged."""
    if source in ("merge", "squash"):
        return 0
    repo = find_repository(cwd or os.getcwd())
    agents = list(staged_writes(repo.root)) if repo is not None else []
    if repo is None or not agents:
        return 0
    # surrogateescape: a message in another encoding (i18n.commitEncoding) is written back byte for byte
    text = _read(os.fspath(message_file), errors="surrogateescape")
    config = _config(repo, text)
    header = parse_message(text, config.comment_char).header
    if header and message_kind(header) in config.skip:
        return 0
    updated = add_agents(text, agents, config.comment_char, config.agents)
    if updated != text:
        replace_file(os.fspath(message_file), updated.encode("utf-8", errors="surrogateescape"))
    return 0


def replace_file(path: str, data: bytes) -> None:
    """Write `data` to a new file beside `path` and rename it over `path`: a failed write (disk full,
    file size limit) leaves the user's message as it was, never cut."""
    path = os.path.realpath(path)
    temporary = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.deassist-{os.getpid()}")
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        mode = 0o644
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise DeassistError(
            "DEA-HOOK-WRITE",
            f"could not update {path} ({exc.strerror}); the message in it is unchanged",
            exit_code=FAILURE,
        ) from None


USAGE_LINE = "usage: hook commit-msg FILE | hook prepare-commit-msg FILE [SOURCE [SHA]]"


def main(argv: list[str]) -> int:
    """Entry point of the installed hook scripts; errors are one line, never a traceback."""
    try:
        if len(argv) == 2 and argv[0] == "commit-msg":
            return check_file(argv[1])
        if 2 <= len(argv) <= 4 and argv[0] == "prepare-commit-msg":
            return prepare_file(argv[1], argv[2] if len(argv) > 2 else None)
        raise DeassistError("DEA-HOOK-USAGE", USAGE_LINE)
    except DeassistError as exc:
        sys.stderr.write(f"error {exc.code}: {exc.message}\n")
        return exc.exit_code
    except Exception as exc:  # noqa: BLE001 - a hook must not print a traceback over the user's commit
        sys.stderr.write(
            f"error DEA-INTERNAL: {type(exc).__name__}: {exc} (commit with --no-verify to skip the hook)\n"
        )
        return USAGE


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
