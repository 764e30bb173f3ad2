"""The web side of `copies`: the article page's "Also published by" panel, a page with two texts side by side and
their aligned passages highlighted, and the JSON API (`/api/articles/{id}/copies`, `/api/articles/{id}/copies/
{other}`, `/api/families`). Requests only read: indexing new articles is `ingest`'s or the CLI's job."""

from __future__ import annotations

import threading
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape
from pydantic import BaseModel, Field

from newsprobe.core.errors import NewsprobeError
from newsprobe.corpus.copies import index
from newsprobe.corpus.copies.families import matches, newest
from newsprobe.corpus.copies.relation import edits
from newsprobe.web.app import open_store, render
from newsprobe.web.render import PALETTE_SIZE, safe_url
from newsprobe.web.routes_api import ERRORS, ArticleId, ErrorOut, load_article

router = APIRouter()
api = APIRouter(prefix="/api", tags=["copies"])


def update_line(store) -> str | None:
    """The `update` hook: index what an ingest stored (see `index.update`)."""
    if not index.pending(store):
        return None
    return index.update(store).line()


# -- article page panel -----------------------------------------------------------------------------------------


def panel(article, store) -> dict[str, Any] | None:
    """"Also published by": the article's families, with the other members and a link to compare each."""
    found = index.families_of(store, article.id)
    waiting = index.pending(store)
    if not found and not waiting:
        return None
    groups = []
    for fam in found:
        me = next(m for m in fam["members"] if m["id"] == article.id)
        others = [
            {**m, "compare": f"/articles/{article.id}/copies/{m['id']}",
             "shared": m.get("cover")}
            for m in fam["members"] if m["id"] != article.id
        ]
        groups.append({"family": fam["family"], "first": fam["first"], "confidence": fam["confidence"],
                       "basis": fam["basis"], "tied": fam["tied"], "kind": me["kind"],
                       "credited": me.get("credited"), "origin_outside": fam.get("origin_outside", []),
                       "evidence": fam["evidence"], "others": others})
    return {"families": groups, "pending": waiting}


# -- side by side -------------------------------------------------------------------------------------------------


def _marked(text: str, spans: list[tuple[int, int, int, bool]], side: str) -> Markup:
    """The text with each aligned passage in a <mark> coloured by its number (the same number on both sides)."""
    parts: list[str] = []
    pos = 0
    for start, end, n, quote in sorted(spans):
        start, end = max(start, pos), max(end, pos)
        parts.append(str(escape(text[pos:start])))
        cls = f"passage c{n % PALETTE_SIZE}" + (" quote" if quote else "")
        parts.append(f'<mark class="{cls}" id="{side}-p{n}" title="passage {n + 1}">{escape(text[start:end])}</mark>')
        pos = end
    parts.append(str(escape(text[pos:])))
    return Markup("".join(parts))


def _load_pair(request: Request, article_id: str, other_id: str):
    with open_store(request) as store:
        try:
            a, b = store.get(article_id), store.get(other_id)
        except NewsprobeError as exc:
            raise HTTPException(409, str(exc)) from None
        if a is None or b is None:
            raise HTTPException(404, f"no article with id {article_id if a is None else other_id!r}")
        rel = index.relation(store, a.id, b.id)
    if rel is None:
        raise HTTPException(404, "these two articles share no passage")
    return a, b, rel


@router.get("/articles/{article_id}/copies/{other_id}", response_class=HTMLResponse, include_in_schema=False)
def compare_page(article_id: ArticleId, other_id: ArticleId, request: Request) -> HTMLResponse:
    """Two articles side by side, the passages they share highlighted in the same colour on both sides."""
    a, b, rel = _load_pair(request, article_id, other_id)
    passages = rel["passages"]
    return render(
        request, "copies/compare.html",
        a=a, b=b, rel=rel, kind=rel["kind"],
        text_a=_marked(a.text, [(p["a"][0], p["a"][1], i, p["quote"]) for i, p in enumerate(passages)], "a"),
        text_b=_marked(b.text, [(p["b"][0], p["b"][1], i, p["quote"]) for i, p in enumerate(passages)], "b"),
        url_a=safe_url(a.url), url_b=safe_url(b.url),
        edits=edits(rel, "a", (a.title, b.title)),
    )


# -- API ----------------------------------------------------------------------------------------------------------


class Publication(BaseModel):
    id: str
    url: str | None
    outlet: str | None
    published: str | None
    source: str | None = Field(None, description="The file (and line or item) the article was read from.")


class PassageOut(BaseModel):
    start: int = Field(..., description="Start of the passage in this member's text (characters).")
    end: int
    other_start: int = Field(..., description="Start of the same passage in the text of `relative_to`.")
    other_end: int
    words: int
    quote: bool = Field(..., description="A shared quotation (no evidence of copying on its own).")


