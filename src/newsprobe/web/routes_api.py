"""The JSON API under `/api`, described by FastAPI's OpenAPI schema at `/openapi.json`.

Articles come back in exactly the shape `newsprobe analyze` prints (`Article.to_dict()`; the response model is
derived from the same dataclass), so a script can switch between the CLI, the Python API and HTTP without a converter.
Handlers are sync `def`: SQLite and spaCy block, and FastAPI runs sync handlers on its thread pool.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Document
from newsprobe.core.schema import article_model
from newsprobe.io.search import MARKS, Filters, search
from newsprobe.web import analysis
from newsprobe.web.app import ID_PATTERN, open_store
from newsprobe.web.render import lead, snippet_offsets

router = APIRouter(prefix="/api", tags=["api"])
MAX_TEXT_CHARS = 1_000_000  # spaCy refuses longer texts; say so as a 422 instead of failing inside the parse


class ErrorOut(BaseModel):
    """Every error: one readable sentence; `errors` lists the fields at fault for a 422."""

    detail: str
    errors: list[dict[str, Any]] | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Token required"},
    413: {"model": ErrorOut, "description": "Request body too large"},
    422: {"model": ErrorOut, "description": "Invalid input"},
}
BUSY: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorOut, "description": "Busy: every analysis worker taken and the queue full, or the analysis "
                                           "ran past the time budget; retry after the Retry-After seconds"},
}


ArticleOut = article_model()


class AnalyzeIn(BaseModel):
    """An article to analyse; metadata given here wins over what the text itself says."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., min_length=1, max_length=MAX_TEXT_CHARS,
                      description="The article's text (a scraped page's text is fine).")
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=300)
    published: str | None = Field(None, max_length=64, description="Publication date, ISO 8601 preferred.")
    url: str | None = Field(None, max_length=2048)
    save: bool = Field(False, description="Also store the article; it is then at /api/articles/{id}.")


