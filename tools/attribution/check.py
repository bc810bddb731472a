"""Check a commit message against the convention and suggest the message it should have been.

Every problem has a stable code (the README lists them). The suggestion keeps what the user wrote
(scope, description, body, trailers) and repairs the rest: a lower-case known type, the canonical
` - @a @b` suffix, unknown agents replaced by the close match, agents the ledger names added.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from tools.attribution.config import AttributionConfig
from tools.attribution.message import (
    ChangeSummary,
    ParsedMessage,
    clean_message,
    draft_message,
    format_message,
    parse_message,
)
from tools.attribution.records import record

# Stands in for the agents when nothing says who contributed; it never passes the check.
AGENT_PLACEHOLDER = "AGENT"

# A free-form header's first word -> the type a suggestion uses.
_VERB_TYPES = {
    "feat": ("add", "adds", "added", "create", "creates", "implement", "introduce", "support", "allow", "enable"),
    "fix": ("fix", "fixes", "fixed", "correct", "repair", "resolve", "prevent", "handle"),
    "docs": ("document", "documents", "docs", "doc", "describe", "explain", "readme"),
    "test": ("test", "tests", "cover"),
    "refactor": ("refactor", "rename", "move", "extract", "simplify", "restructure", "split", "reorganise"),
    "perf": ("speed", "optimize", "optimise", "cache"),
    "build": ("bump", "upgrade", "pin"),
    "style": ("format", "reformat", "lint"),
}


@record
class Problem:
    code: str
    message: str


@record
class CheckResult:
    """`skipped` names why the message was not checked (a kind such as `merge`, or `pattern`).
    `suggestion` is None only when there is nothing to build on (an empty message or description)."""

    ok: bool
    problems: tuple[Problem, ...]
    suggestion: str | None
    parsed: ParsedMessage
    skipped: str | None = None


def _close(word: str, choices: Sequence[str]) -> str | None:
    if not choices:
        return None
    lowered = {choice.lower(): choice for choice in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    import difflib

    found = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[found[0]] if found else None


def _listing(names: Sequence[str] | frozenset[str]) -> str:
    return ", ".join(sorted(names)) if names else "none"


def _guess_type(description: str, config: AttributionConfig) -> str:
    first = description.split(maxsplit=1)[0].lower().strip(".,:;!") if description.split() else ""
    for kind, verbs in _VERB_TYPES.items():
        if first in verbs and kind in config.types:
            return kind
    return config.types[0] if config.types and "chore" not in config.types else "chore"


def _suggest(
    parsed: ParsedMessage, config: AttributionConfig, required: Sequence[str], *, free_description: bool
) -> str | None:
    description = parsed.description
    if not description.strip():
        return None
    scope = parsed.scope or None
    if parsed.type is not None and (known := _close(parsed.type, config.types)) is not None:
        kind = known
    else:
        if parsed.type is not None and scope is None:
            scope = parsed.type.lower()  # `etl: add x` meant the scope
        kind = _guess_type(description, config)
        if free_description and len(description) > 1 and description[0].isupper() and description[1].islower():
            description = description[0].lower() + description[1:]
    agents: list[str] = []
    for name in parsed.agents:
        resolved = name if name in config.agents else _close(name, sorted(config.agents))
        if resolved is not None and resolved not in agents:
            agents.append(resolved)
    agents += [name for name in required if name not in agents]
    if not agents and config.require_agents:
        agents = [AGENT_PLACEHOLDER]
    summary = ChangeSummary(kind, scope, description)
    return draft_message(summary, agents, limit=config.header_max_length, breaking=parsed.breaking, body=parsed.body)


def _header_problems(parsed: ParsedMessage, config: AttributionConfig) -> list[Problem]:
    problems: list[Problem] = []
    types = ", ".join(config.types)
    if parsed.type is None:
        problems.append(
            Problem("DEA-ATTR-HEADER-FORMAT", f'the header does not start with "type: " or "type(scope): " ({types})')
        )
    elif not parsed.canonical_header:
        problems.append(
            Problem(
                "DEA-ATTR-HEADER-FORMAT",
                'write the header as "type(scope): description": no spaces inside the prefix, a non-empty scope, one space after the colon',
            )
        )
    if parsed.type is not None and parsed.type not in config.types:
        close = _close(parsed.type, config.types)
        hint = f'; did you mean "{close}"?' if close else ""
        problems.append(Problem("DEA-ATTR-TYPE-UNKNOWN", f'"{parsed.type}" is not a known type ({types}){hint}'))
    if parsed.type is not None and not parsed.description:
        problems.append(Problem("DEA-ATTR-DESCRIPTION-EMPTY", "the header has no description after the colon"))
    return problems


def _agent_problems(
    parsed: ParsedMessage, config: AttributionConfig, required: Mapping[str, Sequence[str]]
) -> list[Problem]:
    problems: list[Problem] = []
    known = sorted(config.agents)
    if not parsed.agents and config.require_agents:
        problems.append(
            Problem(
                "DEA-ATTR-AGENTS-MISSING",
                f'the header must end with " - @agent ..." naming every agent that contributed (known: {_listing(known)})',
            )
        )
    if parsed.agents and not parsed.canonical_agents:
        problems.append(
            Problem(
                "DEA-ATTR-AGENTS-FORMAT",
                'end the header with " - " and then the agents, each as @name, separated by spaces',
            )
        )
    seen: set[str] = set()
    repeated: set[str] = set()
    for name in parsed.agents:
        if name in seen:
            if name not in repeated:
                repeated.add(name)
                problems.append(Problem("DEA-ATTR-AGENT-DUPLICATE", f"agent @{name} is listed more than once"))
            continue
        seen.add(name)
        if name == AGENT_PLACEHOLDER and name not in config.agents:
            problems.append(
                Problem(
                    "DEA-ATTR-AGENTS-MISSING",
                    f"replace @{name} with the agents that contributed (known: {_listing(known)})",
                )
            )
        elif name not in config.agents:
            close = _close(name, known)
            hint = f"did you mean @{close}?" if close else f"known: {_listing(known)}"
            problems.append(Problem("DEA-ATTR-AGENT-UNKNOWN", f"unknown agent @{name}; {hint}"))
    for name, paths in required.items():
        if name not in seen:
            wrote = f" wrote {', '.join(sorted(paths))}" if paths else " wrote staged files"
            problems.append(
                Problem("DEA-ATTR-AGENT-NOT-CREDITED", f"@{name}{wrote} (deassist ledger) but is not credited")
            )
    return problems


def check_message(
    text: str,
    config: AttributionConfig | None = None,
    *,
    required_agents: Mapping[str, Sequence[str]] | Sequence[str] = (),
    merging: bool = False,
) -> CheckResult:
    """Check `text` (a message as typed, comments and scissors included). Never raises.

    `required_agents` are agents that must be credited (the ledger's, mapped to the staged paths
    they wrote); `merging` says git is concluding a merge whatever the header says.
    """
    config = config if config is not None else AttributionConfig()
    required = dict(required_agents) if isinstance(required_agents, Mapping) else {n: () for n in required_agents}
    if required:  # an agent the ledger names is known, even if its persona file is gone
        config = config._replace(agents=config.agents | frozenset(required))
    parsed = parse_message(text, config.comment_char, config.agents)
    kind = "merge" if merging and parsed.kind != "empty" else parsed.kind
    if kind == "empty" or (kind == "free" and not parsed.description and not parsed.body):
        what = "the commit message is empty" + (" apart from its agents" if parsed.agents else "")
        return CheckResult(False, (Problem("DEA-ATTR-EMPTY", what),), None, parsed)
    if kind in config.skip:
        return CheckResult(True, (), clean_message(text, config.comment_char), parsed, skipped=kind)
    if any(re.search(pattern, parsed.header) for pattern in config.skip_patterns):
        return CheckResult(True, (), clean_message(text, config.comment_char), parsed, skipped="pattern")

    problems = _header_problems(parsed, config) + _agent_problems(parsed, config, required)
    if len(parsed.header) > config.header_max_length:
        problems.append(
            Problem(
                "DEA-ATTR-HEADER-TOO-LONG",
                f"the header is {len(parsed.header)} characters; at most {config.header_max_length} are allowed",
            )
        )
    if not parsed.blank_after_header:
        problems.append(Problem("DEA-ATTR-BODY-SEPARATION", "leave a blank line between the header and the body"))
    if not problems:
        return CheckResult(True, (), clean_message(text, config.comment_char), parsed)
    suggestion = _suggest(parsed, config, list(required), free_description=parsed.type is None)
    return CheckResult(False, tuple(problems), suggestion, parsed)
