"""The Python API: `analyze` one article from text or from a file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Article, Document, IngestError
from newsprobe.core.pipeline import analyse, check_length, load_nlp
from newsprobe.core.registry import parse_layers
from newsprobe.io.prepare import prepare
from newsprobe.io.read import iter_documents


def _looks_like_path(value: str | Path) -> bool:
    if isinstance(value, Path):
        return True
    if len(value) >= 4096 or "\n" in value:
        return False
    try:
        return Path(value).exists()
    except OSError:  # a one-line text longer than a file name may be ("File name too long")
        return False


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
    layers: Iterable[str] | str | None = None,
) -> Article:
    """Analyse one article. A path is read as `newsprobe analyze` reads it (its first article);
    anything else is the article's text. Metadata given here wins over what the file says.
    `technique_threshold` (0..1) overrides the technique layer's: lower finds more spans, higher fewer.
    `layers` ("entities,dates" or a list) runs only those layers and what they need; all by default."""
    if _looks_like_path(text_or_path):
        doc = _first_document(text_or_path)
    else:
        doc = Document(source="<text>", text=str(text_or_path))
    given = {"title": title, "outlet": outlet, "published": published, "url": url}
    doc = replace(doc, **{k: v for k, v in given.items() if v is not None})
    art = prepare(doc)
    if not isinstance(art, IngestError):
        art = check_length(art)  # over the limit: reported, not analysed
    if isinstance(art, IngestError):
        raise NewsprobeError(str(art))
    nlp = load_nlp(parse_layers(layers), technique_threshold=technique_threshold)
    return next(analyse([art], nlp=nlp))
