"""The text of a spaCy Doc, fetched once per Doc."""

from __future__ import annotations

from spacy.tokens import Doc


def text_of(doc: Doc) -> str:
    """`doc.text`, kept in `doc.user_data`: spaCy rebuilds the string from every token on each access, and rules that
    look at the text around hundreds of spans would otherwise spend most of their time there."""
    cached = doc.user_data.get("newsprobe_text")
    if cached is None:
        cached = doc.user_data["newsprobe_text"] = doc.text
    return cached
