"""Credit lines: where a text says whom it took the story from ("Fars News Agency reported", "according to
Reuters", "Source: SANA", "(AP) -", "This article first appeared on ..."), and whether a name so credited is a
given outlet.

A copy that names the outlet it copied is *credited*; a credit the original carries and the copy dropped is a
"credit removed" edit; who credits whom is also the strongest evidence of who published first. Only capitalised
names (or web addresses) count: "according to local sources" credits nobody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

_WORD = r"(?:[A-Z][\w&'’.-]*|al-[A-Z][\w'’-]*)"
_NAME = rf"(?:the\s+)?(?P<name>{_WORD}(?:\s+(?:{_WORD}|of|for|al|news|de|la)){{0,6}})"
_TLD = r"(?:com|net|org|ir|ru|sy|news|info|tv|co|uk|de|fr|us|ca|au|in|cn|tr|ua|io|me|am)"
_DOMAIN = rf"(?P<domain>(?:[a-z0-9-]+\.)+{_TLD})\b"
_ANY_DOMAIN = r"(?P<domain>(?:[a-z0-9-]+\.)+[a-z]{2,12})\b"  # after "Source:" any top-level domain will do
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("reported", re.compile(
        rf"\b{_NAME}\s+(?:news\s+agency\s+)?(?:reported|reports|quoted|wrote|said in a report|cited)\b")),
    ("according to", re.compile(rf"\b(?:[Aa]ccording\s+to|[Cc]iting|[Qq]uoting|[Tt]old)\s+{_NAME}")),
    ("source", re.compile(
        rf"(?:^|\n|\()\s*(?:[Ss]ource|[Vv]ia|[Cc]ourtesy(?:\s+of)?|[Cc]redit|[Rr]eprinted\s+(?:from|with\s+permission\s+of))"
        rf"\s*[:：-]?\s*(?:{_NAME}|(?:https?://)?(?:www\.)?{_ANY_DOMAIN})")),
    ("first appeared", re.compile(
        rf"\b(?:[Oo]riginally|[Ff]irst)\s+(?:published|appeared|posted|ran)\s+(?:by|on|in|at)\s+{_NAME}")),
    ("republished", re.compile(
        rf"\b[Rr]e(?:published|posted|printed)\s+(?:from|with\s+permission\s+(?:from|of))\s+{_NAME}")),
    ("dateline", re.compile(r"^[A-Z][A-Z .,'-]{2,40}\((?P<name>[A-Z][\w&.' -]{1,30})\)\s*[-–—]", re.M)),
    ("contributed", re.compile(rf"{_NAME}\s+contributed\s+to\s+this\s+report")),
    ("copyright", re.compile(rf"(?:©|\([Cc]\)|[Cc]opyright)\s*(?:\d{{4}}\s*)?{_NAME}")),
    ("web address", re.compile(rf"(?:https?://)?(?:www\.)?{_DOMAIN}")),
]
# Names that a pattern can capture but that credit no outlet.
_NOT_OUTLETS = frozenset({
    "the", "a", "an", "it", "he", "she", "they", "we", "i", "this", "that", "sources", "officials", "reports",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "reuters photo", "him", "her",
})
_GENERIC = frozenset({"the", "news", "agency", "daily", "online", "network", "media", "press", "com", "www", "of",
                      "and", "tv", "radio", "service", "international", "post"})


@dataclass(frozen=True)
class Credit:
    """A credit in a text: characters [start, end), the kind of phrase, and the name it credits."""

    start: int
    end: int
    kind: str
    name: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "kind": self.kind, "name": self.name}


def find_credits(text: str, limit: int = 200_000) -> list[Credit]:
    """Every credit phrase in `text` (only its first `limit` characters: a credit sits near the top or the end, and a
    2 MB page must not cost a regex scan of everything)."""
    head = text if len(text) <= limit else text[: limit // 2] + "\n" + text[-limit // 2:]
    shift = 0 if len(text) <= limit else len(text) - len(head)
    found: dict[tuple[int, int], Credit] = {}
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(head):
            name = (m.groupdict().get("name") or m.groupdict().get("domain") or "").strip(" .,'’-")
            if not name or name.lower() in _NOT_OUTLETS or not _key(name):
                continue
            start, end = m.start(), m.end()
            if start > len(head) - limit // 2 and shift:
                start, end = start + shift, end + shift
            found.setdefault((start, end), Credit(start, end, kind, name))
    return sorted(found.values(), key=lambda c: c.start)


def _key(s: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", s.lower())


def outlet_keys(outlet: str | None, url: str | None = None) -> set[str]:
    """The forms a credit may name an outlet by: "farsnews.ir" and "https://www.farsnews.ir/..." give "farsnews";
    "Fars News Agency" gives "farsnewsagency", "farsnews", "fars" and its initials "fna"."""
    keys: set[str] = set()
    for value in (outlet, urlparse(url).hostname if url else None):
        if not value:
            continue
        value = value.strip().lower()
        host = value.removeprefix("www.")
        if re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", host):
            stem = host.rsplit(".", 1)[0]
            keys.update({_key(stem), _key(stem.split(".")[-1])})
            continue
        words = re.findall(r"[0-9a-z]+", value)
        if not words:
            continue
        keys.add("".join(words))
        core = [w for w in words if w not in _GENERIC]
        if core:
            keys.add("".join(core))
            keys.add("".join(core[:2]) + ("news" if "news" in words else ""))
        if len(words) >= 2:
            keys.add("".join(w[0] for w in words if w not in ("the", "of", "and")))
    return {k for k in keys if len(k) >= 2}


def names_outlet(name: str, keys: set[str]) -> bool:
    """Whether a credited name is the outlet with these keys (exact, or one a prefix of the other of 4+ letters)."""
    k = _key(name.removeprefix("the ").removeprefix("The "))
    if not k or not keys:
        return False
    if k in keys:
        return True
    return any(len(x) >= 4 and len(k) >= 4 and (k.startswith(x) or x.startswith(k)) for x in keys)
