"""From BM25 scores to a route: the lead and the collaborators a request needs.

The lead is the roster's lead (data-engineer) unless nothing in the request touches the lead's cards
and a specialist plainly fits, as in a pure access-control review for the security auditor. A
collaborator joins when its score is at least `MIN_SCORE` (one shared word is not enough), at least
`SUPPORT_RATIO` of the lead's (a pipeline that merely names a warehouse stays with the lead), and
near the best specialist's (`KEEP_RATIO`).
The constants are tuned on tests/agents/fixtures/routing_tuning.yaml and measured on
routing_heldout.yaml beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.routing.cards import RoutingCard
from assistant.routing.rank import rank

LEAD = "data-engineer"  # leads every request that does not plainly belong to another persona alone
MAX_COLLABORATORS = 2  # most requests need zero, one or two specialists
MIN_SCORE = 4.0
SUPPORT_RATIO = 0.5
KEEP_RATIO = 0.8


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
    if scores[lead] == 0 and scores[ranked[0]] >= MIN_SCORE:
        lead = ranked[0]
    others = [name for name in ranked if name not in (lead, LEAD)]
    floor = max(MIN_SCORE, SUPPORT_RATIO * scores[lead], KEEP_RATIO * (scores[others[0]] if others else 0.0))
    chosen = [name for name in others if scores[name] >= floor]
    return Route(lead, chosen[:MAX_COLLABORATORS], scores)
