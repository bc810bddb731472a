"""Routing by description affinity: the request's words against each persona's description.

Words that many descriptions share say little about who should answer, so each description word is
weighted by how rare it is on the roster (inverse document frequency).
"""

from __future__ import annotations

import math
import re

from assistant.planner.text import related, tokens

LEAD = "data-engineer"
MAX_COLLABORATORS = 2
KEEP_RATIO = 0.8  # a second collaborator joins only when it is nearly as relevant as the first
MIN_SCORE = 3.0  # one rare word is not enough to bring in a specialist


def parse_roster(text: str) -> dict[str, str]:
    """name -> description from the `- name: description` lines of a roster listing."""
    return {m.group(1): m.group(2) for m in re.finditer(r"^- ([a-z0-9][a-z0-9_-]*): (.+)$", text, re.MULTILINE)}


def affinity(request: str, roster: dict[str, str]) -> dict[str, float]:
    vocab = {name: set(tokens(description)) for name, description in roster.items()}
    count = len(vocab)
    weight: dict[str, float] = {}
    for words in vocab.values():
        for word in words:
            weight[word] = weight.get(word, 0) + 1
    weight = {w: math.log((count + 1) / n) for w, n in weight.items()}
    asked = set(tokens(request))
    scores = {}
    for name, words in vocab.items():
        scores[name] = sum(max((weight[d] for d in words if related(q, d)), default=0.0) for q in asked)
    return scores


def route(request: str, roster: dict[str, str]) -> tuple[str, list[str], dict[str, float]]:
    """(lead, collaborators, scores). The lead is data-engineer unless another agent alone fits."""
    scores = affinity(request, roster)
    lead = LEAD if LEAD in roster else max(scores, key=lambda n: scores[n])
    others = sorted((n for n in roster if n != lead), key=lambda n: -scores[n])
    if lead == LEAD and others and scores[LEAD] == 0 and scores[others[0]] >= MIN_SCORE:
        lead, others = others[0], others[1:]
    best = scores[others[0]] if others else 0.0
    chosen = [n for n in others if scores[n] >= MIN_SCORE and scores[n] >= KEEP_RATIO * best]
    return lead, chosen[:MAX_COLLABORATORS], scores
