"""Pure helpers that turn the data model into pieces of a page, with every untrusted string escaped.

Article text, titles, outlets, urls, span labels and attrs all come from scraped pages, so nothing here
ever emits them raw: text goes through `markupsafe.escape`, CSS class names are reduced to `[a-z0-9-]`
slugs, urls are linked only when they are plain http(s), and JSON for scripts is escaped so that it can
never close its `<script>` element. The web view knows no layer by name: how a layer is drawn is decided
from its spans (how many, how long), so attribution and technique layers show up without a change here.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from newsprobe.core.model import Span

PALETTE_SIZE = 12  # colour classes c0..c11 in static/style.css
# Drawing channels, so that overlapping layers stay visible together: inner spans paint over outer ones.
SHORT_CHANNELS = ("bg", "ul", "dot", "over")  # entity-like layers: a few words per span
LONG_CHANNELS = ("shade", "tint", "frame")  # sentence-like layers: whole sentences or statements
LONG_SPAN_CHARS = 40
TITLE_MAX = 300

_SLUG = re.compile(r"[^a-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def slug(value: object) -> str:
    """A CSS-class-safe name: lowercase ASCII letters, digits and dashes only, never empty."""
    text = _SLUG.sub("-", str(value).lower()).strip("-")[:40]
    return text or "x"


def colour(label: str) -> int:
    """A stable palette index for a label, so GPE has the same colour on every page and every run."""
    return zlib.crc32(label.encode("utf-8", "replace")) % PALETTE_SIZE


def safe_json(data: Any) -> Markup:
    """JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` become \\u escapes,
    so no string in it can close the element or open a comment, whatever the article says."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    for char, repl in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
                       ("\u2029", "\\u2029")):
        text = text.replace(char, repl)
    return Markup(text)


def safe_url(url: str | None) -> str | None:
    """The url if it is safe to put in an href (http or https with a host, no control characters), else None.

    A scraped page can claim any url, `javascript:` included; such a url is shown as text only.
    """
    if not url or _CONTROL.search(url) or len(url) > 2048:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def snippet_parts(snippet: str, marks: tuple[str, str]) -> list[tuple[str, bool]]:
    """Split an FTS snippet at its match markers into (text, is_match) pieces, for escaping one by one."""
    parts: list[tuple[str, bool]] = []
    for i, piece in enumerate(snippet.replace(marks[1], marks[0]).split(marks[0])):
        if piece:
            parts.append((piece, i % 2 == 1))
    return parts


def snippet_offsets(snippet: str, marks: tuple[str, str]) -> tuple[str, list[tuple[int, int]]]:
    """The snippet as plain text plus the [start, end) offsets of its matches: what the JSON API returns."""
    text, offsets = "", []
    for piece, hit in snippet_parts(snippet, marks):
        if hit:
            offsets.append((len(text), len(text) + len(piece)))
        text += piece
    return text, offsets


def lead(text: str, limit: int = 240) -> str:
    """The start of an article for a result list without a query, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + " …"


# -- layers and overlapping spans --------------------------------------------------------------------


@dataclass
class LayerInfo:
    """How one layer of an article is drawn, and its label counts for the legend."""

    name: str
    slug: str
    channel: str
    count: int
    mean_chars: float
    labels: list[tuple[str, str, int, int]] = field(default_factory=list)  # (label, slug, colour, count)


def layer_infos(spans: list[Span]) -> list[LayerInfo]:
    """Layers present, outermost first, each with a drawing channel chosen from the shape of its spans.

    Long-span layers (sentences, claims, statements) get faint backgrounds and sit outside; short-span
    layers (entities, dates, techniques) get colours, underlines and borders inside them. Among the short
    ones, the busiest layer gets the most visible channel.
    """
    by_layer: dict[str, list[Span]] = {}
    for sp in spans:
        by_layer.setdefault(sp.layer, []).append(sp)
    infos = []
    for name, group in by_layer.items():
        mean = sum(s.end - s.start for s in group) / len(group)
        counts = Counter(s.label for s in group)
        labels = [(lab, slug(lab), colour(lab), n) for lab, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
        infos.append(LayerInfo(name, slug(name), "", len(group), mean, labels))
    long = sorted((i for i in infos if i.mean_chars >= LONG_SPAN_CHARS), key=lambda i: (-i.mean_chars, i.name))
    short = sorted((i for i in infos if i.mean_chars < LONG_SPAN_CHARS), key=lambda i: (-i.count, i.name))
    for k, info in enumerate(long):
        info.channel = LONG_CHANNELS[k % len(LONG_CHANNELS)]
    for k, info in enumerate(short):
        info.channel = SHORT_CHANNELS[k % len(SHORT_CHANNELS)]
    return long + short


def describe(sp: Span) -> str:
    """A one-line tooltip for a span: layer, label and its scalar attrs (a list shows as its length)."""
    bits = []
    for key, value in sp.attrs.items():
        if value is None or value == "" or value == [] or value == {}:
            continue
        if isinstance(value, bool | int | float | str):
            shown = f"{value:.3g}" if isinstance(value, float) else str(value)
            bits.append(f"{key}: {shown[:60]}")
        elif isinstance(value, list):
            bits.append(f"{key}: {len(value)}")
        elif isinstance(value, dict):
            inner = ", ".join(f"{k}={v}" for k, v in value.items() if isinstance(v, str | int | float) and v != "")
            if inner:
                bits.append(f"{key}: {inner[:80]}")
    head = f"{sp.layer}: {sp.label}"
    return _CONTROL.sub(" ", (head + (" — " + "; ".join(bits) if bits else ""))[:TITLE_MAX])


def render_text(text: str, spans: list[Span], infos: list[LayerInfo]) -> Markup:
    """The article text as HTML, every span highlighted, overlapping spans nested so that all show.

    The text is cut into segments at every span boundary; each segment is wrapped in one element per span
    covering it (outer layers first), carrying the span's index in `data-s` for the details panel and the
    classes that colour it. Built here rather than in a Jinja loop because the text sits in a
    `white-space: pre-wrap` block where template whitespace would show, and it is several times faster.
    Spans outside the text (a corrupt store) are skipped rather than trusted.
    """
    rank = {info.name: k for k, info in enumerate(infos)}
    channel = {info.name: info.channel for info in infos}
    valid = [i for i, s in enumerate(spans) if 0 <= s.start < s.end <= len(text) and s.layer in rank]
    opens: dict[int, str] = {}
    seen: Counter[str] = Counter()
    for i in valid:
        sp = spans[i]
        alt = " alt" if seen[sp.layer] % 2 else ""
        seen[sp.layer] += 1
        classes = f"sp hl L-{slug(sp.layer)} ch-{channel[sp.layer]} c{colour(sp.label)} lab-{slug(sp.label)}{alt}"
        opens[i] = f'<span class="{classes}" data-s="{i}" title="{escape(describe(sp))}">'
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for i in valid:
        starts.setdefault(spans[i].start, []).append(i)
        ends.setdefault(spans[i].end, []).append(i)
    bounds = sorted({0, len(text), *starts, *ends})
    order = {i: (rank[spans[i].layer], spans[i].start, -spans[i].end, i) for i in valid}
    active: set[int] = set()
    out: list[str] = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        active.difference_update(ends.get(lo, ()))
        active.update(starts.get(lo, ()))
        piece = str(escape(text[lo:hi]))
        if not active:
            out.append(piece)
            continue
        cover = sorted(active, key=order.__getitem__)
        out.extend(opens[i] for i in cover)
        out.append(piece)
        out.append("</span>" * len(cover))
    return Markup("".join(out))


def span_data(spans: list[Span]) -> list[dict[str, Any]]:
    """What the details panel needs for each span, indexed like `data-s`; embedded with `safe_json`."""
    return [{"layer": s.layer, "label": s.label, "start": s.start, "end": s.end, "text": s.text, "attrs": s.attrs}
            for s in spans]


# -- the outlets chart ------------------------------------------------------------------------------


@dataclass
class Chart:
    """An SVG line chart as numbers and strings only; the template escapes every label it prints."""

    width: int
    height: int
    left: int
    right: int  # x of the plot's right edge
    bottom: int
    series: list[dict[str, Any]]  # {name, colour, points: "x,y x,y", dots: [(x, y)], total}
    xticks: list[tuple[float, str]]
    yticks: list[tuple[float, int]]
    months: int
    others: int  # outlets left out of the chart (too many lines to read)


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (YYYY-MM), so gaps show as zeros instead of being skipped."""
    y, m = int(first[:4]), int(first[5:7])
    ly, lm = int(last[:4]), int(last[5:7])
    out = []
    while (y, m) <= (ly, lm) and len(out) < 1200:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def monthly_chart(counts: dict[str | None, dict[str, int]], max_lines: int = 8) -> Chart | None:
    """Articles per month per outlet as polylines; the busiest `max_lines` outlets, the rest counted."""
    months = sorted({m for per in counts.values() for m in per})
    if not months:
        return None
    axis = month_range(months[0], months[-1])
    ranked = sorted(((k, v) for k, v in counts.items() if v), key=lambda kv: (-sum(kv[1].values()), str(kv[0])))
    shown = ranked[:max_lines]
    width, height, left, right, top, bottom = 760, 260, 44, 28, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(per.values()) for _, per in shown) or 1
    step = plot_w / max(len(axis) - 1, 1)

    def x(k: int) -> float:
        return round(left + k * step, 1)

    def y(v: int) -> float:
        return round(top + plot_h - v / peak * plot_h, 1)

    series = []
    for name, per in shown:
        label = name if name is not None else "(unknown outlet)"
        xy = [(x(k), y(per.get(m, 0))) for k, m in enumerate(axis)]
        pts = " ".join(f"{a},{b}" for a, b in xy)
        dots = xy if len(axis) <= 36 else []  # markers while they stay legible; a single month needs them
        series.append({"name": label, "colour": colour(label), "points": pts, "dots": dots,
                       "total": sum(per.values())})
    every = max(1, math.ceil(len(axis) / 8))
    xticks = [(x(k), m) for k, m in enumerate(axis) if k % every == 0]
    ystep = max(1, math.ceil(peak / 4))
    yticks = [(y(v), v) for v in range(0, peak + 1, ystep)]
    return Chart(width, height, left, width - right, height - bottom, series, xticks, yticks, len(axis),
                 len(ranked) - len(shown))
