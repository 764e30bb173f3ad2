"""The web side of `corroborate`: the article page's "Reported elsewhere" panel and the JSON API
(`/api/claims/{claim_id}/corroboration`). Requests only read; the figure index is derived data, written through a
connection of its own when it is stale (see `index.ensure`)."""

from __future__ import annotations

import sqlite3
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Request
from pydantic import BaseModel, Field

from newsprobe.core.errors import NewsprobeError
from newsprobe.corpus.corroborate import index
from newsprobe.corpus.corroborate.match import (
    SHORT_WORDS,
    AmbiguousClaimId,
    Context,
    MalformedClaimId,
    UnknownClaim,
    claim_id,
    corroborate,
    corroborate_span,
)
from newsprobe.web.app import open_store
from newsprobe.web.routes_api import ERRORS, ErrorOut

router = APIRouter()
MAX_PANEL_CLAIMS = 60  # numeric claims looked up for one article page


def update_line(store) -> str | None:
    """The `update` hook: index the figures of what an ingest stored."""
    how = index.ensure(store.connection)
    return None if how == "fresh" else f"corroborate: figure index {how}"


# -- article page panel -------------------------------------------------------------------------------------------


def panel(article, store) -> dict[str, Any] | None:
    """"Reported elsewhere": for each numeric claim of the article, the other articles with the same figure, as
    independent reports and copies, with their source types. Nothing when no figure is found elsewhere."""
    claims = [s for s in article.layer("claim") if s.attrs.get("quantities")][:MAX_PANEL_CLAIMS]
    if not claims:
        return None
    try:
        index.ensure(store.connection)
    except (sqlite3.Error, NewsprobeError):
        return None
    ctx = Context(store)
    shown, alone = [], 0
    for span in claims:
        found = corroborate_span(store, article, span.start, span.end, span.text, span.attrs, ctx)
        figures = [f for f in found["figures"] if f["articles"] > 1]
        if not figures:
            alone += 1
            continue
        for fig in figures:
            for report in fig["reports"]:
                report["source_word"] = SHORT_WORDS.get(report["source_type"], report["source_type"])
                for a in report["articles"]:
                    a["source_word"] = SHORT_WORDS.get(a["source_type"], a["source_type"])
        shown.append({"id": found["claim"]["id"], "text": span.text, "figures": figures})
    return {"claims": shown, "alone": alone, "pending": ctx.pending}


# -- API ----------------------------------------------------------------------------------------------------------

ClaimId = Annotated[str, Path(
    pattern=r"^[0-9a-f]{6,16}:[0-9]{1,9}-[0-9]{1,9}$",
    description="Claim id ARTICLE_ID:START-END: the article id (or a unique prefix of 6+ characters) and the "
                "character offsets of the claim span in its clean text.")]


class ClaimOut(BaseModel):
    id: str
    article_id: str
    title: str | None
    outlet: str | None
    published: str | None
    start: int
    end: int
    text: str
    source: str | None
    source_type: str | None = Field(..., description="The attribution layer's source type; null when the claim "
                                                      "sits in no reported statement.")


class ReportArticleOut(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    claim_id: str
    start: int
    end: int
    text: str = Field(..., description="The claim sentence in that article.")
    figure: str | None = Field(..., description="The figure as written there (\"more than 3,200\").")
    counted: str | None
    event: str | None
    source: str | None
    source_type: str | None
    this: bool = Field(..., description="The claim asked about.")
    role: Literal["first", "copy"] = Field(..., description="first: the report's first publisher (the family's, "
                                                             "else the earliest); copy: a republication of it.")


class ReportOut(BaseModel):
    family: str | None = Field(..., description="Copy family (see /api/families) when the report was republished.")
    first: str
    source: str | None
    source_type: str | None
    source_types: list[str] = Field(..., description="Every source type among its articles (copies may differ).")
    articles: list[ReportArticleOut]


class FigureOut(BaseModel):
    index: int = Field(..., description="Position of the quantity in the claim's attrs.quantities.")
    text: str | None
    counted: str | None
    event: str | None
    kind: str | None = Field(..., description="What is matched on: event or counted noun, then unit ('killed|').")
    interval: list[float] | None = Field(..., description="[lo, hi] of the values the figure is consistent with.")
    window: list[str] | None = Field(..., description="[first, last] day it can refer to; null when unknown.")
    verdict: str
    independent: int = Field(..., description="Independent reports (the claim's own included).")
    articles: int = Field(..., description="Articles reporting the figure (the claim's own included).")
    copies: int
    reports: list[ReportOut]


class CorroborationOut(BaseModel):
    claim: ClaimOut
    figures: list[FigureOut]
    copies_pending: int = Field(..., description="Articles not yet indexed for copies (their reports may be split).")


_NOT_FOUND = {**ERRORS, 404: {"model": ErrorOut, "description": "No such article or claim span"},
              409: {"model": ErrorOut, "description": "Ambiguous article id prefix"}}


@router.get("/api/claims/{claim_id}/corroboration", tags=["api"], response_model=CorroborationOut,
            responses=_NOT_FOUND)
def claim_corroboration(claim_id: ClaimId, request: Request) -> dict[str, Any]:
    """The other stored articles reporting the claim's figures, grouped into independent reports and copies."""
    with open_store(request) as store:
        try:
            return corroborate(store, claim_id)
        except AmbiguousClaimId as exc:
            raise HTTPException(409, str(exc)) from None
        except MalformedClaimId as exc:
            raise HTTPException(422, str(exc)) from None
        except UnknownClaim as exc:
            raise HTTPException(404, str(exc)) from None


__all__ = ["claim_id", "panel", "router", "update_line"]
