"""The actors' web pages and API: `/actors` (list and search), `/actors/{id}` (names, outlets, mentions over time,
labels per outlet, who is quoted), `/api/actors...`, and the "Actors" panel of the article page.

Same figures as the CLI (`figures.py`); every string reaches the page through Jinja2 autoescaping; charts are SVG
drawn on the server (no script needed to read them).
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from newsprobe.core.errors import NewsprobeError
from newsprobe.corpus.actors.figures import FRAMING_CLASSES, actor_detail, actor_table, framing
from newsprobe.corpus.actors.index import ensure, find, get_actor, suggest
from newsprobe.corpus.outlets.figures import UNKNOWN_OUTLET
from newsprobe.web.app import open_store, render
from newsprobe.web.render import monthly_chart
from newsprobe.web.routes_api import ERRORS, ErrorOut

router = APIRouter()
_ACTOR_ID = re.compile(r"^[0-9a-f]{12}$")
TYPES = ("PERSON", "ORG", "NORP", "ALL")


class ActorSummaryOut(BaseModel):
    id: str
    name: str
    type: str = Field(..., description="PERSON, ORG or NORP.")
    mentions: int
    articles: int
    by_outlet: dict[str, int] = Field(..., description="Mentions per outlet; '(unknown outlet)' for articles without.")
    ambiguous: list[str] = Field(..., description="For a family name alone: the people it may be.")
    aliases: list[str] = Field(..., description="Its most frequent spellings.")


class ActorsOut(BaseModel):
    outlets: list[str] = Field(..., description="Outlets by the mentions of these actors, most first.")
    actors: list[ActorSummaryOut]


class OutletMentionsOut(BaseModel):
    outlet: str
    mentions: int
    articles: int


class QuotedOut(BaseModel):
    source: str
    type: str
    statements: int
    outlets: dict[str, int]


class ActorOut(BaseModel):
    id: str
    name: str
    type: str
    mentions: int
    articles: int
    names: list[list[str]] = Field(..., description="[entity label, canonical name] of every name merged into it.")
    aliases: list[tuple[str, int]] = Field(..., description="Spellings as written, with mentions.")
    table_names: list[str] = Field(..., description="Other names from the alias tables, not seen in the store.")
    origin: str = Field(..., description="user, entities, phoenix (the alias table that named it) or corpus.")
    evidence: list[str] = Field(..., description="Why each name was merged into it.")
    ambiguous: list[str]
    outlets: list[OutletMentionsOut]
    months: dict[str, dict[str, int]] = Field(..., description="Per outlet, mentions per month (YYYY-MM).")
    undated: dict[str, int] = Field(..., description="Per outlet, mentions in articles without a date.")
    quoted: list[QuotedOut] = Field(..., description="Sources of the statements that mention it.")
    own_statements: int


class EvidenceOut(BaseModel):
    article: str
    title: str | None
    published: str | None
    kind: str
    start: int
    end: int
    text: str
    context: str = Field(..., description="The words around the label; the label starts at `at`.")
    at: int


class LabelOut(BaseModel):
    label: str
    key: str
    count: int
    share: float = Field(..., description="Of the outlet's labels for this actor.")
    evidence: list[EvidenceOut]


class OutletLabelsOut(BaseModel):
    outlet: str
    labels_total: int
    labels: list[LabelOut]


class MatrixRowOut(BaseModel):
    outlet: str
    counts: list[int]
    total: int


class MatrixOut(BaseModel):
    labels: list[str]
    keys: list[str]
    rows: list[MatrixRowOut]


class ActorRefOut(BaseModel):
    id: str
    name: str
    type: str


class FramingOut(BaseModel):
    actor: ActorRefOut
    outlets: list[OutletLabelsOut]
    matrix: MatrixOut
    labels_total: int
    classes: list[str] = Field(..., description="The label classes counted: characterising, and with all_labels "
                                                "role and category too.")
    left_out: dict[str, int] = Field(..., description="Labels not counted, per class (role, category).")


NOT_FOUND = {**ERRORS, 404: {"model": ErrorOut, "description": "No such actor"},
             409: {"model": ErrorOut, "description": "The actor index is out of date and the store is read-only"}}


def _ensure(store) -> str | None:
    """Refresh the index; a problem (a read-only store with a stale index) as a line for the page."""
    try:
        ensure(store.connection)
    except NewsprobeError as exc:
        return str(exc)
    return None


def _actor(store, actor_id: str):
    if not _ACTOR_ID.match(actor_id):
        raise HTTPException(404, "no such actor (ids are 12 hexadecimal characters)")
    problem = _ensure(store)
    if problem and store.connection.execute("SELECT COUNT(*) FROM actors").fetchone()[0] == 0:
        raise HTTPException(409, problem)
    found = get_actor(store.connection, actor_id)
    if found is None:
        raise HTTPException(404, f"no actor with id {actor_id!r} (the index may have been rebuilt: search by name)")
    return found


@router.get("/actors", response_class=HTMLResponse, include_in_schema=False)
def actors_page(request: Request, q: str = "", type: str = "", top: int = 50) -> HTMLResponse:
    """The most mentioned actors with mentions per outlet; `q` finds an actor by any of its names."""
    q, label = q[:200].strip(), type.upper() if type.upper() in TYPES else ""
    top = min(max(top, 1), 500)
    with open_store(request) as store:
        problem = _ensure(store)
        matches, hints = [], []
        if q:
            matches = [m.to_dict() for m in find(store.connection, q)]
            hints = [] if matches else suggest(store.connection, q, 10)
        outlets, rows = actor_table(store.connection, label=label or None, top=top)
    shown = outlets[:8]
    return render(request, "actors/list.html", q=q, type=label, types=TYPES, problem=problem, matches=matches,
                  hints=hints, outlets=shown, more_outlets=len(outlets) > len(shown), rows=rows,
                  unknown=UNKNOWN_OUTLET)


@router.get("/actors/{actor_id}", response_class=HTMLResponse, include_in_schema=False)
def actor_page(request: Request, actor_id: str, outlet: str = "", labels: str = "") -> HTMLResponse:
    """One actor: names, outlets, a chart of mentions per month per outlet, labels per outlet, who is quoted.
    `labels=all` counts roles and categories too."""
    all_labels = labels == "all"
    with open_store(request) as store:
        found = _actor(store, actor_id)
        detail = actor_detail(store.connection, found)
        labels_data = framing(store.connection, found, evidence=2, classes=None if all_labels else FRAMING_CLASSES)
    counts = {(None if o == UNKNOWN_OUTLET else o): per for o, per in detail["months"].items()}
    chart = monthly_chart(counts)
    undated = sum(detail["undated"].values())
    search = "/?" + urlencode({"actor": found.name})
    return render(request, "actors/actor.html", a=detail, chart=chart, undated=undated, labels=labels_data,
                  all_labels=all_labels, search=search, unknown=UNKNOWN_OUTLET)


ActorId = Annotated[str, Path(pattern=r"^[0-9a-f]{12}$", description="An actor id (12 hexadecimal characters).")]


@router.get("/api/actors", tags=["api"], response_model=ActorsOut, responses=NOT_FOUND)
def api_actors(
    request: Request,
    q: Annotated[str, Query(max_length=200, description="Any name or spelling of an actor.")] = "",
    type: Annotated[str | None, Query(pattern="^(PERSON|ORG|NORP|ALL)$",
                                      description="Default: people and organisations.")] = None,
    top: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """Actors with mentions per outlet, most mentioned first; with `q`, the actors that go by that name."""
    with open_store(request) as store:
        problem = _ensure(store)
        if problem:
            raise HTTPException(409, problem)
        ids = [m.id for m in find(store.connection, q)] if q.strip() else None
        outlets, rows = actor_table(store.connection, label="ALL" if ids is not None else type, top=top, ids=ids)
    return {"outlets": outlets, "actors": rows}


@router.get("/api/actors/{actor_id}", tags=["api"], response_model=ActorOut, responses=NOT_FOUND)
def api_actor(request: Request, actor_id: ActorId) -> dict[str, Any]:
    """One actor: names, spellings, evidence of each merge, outlets, mentions per month, who is quoted about it."""
    with open_store(request) as store:
        return actor_detail(store.connection, _actor(store, actor_id))


@router.get("/api/actors/{actor_id}/framing", tags=["api"], response_model=FramingOut, responses=NOT_FOUND)
def api_framing(
    request: Request, actor_id: ActorId,
    outlet: Annotated[str | None, Query(max_length=300)] = None,
    top: Annotated[int, Query(ge=1, le=100)] = 12,
    evidence: Annotated[int, Query(ge=0, le=20)] = 3,
    all_labels: Annotated[bool, Query(description="Count roles and categories too.")] = False,
) -> dict[str, Any]:
    """The labels each outlet gives the actor: counts, shares, evidence spans, and the outlet x label matrix. By
    default only labels that characterise it; roles ("Russian President") and categories ("coalition") are counted in
    `left_out`."""
    with open_store(request) as store:
        return framing(store.connection, _actor(store, actor_id), outlet=outlet, top=top, evidence=evidence,
                       classes=None if all_labels else FRAMING_CLASSES)


def labels_for_outlets(store, name: str, top: int = 10) -> dict[str, Any]:
    """The outlets page's "labels for an actor": the matrix for the actor `name` stands for, or a message."""
    if not name.strip():
        return {}
    problem = _ensure(store)
    if problem:
        return {"problem": problem}
    found = find(store.connection, name.strip()[:200])
    if not found:
        hints = suggest(store.connection, name)
        return {"problem": f"no actor named {name!r}" + (f"; did you mean: {', '.join(hints)}?" if hints else "")}
    data = framing(store.connection, found[0], top=top, evidence=0)
    return {"actor": data["actor"], "matrix": data["matrix"], "total": data["labels_total"]}


