"""The one data model: an article's clean text plus a flat list of standoff spans over it.

The fields are written here and nowhere else. The JSON output (`Article.to_dict`), the HTTP API's schema
(`newsprobe.core.schema.article_model`), the store's rows (`newsprobe.io.store`) and the exporter's columns all derive
from these dataclasses, and `Article.from_dict` is the one way back from JSON or a row. A test checks that the
committed JSON Schema and the OpenAPI schema agree with them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

SCHEMA = "newsprobe/1"
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


@dataclass
class Span:
    """A finding: characters `text[start:end]` of the article's clean text, labelled within a layer."""

    layer: str
    start: int
    end: int
    label: str
    text: str
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Removed:
    """A line taken out of the scraped text, kept so that nothing is dropped silently."""

    text: str
    reason: str
    line: int  # 1-based line number in the text before cleaning


@dataclass(kw_only=True)
class Metadata:
    """What is known about where an article came from; a document brings it, the article keeps it."""

    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    section: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    language: str | None = None  # ISO 639-1 code


@dataclass(kw_only=True)
class Document(Metadata):
    """One ingested item before cleaning and analysis: raw text or HTML plus whatever metadata came with it."""

    source: str  # file path, or path#line / path#record for items inside a container file
    text: str | None = None
    html: str | None = None


@dataclass
class IngestError:
    """A document that could not be read; reported, never raised, so a large run goes on."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(kw_only=True)
class Article(Metadata):
    """An analysed article: its clean text, metadata, the debris removed from it, its spans and their summary."""

    id: str
    text: str
    source: str | None = None
    removed: list[Removed] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    def layer(self, name: str) -> list[Span]:
        return [s for s in self.spans if s.layer == name]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {"schema": SCHEMA, **{name: data[name] for name in ARTICLE_FIELDS}}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def spans_df(self):
        """Spans as a pandas DataFrame, one row a span, with the article id for joining (attrs stay dicts)."""
        import pandas as pd

        columns = ["article_id", *(f.name for f in fields(Span))]
        return pd.DataFrame([{"article_id": self.id, **asdict(s)} for s in self.spans], columns=columns)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """The article from its JSON form (or a store row in that shape); unknown keys are an error, not ignored."""
        data = {k: v for k, v in data.items() if k != "schema"}
        data["removed"] = [r if isinstance(r, Removed) else Removed(**r) for r in data.get("removed") or []]
        data["spans"] = [s if isinstance(s, Span) else Span(**s) for s in data.get("spans") or []]
        data["summary"] = data.get("summary") or {}
        return cls(**data)


METADATA_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Metadata))
# The order in which an article's fields are written out (JSON, API, exports): identity, text, where it came from.
ARTICLE_FIELDS: tuple[str, ...] = ("id", "text", "source", *METADATA_FIELDS, "removed", "spans", "summary")
assert set(ARTICLE_FIELDS) == {f.name for f in fields(Article)}, "ARTICLE_FIELDS must list every Article field"
# Fields that hold one string each (columns of their own in tables); the rest are nested (lists, objects).
SCALAR_FIELDS: tuple[str, ...] = tuple(n for n in ARTICLE_FIELDS if n not in ("removed", "spans", "summary"))


def content_id(text: str) -> str:
    """Stable id from the clean text alone, so the same story ingested twice is stored once."""
    normalized = " ".join(text.split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:16]


def word_count(text: str) -> int:
    """Words as the summaries count them (rates per 1,000 words use this)."""
    return len(_WORD.findall(text))
