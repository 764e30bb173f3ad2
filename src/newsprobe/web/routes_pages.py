"""Server-rendered pages: corpus search, one article with its layers, analyse a text, compare outlets.

Every value reaches the HTML through Jinja2 autoescaping or `markupsafe.escape` (see `render.py`); no
article-supplied string is ever marked safe. Handlers are sync `def` so SQLite and spaCy run on FastAPI's
thread pool, each with its own `Store`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import SCHEMA, Article, Document
from newsprobe.io.search import MARKS, Filters, search
from newsprobe.web import analysis
from newsprobe.web.app import ID_PATTERN, open_store, render
from newsprobe.web.render import (
    layer_infos,
    lead,
    monthly_chart,
    render_text,
    safe_json,
    safe_url,
    snippet_parts,
    span_data,
)
from newsprobe.web.routes_api import MAX_TEXT_CHARS, load_article

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
MAX_PAGE = 10_000
_ID = re.compile(ID_PATTERN)


def _date(value: str, name: str, problems: list[str]) -> date | None:
    """A YYYY-MM-DD form value; a bad one is reported on the page and ignored, not a 422 page."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(f"{name}: {value!r} is not a date (YYYY-MM-DD); ignored")
        return None


@router.get("/", response_class=HTMLResponse)
def corpus(
    request: Request,
    q: str = "",
    outlet: str = "",
    date_from: str = "",
    date_to: str = "",
    span: str = "",
    anonymous: str = "",
    page: int = 1,
) -> HTMLResponse:
    """Full-text search with filters: outlet, dates, "has a span with layer X (and label Y)", anonymous sources."""
    problems: list[str] = []
    q, outlet, span = q[:500], outlet[:300], span[:300]
    page = min(max(page, 1), MAX_PAGE)
    layer, _, label = span.partition(":")
    filters = Filters(
        q=q,
        outlet=outlet or None,
        date_from=_date(date_from, "from", problems),
        date_to=_date(date_to, "to", problems),
        layer=layer or None,
        label=label or None,
        anonymous=bool(anonymous),
        probe=request.app.state.span_probe,
    )
    with open_store(request) as store:
        agg = request.app.state.aggregates.get(store)
        try:
            total, hits = search(store.connection, filters, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        except NewsprobeError as exc:
            problems.append(str(exc))
            total, hits = 0, []
    params = {"q": q, "outlet": outlet, "date_from": date_from, "date_to": date_to, "span": span,
              "anonymous": anonymous}
    kept = {k: v for k, v in params.items() if v}
    pages = max(1, -(-total // PAGE_SIZE))

    def link(n: int) -> str:
        return "/?" + urlencode({**kept, "page": n})

    results = [
        {
            "id": h.id,
            "linkable": bool(_ID.match(h.id)),
            "title": h.title or "(no title)",
            "outlet": h.outlet,
            "published": h.published,
            "parts": snippet_parts(h.snippet, MARKS) if q.strip() else [(lead(h.snippet), False)],
        }
        for h in hits
    ]
    facets: dict[str, list[tuple[str, int]]] = {}
    for lay, lab, n in agg.facets:
        facets.setdefault(lay, [])
        if len(facets[lay]) < 60:
            facets[lay].append((lab, n))
    window = range(max(1, page - 3), min(pages, page + 3) + 1)
    return render(
        request, "corpus.html",
        params=params, problems=problems, total=total, results=results, page=page, pages=pages,
        first=(page - 1) * PAGE_SIZE + 1, last=min(total, page * PAGE_SIZE),
        prev_link=link(page - 1) if page > 1 else None, next_link=link(page + 1) if page < pages else None,
        page_links=[(n, link(n)) for n in window], outlets=[s.outlet for s in agg.outlets if s.outlet][:500],
        facets=facets, has_attribution="attribution" in agg.layers, store_articles=agg.articles,
    )


def article_context(article: Article, stored: bool) -> dict[str, Any]:
    """What article.html needs; shared by stored articles and freshly analysed ones."""
    infos = layer_infos(article.spans)
    summary = {k: v for k, v in article.summary.items() if k not in ("words", "removed_lines")}
    return {
        "article": article,
        "layers": infos,
        "text_html": render_text(article.text, article.spans, infos),
        "data_json": safe_json({"spans": span_data(article.spans), "layers": [i.name for i in infos]}),
        "url_link": safe_url(article.url),
        "summary": summary,
        "panels": layer_panels(article),
        "words": article.summary.get("words"),
        "stored": stored,
        "json_url": f"/api/articles/{article.id}" if stored and _ID.match(article.id) else None,
        "schema": SCHEMA,
    }


def layer_panels(article: Article) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of each layer's panel that has something to show for this article, in pipeline order."""
    from newsprobe.layers import LAYERS

    panels = []
    for layer in LAYERS:
        fn = layer.hook("panel")
        if fn is None or not layer.panel_template:
            continue
        context = fn(article, article.layer(layer.span_layer))
        if context:
            panels.append((layer.panel_template, context))
    return panels


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(article_id: str, request: Request) -> HTMLResponse:
    """One article: text with a toggle per layer, details on click, summary, removed debris, metadata."""
    if not _ID.match(article_id):
        raise HTTPException(404, "no such article (ids are 6 to 16 hexadecimal characters)")
    article = load_article(request, article_id)
    return render(request, "article.html", **article_context(article, stored=True))


@router.get("/analyze", response_class=HTMLResponse)
def analyze_form(request: Request) -> HTMLResponse:
    """The form: paste text or upload an HTML or text file."""
    return render(request, "analyze.html", error=None, values={}, limit=request.app.state.max_upload_bytes)


@router.post("/analyze", response_class=HTMLResponse)
def analyze_submit(
    request: Request,
    text: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    title: Annotated[str, Form(max_length=1000)] = "",
    outlet: Annotated[str, Form(max_length=300)] = "",
    published: Annotated[str, Form(max_length=64)] = "",
    url: Annotated[str, Form(max_length=2048)] = "",
    save: Annotated[str, Form()] = "",
) -> Response:
    """Analyse what was sent; show it, or store it and redirect to its page when "save" is ticked."""
    values = {"text": text, "title": title, "outlet": outlet, "published": published, "url": url, "save": save}
    meta = {"title": title or None, "outlet": outlet or None, "published": published or None, "url": url or None}
    limit = request.app.state.max_upload_bytes

    def again(message: str, status: int = 422) -> HTMLResponse:
        return render(request, "analyze.html", status_code=status, error=message, values=values, limit=limit)

    try:
        if file is not None and file.filename:
            data = file.file.read(limit + 1)
            if len(data) > limit:
                return again(f"the file is larger than the limit of {limit:,} bytes", 413)
            if not data:
                return again("the uploaded file is empty")
            doc = analysis.document_from_upload(data, file.filename, file.content_type)
            if doc.text and len(doc.text) > MAX_TEXT_CHARS:
                return again(f"the text is longer than {MAX_TEXT_CHARS:,} characters")
        elif text.strip():
            if len(text) > MAX_TEXT_CHARS:
                return again(f"the text is longer than {MAX_TEXT_CHARS:,} characters")
            doc = Document(source="<text>", text=text)
        else:
            return again("paste an article's text or choose a file")
        article = request.app.state.analysis.run(doc, meta)
    except analysis.Busy as exc:
        response = again(str(exc), 503)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except NewsprobeError as exc:
        return again(f"cannot analyse this: {exc}")
    if save:
        with open_store(request, write=True) as store:
            store.add_many([article])
        if _ID.match(article.id):
            return RedirectResponse(f"/articles/{article.id}", status_code=303)
    return render(request, "article.html", **article_context(article, stored=False))


@router.get("/outlets", response_class=HTMLResponse)
def outlets_page(request: Request) -> HTMLResponse:
    """Per outlet: articles, anonymous-source share, techniques per 1,000 words, articles per month."""
    with open_store(request) as store:
        agg = request.app.state.aggregates.get(store)
    rows = [
        {
            "outlet": s.outlet,
            "articles": s.articles,
            "words": s.words,
            "anonymous": s.anonymous_share,
            "attributions": s.attributions,
            "techniques": s.techniques_per_1000_words(agg.has_techniques),
            "techniques_own": s.voice_per_1000_words(agg.has_techniques)[0],
            "techniques_quoted": s.voice_per_1000_words(agg.has_techniques)[1],
            "first": s.first_published,
            "last": s.last_published,
            "search": "/?" + urlencode({"outlet": s.outlet}) if s.outlet else None,
        }
        for s in agg.outlets
    ]
    chart = monthly_chart({s.outlet: s.months for s in agg.outlets})
    return render(request, "outlets.html", rows=rows, chart=chart, has_attribution="attribution" in agg.layers)
