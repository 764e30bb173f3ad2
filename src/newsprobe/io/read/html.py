"""HTML page to `Document`: the article body and its metadata, without menus, footers and comments.

trafilatura finds the main text and the title, site name, canonical URL and date; htmldate looks for
the date when trafilatura has none (offline: it is only ever given a parsed tree, never a URL).
The body is rendered from trafilatura's XML with a blank line between blocks, because the cleaner
and the standoff spans downstream work on paragraphs and would merge lines otherwise.

We parse the HTML ourselves first, to catch pathological pages: libxml2 stops at 256 levels of
nesting and silently drops the rest. A page nested deeper is flattened (block tags become ``<p>``,
which HTML cannot nest; inline tags are dropped) and parsed again, so the text survives in bounded
time instead of being lost or blowing the recursion limit in the extractor.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from newsprobe.core.model import Document, word_count
from newsprobe.io.clean import TABLE_CELLS
from newsprobe.io.read.common import UnreadableInput
from newsprobe.io.titles import outlet_from_url

_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_FULL_PAGE = re.compile(r"<(?:html|body|head)\b", re.I)
_BLOCK_TAGS = "div|section|article|main|blockquote|li|ul|ol|dl|dt|dd|table|tbody|thead|tr|td|th|center|figure"
_INLINE_TAGS = "span|font|b|i|em|strong|u|a|small|big|sub|sup|abbr|cite|mark|s|strike|tt|label|time"
# [^<>] rather than [^>]: a run of "<div<div<div..." without ">" must not make each match scan to the end.
_BLOCK_RE = re.compile(rf"<(/?)(?:{_BLOCK_TAGS})\b[^<>]*>", re.I)
_INLINE_RE = re.compile(rf"</?(?:{_INLINE_TAGS})\b[^<>]*>", re.I)
_P_RUN = re.compile(r"(?:</?p>\s*){2,}")  # after flattening: one paragraph break, not 100,000 empty ones
# An agency credit the page styles apart from the first word ("<cite>(CNN)</cite>President Trump"): a space, so that
# neither NER nor the parse reads "(CNN Business)A" as one word.
_GLUED_CREDIT = re.compile(r"^((?:[A-Z][A-Z .,'-]{1,40}\s)?\([A-Z][\w .&-]{0,30}\))(?=[A-Z](?:[a-z]|\s))")
# Hidden hover cards inside the text (class names of the card, never of the word it explains).
_HOVER_CARDS = " | ".join(
    f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    for name in ("rollover-people-block", "hovercard", "hover-card", "tooltiptext", "tooltip-content",
                 "popover-content"))
# Blocks in trafilatura's XML output; anything else (hi, ref, del, ...) is inline.
_XML_BLOCKS = frozenset({"p", "head", "list", "item", "quote", "table", "row", "cell", "div", "code", "note"})
_LAYOUT_BLOCKS = frozenset({"p", "head", "list", "quote", "table"})  # in a cell: the table lays the page out


# Budgets checked before lxml sees the page. libxml2 checks each new attribute against the element's others, so one tag
# with 25,000 attributes took 6.7 s and 100,000 took minutes; no real page has more than a few dozen on one element.
MAX_HTML_CHARS = 10_000_000
MAX_ATTRIBUTES = 64
_LONG_TAG = re.compile(r"<([a-zA-Z][\w:.-]*)([^<>]{512,})>")  # only tags long enough to hold many attributes
_ATTRIBUTE = re.compile(r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]*))?""")
# A page whose extracted body is shorter than this is no article: a menu, a consent wall, a stub ("text" inside
# 100,000 nested divs). A news brief is a sentence or more; plain-text and JSON items are not held to this.
MIN_BODY_WORDS = 10


def budget(html: str) -> str:
    """The page cut down to what lxml may be given: at most `MAX_ATTRIBUTES` attributes kept per tag (the rest are
    dropped; they never carry article text); a page over `MAX_HTML_CHARS` is refused."""
    if len(html) > MAX_HTML_CHARS:
        raise UnreadableInput(f"HTML too large to extract: {len(html):,} characters (limit {MAX_HTML_CHARS:,})")
    if len(html) < 512 + 3:
        return html

    def trim(m: re.Match[str]) -> str:
        attrs = _ATTRIBUTE.findall(m.group(2))
        if len(attrs) <= MAX_ATTRIBUTES:
            return m.group()
        return f"<{m.group(1)} {' '.join(attrs[:MAX_ATTRIBUTES])}>"

    return _LONG_TAG.sub(trim, html)


def looks_like_html(text: str) -> bool:
    """Content sniffing for files whose extension says nothing: a doctype or an html/head/body tag first."""
    return bool(_HTML_START.match(text[:2048]))


