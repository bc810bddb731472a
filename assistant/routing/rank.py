"""BM25 over the roster: each persona is one document made of its routing cards in every language.

A small implementation rather than a dependency: the roster is a handful of documents, and the
tokenizer (`terms`) is where the work is. IDF is the non-negative form (Lucene's), since with so few
documents a term most personas share would otherwise score below zero.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from assistant.routing.cards import RoutingCard
from assistant.routing.terms import expand, terms

K1 = 1.2
B = 0.75


def rank(request: str, cards: Iterable[RoutingCard]) -> dict[str, float]:
    """BM25 score of every persona named by the cards for `request` (its terms plus their synonyms)."""
    documents: dict[str, Counter[str]] = {}
    for card in cards:
        documents.setdefault(card.name, Counter()).update(terms(" ".join([card.description, *card.examples])))
    if not documents:
        return {}
    count = len(documents)
    average = sum(sum(d.values()) for d in documents.values()) / count or 1.0
    holding = Counter(term for document in documents.values() for term in document)
    asked = set(expand(terms(request)))
    scores: dict[str, float] = {}
    for name, document in documents.items():
        length = sum(document.values())
        score = 0.0
        for term in asked:
            frequency = document.get(term, 0)
            if frequency:
                idf = math.log(1 + (count - holding[term] + 0.5) / (holding[term] + 0.5))
                score += idf * frequency * (K1 + 1) / (frequency + K1 * (1 - B + B * length / average))
        scores[name] = score
    return scores