class HitOut(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str = Field(..., description="Plain text around the matches (the article start without a query).")
    marks: list[tuple[int, int]] = Field([], description="[start, end) of each match within `snippet`.")
    score: float = Field(..., description="Relevance (negated bm25; higher is better); 0 without a query.")


class SearchOut(BaseModel):
    total: int
    page: int
    limit: int
    hits: list[HitOut]


class OutletOut(BaseModel):
    outlet: str | None = Field(..., description="null for articles whose outlet is unknown.")
    articles: int
    words: int
    attributions: int = Field(..., description="Attribution spans (reported statements with a source).")
    anonymous_share: float | None = Field(..., description="Share of them with an anonymous source; null if none.")
    techniques: int
    techniques_per_1000_words: float | None = Field(..., description="null while no article has that layer.")
    techniques_own: int = Field(0, description="Technique spans in the outlet's own voice (outside quotations).")
    techniques_quoted: int = Field(0, description="Technique spans inside quotations (what the outlet reports).")
    techniques_own_per_1000_words: float | None = Field(
        None, description="Own-voice technique spans per 1,000 words outside quotations; null without data.")
    techniques_quoted_per_1000_words: float | None = Field(
        None, description="Quoted technique spans per 1,000 words inside quotations; null without data.")
    first_published: str | None
    last_published: str | None
    months: dict[str, int] = Field(..., description="Articles per month (YYYY-MM) with a publication date.")


ArticleId = Annotated[str, Path(pattern=ID_PATTERN, description="Article id (or a unique prefix of 6+ characters).")]


@router.post("/analyze", response_model=ArticleOut, responses={**ERRORS, **BUSY})
def analyze(body: AnalyzeIn, request: Request) -> dict[str, Any]:
    """Analyse an article: clean text, metadata and every layer, as `newsprobe analyze` prints it."""
    meta = {"title": body.title, "outlet": body.outlet, "published": body.published, "url": body.url}
    article = run_analysis(request, Document(source="<text>", text=body.text), meta)
    if body.save:
        with open_store(request, write=True) as store:
            store.add_many([article])
    return article.to_dict()


def run_analysis(request: Request, doc: Document, meta: dict[str, str | None]):
    """The analysis through the app's bounded pool: 503 with Retry-After when it is full or the budget runs out,
    422 when the text cannot be analysed."""
    try:
        return request.app.state.analysis.run(doc, meta)
    except analysis.Busy as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": str(exc.retry_after)}) from None
    except NewsprobeError as exc:
        raise HTTPException(422, f"cannot analyse this text: {exc}") from None


@router.get("/articles/{article_id}", response_model=ArticleOut,
            responses={**ERRORS, 404: {"model": ErrorOut, "description": "No such article"},
                       409: {"model": ErrorOut, "description": "Ambiguous id prefix"}})
def get_article(article_id: ArticleId, request: Request) -> dict[str, Any]:
    """One stored article in the `newsprobe/1` model."""
    return load_article(request, article_id).to_dict()


def load_article(request: Request, article_id: str):
    """The stored article, 404 if absent, 409 for a prefix matching several; shared with the page."""
    with open_store(request) as store:
        try:
            article = store.get(article_id)
        except NewsprobeError as exc:
            raise HTTPException(409, str(exc)) from None
    if article is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    return article


@router.get("/search", response_model=SearchOut, responses=ERRORS)
def search_articles(
    request: Request,
    q: Annotated[str, Query(max_length=500, description='Full-text query: words, "phrases", OR, NOT, prefix*.')] = "",
    outlet: Annotated[str | None, Query(max_length=300)] = None,
    date_from: Annotated[date | None, Query(alias="from", description="Published on or after (YYYY-MM-DD).")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="Published on or before (YYYY-MM-DD).")] = None,
    layer: Annotated[str | None, Query(max_length=100, description="Has a span of this layer.")] = None,
    label: Annotated[str | None, Query(max_length=200, description="... with this label (needs `layer`).")] = None,
    anonymous: Annotated[bool, Query(description="Has a statement from an anonymous source.")] = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchOut:
    """Full-text search (bm25, titles weigh double) with filters; without `q`, the newest articles."""
    if label and not layer:
        raise HTTPException(422, "the `label` filter needs `layer` too (for example layer=entity&label=GPE)")
    filters = Filters(q=q, outlet=outlet or None, date_from=date_from, date_to=date_to, layer=layer or None,
                      label=label or None, anonymous=anonymous, probe=request.app.state.span_probe)
    with open_store(request) as store:
        try:
            total, hits = search(store.connection, filters, limit, (page - 1) * limit)
        except NewsprobeError as exc:
            raise HTTPException(422, str(exc)) from None
    out = []
    for hit in hits:
        text, marks = snippet_offsets(hit.snippet, MARKS) if q.strip() else (lead(hit.snippet), [])
        out.append(HitOut(id=hit.id, title=hit.title, outlet=hit.outlet, published=hit.published, snippet=text,
                          marks=marks, score=hit.score))
    return SearchOut(total=total, page=page, limit=limit, hits=out)


@router.get("/outlets", response_model=list[OutletOut], responses=ERRORS)
def outlets(request: Request) -> list[OutletOut]:
    """Per outlet: articles, words, share of anonymous sources, techniques per 1,000 words, articles per month."""
    with open_store(request) as store:
        agg = request.app.state.aggregates.get(store)
    return [
        OutletOut(
            outlet=s.outlet, articles=s.articles, words=s.words, attributions=s.attributions,
            anonymous_share=s.anonymous_share, techniques=s.techniques,
            techniques_per_1000_words=s.techniques_per_1000_words(agg.has_techniques),
            techniques_own=s.techniques_own, techniques_quoted=s.techniques_quoted,
            techniques_own_per_1000_words=s.voice_per_1000_words(agg.has_techniques)[0],
            techniques_quoted_per_1000_words=s.voice_per_1000_words(agg.has_techniques)[1],
            first_published=s.first_published, last_published=s.last_published, months=dict(sorted(s.months.items())),
        )
        for s in agg.outlets
    ]