def read_html(html: str, source: str, url: str | None = None) -> Document:
    """Extract one article from an HTML page (or fragment); raises `UnreadableInput` when there is none.

    `url` (from a WARC record or a feed) wins over the page's canonical link, because it is where the
    page was actually found.
    """
    html = budget(html)
    if not _FULL_PAGE.search(html[:4096]):
        html = f"<html><body><article>{html}</article></body></html>"  # trafilatura rejects bare fragments
    tree = _parse(html)
    _drop_hover_cards(tree)
    lang = _first(tree.xpath("/html/@lang")) or _first(
        tree.xpath("//meta[@http-equiv='content-language']/@content")
    )
    section = _first(tree.xpath("//meta[@property='article:section' or @name='section']/@content"))
    extracted = _extract(tree, url)
    if extracted is None:
        raise UnreadableInput("no article text found in HTML")
    text = _render(extracted.body) if extracted.body is not None else ""
    if not text.strip():
        text = (extracted.text or "").replace("\n", "\n\n")
    if not text.strip():
        raise UnreadableInput("no article text found in HTML")
    words = word_count(text)
    if words < MIN_BODY_WORDS:
        raise UnreadableInput(f"no article body in HTML: {words} word{'s' * (words != 1)} of text "
                              f"(at least {MIN_BODY_WORDS} needed)")
    url = url or extracted.url
    published = extracted.date or _find_date(html, url)
    categories = extracted.categories or []
    return Document(
        source=source,
        text=text,
        url=url,
        outlet=extracted.sitename or outlet_from_url(url),
        title=extracted.title,
        section=section or (categories[0] if categories else None),
        published=published,
        language=_primary_language(lang or extracted.language),
    )


def _parse(html: str) -> lxml.html.HtmlElement:
    tree, too_deep = _parse_once(html)
    if too_deep:
        flat = _P_RUN.sub("<p>", _INLINE_RE.sub("", _BLOCK_RE.sub(lambda m: f"<{m.group(1)}p>", html)))
        tree, too_deep = _parse_once(flat)
        if too_deep:
            raise UnreadableInput("HTML too deeply nested (more than 255 levels of tags)")
    return tree


def _parse_once(html: str) -> tuple[lxml.html.HtmlElement, bool]:
    """Parse with a fresh parser (its error log tells whether libxml2 hit its depth limit)."""
    parser = lxml.html.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    try:
        tree = lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, ValueError) as err:
        raise UnreadableInput(f"no article text found in HTML ({err})") from err
    too_deep = any(
        "depth" in e.message.lower() for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"
    )
    return tree, too_deep


def _drop_hover_cards(tree: lxml.html.HtmlElement) -> None:
    """Take out the hidden cards a page shows when a name is hovered, keeping the text after them. The Hill puts one
    after each politician's name: "threatened to kill Rep. Ilhan OmarIlhan OmarHillicon Valley: Progressives oppose
    ... MORE (D-Minn.)" was the article's first sentence, with three other headlines inside it."""
    for el in tree.xpath(_HOVER_CARDS):
        el.drop_tree()  # lxml keeps the element's tail text


def _extract(tree: lxml.html.HtmlElement, url: str | None):
    import trafilatura
    from trafilatura.settings import set_date_params

    try:
        return trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            date_extraction_params=set_date_params(
                extensive=False
            ),  # structured evidence only; see _find_date
        )
    except RecursionError as err:
        raise UnreadableInput("HTML too deeply nested") from err


def _find_date(html: str, url: str | None) -> str | None:
    """htmldate's wider search (dates in the text) when the metadata has none.

    It runs on a fresh tree (trafilatura prunes the one it gets), never on a string htmldate could
    fetch. A result on 1 January is dropped: that is what htmldate makes of a year alone, usually
    the copyright line in the footer, and a wrong date is worse than none.
    """
    from htmldate import find_date

    try:
        tree, _ = _parse_once(html)
        found = find_date(tree, extensive_search=True, original_date=True, url=url)
    except Exception:  # a missing date is not worth losing the article over
        return None
    return None if found is None or found.endswith("-01-01") else found


def _render(body) -> str:
    """trafilatura's XML body as plain text: one block a paragraph, blocks separated by a blank line."""
    blocks: list[str] = []

    def add(text: str | None) -> None:
        text = _tidy(text or "")
        if text:
            blocks.append(text)

    def walk(el) -> None:
        if el.tag == "table" and _layout_table(el):
            for cell in el.iter("cell"):
                walk(cell)
            return
        if el.tag == "table":
            rows = [
                TABLE_CELLS.join(c for c in (_tidy(_inline(cell)) for cell in row) if c) for row in el.iter("row")
            ]
            add("\n".join(r for r in rows if r))
            return
        if el.tag == "list" or any(child.tag in _XML_BLOCKS for child in el):
            add(el.text)
            for child in el:
                if child.tag in _XML_BLOCKS:
                    walk(child)
                else:
                    add(_inline(child))
                add(child.tail)
            return
        add(_inline(el))

    add(body.text)
    for child in body:
        walk(child)
        add(child.tail)
    return "\n\n".join(blocks)


def _layout_table(table) -> bool:
    """A table that lays a page out rather than holding data: a cell of paragraphs or headings (an old site's whole
    article in one cell). Read as cells of figures, its paragraphs ran together ("in Iran unrestNovember 20", "on
    November 19.At least 106"), and sentences, dates and statements with them."""
    return any(child.tag in _LAYOUT_BLOCKS for cell in table.iter("cell") for child in cell)


def _inline(el) -> str:
    """Text of an element with its line breaks (``<lb/>``) kept as newlines."""
    parts = [el.text or ""]
    for child in el:
        parts.append("\n" if child.tag == "lb" else _inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _tidy(text: str) -> str:
    lines = (_GLUED_CREDIT.sub(r"\1 ", " ".join(line.split())) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _first(values: list) -> str | None:
    for v in values:
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def _primary_language(tag: str | None) -> str | None:
    """Primary subtag only ("en-GB" gives "en"): models downstream are chosen by language, not region."""
    if not tag:
        return None
    primary = re.split(r"[-_,;\s]", tag.strip(), maxsplit=1)[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None
