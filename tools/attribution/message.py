"""Read and write attributed commit messages: `type(scope)!: description - @agent1 @agent2`.

Parsing is lenient on purpose and never raises: it records what it found (a type written as
`Feat`, agents separated by commas, a missing space after the colon) so the check can name the
problem and build the corrected message from the parts.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from tools.attribution.records import record

# What `core.commentChar=auto` may choose, in git's order of preference.
AUTO_COMMENT_CHARS = "#;@!$%^&|:"
SCISSORS = " ------------------------ >8 ------------------------"

_TRAILER = re.compile(r"^(?:[A-Za-z0-9][A-Za-z0-9-]*|BREAKING CHANGE): ")
_MENTIONS = re.compile(r"(?P<sep>[\s\-\u2013\u2014|,;]*)(?P<mentions>@[^\s,;]*(?:[\s,;]+@[^\s,;]*)*)[\s,;.]*$")
_CONVENTIONAL = re.compile(
    r"^(?P<type>[A-Za-z][\w-]*)\s*(?:\((?P<scope>[^()]*)\))?\s*(?P<bang>!)?(?P<colon>\s*:[ \t]*)(?P<description>.*)$",
    re.DOTALL,
)
_DASHES = set("-\u2013\u2014")
_MERGE = re.compile(r"^Merge (?:branch|branches|remote-tracking branch|tag|commit|pull request|'|\")")
_REVERT = re.compile(r'^(?:Revert|Reapply) ".*"\s*$')
_AUTOSQUASH = re.compile(r"^(fixup|squash|amend)! ")


@record
class ParsedMessage:
    """A commit message in parts. `kind` is conventional, free (no `type:` prefix), merge, revert,
    fixup, squash, amend or empty; `canonical_*` say whether a part is written exactly as the
    convention spells it."""

    kind: str
    header: str
    type: str | None = None
    scope: str | None = None
    breaking: bool = False
    description: str = ""
    agents: tuple[str, ...] = ()
    body: str = ""
    trailers: tuple[tuple[str, str], ...] = ()
    blank_after_header: bool = True
    canonical_header: bool = True
    canonical_agents: bool = True


def resolve_comment_char(text: str, comment_char: str) -> str | None:
    """The comment character in effect: `auto` is read back from the message git prepared."""
    if comment_char != "auto":
        return comment_char or None
    lines = text.split("\n")
    for line in lines:
        if len(line) > 1 and line[0] in AUTO_COMMENT_CHARS and line[1:] == SCISSORS:
            return line[0]
    last = next((line for line in reversed(lines) if line.strip()), "")
    return last[0] if last[:1] and last[0] in AUTO_COMMENT_CHARS else None


def clean_message(text: str, comment_char: str = "#") -> str:
    """The message git will store: no comment lines, nothing from the scissors line on, trimmed.

    A UTF-8 byte order mark that some Windows editors write is not part of the header."""
    text = text.removeprefix("\ufeff")
    char = resolve_comment_char(text, comment_char)
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if char is not None and line.startswith(char):
            if line[len(char) :] == SCISSORS:
                break
            continue
        kept.append(line.rstrip())
    while kept and not kept[0]:
        kept.pop(0)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def split_agents(header: str, known_agents: Collection[str] | None = None) -> tuple[str, tuple[str, ...]]:
    """Split `... - @a @b` into the text before and the agent names.

    `@name` words ending the header without a dash before them (`fix: handle @decorators`) are
    agents only when one of them is in `known_agents` (or when no names are given).
    """
    match = _MENTIONS.search(header)
    if match is None:
        return header, ()
    names = tuple(token.lstrip("@").rstrip(".") for token in re.split(r"[\s,;]+", match["mentions"]) if token)
    if known_agents is not None and not _DASHES.intersection(match["sep"]) and not set(names) & set(known_agents):
        return header, ()
    return header[: match.start()], names


def _trailers(body: str) -> tuple[tuple[str, str], ...]:
    last = body.split("\n\n")[-1] if body else ""
    lines = [line for line in last.split("\n") if line]
    if not lines or not all(_TRAILER.match(line) or line[:1] in " \t" for line in lines):
        return ()
    if not _TRAILER.match(lines[0]):
        return ()
    found: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in " \t":
            key, value = found[-1]
            found[-1] = (key, f"{value} {line.strip()}")
        else:
            key, _, value = line.partition(": ")
            found.append((key, value.strip()))
    return tuple(found)


def message_kind(header: str) -> str:
    """merge, revert, fixup, squash, amend (the messages git writes itself), or conventional."""
    if _MERGE.match(header):
        return "merge"
    if _REVERT.match(header):
        return "revert"
    autosquash = _AUTOSQUASH.match(header)
    return autosquash[1] if autosquash else "conventional"


def parse_message(text: str, comment_char: str = "#", known_agents: Collection[str] | None = None) -> ParsedMessage:
    """Parse a commit message as git would store it; never raises, whatever the text."""
    cleaned = clean_message(text, comment_char)
    if not cleaned.strip():
        return ParsedMessage(kind="empty", header="")
    header, _, rest = cleaned.partition("\n")
    blank_after = not rest or rest.startswith("\n")
    body = rest.strip("\n")
    trailers = _trailers(body)
    kind = message_kind(header)
    before, agents = split_agents(header, known_agents)
    canonical_agents = not agents or header == before + " - " + " ".join(f"@{agent}" for agent in agents)
    breaking = any(key in ("BREAKING CHANGE", "BREAKING-CHANGE") for key, _ in trailers)
    common = {
        "header": header,
        "agents": agents,
        "body": body,
        "trailers": trailers,
        "blank_after_header": blank_after,
        "canonical_agents": canonical_agents,
    }
    match = _CONVENTIONAL.match(before)
    if match is None:
        return ParsedMessage(
            kind="free" if kind == "conventional" else kind,
            description=before.strip(),
            canonical_header=False,
            breaking=breaking,
            **common,
        )
    scope = match["scope"].strip() if match["scope"] is not None else None
    description = match["description"].strip()
    rebuilt = format_header(match["type"], scope, description, (), bool(match["bang"]))
    return ParsedMessage(
        kind=kind,
        type=match["type"],
        scope=scope,
        breaking=bool(match["bang"]) or breaking,
        description=description,
        canonical_header=before == rebuilt.rstrip() and scope != "",
        **common,
    )


def format_header(
    type: str, scope: str | None, description: str, agents: list[str] | tuple[str, ...], breaking: bool = False
) -> str:
    names = list(dict.fromkeys(agent.lstrip("@") for agent in agents if agent.lstrip("@")))
    head = f"{type}({scope})" if scope else type
    suffix = " - " + " ".join(f"@{name}" for name in names) if names else ""
    return f"{head}{'!' if breaking else ''}: {description}{suffix}"


def format_message(
    type: str,
    scope: str | None,
    description: str,
    agents: list[str] | tuple[str, ...],
    breaking: bool = False,
    body: str | None = None,
) -> str:
    """An attributed message; agents may be written with or without `@`, repeats are dropped."""
    header = format_header(type, scope, " ".join(description.split()), agents, breaking)
    body = (body or "").strip("\n")
    return f"{header}\n\n{body}" if body else header


def add_agents(
    text: str, agents: Sequence[str], comment_char: str = "#", known_agents: Collection[str] | None = None
) -> str:
    """`text` with `agents` added to its header's ` - @...` suffix (created when missing).

    Only the header line changes, so comments, the scissors part and the body stay as git wrote
    them. A message without a header yet (git's editor template) gets a first line holding only
    the suffix, for the user to write the header in front of.
    """
    char = resolve_comment_char(text, comment_char)
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if char is not None and line.startswith(char):
            if line[len(char) :] == SCISSORS:
                break
            continue
        if not line.strip():
            continue
        before, existing = split_agents(line.rstrip(), known_agents)
        names = list(dict.fromkeys([*existing, *(agent.lstrip("@") for agent in agents)]))
        if list(existing) == names:
            return text
        lines[index] = f"{before.rstrip()} - " + " ".join(f"@{name}" for name in names)
        return "\n".join(lines)
    suffix = " - " + " ".join(f"@{agent.lstrip('@')}" for agent in agents)
    return suffix + ("\n" + text if text.strip() else "\n")


# -- drafting a header: the one place every face and agent gets a commit header from -------------

HEADER_MAX_LENGTH = 100  # the convention's default (`AttributionConfig.header_max_length`)
_VERBS = {"A": "add", "M": "update", "D": "remove", "R": "rename", "C": "copy", "T": "update"}
_DOC_SUFFIXES = (".md", ".rst", ".txt")
_BESIDE = ".deassist-new"  # a drafted file's new version kept beside the user's (tools.drafting.writer)


@record
class ChangeSummary:
    """What a set of changed paths is, as a commit header says it: type, scope, description."""

    type: str
    scope: str | None
    description: str
    short: str = ""  # said with less detail (`for 3 tables`), used before words are cut off


_DANGLING = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"}


def fit_header(
    type: str, scope: str | None, description: str, agents: Sequence[str], limit: int = HEADER_MAX_LENGTH
) -> tuple[str | None, str]:
    """(scope, description) shortened at word boundaries so the header fits `limit`; the agents always stay.

    The scope goes first when even one word of description would not fit beside it.
    """
    if len(format_header(type, scope, description, list(agents))) <= limit:
        return scope, description
    words = description.split()
    for candidate in [scope, None] if scope else [None]:
        for end in range(len(words), 0, -1):
            kept = words[:end]
            while end < len(words) and len(kept) > 1 and kept[-1].lower() in _DANGLING:
                kept = kept[:-1]  # a cut header does not end on `and` or `for`
            text = " ".join(kept).rstrip(",;:-")
            if len(format_header(type, candidate, text, list(agents))) <= limit:
                return candidate, text
    return None, " ".join(words[:1])


def draft_message(
    summary: ChangeSummary,
    agents: Sequence[str],
    *,
    limit: int = HEADER_MAX_LENGTH,
    breaking: bool = False,
    body: str | None = None,
) -> str:
    """The attributed message for `summary`, its header fitted to `limit`: what every drafter calls."""
    scope, description = fit_header(summary.type, summary.scope, summary.description, agents, limit)
    if description != summary.description and summary.short:
        scope, description = fit_header(summary.type, summary.scope, summary.short, agents, limit)
    return format_message(summary.type, scope, description, list(agents), breaking, body)


def summarize_paths(changes: Sequence[tuple[str, str]]) -> ChangeSummary:
    """(git status letter, path) pairs summarized by kind and scope.

    A drafted dbt project, pipeline or set of quality tests is named for what it is and the tables
    it covers (`add staging and marts for trips`); other changes by the folder they share.
    """
    paths = [path.removesuffix(_BESIDE) for _, path in changes]
    verbs = {_VERBS.get(status, "update") for status, _ in changes}
    verb = "add" if "add" in verbs else verbs.pop() if len(verbs) == 1 else "update"
    drafted = _drafted(paths, verb)
    if drafted is not None:
        return drafted
    parts = [p.split("/") for p in paths]
    if all(p[0] == "tests" or p[-1].startswith("test_") for p in parts):
        kind = "test"
    elif all(p[-1].endswith(_DOC_SUFFIXES) or p[0] == "docs" for p in parts):
        kind = "docs"
    else:
        kind = "feat" if verb == "add" else "chore"
    names = [p[-1] for p in parts]
    description = f"{verb} {', '.join(names)}" if len(names) <= 3 else f"{verb} {len(names)} files"
    return ChangeSummary(kind, _shared_folder(parts), description)


def _drafted(paths: Sequence[str], verb: str) -> ChangeSummary | None:
    def stems(folder: str, prefix: str = "") -> list[str]:
        found = [p.rsplit("/", 1)[-1] for p in paths if f"{folder}/" in f"/{p}" and p.endswith(".sql")]
        return sorted({name[len(prefix) : -4] for name in found if name.startswith(prefix)})

    if any(p.endswith(("dbt_project.yml", "_sources.yml")) or "models/staging/" in p for p in paths):
        marts = any("models/marts/" in p for p in paths)
        what = "staging and marts" if marts else "staging models"
        tables = stems("models/staging", "stg_")
        return ChangeSummary("feat", "dbt", f"{verb} {what}{_for(tables)}", f"{verb} {what}{_count(tables)}")
    if any(p.endswith("pipeline.json") or "/sql/silver/" in f"/{p}" or "/sql/bronze/" in f"/{p}" for p in paths):
        scd2 = " with scd2 history" if any("/sql/scd2/" in f"/{p}" for p in paths) else ""
        tables = stems("sql/silver") or stems("sql/bronze") or stems("sql/gold")
        return ChangeSummary(
            "feat", "pipeline", f"{verb} medallion pipeline{scd2}{_for(tables)}", f"{verb} medallion pipeline{_count(tables)}"
        )
    if paths and all("tests/quality/" in p for p in paths):
        tables = sorted({p.rsplit("/", 1)[-1].split("__")[0] for p in paths})
        return ChangeSummary("test", "quality", f"{verb} data-quality tests{_for(tables)}", f"{verb} data-quality tests{_count(tables)}")
    return None


def _for(tables: Sequence[str]) -> str:
    if not tables:
        return ""
    if len(tables) <= 2:
        return " for " + " and ".join(tables)
    return f" for {len(tables)} tables"


def _count(tables: Sequence[str]) -> str:
    return f" for {len(tables)} table{'s' if len(tables) > 1 else ''}" if tables else ""


def _shared_folder(parts: Sequence[Sequence[str]]) -> str | None:
    """The innermost folder every path shares, else the one file's stem, else none."""
    shared: list[str] = []
    for names in zip(*(p[:-1] for p in parts), strict=False):
        if len(set(names)) != 1:
            break
        shared.append(names[0])
    if shared:
        return shared[-1]
    return parts[0][-1].rsplit(".", 1)[0] if len(parts) == 1 else None
