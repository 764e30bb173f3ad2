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
from functools import lru_cache
from urllib.parse import urlparse

_WORD = r"(?:[A-Z][\w&'’.-]*|al-[A-Z][\w'’-]*)"
_NAME = rf"(?:the[ \t]+)?(?P<name>{_WORD}(?:[ \t]+(?:{_WORD}|of|for|al|news|de|la)){{0,6}})"  # one line
_TLD = r"(?:com|net|org|ir|ru|sy|news|info|tv|co|uk|de|fr|us|ca|au|in|cn|tr|ua|io|me|am)"
_DOMAIN = rf"(?P<domain>(?:[a-z0-9-]+\.)+{_TLD})\b"
_ANY_DOMAIN = r"(?P<domain>(?:[a-z0-9-]+\.)+[a-z]{2,12})\b"  # after "Source:" any top-level domain will do
# Each kind of credit is found by a cheap trigger (a few fixed words), then its name is read next to it: after the
# trigger ("according to NAME"), or just before it ("NAME reported"). A name pattern run at every position of an
# article (nested repetitions over capitalised words) costs milliseconds; anchored next to a trigger, microseconds.
_AFTER: list[tuple[str, re.Pattern[str]]] = [
    ("according to", re.compile(r"\b(?:[Aa]ccording\s+to|[Cc]iting|[Qq]uoting|[Tt]old)\s+")),
    ("source", re.compile(r"(?:^|\n|\()[ \t]*(?:[Ss]ource|[Vv]ia|[Cc]ourtesy(?:\s+of)?|[Cc]redit|"
                          r"[Rr]eprinted\s+(?:from|with\s+permission\s+of))\s*[:：-]?\s*")),
    ("first appeared", re.compile(r"\b(?:[Oo]riginally|[Ff]irst)\s+(?:published|appeared|posted|ran)\s+"
                                  r"(?:by|on|in|at)\s+")),
    ("republished", re.compile(r"\b[Rr]e(?:published|posted|printed)\s+(?:from|with\s+permission\s+(?:from|of))\s+")),
    ("copyright", re.compile(r"(?:©|\([Cc]\)|\b[Cc]opyright)\s*(?:\d{4}\s*)?")),
]
_BEFORE: list[tuple[str, re.Pattern[str]]] = [
    ("reported", re.compile(r"\s+(?:news\s+agency\s+)?(?:reported|reports|quoted|wrote|said\s+in\s+a\s+report|"
                            r"cited)\b")),
    ("contributed", re.compile(r"\s+contributed\s+to\s+this\s+report")),
]
# The fixed words that start looking (found with str.find on the lower-cased text, at C speed).
_KEYWORDS = {
    "according to": ("according", "citing", "quoting", "told"),
    "source": ("source", "via", "courtesy", "credit", "reprinted"),
    "first appeared": ("originally", "first"),
    "republished": ("republished", "reposted", "reprinted"),
    "copyright": ("©", "(c)", "copyright"),
    "reported": ("reported", "reports", "quoted", "wrote", "said in a report", "cited"),
    "contributed": ("contributed to this report",),
}
_NAME_AT = re.compile(rf"{_NAME}|(?:https?://)?(?:www\.)?{_ANY_DOMAIN}")
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}\((?P<name>[A-Z][\w&.' -]{1,30})\)\s*[-–—]", re.M)
_TLD_AT = re.compile(rf"\.{_TLD}\b")
_DOMAIN_BEFORE = re.compile(r"(?:https?://)?(?:www\.)?(?P<domain>(?:[a-z0-9-]+\.)*[a-z0-9-]+)$")
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
    phrase: str = ""  # the whole phrase, lower-cased words ("2016 daily courier"): one credit line from another

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "kind": self.kind, "name": self.name, "phrase": self.phrase}


def find_credits(text: str, limit: int = 200_000) -> list[Credit]:
    """Every credit phrase in `text` (only its first and last `limit / 2` characters when longer: a credit sits near
    the top or the end, and a 2 MB page must not cost a scan of everything)."""
    if len(text) > limit:
        half = limit // 2
        head = find_credits(text[:half], limit)
        tail = [Credit(c.start + len(text) - half, c.end + len(text) - half, c.kind, c.name, c.phrase)
                for c in find_credits(text[-half:], limit)]
        return head + tail
    found: dict[tuple[int, int], Credit] = {}

    def keep(start: int, end: int, kind: str, name: str | None) -> None:
        name = (name or "").strip(" .,'’-")
        if name and name.lower() not in _NOT_OUTLETS and _key(name):
            phrase = " ".join(re.findall(r"\w+", text[start:end].lower()))
            found.setdefault((start, end), Credit(start, end, kind, name, phrase))

    lower = text.lower()
    for kind, trigger in _AFTER:
        for m in _near(text, lower, kind, trigger):
            if (n := _NAME_AT.match(text, m.end())) is not None:
                keep(m.start(), n.end(), kind, n.group("name") or n.group("domain"))
    for kind, trigger in _BEFORE:
        for m in _near(text, lower, kind, trigger):
            if (n := _name_before(text, m.start())) is not None:
                keep(n[0], m.end(), kind, n[1])
    for m in _datelines(text):
        keep(m.start(), m.end(), "dateline", m.group("name"))
    low = lower if len(lower) == len(text) else text  # web addresses in any case ("Infowars.com")
    for m in _TLD_AT.finditer(low):
        if (n := _DOMAIN_BEFORE.search(low, max(0, m.start() - 80), m.start())) is not None and n.group("domain"):
            keep(n.start(), m.end(), "web address", n.group("domain") + low[m.start(): m.end()])
    return sorted(found.values(), key=lambda c: c.start)


def _datelines(text: str) -> list[re.Match[str]]:
    """`_DATELINE.finditer(text)`, tried at line starts only: the pattern starts with `^` (multi-line), and a search
    over every position of an article costs more than the rest of `find_credits`. A match may run over a line end
    (`\\s*` before the dash): line starts inside it are skipped, as the search skips them."""
    out = []
    pos, end = 0, 0
    while pos <= len(text):
        if pos >= end and (m := _DATELINE.match(text, pos)) is not None:
            out.append(m)
            end = m.end()
        nl = text.find("\n", pos)
        if nl < 0:
            break
        pos = nl + 1
    return out


_CAPITAL = re.compile(r"^(?:[A-Z][\w&'’.-]*|al-[A-Z][\w'’-]*)$")
_JOINERS = frozenset({"of", "for", "al", "news", "de", "la"})


def _name_before(text: str, end: int) -> tuple[int, str] | None:
    """The capitalised name that ends at `end` ("... Fars News Agency| reported"), read backwards word by word on
    its line: a search for a name pattern anchored at the end would try every position of the window."""
    line_start = text.rfind("\n", max(0, end - 120), end) + 1
    words = text[max(line_start, end - 120): end].split(" ")
    taken: list[str] = []
    for word in reversed(words):
        if taken and word[-1:] in ".,;:!?\"”’)":  # the name starts after the end of a sentence or clause
            break
        if _CAPITAL.match(word) or (taken and word in _JOINERS):
            taken.append(word)
            if len(taken) == 7:
                break
        else:
            break
    while taken and taken[-1] in _JOINERS:
        taken.pop()
    if not taken or (words and not words[-1]):
        return None
    name = " ".join(reversed(taken))
    if name.startswith(("The ", "the ")):
        name = name[4:]
    return end - len(" ".join(reversed(taken))), name


def _near(text: str, lower: str, kind: str, trigger: re.Pattern[str]):
    """Matches of `trigger` around each occurrence of its keywords (each match once)."""
    seen: set[int] = set()
    for word in _KEYWORDS[kind]:
        pos = lower.find(word)
        while pos != -1:
            start = max(0, pos - 16)
            m = trigger.search(text, start, min(len(text), pos + len(word) + 40))
            if m is not None and m.start() not in seen and m.start() <= pos <= m.end():
                seen.add(m.start())
                yield m
            pos = lower.find(word, pos + 1)


def _key(s: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", s.lower())


@lru_cache(maxsize=65536)
def outlet_keys(outlet: str | None, url: str | None = None) -> frozenset[str]:
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
    return frozenset(k for k in keys if len(k) >= 2)


def names_outlet(name: str, keys: frozenset[str]) -> bool:
    """Whether a credited name is the outlet with these keys (exact, or one a prefix of the other of 4+ letters)."""
    k = _key(name.removeprefix("the ").removeprefix("The "))
    if not k or not keys:
        return False
    if k in keys:
        return True
    return any(len(x) >= 4 and len(k) >= 4 and (k.startswith(x) or x.startswith(k)) for x in keys)