def panel(article, store) -> dict[str, Any] | None:
    """The article page's "Actors" panel: who this article names, linked to their pages, with what it calls them."""
    if _ensure(store) is not None:
        return None
    db = store.connection
    rows = db.execute(
        "SELECT r.id, r.name, r.label, SUM(m.mentions) FROM actor_mentions m JOIN actors r ON r.id = m.actor_id "
        "WHERE m.article_id = ? GROUP BY r.id ORDER BY 4 DESC, r.name LIMIT 25", (article.id,)
    ).fetchall()
    if not rows:
        return None
    names: dict[tuple[str, str, str], str] = {
        (label, canonical, text): actor_id for label, canonical, text, actor_id in db.execute(
            "SELECT label, canonical, text, actor_id FROM actor_mentions WHERE article_id = ?", (article.id,))
    }
    labels: dict[str, list[str]] = {}
    for span in article.layer("label"):
        target = span.attrs.get("target") if isinstance(span.attrs.get("target"), dict) else {}
        actor_id = names.get((span.attrs.get("actor_type"), span.attrs.get("actor"), target.get("text")))
        if actor_id and span.text not in labels.setdefault(actor_id, []):
            labels[actor_id].append(span.text)
    return {"actors": [{"id": i, "name": n, "type": t, "mentions": c, "labels": labels.get(i, [])[:6]}
                       for i, n, t, c in rows]}
