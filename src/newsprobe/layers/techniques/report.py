"""The report's "Propaganda techniques" table: each span in its sentence, with its technique and score.

The span is set off by ⟦ ⟧ as well as by colour: a report saved to a file or read without colour must still show
which words the technique is in, and two spans of one sentence must not look like one finding shown twice."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from newsprobe.core.model import Article, Span


def _sentence_of(article: Article, span: Span) -> tuple[int, int]:
    """Bounds of the sentence (from the sentence layer) around a span; the span's line when there is none."""
    for sent in article.layer("sentence"):
        if sent.start <= span.start < sent.end:
            return sent.start, max(sent.end, span.end)
    start = article.text.rfind("\n", 0, span.start) + 1
    end = article.text.find("\n", span.end)
    return start, len(article.text) if end < 0 else end


def section(article: Article, spans: list[Span]) -> Table:
    table = Table(title="Propaganda techniques", title_justify="left")
    table.add_column("score", justify="right")
    table.add_column("technique")
    table.add_column("voice")
    table.add_column("in context")
    for s in sorted(spans, key=lambda x: (x.start, -x.attrs.get("score", 0))):
        start, end = _sentence_of(article, s)
        if end - start > 400:  # keep a long line readable: the span with some words around it
            start, end = max(start, s.start - 150), min(end, s.end + 150)
        context = Text(article.text[start : s.start])
        context.append("⟦" + article.text[s.start : s.end] + "⟧", style="bold red")
        context.append(article.text[s.end : end])
        table.add_row(f"{s.attrs.get('score', 0):.2f}", s.label.replace("_", " "), s.attrs.get("voice", ""), context)
    return table
