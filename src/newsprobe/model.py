"""The one data model: an article's clean text plus a flat list of standoff spans over it.

The JSON output, the SQLite store and the web view all read and write this shape, so every
layer added later (attribution, claim, technique) is just more `Span`s with another `layer`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = "newsprobe/1"


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


@dataclass
class Document:
    """One ingested item before cleaning and analysis: raw text or HTML plus whatever metadata came with it."""

    source: str  # file path, or path#line / path#record for items inside a container file
    text: str | None = None
    html: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    section: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as given by the metadata
    language: str | None = None


@dataclass
class IngestError:
    """A document that could not be read; reported, never raised, so a large run goes on."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class Article:
    id: str
    text: str
    source: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    section: str | None = None
    published: str | None = None
    language: str | None = None
    removed: list[Removed] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    def layer(self, name: str) -> list[Span]:
        return [s for s in self.spans if s.layer == name]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {"schema": SCHEMA, **data}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def spans_df(self):
        """Spans as a pandas DataFrame, one row a span, with the article id for joining."""
        import pandas as pd

        rows = [{"article_id": self.id, **asdict(s)} for s in self.spans]
        cols = ["article_id", "layer", "start", "end", "label", "text", "attrs"]
        return pd.DataFrame(rows, columns=cols)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        data = {k: v for k, v in data.items() if k != "schema"}
        data["removed"] = [Removed(**r) for r in data.get("removed", [])]
        data["spans"] = [Span(**s) for s in data.get("spans", [])]
        return cls(**data)


def content_id(text: str) -> str:
    """Stable id from the clean text alone, so the same story ingested twice is stored once."""
    normalized = " ".join(text.split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:16]
