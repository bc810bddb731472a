"""The per-language word lists (lexicon/<language>.yaml) and splitting a question into units.

The lists are data, not regexes: each phrase names an operator, a period, a filler word, a number
or (zh-TW, ko) a data noun that stands for an English schema word. A question is split into units
(ASCII words, numbers, quoted literals and single CJK or Hangul characters) so one matcher serves
every language: a phrase is a run of units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from tools.words import singular

HERE = Path(__file__).parent / "lexicon"
LANGUAGES = ("en", "zh-TW", "ko")
OPERATORS = {"aggregate", "group", "rank_desc", "rank_asc", "compare", "unsupported", "anti", "duplicate", "negative"}
UNIT = re.compile(r"'[^']+'|\"[^\"]+\"|\d+\.\d+|[a-z0-9_]+(?:['\-][a-z0-9_]+)*|[^\sa-z0-9]", re.IGNORECASE)


@dataclass(frozen=True)
class Phrase:
    kind: str  # aggregate, anti, group, rank_desc, rank_asc, compare, period, month_of_year, unsupported, filler, joiner, number, noun
    value: str  # the operator, period, comparison, unsupported operator's name, number, or the noun's English word


@dataclass
class Lexicon:
    language: str
    phrases: dict[tuple[str, ...], Phrase] = field(default_factory=dict)
    reading: dict[str, str] = field(default_factory=dict)  # sentence templates for the reading and the decline
    postfix: set[str] = field(default_factory=set)  # kinds written after the word they apply to (Korean 국가별)
    requests: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)  # kind of request -> phrases naming it

    def mentions(self, text: str, kind: str) -> bool:
        """Whether `text` holds a phrase naming this kind of request (or, for operator kinds, this operator)."""
        units = units_of(text)
        phrases = self.requests.get(kind, set())
        for size in range(1, self.longest + 1):
            for start in range(len(units) - size + 1):
                run = units[start : start + size]
                if run in phrases or (kind == "operator" and self.phrases.get(run, Phrase("", "")).kind in OPERATORS):
                    return True
        return False
    longest: int = 1

    def add(self, text: str, phrase: Phrase) -> None:
        key = units_of(str(text))
        if key and key not in self.phrases:
            self.phrases[key] = phrase
            self.longest = max(self.longest, len(key))


def units_of(text: str) -> tuple[str, ...]:
    """The units of a text: lower-cased, plurals folded to the singular (orders -> order)."""
    out = []
    for unit in UNIT.findall(text.lower()):
        if unit[0] in "'\"":
            out.append(unit)
        else:
            word = singular(unit) if unit.isascii() and unit.isalpha() and len(unit) > 3 else unit
            out.append("id" if word == "ids" else word)
    return tuple(out)


@cache
def lexicon(language: str) -> Lexicon:
    """The lexicon of `language`, with English under it: questions mix English words into any language."""
    found = Lexicon(language if language in LANGUAGES else "en")
    for name in dict.fromkeys([found.language, "en"]):
        data = yaml.safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8"))
        for operator, texts in data["aggregates"].items():
            for text in texts:
                found.add(text, Phrase("aggregate", operator))
        for kind in ("followup", "anti", "duplicate", "negative", "group", "rank_desc", "rank_asc", "month_of_year", "joiner", "product", "fillers"):
            for text in data.get(kind, []):
                found.add(text, Phrase("filler" if kind == "fillers" else kind, kind))
        for op, texts in data["comparisons"].items():
            for text in texts:
                found.add(text, Phrase("compare", op))
        for grain, texts in data["periods"].items():
            for text in texts:
                found.add(text, Phrase("period", grain))
        for operator, texts in data["unsupported"].items():
            for text in texts:
                found.add(text, Phrase("unsupported", operator))
        for text, number in data.get("numbers", {}).items():
            found.add(text, Phrase("number", str(number)))
        for text in data.get("column_suffixes", []):
            found.add(text, Phrase("column_suffix", text))
        for text, columns in data.get("synonyms", {}).items():
            found.add(text, Phrase("synonym", "|".join(columns)))
        for text, word in data.get("nouns", {}).items():
            found.add(text, Phrase("noun", word))
        if name == found.language:
            found.postfix = set(data.get("postfix", []))
        for kind, texts in data.get("requests", {}).items():
            keys = {units_of(str(t)) for t in texts}
            found.requests.setdefault(kind, set()).update(keys)
            found.longest = max(found.longest, *(len(k) for k in keys))
        for key, template in data["reading"].items():
            found.reading.setdefault(key, template)
    return found
