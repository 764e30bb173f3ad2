"""The readable report: the clean text with its layers highlighted, then each layer as a table.

Layer-agnostic on purpose: a layer added later shows up here without changes, with a default style.
"""

from __future__ import annotations

import json
from collections import defaultdict

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newsprobe.model import Article, Span

LABEL_STYLES = {
    "GPE": "bold green",
    "LOC": "green",
    "FAC": "green",
    "ORG": "bold cyan",
    "PERSON": "bold magenta",
    "NORP": "yellow",
    "EVENT": "bright_blue",
    "MONEY": "bright_yellow",
    "CARDINAL": "bright_yellow",
}
LAYER_STYLES = {"date": "underline bright_blue", "entity": "bold", "attribution": "italic", "technique": "bold red"}
HIDDEN_IN_TEXT = {"sentence"}  # sentences would colour everything


def _style(span: Span) -> str:
    if span.layer == "entity":
        return LABEL_STYLES.get(span.label, "bold")
    return LAYER_STYLES.get(span.layer, "reverse")


def highlighted(article: Article) -> Text:
    text = Text(article.text)
    for span in article.spans:
        if span.layer not in HIDDEN_IN_TEXT:
            text.stylize(_style(span), span.start, span.end)
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


def _entity_table(spans: list[Span]) -> Table:
    table = Table(title="Who is named", title_justify="left", expand=False)
    for col in ("name", "label", "mentions", "spellings"):
        table.add_column(col)
    groups: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for s in spans:
        groups[(s.attrs.get("canonical") or s.text, s.label)].append(s)
    for (name, label), members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        variants = sorted({m.text for m in members} - {name})
        table.add_row(
            Text(name, style=LABEL_STYLES.get(label, "")), label, str(len(members)), ", ".join(variants)
        )
    return table


def _date_table(spans: list[Span]) -> Table:
    table = Table(title="Dates", title_justify="left")
    for col in ("text", "date", "how"):
        table.add_column(col)
    for s in spans:
        a = s.attrs
        how = (
            "relative, resolved"
            if a.get("relative") and a.get("resolved")
            else ("relative, unresolved" if a.get("relative") else "absolute")
        )
        table.add_row(s.text, a.get("value") or "-", how)
    return table


_QUALIFIER_SIGNS = {"more_than": ">", "at_least": ">=", "about": "~", "nearly": "~<", "up_to": "<=",
                    "less_than": "<", "exactly": "", "range": ""}


def describe_quantity(q: dict) -> str:
    """"more than 3,200 militants killed" as a reader would jot it: >3200 militants killed (in recent weeks)."""
    if q.get("value") is not None:
        amount = f"{_QUALIFIER_SIGNS.get(q.get('qualifier'), '')}{q['value']:,}"
    else:
        amount = f"{q.get('low') or '?'}..{q.get('high') or '?'}"
    words = [amount, q.get("unit") or "", q.get("counted") or "", q.get("event") or ""]
    where_when = ", ".join(x for x in (q.get("where"), q.get("when")) if x)
    return " ".join(w for w in words if w) + (f" ({where_when})" if where_when else "")


def _claim_table(spans: list[Span]) -> Table:
    table = Table(title="What is claimed", title_justify="left")
    table.add_column("check-worthy", justify="right")
    table.add_column("claim")
    table.add_column("numbers")
    for s in spans:
        quantities = "; ".join(describe_quantity(q) for q in s.attrs.get("quantities", []))
        table.add_row(f"{s.attrs.get('checkworthy', 0):.2f}", s.text, quantities)
    return table


def _attribution_table(spans: list[Span]) -> Table:
    from newsprobe.sourcing import group_by_source

    table = Table(title="Who says what", title_justify="left")
    for col in ("source", "type", "cue", "kind", "statement"):
        table.add_column(col)
    for group in group_by_source(spans):
        kind = group["type"] + (f", close to {group['affiliation']}" if group["affiliation"] else "")
        for i, st in enumerate(group["statements"]):
            table.add_row(group["source"] if i == 0 else "", kind if i == 0 else "", st["said"], st["kind"], st["text"])
    return table


def _sentence_of(article: Article, span: Span) -> tuple[int, int]:
    """Bounds of the sentence (from the sentence layer) around a span; the span's line when there is none."""
    for sent in article.layer("sentence"):
        if sent.start <= span.start < sent.end:
            return sent.start, max(sent.end, span.end)
    start = article.text.rfind("\n", 0, span.start) + 1
    end = article.text.find("\n", span.end)
    return start, len(article.text) if end < 0 else end


def _technique_table(article: Article, spans: list[Span]) -> Table:
    """Each technique span in its sentence, the span in bold red, with its label and score."""
    table = Table(title="Propaganda techniques", title_justify="left")
    table.add_column("score", justify="right")
    table.add_column("technique")
    table.add_column("in context")
    for s in sorted(spans, key=lambda x: (x.start, -x.attrs.get("score", 0))):
        start, end = _sentence_of(article, s)
        if end - start > 400:  # keep a long line readable: the span with some words around it
            start, end = max(start, s.start - 150), min(end, s.end + 150)
        context = Text(article.text[start:end])
        context.stylize("bold red", s.start - start, s.end - start)
        table.add_row(f"{s.attrs.get('score', 0):.2f}", s.label.replace("_", " "), context)
    return table


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
    s = article.summary
    out = Text()
    out.append(f"{s.get('words', 0)} words", style="bold")
    if "sentence" in s:
        out.append(f" · {s['sentence']['count']} sentences")
    if "entity" in s:
        labels = ", ".join(f"{k} {v}" for k, v in sorted(s["entity"]["by_label"].items()))
        out.append(f" · entities: {labels or 'none'}")
    if "date" in s:
        out.append(f" · dates: {s['date']['count']}")
    if "attribution" in s:
        a = s["attribution"]
        out.append(f" · statements: {a['count']} ({a['anonymous_share']:.0%} from anonymous sources)")
    if "claim" in s:
        out.append(f" · claims: {s['claim']['count']} ({s['claim']['numeric']} with numbers)")
    if "technique" in s:
        t = s["technique"]
        out.append(f" · techniques: {t['count']} ({t['per_1000_words']} per 1,000 words, "
                   f"{t['sentence_share']:.0%} of sentences)")
    out.append(f" · removed lines: {len(article.removed)}")
    return out


def render(article: Article) -> Group:
    parts: list = [
        Text(article.title or "(no title)", style="bold underline"),
        _meta(article),
        _summary(article),
        Panel(highlighted(article), title="Text", title_align="left"),
    ]
    layers: dict[str, list[Span]] = defaultdict(list)
    for s in article.spans:
        layers[s.layer].append(s)
    for layer, spans in layers.items():
        if layer == "entity":
            parts.append(_entity_table(spans))
        elif layer == "date":
            parts.append(_date_table(spans))
        elif layer == "claim":
            parts.append(_claim_table(spans))
        elif layer == "attribution":
            parts.append(_attribution_table(spans))
        elif layer == "technique":
            parts.append(_technique_table(article, spans))
        elif layer not in HIDDEN_IN_TEXT:
            parts.append(_generic_table(layer, spans))
    parts.append(_removed_table(article) if article.removed else Text("Nothing removed.", style="dim"))
    return Group(*parts)


def print_report(article: Article, console: Console | None = None) -> None:
    (console or Console()).print(render(article))
