"""The readable report: the clean text with its layers highlighted, then each layer's section.

Each layer draws its own section (its `report` hook); a layer without one, or one this newsprobe does not know (spans
loaded from elsewhere), gets a plain table, so nothing an article holds is left out of its report.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newsprobe.core.chars import deep, printable
from newsprobe.core.model import Article, Span
from newsprobe.core.registry import resolve

DEFAULT_STYLE = "reverse"


def _stylers() -> dict[str, Callable[[Span], str] | str | None]:
    """How each known span layer is highlighted in the text: a style, a function of the span, or None (not at all)."""
    from newsprobe.layers import LAYERS

    out: dict[str, Callable[[Span], str] | str | None] = {}
    for layer in LAYERS:
        if not layer.in_text:
            out[layer.span_layer] = None
        elif ":" in layer.highlight:
            out[layer.span_layer] = resolve(layer.highlight)
        else:
            out[layer.span_layer] = layer.highlight
    return out


def highlighted(article: Article) -> Text:
    text = Text(article.text)
    stylers = _stylers()
    for span in article.spans:
        styler = stylers.get(span.layer, DEFAULT_STYLE)
        if styler is not None:
            text.stylize(styler if isinstance(styler, str) else styler(span), span.start, span.end)
    return text


def _meta(article: Article) -> Text:
    parts = [
        (k, getattr(article, k)) for k in ("outlet", "published", "section", "language", "url", "source")
    ]
    line = Text()
    for key, value in parts:
        if value:
            line.append(f"{key}: ", style="dim").append(str(value)).append("   ")
    line.append("id: ", style="dim").append(article.id)
    return line


def _generic_table(layer: str, spans: list[Span]) -> Table:
    table = Table(title=f"Layer {layer}", title_justify="left")
    for col in ("text", "label", "details"):
        table.add_column(col)
    for s in spans:
        table.add_row(s.text, s.label, json.dumps(s.attrs, ensure_ascii=False)[:200])
    return table


def _removed_table(article: Article) -> Table:
    table = Table(title="Removed from the scraped text", title_justify="left")
    for col in ("line", "text", "reason"):
        table.add_column(col)
    for r in article.removed:
        table.add_row(str(r.line), r.text, r.reason)
    return table


def _summary(article: Article) -> Text:
    from newsprobe.layers import LAYERS

    s = article.summary
    out = Text()
    out.append(f"{s.get('words', 0)} words", style="bold")
    for layer in LAYERS:
        fn = layer.hook("summary_line")
        if fn is not None and layer.span_layer in s:
            out.append(f" · {fn(s[layer.span_layer])}")
    out.append(f" · removed lines: {len(article.removed)}")
    for name, why in (s.get("skipped") or {}).items():
        out.append(f" · {name} skipped ({why})", style="yellow")
    return out


def render(article: Article) -> Group:
    from newsprobe.layers import LAYERS

    parts: list = [
        Text(article.title or "(no title)", style="bold underline"),
        _meta(article),
        _summary(article),
        Panel(highlighted(article), title="Text", title_align="left"),
    ]
    layers: dict[str, list[Span]] = defaultdict(list)
    for s in article.spans:
        layers[s.layer].append(s)
    for name, spans in layers.items():
        layer = LAYERS.for_span_layer(name)
        if layer is None:
            parts.append(_generic_table(name, spans))
            continue
        section = layer.hook("report")
        if section is not None:
            parts.append(section(article, spans))
        elif layer.in_text:
            parts.append(_generic_table(name, spans))
    parts.append(_removed_table(article) if article.removed else Text("Nothing removed.", style="dim"))
    return Group(*parts)


def print_report(article: Article, console: Console | None = None) -> None:
    """The report on a terminal. Every string of the article (text, title, spans, attrs, debris) goes through
    `printable` first, which keeps offsets: an escape sequence in a scraped page shows as symbols, never acts."""
    (console or Console()).print(render(deep(article, printable)))
