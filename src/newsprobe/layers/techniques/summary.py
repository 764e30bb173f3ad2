"""Spans per technique, spans per 1,000 words, and the share of sentences holding any technique span."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from newsprobe.core.model import Article, Span, word_count
from newsprobe.core.quotes import words_inside_quotes


def summarize(spans: list[Span], article: Article) -> dict[str, Any]:
    words = word_count(article.text)
    sentences = article.layer("sentence") or _rough_sentences(article.text)
    touched = sum(1 for sent in sentences if any(sp.start < sent.end and sp.end > sent.start for sp in spans))
    by_technique = Counter(s.label for s in spans)
    own_words, quoted_words = words_inside_quotes(article.text)
    return {
        "count": len(spans),
        "by_technique": dict(by_technique.most_common()),
        "per_1000_words": round(1000 * len(spans) / words, 2) if words else 0.0,
        "sentence_share": round(touched / len(sentences), 3) if sentences else 0.0,
        # the outlet's own voice and what it quotes, each per 1,000 of its own words
        "own_voice": _voice([s for s in spans if s.attrs.get("voice", "own") == "own"], own_words),
        "quoted": _voice([s for s in spans if s.attrs.get("voice") == "quoted"], quoted_words),
    }


def _voice(spans: list[Span], words: int) -> dict[str, Any]:
    return {"count": len(spans), "words": words,
            "per_1000_words": round(1000 * len(spans) / words, 2) if words else 0.0}


def line(summary: dict[str, Any]) -> str:
    own, quoted = summary.get("own_voice"), summary.get("quoted")
    split = (f"; own voice {own['count']} ({own['per_1000_words']} per 1,000 words), quoted {quoted['count']}"
             if own and quoted else "")
    return (f"techniques: {summary['count']} ({summary['per_1000_words']} per 1,000 words, "
            f"{summary['sentence_share']:.0%} of sentences{split})")


def _rough_sentences(text: str) -> list[Span]:
    """Sentences when no sentence layer ran: text between sentence-final punctuation or line breaks."""
    out = []
    for m in re.finditer(r"[^.!?\n]+(?:[.!?]+|$)", text):
        if m.group().strip():
            out.append(Span("sentence", m.start(), m.end(), "sentence", m.group()))
    return out
