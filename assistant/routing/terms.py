"""Index terms for routing, in every supported language.

Latin words are lower-cased, stopped and stemmed (Snowball English). Han runs (zh-TW) give their
character bigrams, since Chinese is written without spaces and two characters are the usual word.
Hangul words (ko) lose their particles and endings, then give the stem and its syllable bigrams, so
a compound written with or without a space matches. Phrases and synonyms come from `lexicon.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LEXICON = Path(__file__).with_name("lexicon.yaml")
CHUNK = re.compile(r"[a-z0-9]+(?:[-.+][a-z0-9]+)*|[\u4e00-\u9fff\u3400-\u4dbf]+|[\uac00-\ud7a3]+")
HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Lexicon:
    phrases: dict[str, str]  # lower-cased phrase -> the one term it stands for
    synonyms: dict[str, tuple[str, ...]]  # term -> the terms it also counts as
    stopwords: frozenset[str]
    particles: tuple[str, ...]  # Korean endings, longest first


@cache
def lexicon() -> Lexicon:
    import yaml

    raw = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    stopwords = frozenset(str(w).lower() for words in raw["stopwords"].values() for w in words)
    particles = tuple(sorted({str(p) for p in raw["particles"]["ko"]}, key=len, reverse=True))
    phrases = {str(k).lower(): str(v) for k, v in raw["phrases"].items()}
    bare = Lexicon(phrases, {}, stopwords, particles)
    synonyms: dict[str, tuple[str, ...]] = {}
    for word, also in raw["synonyms"].items():
        keys = _terms(str(word), bare)
        values = tuple(t for value in also for t in _terms(str(value), bare))
        if len(keys) == 1:  # a synonym keyed by several terms would fire on any one of them
            synonyms[keys[0]] = tuple(dict.fromkeys([*synonyms.get(keys[0], ()), *values]))
    return Lexicon(phrases, synonyms, stopwords, particles)


def terms(text: str) -> list[str]:
    """The index terms of `text`, in order, repeats kept (BM25 counts them)."""
    return _terms(text, lexicon())


def expand(found: list[str]) -> list[str]:
    """A request's terms with their synonyms added (each synonym once per term that brings it)."""
    table = lexicon().synonyms
    return [*found, *(s for t in found for s in table.get(t, ()) if s not in found)]


def _terms(text: str, lex: Lexicon) -> list[str]:
    lowered = " ".join(text.lower().replace("_", " ").split())
    out: list[str] = []
    for phrase, term in lex.phrases.items():
        if phrase in lowered:
            out.extend([term] * lowered.count(phrase))
            lowered = lowered.replace(phrase, " ")
    for chunk in CHUNK.findall(lowered):
        if HAN.match(chunk):
            out.extend(_han(chunk, lex))
        elif HANGUL.match(chunk):
            out.extend(_hangul(chunk, lex))
        else:
            out.extend(_latin(chunk, lex))
    return out


def _latin(word: str, lex: Lexicon) -> list[str]:
    parts = [word, *re.split(r"[-.+]", word)] if re.search(r"[-.+]", word) else [word]
    return [_stem(p) for p in parts if p and p not in lex.stopwords and not p.isdigit()]


def _han(run: str, lex: Lexicon) -> list[str]:
    if len(run) == 1:
        return [] if run in lex.stopwords else [run]
    return [run[i : i + 2] for i in range(len(run) - 1) if run[i : i + 2] not in lex.stopwords]


def _hangul(word: str, lex: Lexicon) -> list[str]:
    if word in lex.particles:  # a particle written after Latin text ("S3에")
        return []
    for particle in lex.particles:
        if word.endswith(particle) and len(word) > len(particle):
            word = word[: -len(particle)]
            break
    if word in lex.stopwords:
        return []
    if len(word) <= 2:
        return [word]
    return [word, *(word[i : i + 2] for i in range(len(word) - 1))]


@cache
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


@cache
def _stemmer() -> Any:  # snowballstemmer ships no type hints
    import snowballstemmer

    return snowballstemmer.stemmer("english")
