"""Label phrases as counted: one key for "the terrorist groups" and "terrorist group"."""

from __future__ import annotations

import re

_DROP = frozenset("the a an some these those this that its their his her".split())
_QUOTES = str.maketrans({c: " " for c in "\"“”‘’«»"})
_ES = ("ches", "shes", "sses", "xes", "zes")


def singular(word: str) -> str:
    """English plural -> singular for the head of a label ("militias" -> "militia", "gangs" -> "gang")."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(_ES):
        return word[:-2]
    if word.endswith("men"):
        return word
    return word[:-1]


def label_key(term: str) -> str:
    words = [w for w in re.split(r"\s+", term.translate(_QUOTES).lower().strip()) if w]
    while words and words[0] in _DROP:
        words = words[1:]
    if not words:
        return ""
    of = words.index("of") if "of" in words[1:] else len(words)  # "coalition of groups": the head is before "of"
    words[of - 1] = singular(words[of - 1])
    return " ".join(words).replace(" - ", "-").replace(" -", "-").replace("- ", "-")
