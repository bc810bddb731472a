"""Words and how loosely two of them match, for routing and for mapping questions onto a schema."""

from __future__ import annotations

import os
import re

from tools.words import singular

WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*|[^\W\d_]+", re.UNICODE)
STOPWORDS = frozenset(
    """a an and are as at be by can do does for from how i in into is it its me my of on or our please show
    that the their them then these this those to us we what when where which who whom why will with you your
    all any each every give get list tell want need using use via per data set sets new make build create
    design help should would could some more most other than also about between across out up so just only
    like there here has have had been being was were not no yes one two based""".split()
)


def tokens(text: str) -> list[str]:
    """Lower-case words without stopwords; hyphenated words also give their parts; plurals folded."""
    out: list[str] = []
    for raw in WORD.findall(text.lower().replace("_", " ")):
        parts = [raw, *raw.split("-")] if "-" in raw else [raw]
        for part in parts:
            word = singular(part)
            if word and word not in STOPWORDS and not word.isdigit():
                out.append(word)
    return out


def related(a: str, b: str) -> bool:
    """Same word, or one a stem of the other (mask/masking, migrate/migration, cost/costs)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    if a.startswith(b) or b.startswith(a):
        return True
    return len(os.path.commonprefix([a, b])) >= 6


def tags(text: str) -> dict[str, str]:
    """The tagged sections of the coordinator's message (`<roster>`, `<request>`), first of each."""
    found: dict[str, str] = {}
    for match in re.finditer(r"<([a-z_]+)(?: [^>]*)?>(.*?)</\1>", text, re.DOTALL):
        found.setdefault(match.group(1), match.group(2).strip())
    return found
