"""The web app: browse, search and read analysed articles, analyse new ones, compare outlets; and its JSON API.

`create_app(db_path)` builds a FastAPI app over one SQLite store. Pages are rendered on the server from
Jinja2 templates (autoescape on) with our own CSS and a little plain JS from `static/`: nothing is loaded
from anywhere else, so it works offline and under a strict Content-Security-Policy. The article view
knows no layer by name; it draws whatever layers the stored spans have.
Start it with `newsprobe serve --db news.db` (see `docs/web.md`).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from newsprobe.io.store import Store
from newsprobe.web.queries import AggregateCache
from newsprobe.web.security import Guard, wants_json

HERE = Path(__file__).resolve().parent
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]", "testserver")
ID_PATTERN = r"^[0-9a-f]{6,16}$"
BODY_PARSE_ERROR = "There was an error parsing the body"  # FastAPI's detail for an undecodable body
log = logging.getLogger("newsprobe.web")


class NewsprobeApp(FastAPI):
    """FastAPI with `Guard` outside its whole middleware stack, so that every response, the 500 page that
    Starlette's ServerErrorMiddleware writes included, carries the security headers and passes the token
    and size checks."""

    guard_token: str | None = None
    guard_max_body: int = 2_000_000

    def build_middleware_stack(self) -> Any:
        return Guard(super().build_middleware_stack(), token=self.guard_token, max_body=self.guard_max_body)


def templates(layers=()) -> Environment:
    """The Jinja2 environment; autoescape is on for every template, whatever its file name. A layer's panel template
    lives in its own folder (`layers/<name>/templates/`), found after the app's own."""
    folders = [HERE / "templates"]
    for layer in layers:
        if layer.panel_template:
            folders.append(Path(importlib.import_module(layer.component).__file__).resolve().parent / "templates")
    env = Environment(
        loader=FileSystemLoader(folders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def create_app(
    db_path: str | Path,
    token: str | None = None,
    max_upload_bytes: int = 2_000_000,
    allowed_hosts: Sequence[str] | None = None,
    analysis_workers: int = 0,
    analysis_queue: int = 4,
    analysis_budget_s: float = 60.0,
) -> FastAPI:
    """The app over the store at `db_path` (created if missing).

    `token`: when set, every request needs it (Bearer header, or `?token=` once in a browser, which sets a
    cookie). `max_upload_bytes` bounds every request body, uploads included. `allowed_hosts`: the Host
    headers accepted; loopback names by default, which defeats DNS rebinding against a local server
    (pass `["*"]` to serve under another name, and then use a token). `analysis_workers` processes analyse texts
    (0: in this process, one at a time), with at most `analysis_queue` waiting and `analysis_budget_s` seconds each;
    past that a request gets 503 with Retry-After (see `newsprobe.web.analysis`).
    """
    from newsprobe.layers import LAYERS
    from newsprobe.web import routes_api, routes_pages
    from newsprobe.web.analysis import AnalysisPool

    db_path = Path(db_path)
    # Create (or upgrade) the store once, so request handlers only ever read or append; an existing file is first
    # checked read-only, so a database that is not a newsprobe store is refused without being touched.
    existing = db_path.exists() and not db_path.is_dir() and db_path.stat().st_size > 0
    with Store(db_path, readonly=existing) as store:
        probe = store.has_span_index
    app = NewsprobeApp(
        title="newsprobe",
        version="1",
        summary="Articles as clean text plus standoff spans (entities, dates, claims, sources, techniques).",
        docs_url=None,  # the Swagger page loads scripts from a CDN, which the CSP (rightly) blocks
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.guard_token = token or None
    app.guard_max_body = max_upload_bytes
    app.state.db_path = db_path
    app.state.max_upload_bytes = max_upload_bytes
    app.state.templates = templates(LAYERS)
    app.state.aggregates = AggregateCache()
    app.state.span_probe = probe
    app.state.analysis = AnalysisPool(workers=analysis_workers, queue=analysis_queue, budget_s=analysis_budget_s)

    hosts = list(allowed_hosts) if allowed_hosts is not None else list(LOOPBACK_HOSTS)
    if "*" not in hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(routes_api.router)
    app.include_router(routes_pages.router)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI):
    """Start the analysis workers with the server (they load their models meanwhile); stop them with it."""
    app.state.analysis.start()
    yield
    app.state.analysis.close()


@contextmanager
def open_store(request: Request, write: bool = False) -> Iterator[Store]:
    """A Store for this request, opened and closed on the calling worker thread (sqlite3 connections
    must not cross threads); read-only unless the request saves an article."""
    store = Store(request.app.state.db_path, readonly=not write)
    try:
        yield store
    finally:
        store.close()


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from `templates/`, with the current path for the navigation."""
    template = request.app.state.templates.get_template(name)
    html = template.render(path=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code)


def _message(exc: StarletteHTTPException) -> str:
    if isinstance(exc.detail, str) and exc.detail:
        return exc.detail
    return {404: "not found", 405: "method not allowed"}.get(exc.status_code, "request failed")


async def _http_error(request: Request, exc: Exception) -> Response:
    """HTTP errors as `{"detail": message}` for the API, as a page for a browser."""
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:
        # FastAPI's answer to a body it cannot even decode (not UTF-8, truncated): bad input like any other.
        exc = StarletteHTTPException(422, "the request body could not be read: send UTF-8 encoded JSON")
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=headers)
    if wants_json(request.scope):
        return JSONResponse({"detail": _message(exc)}, status_code=exc.status_code, headers=headers)
    response = render(request, "error.html", status_code=exc.status_code, status=exc.status_code,
                      message=_message(exc))
    response.headers.update(headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    """422 with one readable sentence plus the field-level list (without echoing the input back)."""
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))}
        for err in exc.errors()
    ]
    text = "; ".join(f"{'.'.join(e['loc'][1:] or e['loc'])}: {e['msg']}" for e in errors) or "invalid request"
    if wants_json(request.scope):
        return JSONResponse({"detail": f"invalid request: {text}", "errors": errors}, status_code=422)
    return render(request, "error.html", status_code=422, status=422, message=f"invalid request: {text}")
