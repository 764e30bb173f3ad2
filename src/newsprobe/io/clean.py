"""Clean scraped article text of web debris and find its title and section.

Scrapers leave buttons ("Back to top"), share widgets, photo ids, copyright footers and lists of
related headlines in the text; each of those would otherwise become a "sentence" that later layers
analyse. The method is general, so it works on sites we have never seen: features of the line itself
(no letters, only a URL, a file name, a date), a small lexicon of widget text
(`debris_lexicon.txt`), lines repeated across many pages of one site (`LineStats`), and the
position of short lines before the first body paragraph (section label, title).

Real prose is protected: a quoted sentence is never removed, and a line of 12 or more words that ends
like a sentence is body text unless it is repeated across the corpus. Every non-blank line that is
not kept is listed in `Cleaned.removed` with its reason and line number, so nothing is lost silently.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from importlib import resources

from newsprobe.core.dates import dateline as dateline_of
from newsprobe.core.model import Removed
from newsprobe.io.titles import MAX_TITLE, SITE_NAME, TITLE_PARTS, key, strip_site_name

# Reasons, shared with the tests and the report so that one wording is used everywhere.
SECTION = "section label (moved to metadata)"
DATELINE = "dateline (moved to metadata)"
REPEATED = "repeated across the corpus"
MEDIA_ID = "photo/media id"
PHOTO_CREDIT = "photo credit"
NAVIGATION = "navigation/button text"
TAGS = "tag list"
BREADCRUMB = "breadcrumb navigation"
RELATED_BLOCK = "related-links block"
RELATED_LINK = "related link"
COPYRIGHT = "copyright footer"
URL_ONLY = "URL or e-mail address only"
SYMBOLS = "symbols/punctuation only"
NO_LETTERS = "no letters"
FORM = "web form or poll"
READING_TIME = "reading time"
ABOVE_HEADLINE = "above the headline (teaser or widget)"

BODY_MIN_WORDS = 12  # a sentence-final line this long is prose, not a widget
SHORT_WORDS = 12  # lexicon, id and credit rules only look at lines this short
REPEAT_MAX_WORDS = 30  # LineStats counts only lines this short: boilerplate, not paragraphs
RELATED_MAX_WORDS = 20  # a longer line ends a related-links block
RELATED_MAX_LINES = 15
WRAP_MIN_LINES = 3  # a hard-wrapped text breaks this many lines mid-sentence at least
WRAP_MIN_WIDTH = 40  # no text is wrapped narrower
WRAP_MAX_WIDTH = 100  # wider lines are paragraphs, not a fixed-width wrap
WRAP_NEAR = 0.6  # a line this near the width may have been wrapped
TABLE_CELLS = " | "  # between a table row's cells, as the HTML reader writes them
RELATED_TAIL_WORDS = 45  # no teaser in a sidebar after a related-links header near the end is longer
FORM_MAX_LINES = 20  # a poll's question, options and consent lines between its first and last form line
FORM_MAX_WORDS = 25  # a longer line between them is a paragraph: no poll
HEADLINE_SEARCH = 3  # a known title is looked for among this many first kept lines (after a teaser, a duplicate)
NEARLY_SAME = 0.8  # share of words a headline line and the title must have in common to be one headline

# Splitting on \r\n, \r and \n only: str.splitlines would also split on \x85, which is "…" in
# mis-decoded cp1252 text, and on form feeds inside paragraphs.
_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_OPEN_QUOTES = "\"'“‘«„‹‚"
_SENT_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_TRAILING_CLOSERS = "\"'”’»)]"

_NORM_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_NORM_DIGITS = re.compile(r"\d+")
_NORM_SPACE = re.compile(r"\s+")
_KEY_STRIP = re.compile(r"[\W\d_]+")

_URL_ONLY = re.compile(
    r"^(?:(?:source|via|link|url|e-?mail|contact|web(?:site)?)\s*:\s*)?"
    r"(?:<?(?:(?:https?|ftp)://|www\.)\S+>?|(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$",
    re.I,
)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\)|\d{4}|by\b|of\b|:))|all rights reserved|©\s*\d{4}", re.I
)
# "copyright Inexhibit 2019 - ISSN: 2283-5474": a name and a year, on a line that ends no sentence
_COPYRIGHT_NAMED = re.compile(r"^copyright\s+[^.!?]{1,60}\b(?:19|20)\d{2}\b", re.I)
# "5 min read", "Reading time: 3 minutes", "Tempo de leitura: 2 minutos", "Lesezeit: 4 Minuten"
_READING_TIME = re.compile(
    r"^(?:(?:estimated\s+)?(?:reading|read)\s+time|tempo de leitura|tiempo de lectura|temps de lecture|lesezeit|"
    r"tempo di lettura)\s*[:：]?\s*(?:about\s+|~\s*)?\d+\s*[^\W\d_]*\.?$|^\d+\s*(?:-\s*)?(?:min|mins|minutes?)\s+read$",
    re.I,
)
_MEDIA_ID = re.compile(
    r"^(?=\S*_)(?=\S*\d{4,})\S+$"  # 13950601000829_Test_PhotoI, IMG_1234
    r"|^(?:img|dsc|dscn|dcim|pic|photo|image)[_-]?\d{3,}\S*$"
    r"|^(?:image|photo|picture|slide)\s+\d+\s*(?:of|/)\s*\d+$"  # gallery counter
    r"|^[\w\-. ()]{1,100}\.(?:jpe?g|png|gif|webp|bmp|tiff?|svg|heic|avif|mp4|mov|avi|webm|mp3|wav|pdf)$",
    re.I,
)
_PHOTO_CREDIT = re.compile(
    r"^(?:file\s+)?(?:photo(?:graph)?|image|picture|pic|video|graphic|illustration|credit)s?"
    r"\s*(?:credit|source)?\s*(?:[:|/©]|by\b|courtesy\b|via\b)"
    r"|^(?:image|photo)\s+(?:credit|courtesy|source)\b"
    r"|^(?:ap|afp|reuters|getty images?|epa|anadolu|shutterstock|xinhua|sana|irna)(?:\s+photos?)?\s*/\s*\S"
    r"|^(?:getty images|shutterstock|istock(?:photo)?|alamy)(?:\s*/.*)?$"
    r"|^(?:main|top|header|lead|featured|hero)\s+(?:image|photo|picture)\s+(?:credit|source)\s*[:|/]"
    r"|^[A-Z][\w.'’ -]{1,40}/[\w.'’ -]{1,60} via (?:AP|AFP|Reuters|USA TODAY|Getty Images)$",  # Name/Paper via AP
    re.I,
)
_TAGS = re.compile(
    r"^(?:tags?|topics?|keywords?|filed under|categories|category|related topics)\s*[:：]", re.I
)
_BREADCRUMB = re.compile(r"^home\s*[>»›/|]|^[^.!?]{1,40}(?:\s[>»›]\s[^.!?]{1,40}){2,}$", re.I)
_RELATED_INLINE = re.compile(
    r"^(?:read|see)\s+(?:also|more)\s*[:|\-–—»]\s*\S|^(?:related|also read|more)\s*[:|»]\s*\S"
    r"|^(?:also|more|read more) on\s+[\w-]+(?:\.[\w-]+)+\s+\S",  # "Also on rt.com <a headline>"
    re.I
)
# Headers of a sidebar of other stories, which pages put after the article, never inside it.
_SIDEBAR_HEADERS = frozenset({
    "top stories", "most read", "most popular", "most viewed", "trending", "trending now", "latest news",
    "more news", "more stories", "in other news", "editor s picks", "editors picks",
})
# Headers of related links anywhere: those sidebars, and links put inside an article.
_RELATED_HEADERS = _SIDEBAR_HEADERS | frozenset(
    {
        "related", "related news", "related articles", "related stories", "related posts",
        "related content", "related coverage", "read also", "also read", "see also",
        "more on this story", "more on this topic", "you may also like",
        "you might also like", "recommended", "recommended for you", "recommended stories",
        "further reading", "don t miss",
        "must read", "must reads", "leggi anche", "leia também", "lea también", "lire aussi", "mehr zum thema",
    }
)  # fmt: skip
_BYLINE = re.compile(r"^(?:by|von|par|por)\s+\S", re.I)
_POLL_OPENING = r"^(?:please\s+)?take our (?:quick\s+)?(?:poll|survey)\b"
# Lines of a web form or poll embedded in the page (a plugin's hidden field label, its consent lines): whole lines,
# so that prose about a privacy policy is left alone.
_FORM_LINE = re.compile(
    r"^(?:\w+\s+)?this field is for validation purposes and should be left unchanged\.?$"
    rf"|{_POLL_OPENING}.{{0,160}}$"  # its question may share the line
    r"|^completing this (?:poll|survey|form) grants you access to .{1,80}$"
    r"|^you (?:may|can) (?:opt[- ]?out|unsubscribe) at any ?time\.?$"
    r"|^you (?:also )?agree to (?:this|our) (?:site|website)[’']?s privacy policy(?: and terms of (?:use|service))?\.?$"
    r"|^(?:the )?story continues below\.?$"
    # a newsletter's sign-up box
    r"|^(?:e-?mail\s+)?sign up\b.{0,100}\b(?:inbox|newsletters?|alerts)\b.{0,40}$"
    r"|^(?:e-?mail\s+)?sign up\s+thank you for signing up!?$"
    r"|^subscribe (?:today|now|on youtube)\b.{0,20}$",
    re.I,
)
_FORM_START = re.compile(_POLL_OPENING, re.I)



def _load_lexicon() -> tuple[frozenset[str], tuple[str, ...]]:
    """Whole-line phrases and line prefixes, keyed like `_key` so punctuation and case never matter."""
    text = resources.files("newsprobe.io").joinpath("debris_lexicon.txt").read_text(encoding="utf-8")
    phrases: set[str] = set()
    prefixes: list[str] = []
    for raw in text.splitlines():
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.endswith(" *"):
            prefixes.append(_key(entry[:-2]))
        else:
            phrases.add(_key(entry))
    phrases.discard("")
    return frozenset(phrases), tuple(p for p in prefixes if p)


def _key(s: str) -> str:
    """Letters only, lower case: "Comments (3)" and "| Share |" meet their lexicon entries."""
    return _KEY_STRIP.sub(" ", s.lower()).strip()


_LEXICON, _LEXICON_PREFIXES = _load_lexicon()
_LEXICON_MAX_PHRASE = max(len(p.split()) for p in _LEXICON)


def normalize_line(line: str) -> str:
    """Comparable form of a line: NFKC, lower case, digit runs as "0", edge punctuation and bullets gone.

    Digits are folded so that "© 2016 Site" and "© 2017 Site", or "12 comments" and "3 comments", count
    as one boilerplate line across pages. The function is idempotent.
    """
    s = unicodedata.normalize("NFKC", line).lower()
    s = _NORM_SPACE.sub(" ", _NORM_DIGITS.sub("0", s))
    return _NORM_EDGES.sub("", s)


@dataclass
class Cleaned:
    """Clean text (title line, blank line, body paragraphs) plus what was taken out and why."""

    text: str
    title: str | None
    section: str | None
    removed: list[Removed] = field(default_factory=list)
    dateline: str | None = None  # a date-only line found in the text, label removed, for the caller to parse


@dataclass
class _Line:
    number: int
    text: str
    words: int
    reason: str | None = None


def _unwrapped(raw_lines: list[str], repeated: Collection[str] = ()) -> list[tuple[int, str]]:
    """(first line number, logical line) pairs: a text hard-wrapped at a fixed width (a wire feed, an e-mail, a
    plain-text archive) gets its lines joined back into paragraphs. Each wrapped line would otherwise be a paragraph
    and every layer would read it as one: "... local sources said on Monday, adding that several" ended a
    statement mid-sentence. A text is taken as wrapped when its lines stay under a width (the 90th percentile of their
    lengths, at most `WRAP_MAX_WIDTH`) and at least half the lines near that width break mid-sentence; a line is then
    joined to the next when it is near the width and does not end a sentence before a capital (a headline, a byline,
    a list item or a sentence ending a short line stay apart). Texts with one paragraph a line are left as they are.
    Only lines that are no debris alone, and make none together, are joined: what is removed stays a line of the
    input, listed as it was."""
    numbered = list(enumerate(raw_lines, 1))
    stripped = [_strip(x) for x in raw_lines]
    lengths = sorted(len(x) for x in stripped if x)
    if len(lengths) < WRAP_MIN_LINES:
        return numbered
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if not WRAP_MIN_WIDTH <= width <= WRAP_MAX_WIDTH:
        return numbered
    near = [k for k, x in enumerate(stripped) if len(x) >= WRAP_NEAR * width]
    breaks = [k for k in near if k + 1 < len(stripped) and stripped[k + 1]
              and _mid_sentence(stripped[k], stripped[k + 1])]
    if len(breaks) < WRAP_MIN_LINES or len(breaks) < len(near) / 2:
        return numbered
    joins = set(breaks)
    out: list[tuple[int, str]] = []
    k = 0
    while k < len(stripped):
        number, text = k + 1, stripped[k]
        while k in joins and _prose(text, repeated) and _prose(stripped[k + 1], repeated):
            nxt = stripped[k + 1]
            joined = text + nxt if text.endswith("-") and nxt[:1].islower() else f"{text} {nxt}"
            if not _prose(joined, repeated):
                break
            text = joined
            k += 1
        out.append((number, text))
        k += 1
    return out


def _prose(line: str, repeated: Collection[str]) -> bool:
    """A line the debris rules keep."""
    return _debris_reason(line, len(line.split()), repeated) is None


def _mid_sentence(line: str, following: str) -> bool:
    """Whether a line break between these two lines falls inside a sentence (never between rows of a table, which
    the HTML reader writes with " | " between cells)."""
    if TABLE_CELLS in line or TABLE_CELLS in following:
        return False
    return not _ends_sentence(line) or following[:1].islower()


def _related_tail(lines: list[_Line]) -> None:
    """A related-links header near the end of the page ("Top stories", "Most read") followed only by short lines is
    a sidebar of teasers to the end, even where a teaser is a whole sentence (which ends the block above: "Top
    stories" then "The House of Representatives voted Tuesday to recognize ..." and four more headlines had become
    the article's last paragraphs). Only when what follows is shorter than the body before the header and no line
    of it is a long paragraph, and only for headers of other stories ("Top stories", "Latest news"), not of links
    put inside an article ("Don't miss", "Related", "Read also": Express's article goes on after three headlines
    under "DON'T MISS"), which are left to the line rules."""
    headers = [i for i, ln in enumerate(lines) if ln.reason == RELATED_BLOCK and ln.words <= 6
               and _key(ln.text) in _SIDEBAR_HEADERS]
    if not headers:
        return
    at = headers[-1]
    after = [ln for ln in lines[at + 1 :] if ln.reason is None]
    before = sum(ln.words for ln in lines[:at] if ln.reason is None)
    if (after and len(after) <= RELATED_MAX_LINES and all(ln.words <= RELATED_TAIL_WORDS for ln in after)
            and sum(ln.words for ln in after) < before):
        for ln in after:
            ln.reason = RELATED_BLOCK


def _strip(line: str) -> str:
    """Trim whitespace (NBSP included) and invisible characters; a line of only those is blank."""
    return line.strip().strip(_INVISIBLE).strip()


def _ends_sentence(s: str) -> bool:
    return _SENT_END.search(s) is not None


def _is_quoted(s: str, words: int) -> bool:
    """A quoted sentence is the evidence later layers look for; it is never debris."""
    return s[0] in _OPEN_QUOTES and words >= 4 and (_ends_sentence(s) or s[-1] in _TRAILING_CLOSERS)


def _is_body(s: str, words: int) -> bool:
    return words >= BODY_MIN_WORDS and _ends_sentence(s)


def _in_lexicon(key: str) -> bool:
    """The line is a lexicon phrase, starts with a lexicon prefix, or is a run of phrases."""
    if not key:
        return False
    if key in _LEXICON:
        return True
    if any(key == p or key.startswith(p + " ") for p in _LEXICON_PREFIXES):
        return True
    tokens = key.split()
    if len(tokens) > 2 * SHORT_WORDS:
        return False
    ok = [True] + [False] * len(tokens)  # ok[i]: tokens[:i] is a run of phrases
    for i in range(1, len(tokens) + 1):
        for n in range(1, min(_LEXICON_MAX_PHRASE, i) + 1):
            if ok[i - n] and " ".join(tokens[i - n : i]) in _LEXICON:
                ok[i] = True
                break
    return ok[-1]


def _debris_reason(s: str, words: int, repeated: Collection[str]) -> str | None:
    """Why a line is debris judged on its own, or None to keep it; cheap tests first."""
    if _is_quoted(s, words):
        return None
    if repeated and normalize_line(s) in repeated:
        return REPEATED
    if (words <= 40 and _COPYRIGHT.search(s)) or (
            words <= 12 and _COPYRIGHT_NAMED.match(s) and not _ends_sentence(s)):
        return COPYRIGHT
    if words <= 2 * SHORT_WORDS and _FORM_LINE.match(s):
        return FORM
    if _is_body(s, words):
        return None
    if words <= 2 and _URL_ONLY.match(s):
        return URL_ONLY
    if words <= 12 and dateline_of(s) is not None:
        return DATELINE
    if not any(ch.isalpha() for ch in s):
        if not any(ch.isalnum() for ch in s):
            return SYMBOLS
        if len(s) <= 40:
            return NO_LETTERS
        return None
    if words > 2 * SHORT_WORDS:
        return None
    if words <= 5 and _MEDIA_ID.match(s):
        return MEDIA_ID
    if words <= 6 and _READING_TIME.match(s):
        return READING_TIME
    if words <= SHORT_WORDS and _PHOTO_CREDIT.match(s):
        return PHOTO_CREDIT
    if _TAGS.match(s):
        return TAGS
    if _BREADCRUMB.match(s):
        return BREADCRUMB
    if _in_lexicon(_key(s)):
        return NAVIGATION
    if words <= RELATED_MAX_WORDS and _RELATED_INLINE.match(s):
        return RELATED_LINK
    return None


def _is_section_like(s: str, words: int) -> bool:
    """One or two capitalised words, no final punctuation: "Syria", "Middle East", "Arts & Culture"."""
    if len(s) > 30 or not 1 <= words <= 4 or not s[-1].isalnum():
        return False
    content = [w for w in s.split() if w.lower() not in {"&", "and", "of", "the"}]
    return 1 <= len(content) <= 2 and all(w[0].isupper() and not any(c.isdigit() for c in w) for w in content)


def _is_title_like(s: str, words: int) -> bool:
    """A headline: short, starts with a capital, no sentence-final period (unless in title case), not a byline."""
    if not 2 <= words <= 25 or len(s) > 250:
        return False
    end = s.rstrip(_TRAILING_CLOSERS)
    if end[-1:] in {",", ";", ":", "…", ""} or end[-1:] == "." and not _title_case(end):
        return False
    first = next((c for c in s if c.isalnum()), "")
    if not (first.isupper() or first.isdigit()):
        return False
    return not _BYLINE.match(s)


# words a title in title case may leave lower-case
_TITLE_SMALL = frozenset(
    "a an and as at but by de del for from if in into nor of off on or per so the to up via vs vs. with yet".split())


def _title_case(s: str) -> bool:
    """Every word but the small ones capitalised, four words at least: "Gold Star Mom Corners Obama On Iraq." is a
    headline some sites (and PolNeAR's files) end with a full stop; "President Obama met Putin in Moscow." is not."""
    words = [w.lstrip("\"'“‘(«[") for w in s.split()]
    words = [w for w in words if w and w[0].isalpha()]
    if len(words) < 4 or s.endswith(".."):
        return False
    return all(w[0].isupper() or w.lower() in _TITLE_SMALL for w in words[1:])


def _same_title(line: str, title: str) -> bool:
    """The text's headline line is the (metadata) title: the same letters whatever the quote and dash styles, either
    of them with a part the other lacks ("Opinion | Headline", "Headline | Site name"), or nearly the same words (a
    page's <title> that shortens its headline: "Anastassiades' light" for "Michael Anastassiades' light")."""
    a, b = key(line), key(title)
    if not a:
        return False
    if a == b:
        return True
    if len(line) > MAX_TITLE or len(title) > MAX_TITLE:
        return False  # no headline is that long: the part-by-part comparison would be quadratic
    for whole, part in ((title, a), (line, b)):
        for m in TITLE_PARTS.finditer(whole):
            if part in (key(whole[: m.start()]), key(whole[m.end() :])):
                return True
    words_a, words_b = ({key(w) for w in s.split()} - {""} for s in (line, title))
    small = min(len(words_a), len(words_b))
    return small >= 5 and len(words_a & words_b) >= NEARLY_SAME * len(words_a | words_b)


def _is_label(line: _Line) -> bool:
    """A topic or section label above a headline ("immunology", "Middle East"): a few words, no sentence end."""
    return _is_section_like(line.text, line.words) or (
        line.words <= 3 and len(line.text) <= 30 and not _ends_sentence(line.text)
    )


def clean_text(
    raw: str,
    *,
    title: str | None = None,
    section: str | None = None,
    repeated: Collection[str] = (),
    site_names: Collection[str] = (),
) -> Cleaned:
    """Clean one article's text; `title`/`section` from metadata win over what is found in the text.

    `repeated` holds normalized lines (as `LineStats.repeated()` returns them) that are boilerplate of
    the site. Each kept line becomes one paragraph, trimmed but otherwise unchanged. A metadata title
    that is not the text's first line is put in front of the text, so the text always starts with it.
    `site_names` (`titles.site_names`) are the outlet's names, taken off the title and the headline line.
    """
    lines: list[_Line] = []
    in_block = 0  # lines left in a related-links block; 0 when not in one
    dateline: str | None = None
    for number, raw_line in _unwrapped(_LINE_SPLIT.split(raw), repeated):
        s = _strip(raw_line)
        if not s:
            continue
        words = len(s.split())
        reason = _debris_reason(s, words, repeated)
        if in_block:
            if _is_quoted(s, words) or _is_body(s, words) or words > RELATED_MAX_WORDS:
                in_block = 0
            else:
                in_block -= 1
                if reason in (None, DATELINE):
                    reason = RELATED_BLOCK
        if words <= 6 and _key(s) in _RELATED_HEADERS:
            reason = reason or RELATED_BLOCK
            in_block = RELATED_MAX_LINES
        if reason == DATELINE and dateline is None:
            dateline = dateline_of(s)
        lines.append(_Line(number, s, words, reason))

    _form_blocks(lines)
    _related_tail(lines)
    if title is not None:
        title = strip_site_name(title, site_names)[0]  # metadata: no line of the text is touched
    kept = [ln for ln in lines if ln.reason is None]
    found_section: str | None = None
    if len(kept) >= 2:
        first, second = kept[0], kept[1]
        meta_match = section is not None and normalize_line(first.text) == normalize_line(section)
        followed_by_title = (title is not None and _same_title(second.text, title)) or (
            len(kept) >= 3 and _is_title_like(second.text, second.words)
        )
        if meta_match or (_is_section_like(first.text, first.words) and followed_by_title):
            first.reason = SECTION
            found_section = first.text
            kept = kept[1:]

    # The clean text always opens with the headline when one is known, so that later layers analyse it
    # too: the text's own line when it is there, else the metadata title (an added line, not in `raw`).
    # A page's text may show a teaser, a topic label or the headline twice before its own headline: a known title
    # is looked for among the first lines, and what stands above it goes.
    title_line: str | None = (title.strip() or None) if title is not None else None
    own_title = False
    cut: list[Removed] = []
    if kept:
        if title is not None:
            at = next((i for i, ln in enumerate(kept[:HEADLINE_SEARCH]) if _same_title(ln.text, title)), None)
        else:
            at = 0 if len(kept) >= 2 and _is_title_like(kept[0].text, kept[0].words) else None
        if at is not None:
            for i, ln in enumerate(kept[:at]):
                label = i == at - 1 and section is None and found_section is None and _is_label(ln)
                ln.reason = SECTION if label else ABOVE_HEADLINE
                found_section = ln.text if label else found_section
            head = kept[at]
            own_title = True
            title_line, site = strip_site_name(head.text, site_names)
            cut = [Removed(part, SITE_NAME, head.number) for part in site]
            kept = kept[at + 1 :]

    if not kept and not own_title:
        title_line = None  # a metadata title alone is not an article: leave the text empty
    paragraphs = ([title_line] if title_line is not None else []) + [ln.text for ln in kept]
    removed = [Removed(ln.text, ln.reason, ln.number) for ln in lines if ln.reason is not None]
    return Cleaned(
        text="\n\n".join(paragraphs),
        title=title if title is not None else title_line,
        section=section if section is not None else found_section,
        removed=sorted(removed + cut, key=lambda r: r.line),
        dateline=dateline,
    )


def _form_blocks(lines: list[_Line]) -> None:
    """A poll opened by "Take our poll" and closed by its form lines within FORM_MAX_LINES: the question and the
    options between them are the poll's too (a question shown three times, "Yes", "Maybe?"), unless a paragraph
    stands between, which would make them the article's."""
    for i, line in enumerate(lines):
        if line.reason != FORM or not _FORM_START.match(line.text):
            continue
        last = None
        for j in range(i + 1, min(len(lines), i + FORM_MAX_LINES + 1)):
            if lines[j].reason is None and lines[j].words > FORM_MAX_WORDS:
                break
            if lines[j].reason == FORM:
                last = j
        for between in lines[i + 1 : last or i + 1]:
            if between.reason is None:
                between.reason = FORM


class LineStats:
    """Corpus-level line frequencies, so boilerplate repeated across many pages of one site is found.

    Only short lines are counted (paragraphs are not boilerplate), each once per document, and a
    document seen before (same normalized text) is skipped so that duplicated stories do not turn
    their own sentences into "boilerplate".
    """

    def __init__(self, max_lines: int = 200_000) -> None:
        self.max_lines = max_lines
        self.docs = 0
        self.counts: Counter[str] = Counter()
        self._seen: set[bytes] = set()

    def observe(self, raw: str) -> None:
        """Count each distinct normalized short line of one document once."""
        digest = hashlib.blake2b(" ".join(raw.split()).encode("utf-8"), digest_size=8).digest()
        if digest in self._seen:
            return
        self._seen.add(digest)
        self.docs += 1
        distinct = set()
        for line in _LINE_SPLIT.split(raw):
            s = _strip(line)
            if s and len(s.split()) <= REPEAT_MAX_WORDS:
                norm = normalize_line(s)
                if norm:
                    distinct.add(norm)
        self.counts.update(distinct)
        if len(self.counts) > self.max_lines:
            # Lossy counting: lines seen once are what a million-page corpus has most of and what
            # boilerplate is not; dropping them bounds memory at the cost of a late start for some.
            self.counts = Counter({k: v for k, v in self.counts.items() if v > 1})

    def repeated(self, min_docs: int = 3, min_share: float = 0.3) -> set[str]:
        """Normalized lines seen in >= min_docs documents and in >= min_share of documents observed."""
        if not self.docs:
            return set()
        return {line for line, n in self.counts.items() if n >= min_docs and n / self.docs >= min_share}