class MemberOut(Publication):
    kind: Literal["original", "copy", "partial"]
    credited: bool | None = Field(..., description="Names the first publisher (null for the original).")
    credit: dict[str, Any] | None = None
    first_candidate: bool | None = Field(None, description="One of the members tied for first.")
    relative_to: str | None = Field(..., description="The member these passages and edits are measured against.")
    cover: float | None = Field(None, description="Share of this member's words inside the shared passages.")
    passages: list[PassageOut]
    edits: list[dict[str, Any]]


class FamilyOut(BaseModel):
    family: str = Field(..., description="Family id: the smallest article id among its originals and copies.")
    size: int
    first: Publication | None = Field(..., description="First publisher; null when a tie or missing dates leave "
                                                       "it undecided.")
    confidence: float
    basis: str = Field(..., description="What decided the first publisher: date, credit, structure, tie, unknown...")
    tied: list[str]
    evidence: list[dict[str, Any]]
    origin_outside: list[str] = Field(..., description="Sources credited by members that are not in the corpus.")
    members: list[MemberOut]


class CopiesOut(BaseModel):
    id: str
    families: list[FamilyOut]
    pending: int = Field(..., description="Articles stored but not yet indexed for copies.")


class FamiliesOut(BaseModel):
    total: int
    page: int
    limit: int
    families: list[FamilyOut]


class PairOut(BaseModel):
    a: Publication
    b: Publication
    kind: Literal["copy", "partial"]
    cover: list[float] = Field(..., description="Share of each text inside the shared passages: [a, b].")
    passages: list[dict[str, Any]] = Field(..., description="`a` and `b`: [start, end) characters in each text.")
    edits: list[dict[str, Any]] = Field(..., description="What b changed, with a as the source.")


_NOT_FOUND = {**ERRORS, 404: {"model": ErrorOut, "description": "No such article or pair"},
              409: {"model": ErrorOut, "description": "Ambiguous id prefix"}}


@api.get("/articles/{article_id}/copies", response_model=CopiesOut, responses=_NOT_FOUND)
def article_copies(article_id: ArticleId, request: Request) -> dict[str, Any]:
    """The families an article belongs to: first publisher with evidence, every member with its passages and edits."""
    article = load_article(request, article_id)
    with open_store(request) as store:
        return {"id": article.id, "families": index.families_of(store, article.id), "pending": index.pending(store)}


@api.get("/articles/{article_id}/copies/{other_id}", response_model=PairOut, responses=_NOT_FOUND)
def article_pair(article_id: ArticleId, other_id: ArticleId, request: Request) -> dict[str, Any]:
    """Two articles' aligned passages (character offsets in each) and what the second changed."""
    a, b, rel = _load_pair(request, article_id, other_id)
    pub = lambda x: {"id": x.id, "url": x.url, "outlet": x.outlet, "published": x.published,  # noqa: E731
                     "source": x.source}
    return {"a": pub(a), "b": pub(b), "kind": rel["kind"], "cover": rel["cover"], "passages": rel["passages"],
            "edits": edits(rel, "a", (a.title, b.title))}


class _FamilyCache:
    """All families of a store, computed once per store state (articles, updates, pairs)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._value: list[dict[str, Any]] = []

    def get(self, store) -> list[dict[str, Any]]:
        db = store.connection
        key = (str(store.path), *db.execute(
            "SELECT COALESCE(MAX(seq), 0), COUNT(*), (SELECT value FROM store_state WHERE key = 'article_updates'),"
            " (SELECT COUNT(*) FROM copy_pairs) FROM articles").fetchone())
        with self._lock:
            if self._key != key:
                self._value = index.all_families(store)
                self._key = key
            return self._value


_families = _FamilyCache()


@api.get("/families", response_model=FamiliesOut, responses=ERRORS)
def list_families(
    request: Request,
    outlet: Annotated[str | None, Query(max_length=300, description="Only families with a member from here.")] = None,
    date_from: Annotated[date | None, Query(alias="from", description="First published on or after.")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="First published on or before.")] = None,
    sort: Annotated[Literal["largest", "newest"], Query()] = "largest",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Story families of the store, largest or newest first, filtered by outlet and first publication date."""
    with open_store(request) as store:
        found = _families.get(store)
    start = date_from.isoformat() if date_from else None
    end = date_to.isoformat() if date_to else None
    found = [f for f in found if matches(f, outlet, start, end)]
    if sort == "newest":
        found = sorted(found, key=newest, reverse=True)
    return {"total": len(found), "page": page, "limit": limit,
            "families": found[(page - 1) * limit: page * limit]}


router.include_router(api)
