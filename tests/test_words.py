"""The one singularizer and word splitter, from a fixture table of words and what they fold to."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tools.words import singular, split_words, words

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "words.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("word", "expected"), CASES["singular"].items())
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


@pytest.mark.parametrize(("text", "expected"), CASES["words"].items())
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES["split_words"].items())
def test_split_words(text: str, expected: list[str]) -> None:
    assert split_words(text) == expected
