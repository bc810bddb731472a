"""From BM25 scores to a route: the lead and the collaborators a request needs.

The lead is the roster's lead (data-engineer) unless another persona outscores it by `LEAD_RATIO`,
as a pure access-control review does for the security auditor. A collaborator joins when its score
is at least `MIN_SCORE` (one shared word is not enough) and near the best one (`KEEP_RATIO`).
The constants are tuned on tests/agents/routing_tuning.yaml and measured on routing_heldout.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.roster import LEAD, MAX_COLLABORATORS
from assistant.routing.cards import RoutingCard
from assistant.routing.rank import rank

MIN_SCORE = 3.0
KEEP_RATIO = 0.6
LEAD_RATIO = 2.0


@dataclass(frozen=True)
class Route:
    lead: str
    collaborators: list[str]
    scores: dict[str, float]


def route(request: str, cards: Iterable[RoutingCard]) -> Route:
    scores = rank(request, cards)
    if not scores:
        return Route(LEAD, [], {})
    ranked = sorted(scores, key=lambda name: (-scores[name], name))
    lead = LEAD if LEAD in scores else ranked[0]
    top = ranked[0]
    if top != lead and scores[top] >= MIN_SCORE and scores[top] >= LEAD_RATIO * scores[lead]:
        lead = top
    others = [name for name in ranked if name != lead and name != LEAD]
    best = scores[others[0]] if others else 0.0
    chosen = [name for name in others if scores[name] >= MIN_SCORE and scores[name] >= KEEP_RATIO * best]
    return Route(lead, chosen[:MAX_COLLABORATORS], scores)
