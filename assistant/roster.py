"""The roster: deassist's personas plus the Claude Code agent files of the repository and the user.

Agent files are found and parsed by `tools.agentfiles` (the git hook shares that reader); here their
front matter becomes typed `Persona`s. Later folders override earlier names: builtin `prompts/`,
then `~/.claude/agents/`, then the repository's `.claude/agents/`. A translation of a persona
(`data-engineer.zh-TW.md`) sits beside it and is attached by its language tag. Each file's
description and `examples:` (requests it should receive) become the persona's routing cards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.routing.cards import RoutingCard
from tools.agentfiles import AgentFile, find_agent_files, read_agent_file
from tools.errors import DeassistError

DEFAULT_LANGUAGE = "en"
DEFAULT_MODEL = "sonnet"
DEFAULT_TEMPERATURE = 0.2
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


COORDINATOR = "coordinator"  # the router: on the roster for its prompt, never an agent that answers

@dataclass(frozen=True)
class Persona:
    name: str
    description: str
    model: str  # an alias (sonnet | opus | haiku) or a full model id
    temperature: float
    collaborators: list[str]
    tools: list[str] | None  # None: every tool deassist offers
    system_prompt: str
    origin: str  # "builtin" | "repository" | "user"
    path: Path
    translations: dict[str, str] = field(default_factory=dict)  # language tag -> system prompt
    cards: tuple[RoutingCard, ...] = ()  # the description and example requests, one card per language

    def prompt_for(self, language: str | None) -> str:
        """The system prompt in `language` ("zh-TW", "ko", or a prefix such as "zh") when translated."""
        if language:
            for tag, prompt in self.translations.items():
                if tag.lower() == language.lower() or tag.lower().split("-")[0] == language.lower():
                    return prompt
        return self.system_prompt


def load_roster(repo: Path | None = None, home: Path | None = None) -> dict[str, Persona]:
    """Every persona by name; a malformed agent file is a one-line DEA-AGENT-FILE error naming it."""
    roster: dict[str, Persona] = {}
    for ref in find_agent_files(repo, home):
        persona = _persona(read_agent_file(ref.path, ref.origin))
        roster[persona.name] = persona
    for persona in roster.values():
        unknown = [name for name in persona.collaborators if name not in roster]
        if unknown:
            raise DeassistError(
                "DEA-AGENT-FILE", f"{persona.path}: collaborators not on the roster: {', '.join(unknown)}"
            )
    return dict(sorted(roster.items()))


def repository_root(start: Path) -> Path | None:
    """The work tree enclosing `start` (the folder holding `.git`), found without running git."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / ".git").exists():
            return folder
    return None


def _persona(agent: AgentFile) -> Persona:
    meta = agent.meta
    if not NAME.match(agent.name):
        raise DeassistError(
            "DEA-AGENT-FILE", f"{agent.path}: name {agent.name!r} must be lower case letters, digits and dashes"
        )
    if not agent.description:
        raise DeassistError("DEA-AGENT-FILE", f"{agent.path}: no description in the front matter")
    if not agent.body:
        raise DeassistError("DEA-AGENT-FILE", f"{agent.path}: no system prompt after the front matter")
    translations, cards = _translations(agent)
    return Persona(
        name=agent.name,
        description=" ".join(agent.description.split()),
        model=_model(agent.path, meta.get("model")),
        temperature=_temperature(agent.path, meta.get("temperature", DEFAULT_TEMPERATURE)),
        collaborators=_names(agent.path, "collaborators", meta.get("collaborators")) or [],
        tools=_names(agent.path, "tools", meta.get("tools")),
        system_prompt=agent.body,
        origin=agent.origin,
        path=agent.path,
        translations=translations,
        cards=(_card(agent, agent.name), *cards),
    )


def _model(path: Path, value: Any) -> str:
    # Claude Code's `inherit` means "the model of the session": deassist's lead default.
    if value is None or value == "inherit":
        return DEFAULT_MODEL
    if not isinstance(value, str) or not value.strip():
        raise DeassistError("DEA-AGENT-FILE", f"{path}: model must be an alias (sonnet, opus, haiku) or a model id")
    return value.strip()


def _temperature(path: Path, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise DeassistError("DEA-AGENT-FILE", f"{path}: temperature must be a number from 0 to 1, not {value!r}")
    return float(value)


def _names(path: Path, key: str, value: Any) -> list[str] | None:
    """A list of names, written as a YAML list or, as Claude Code writes `tools`, comma-separated."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DeassistError("DEA-AGENT-FILE", f"{path}: {key} must be a list of names")
    return [item.strip() for item in value if item.strip()]


def _translations(agent: AgentFile) -> tuple[dict[str, str], list[RoutingCard]]:
    """`<stem>.<language>.md` files beside the agent file: their bodies by language tag, and their cards."""
    translations: dict[str, str] = {}
    cards: list[RoutingCard] = []
    for path in sorted(agent.path.parent.glob(f"{agent.path.stem}.*.md")):
        language = path.name[len(agent.path.stem) + 1 : -len(".md")]
        if "." in language:
            continue
        translated = read_agent_file(path, agent.origin)
        if translated.body:
            translations[language] = translated.body
        if translated.description:
            cards.append(_card(translated, agent.name, language))
    return translations, cards


def _card(agent: AgentFile, name: str, language: str | None = None) -> RoutingCard:
    examples = agent.meta.get("examples") or []
    if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
        raise DeassistError("DEA-AGENT-FILE", f"{agent.path}: examples must be a list of example requests")
    tag = language or str(agent.meta.get("language") or DEFAULT_LANGUAGE)
    return RoutingCard(name, tag, " ".join(agent.description.split()), tuple(" ".join(e.split()) for e in examples))
