"""From an ingested `Document` to an `Article`: clean text, metadata from text when missing, language.

Kept apart from the spaCy analysis because it is cheap: the store can skip an article it already
holds before paying for the parse, which is what makes ingest resumable at low cost. So it imports no layer and no
spaCy: dates come from the shared grammar in `newsprobe.core.dates`.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

from newsprobe.core.chars import scrub_document
from newsprobe.core.dates import normalize_published
from newsprobe.core.model import Article, Document, IngestError, content_id, word_count
from newsprobe.io.clean import clean_text
from newsprobe.io.titles import outlet_from_url, outlet_name, site_names

__all__ = ["article_language", "detect_language", "document_id", "normalize_published", "outlet_from_url", "prepare"]

MIN_WORDS_TO_OVERRULE = 50  # a declared language is overruled only on this much text ...
OVERRULE_PROBABILITY = 0.99  # ... and only when the text's own language is this certain


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, min_probability: float = 0.0) -> str | None:
    """ISO 639-1 code from py3langid on the first few thousand characters (enough, and bounded cost), or None when
    the text is too short or the guess less probable than `min_probability`."""
    sample = text[:3000]
    if len(sample.split()) < 3:
        return None
    lang, probability = _identifier().classify(sample)
    return lang if probability >= min_probability else None


def article_language(declared: str | None, text: str) -> str | None:
    """The language the document declares, unless its text is plainly in another: page templates declare one
    language for every page of a site (4 of the 181 pages of the extraction benchmark declared English over German
    text or German over English), and the English-only layers must not run on German, nor skip English."""
    if not declared:
        return detect_language(text)
    if word_count(text) < MIN_WORDS_TO_OVERRULE:
        return declared
    return detect_language(text, OVERRULE_PROBABILITY) or declared


def document_id(doc: Document) -> str:
    """Id of the content as ingested (before cleaning), so it does not depend on which corpus it came with."""
    return content_id(doc.text or "")


def prepare(doc: Document, repeated: Collection[str] = ()) -> Article | IngestError:
    doc = scrub_document(doc)  # text from the web form or the Python API has not been through a reader
    if not doc.text or not doc.text.strip():
        return IngestError(doc.source, "no article text")
    names = site_names(doc.outlet, doc.url)
    cleaned = clean_text(doc.text, title=doc.title, section=doc.section, repeated=repeated, site_names=names)
    if repeated and not cleaned.text.strip():
        # Corpus statistics that would erase a whole article are wrong about it (templated copy):
        # fall back to what the page itself shows.
        cleaned = clean_text(doc.text, title=doc.title, section=doc.section, site_names=names)
    if not cleaned.text.strip():
        return IngestError(doc.source, "no article text left after removing web debris")
    published = normalize_published(doc.published) or normalize_published(getattr(cleaned, "dateline", None))
    return Article(
        id=document_id(doc),
        text=cleaned.text,
        source=doc.source,
        url=doc.url,
        outlet=outlet_name(doc.outlet, doc.url),
        title=cleaned.title,
        section=cleaned.section,
        published=published,
        language=article_language(doc.language, cleaned.text),
        removed=cleaned.removed,
    )
