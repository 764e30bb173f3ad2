"""The site's own name in a title or an outlet: "Headline - The Paradigm", "PressTV-Headline",
"LinkNaija | Nigeria's popular news platform".

Pages put their site's name in ``<title>``, which is where trafilatura and most feeds take the title from. Left
there, the headline that every later layer reads (check-worthiness, techniques, copies across outlets) carries the
outlet's name, and one story re-posted by two sites gets two titles. The name is taken off only when it is the
outlet the article comes from (its site name, or the name in its web address), never guessed from the title alone:
"National Data | May Jobs" keeps its section, "The Guardian view on Hong Kong | Editorial" its genre.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from urllib.parse import urlsplit

# Between a headline and the site's name: spaced bars, dashes, bullets ("Headline | Site", "Headline - Site").
_SEPARATOR = re.compile(r"\s+(?:[|\-–—·»/]|::)\s+")
# Between the parts of a title or a site's name: the separators above, or a colon ("Opinion | Headline",
# "Headline: the subtitle", "Bangkok Post: news").
TITLE_PARTS = re.compile(r"\s*:\s+|" + _SEPARATOR.pattern)
# After a site's name that opens the title: the same, a colon, or a hyphen glued to the headline ("PressTV-Sun to").
_LEADING_SEPARATOR = re.compile(r"\s*[|:–—·»]\s*|\s+-\s+|-(?=[A-Z0-9])")
# Second-level labels under a country's domain: "bbc.co.uk" is "bbc", not "co".
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go"})
MIN_NAME = 3  # a shorter "name" (an initial, "tv") would match too much
MIN_PREFIX = 6  # a shortened name ("Inexhibit" for "Inexhibit magazine") has this many letters at least
MIN_GLUED = 5  # "PressTV-Sun": a name glued to the headline by a hyphen is this long, or a word like "Pro-" it is not
SITE_NAME = "site name in the title (the outlet)"
# No headline is longer; a "title" that is (a whole page in a feed's title field) is left as it is, and the
# comparisons over its separators, quadratic in its length, are never made.
MAX_TITLE = 500
# Site "names" that name nothing: a web address, or a copyright line with no name in it ("Copyright 2014", "© 2019").
_ADDRESS = re.compile(r"(?i)\s*https?://\S+\s*$")
# Site "names" a content system fills in when the site gives none ("Hosted" on AP's hosted.ap.org pages).
_NO_NAMES = frozenset({"hosted", "home", "homepage", "index", "news", "blog", "website", "site", "untitled",
                       "wordpress"})
_COPYRIGHT = re.compile(r"(?i)\s*(?:copyright|\(c\)|©)[\s\d.,-]*(?:all rights reserved\.?)?\s*$")


def key(text: str) -> str:
    """Letters and digits only, case folded: quote, dash and spacing styles never decide a match."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def outlet_from_url(url: str | None) -> str | None:
    """The address's host without "www.": the outlet's name when the page gives none."""
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def host_label(url: str | None) -> str | None:
    """The name in a web address: "https://www.linknaija.com/x" -> "linknaija", "news.bbc.co.uk" -> "bbc"."""
    host = outlet_from_url(url) or ""
    labels = [label for label in host.split(".") if label]
    if len(labels) < 2:
        return None
    labels.pop()  # the top-level domain
    if len(labels) >= 2 and labels[-1] in _SECOND_LEVEL:
        labels.pop()
    return labels[-1]


def site_names(outlet: str | None, url: str | None) -> frozenset[str]:
    """Keys of the names the site goes by: its whole site name, each part of one with a tagline, its address."""
    names = set()
    if outlet:
        names.add(key(outlet))
        names.update(key(part) for part in _SEPARATOR.split(outlet))
    label = host_label(url)
    if label:
        names.update((key(label), key(outlet_from_url(url) or "")))  # "HarborDaily.com" too
    return frozenset(n for n in names if len(n) >= MIN_NAME)


def is_site(text: str, names: Collection[str]) -> bool:
    """The text names the site: the same letters as one of its names; a shortening of one, long enough to be no
    accident ("Inexhibit" for "Inexhibit magazine"); or a name and a word or two after a separator ("Bangkok Post:
    news")."""
    k = key(text)
    if len(k) < MIN_NAME:
        return False
    if k in names:
        return True
    if any(len(k) >= MIN_PREFIX and 2 * len(k) >= len(name) and name.startswith(k) for name in names):
        return True
    first, *rest = TITLE_PARTS.split(text, maxsplit=1)
    return bool(rest) and key(first) in names and len(rest[0].split()) <= 2


def strip_site_name(title: str, names: Collection[str]) -> tuple[str, list[str]]:
    """The title without the site's name at its end or start, and the parts taken off (empty when none).

    At the end, the cut is at the first separator after which everything is the site ("Story - Remember 80/90 -
    Memorabilia anni 80/90"); at the start, at the last separator before which everything is ("LinkNaija | Nigeria's
    popular news platform: Story"), and only for the site's very name, glued or not ("PressTV-Sun to cool down"). What
    is left must still hold a few letters: a title that is only the site's name stays.
    """
    if not names or not title or len(title) > MAX_TITLE:
        return title, []
    cut: list[str] = []
    for m in _SEPARATOR.finditer(title):
        head, tail = title[: m.start()], title[m.end() :]
        if len(key(head)) >= 4 and key(head) not in names and is_site(tail, names):
            cut.append(tail.strip())
            title = head.rstrip()
            break
    best = None
    for m in _LEADING_SEPARATOR.finditer(title[:160]):
        head, rest = title[: m.start()], title[m.end() :]
        if len(key(rest)) < 4 or not key(head):
            continue
        glued = m.group() == "-"
        if key(head) in names and (not glued or len(key(head)) >= MIN_GLUED):  # the name itself, nothing more
            best = (head.strip(), rest.lstrip())
    if best is not None:
        cut.insert(0, best[0])
        title = best[1]
    return title, cut


def outlet_name(outlet: str | None, url: str | None) -> str | None:
    """The outlet without a tagline, when the page's site name has one and its address says which part is the name
    ("LinkNaija | Nigeria's popular news platform" at linknaija.com -> "LinkNaija"); the address's host when the page
    names no site, or gives as its name an address ("https://www.hawaiinewsnow.com"), a copyright line ("Copyright
    2014") or a placeholder ("Hosted"): an outlets table must not list a site twice, once by name and once by
    address, nor a year or a placeholder as an outlet."""
    if outlet and _ADDRESS.match(outlet):
        outlet = outlet_from_url(outlet.strip())
    elif outlet and _COPYRIGHT.match(outlet):
        outlet = None
    elif outlet and key(outlet) in _NO_NAMES and outlet_from_url(url):
        outlet = None  # the address names the site better; without one the placeholder is all there is
    if not outlet:
        return outlet_from_url(url)
    label = host_label(url)
    parts = _SEPARATOR.split(outlet)
    if label and len(parts) > 1:
        for part in parts:
            if key(part) == key(label):
                return part.strip()
    return outlet
