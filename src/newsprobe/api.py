"""The Python API: `analyze` one article from text or from a file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from newsprobe.errors import NewsprobeError
from newsprobe.ingest import iter_documents
from newsprobe.model import Article, Document, IngestError
from newsprobe.pipeline import analyse, load_nlp
from newsprobe.prepare import prepare


def _looks_like_path(value: str | Path) -> bool:
    if isinstance(value, Path):
        return True
    return len(value) < 4096 and "\n" not in value and Path(value).exists()


def _first_document(path: str | Path) -> Document:
    for item in iter_documents([path]):
        if isinstance(item, IngestError):
            raise NewsprobeError(str(item))
        return item
    raise NewsprobeError(f"{path}: no article found")


def analyze(
    text_or_path: str | Path,
    *,
    title: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
    url: str | None = None,
    technique_threshold: float | None = None,
) -> Article:
    """Analyse one article. A path is read as `newsprobe analyze` reads it (its first article);
    anything else is the article's text. Metadata given here wins over what the file says.
    `technique_threshold` (0..1) overrides the technique layer's: lower finds more spans, higher fewer."""
    if _looks_like_path(text_or_path):
        doc = _first_document(text_or_path)
    else:
        doc = Document(source="<text>", text=str(text_or_path))
    given = {"title": title, "outlet": outlet, "published": published, "url": url}
    doc = replace(doc, **{k: v for k, v in given.items() if v is not None})
    art = prepare(doc)
    if isinstance(art, IngestError):
        raise NewsprobeError(str(art))
    nlp = load_nlp(technique_threshold=technique_threshold) if technique_threshold is not None else None
    return next(analyse([art], nlp=nlp))
