"""Stand-in analysis jobs for the web app's worker pool tests (a spawned worker imports them by name)."""

from __future__ import annotations

import time

from newsprobe.core.model import Article, Document


def slow(doc: Document, meta: dict) -> Article:
    """Sleeps as many seconds as the text says, then returns a bare article: a long analysis without the models."""
    time.sleep(float(doc.text.split()[0]))
    return Article(id="0123456789abcdef", text=doc.text)
