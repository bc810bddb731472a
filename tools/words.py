"""Words of names and requests: one tokenizer and one singularizer for every layer that matches words.

Table names, column names and a user's request are compared word by word, so all of them must be split
and folded the same way; a second copy with other rules would make `categories` match in one place
and miss in another.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W_]+", re.UNICODE)
CAMEL = re.compile(r"([a-z0-9])([A-Z])")
# Words whose last `s` is not a plural (`status`, `analysis`, `address`, `series`).
NOT_PLURAL_ENDINGS = ("ss", "us", "is")
SAME_IN_PLURAL = frozenset({"series", "species", "news"})


def singular(word: str) -> str:
    """The lower-case singular of an English plural by its regular endings; other words come back lower-cased.

    categories -> category, classes -> class, boxes -> box, batches -> batch, cases -> case, orders -> order;
    status, analysis and words of three letters or fewer (`has`, `ids`) are left alone.
    """
    word = word.lower()
    if word in SAME_IN_PLURAL or len(word) <= 3 or not word.endswith("s") or word.endswith(NOT_PLURAL_ENDINGS):
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zzes", "ches", "shes")):
        return word[:-2]
    return word[:-1]


def split_words(text: str) -> list[str]:
    """Lower-case words of `text` (any script), snake_case, kebab-case and camelCase split."""
    return [w.lower() for w in WORD.findall(CAMEL.sub(r"\1 \2", text))]


def words(text: str) -> list[str]:
    """`split_words` with plurals folded, so `orders` in a request meets the `order_id` column."""
    return [singular(w) for w in split_words(text)]
