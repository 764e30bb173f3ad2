"""newsprobe: read news articles the way a careful analyst does, and show the evidence."""

from newsprobe.core.model import SCHEMA, Article, Span

__all__ = ["SCHEMA", "Article", "Span", "analyze"]
__version__ = "0.1.0"


def analyze(text_or_path, **kwargs) -> Article:
    """Analyse one article given as text or as a path to a file; see `newsprobe.api.analyze`."""
    from newsprobe.api import analyze as _analyze

    return _analyze(text_or_path, **kwargs)
