"""The web app and HTTP API through Starlette's TestClient: every route, the error paths, the token, the
security headers, and a hostile article whose text, title, url, outlet, labels and attrs try to inject HTML.

The store is built once per module (loading the pipeline costs about 2 s) from the bundled example, a
synthetic article and the hostile one; the hostile article also gets hand-made `attribution` and
`technique` spans, layers the pipeline does not have yet, to show that the view needs no change for them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from newsprobe.core.model import Article, Span  # noqa: E402
from newsprobe.io.store import Store  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "src" / "newsprobe" / "examples" / "deir_ez_zor.txt"
PWN = 'window.__pwned=1'
HOSTILE_TEXT = f"""Hostile test article

<script>alert(1)</script> Officials in Aleppo said on Monday that <img src=x onerror="{PWN}"> nothing happened.

"Fighting continues near the airport," a source said. </script><script>{PWN}</script> <b onmouseover="{PWN}">b</b>
"""
HOSTILE_META = {
    "title": "<img src=x onerror=alert(1)>",
    "outlet": "<b onmouseover=alert(1)>x</b>",
    "url": "javascript:alert(1)",
    "published": "2016-08-25",
}
HOSTILE_LABEL = f'"><img src=x onerror="{PWN}">'
# What must never appear in a page: these only occur as markup if something was not escaped.
RAW_PAYLOADS = ("<script>alert", "<img src=x onerror", "<b onmouseover", f"<script>{PWN}", 'href="javascript:')


HAND_MADE_LAYERS = {"attribution", "technique"}


def _span(text: str, needle: str, layer: str, label: str, **attrs: object) -> Span:
    start = text.index(needle)
    return Span(layer, start, start + len(needle), label, needle, dict(attrs))


def build_store(path: Path) -> dict[str, Article]:
    """A small store: the bundled example, one synthetic article, and the hostile article with extra layers."""
    from newsprobe.core.model import Document
    from newsprobe.synth import article as synth_article
    from newsprobe.web.analysis import analyse_document, analyse_text

    example = analyse_document(Document(source=str(EXAMPLE), text=EXAMPLE.read_text(encoding="utf-8")),
                               outlet="agency.example", published="2017-03-14", url="https://agency.example/a/1")
    rec = synth_article(3, words=150, seed=7)
    synthetic = analyse_text(rec["text"], title=rec["title"], outlet="daily.example", published="2016-05-02",
                             url=rec["url"])
    hostile = analyse_text(HOSTILE_TEXT, **HOSTILE_META)
    assert "<script>alert(1)</script>" in hostile.text and hostile.title == HOSTILE_META["title"]
    # The filters and outlet figures are checked against hand-made spans of the model layers, so that these tests
    # pin the web code, not what the models happen to find in these texts.
    for art in (example, synthetic, hostile):
        art.spans = [s for s in art.spans if s.layer not in HAND_MADE_LAYERS]
    text = hostile.text
    hostile.spans += [
        _span(text, "a source said", "attribution", "anonymous", source="a source", cue="said",
              source_type="anonymous", note="</script><script>window.__pwned=1</script>"),
        _span(text, "Officials in Aleppo said", "attribution", "named", source="Officials in Aleppo", cue="said",
              source_type="official"),
        _span(text, "nothing happened", "technique", HOSTILE_LABEL, note=f"<img src=x onerror={PWN}>"),
    ]
    hostile.spans.sort(key=lambda s: (s.start, -s.end, s.layer))
    with Store(path) as store:
        store.add_many([example, synthetic, hostile])
    return {"example": example, "synthetic": synthetic, "hostile": hostile}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Article]]:
    path = tmp_path_factory.mktemp("web") / "news.db"
    return path, build_store(path)


@pytest.fixture(scope="module")
def client(corpus) -> TestClient:
    from newsprobe.web import create_app

    return TestClient(create_app(corpus[0]))


@pytest.fixture(scope="module")
def arts(corpus) -> dict[str, Article]:
    return corpus[1]


HTML = {"accept": "text/html"}


def _assert_safe(html: str) -> None:
    for payload in RAW_PAYLOADS:
        assert payload not in html, payload
    # Exactly the script elements we write: the JSON block cannot have been closed early.
    assert html.count("</script>") == html.count("<script")


# -- pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/?q=Idlib", "/analyze", "/outlets", "/static/style.css", "/static/app.js"])
def test_pages_and_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path, headers=HTML)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                      "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"  # no referrer to other sites; a real Origin on our posts
    if path.startswith("/static"):
        return
    assert "text/html" in r.headers["content-type"]
    assert " style=" not in r.text and "<style" not in r.text  # the CSP would block them
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)(?![^>]*application/json)", r.text)


def test_error_responses_carry_headers(client: TestClient) -> None:
    for path in ("/no-such-page", "/api/articles/abcdef0123", "/articles/../../etc/passwd"):
        r = client.get(path)
        assert r.status_code == 404
        assert "content-security-policy" in r.headers


def test_corpus_search_with_marks(client: TestClient, arts) -> None:
    r = client.get("/", params={"q": "Idlib"}, headers=HTML)
    assert r.status_code == 200
    total = client.get("/api/search", params={"q": "Idlib"}).json()["total"]
    assert 'id="result-count"' in r.text and f"Results 1–{total} of {total}" in r.text
    assert "<mark>Idlib</mark>" in r.text
    assert f'href="/articles/{arts["example"].id}"' in r.text


def test_corpus_filters(client: TestClient, arts) -> None:
    ex, syn, hos = arts["example"].id, arts["synthetic"].id, arts["hostile"].id

    def ids(**params: str) -> set[str]:
        r = client.get("/", params=params, headers=HTML)
        assert r.status_code == 200
        return set(re.findall(r'href="/articles/([0-9a-f]+)"', r.text))

    assert ids() == {ex, syn, hos}  # no query: browse newest first
    assert ids(outlet="agency.example") == {ex}
    assert ids(date_from="2017-01-01") == {ex}
    assert ids(date_to="2016-06-30") == {syn}
    assert ids(date_from="2016-08-25", date_to="2016-08-25") == {hos}
    assert ids(span="technique") == {hos}
    assert ids(span=f"technique:{HOSTILE_LABEL}") == {hos}
    assert ids(span="attribution:anonymous") == {hos}
    assert ids(anonymous="1") == {hos}
    assert ex in ids(span="entity:GPE")
    assert ids(span="entity:NO_SUCH_LABEL") == set()
    r = client.get("/", params={"date_from": "yesterday"}, headers=HTML)
    assert r.status_code == 200 and "is not a date" in r.text


def test_corpus_pagination(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprobe.web import routes_pages

    monkeypatch.setattr(routes_pages, "PAGE_SIZE", 1)
    first = client.get("/", headers=HTML).text
    assert "Articles 1–1 of 3" in first and 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/", params={"page": 2}, headers=HTML).text
    assert "Articles 2–2 of 3" in second and 'rel="prev"' in second
    assert client.get("/", params={"page": 99}, headers=HTML).status_code == 200


def test_article_page(client: TestClient, arts) -> None:
    art = arts["example"]
    r = client.get(f"/articles/{art.id}", headers=HTML)
    assert r.status_code == 200
    html = r.text
    for layer in {s.layer for s in art.spans}:
        assert f'class="layer-toggle" data-layer="{layer}"' in html
    assert re.search(r'<span class="sp hl L-entity [^"]*lab-gpe[^"]*" data-s="\d+" title="[^"]*">Idlib</span>', html)
    block = re.search(r'<script type="application/json" id="spans-data">(.*?)</script>', html, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert len(data["spans"]) == len(art.spans)
    assert "<details class=\"removed\">" in html and art.removed[0].text in html
    assert f'href="/api/articles/{art.id}"' in html
    assert 'href="https://agency.example/a/1"' in html
    assert 'id="who-says-what"' not in html  # no attribution spans in this fixture article
    # The text survives the markup exactly: strip the tags and unescape, and it is the clean text.
    text = re.search(r'<div class="text" id="article-text">(.*?)</div>', html, re.S).group(1)
    import html as html_lib

    assert html_lib.unescape(re.sub(r"<[^>]+>", "", text)) == art.text


def test_article_page_unknown_and_invalid_ids(client: TestClient) -> None:
    assert client.get("/articles/0123456789abcdef", headers=HTML).status_code == 404
    assert client.get("/articles/not-an-id", headers=HTML).status_code == 404
    r = client.get("/articles/ABCDEF", headers=HTML)
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]


def test_overlapping_spans_nest() -> None:
    from newsprobe.web.render import layer_infos, render_text

    text = "Fighters of Jaish al-Fatah left Idlib."
    spans = [
        Span("sentence", 0, len(text), "sentence", text),
        Span("entity", 12, 26, "ORG", "Jaish al-Fatah"),
        Span("technique", 0, 19, "loaded", text[:19]),  # crosses the entity boundary
    ]
    html = render_text(text, spans, layer_infos(spans))
    # "Jaish" is covered by all three spans, "al-Fatah" by two: each segment lists exactly its spans.
    jaish = re.search(r"((?:<span [^>]*>)+)Jaish", html).group(1)
    assert sorted(re.findall(r'data-s="(\d)"', jaish)) == ["0", "1", "2"]
    fatah = re.search(r"((?:<span [^>]*>)+)l-Fatah", html).group(1)
    assert sorted(re.findall(r'data-s="(\d)"', fatah)) == ["0", "1"]
    assert re.sub(r"<[^>]+>", "", html) == text
    assert html.count("<span") == html.count("</span>")


def test_render_helpers() -> None:
    from newsprobe.web.render import safe_json, safe_url, slug

    assert slug('"><script>') == "script" and slug("") == "x" and slug("CARDINAL") == "cardinal"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JaVaScRiPt:alert(1)") is None
    assert safe_url("data:text/html,<b>") is None
    assert safe_url("https://x.example/a?b=1") == "https://x.example/a?b=1"
    assert safe_url("http://x.example/\nevil") is None
    out = safe_json({"a": "</script><!-- & \u2028"})
    assert "<" not in out and ">" not in out and "&" not in out
    assert json.loads(str(out)) == {"a": "</script><!-- & \u2028"}


def test_outlets_page(client: TestClient) -> None:
    r = client.get("/outlets", headers=HTML)
    assert r.status_code == 200
    assert "<svg" in r.text and "<polyline" in r.text
    assert "agency.example" in r.text and "daily.example" in r.text
    assert "50%" in r.text  # the hostile outlet: one anonymous source of two
    rows = {m.group(1): m.group(0) for m in re.finditer(r">(agency\.example|daily\.example)</a>.*?</tr>", r.text, re.S)}
    assert "–" in rows["agency.example"]  # no attribution spans there


@pytest.fixture
def scratch(tmp_path: Path) -> TestClient:
    """An app over an empty store of its own, for the tests that save, so the shared corpus never changes."""
    from newsprobe.web import create_app

    return TestClient(create_app(tmp_path / "scratch.db"))


def test_analyze_form_text_and_upload(scratch: TestClient) -> None:
    client = scratch
    r = client.post("/analyze", data={"text": "Officials in Aleppo said on Monday that the road to Idlib was open.",
                                      "outlet": "form.example"}, headers=HTML)
    assert r.status_code == 200 and "not saved" in r.text and "form.example" in r.text
    assert 'class="layer-toggle" data-layer="entity"' in r.text
    html_page = b"<html><head><title>Uploaded story</title></head><body><article><h1>Uploaded story</h1>" + (
        b"<p>Residents of Homs said on Tuesday that the market had reopened after weeks of shelling.</p>" * 3
    ) + b"</article></body></html>"
    r = client.post("/analyze", files={"file": ("story.html", html_page, "text/html")},
                    data={"save": "1"}, headers=HTML, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"], headers=HTML)
    assert page.status_code == 200 and "Homs" in page.text
    stored = client.get("/api" + r.headers["location"]).json()
    assert stored["source"] == "story.html" and "<p>" not in stored["text"] and "market had reopened" in stored["text"]
    r = client.post("/analyze", data={"text": "   "}, headers=HTML)
    assert r.status_code == 422 and "paste" in r.text
    r = client.post("/analyze", files={"file": ("x.bin", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "image/png")},
                    headers=HTML)
    assert r.status_code == 422 and "cannot analyse" in r.text


# -- JSON API ---------------------------------------------------------------------------------------


def test_api_article(client: TestClient, arts) -> None:
    art = arts["example"]
    r = client.get(f"/api/articles/{art.id}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json() == json.loads(art.to_json())
    assert client.get(f"/api/articles/{art.id[:8]}").json()["id"] == art.id  # unique prefix
    r = client.get("/api/articles/0123456789abcdef")
    assert r.status_code == 404 and "no article" in r.json()["detail"]
    r = client.get("/api/articles/NOT-HEX")
    assert r.status_code == 422 and r.json()["detail"].startswith("invalid request")


def test_api_search(client: TestClient, arts) -> None:
    r = client.get("/api/search", params={"q": "Idlib"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] >= 1 and body["page"] == 1
    for hit in body["hits"]:
        assert hit["marks"] and all(hit["snippet"][a:b].lower() == "idlib" for a, b in hit["marks"])
    assert client.get("/api/search", params={"q": "Idlib", "outlet": "agency.example"}).json()["total"] == 1
    assert client.get("/api/search", params={"q": "said", "limit": 1, "page": 2}).json()["hits"]
    browse = client.get("/api/search").json()
    assert browse["total"] == 3 and all(h["score"] == 0 for h in browse["hits"])
    assert client.get("/api/search", params={"layer": "technique"}).json()["total"] == 1
    assert client.get("/api/search", params={"anonymous": "true"}).json()["hits"][0]["id"] == arts["hostile"].id
    assert client.get("/api/search", params={"q": 'AND "unbalanced ('}).status_code == 200  # bad FTS syntax
    for bad in ({"limit": 0}, {"limit": 101}, {"page": 0}, {"from": "2016-13-40"}, {"label": "GPE"}):
        r = client.get("/api/search", params=bad)
        assert r.status_code == 422, bad
        assert isinstance(r.json()["detail"], str)


def test_api_outlets(client: TestClient) -> None:
    r = client.get("/api/outlets")
    assert r.status_code == 200
    stats = {o["outlet"]: o for o in r.json()}
    hostile = stats[HOSTILE_META["outlet"]]
    assert hostile["attributions"] == 2 and hostile["anonymous_share"] == 0.5
    assert hostile["techniques"] == 1 and hostile["techniques_per_1000_words"] > 0
    assert stats["agency.example"]["anonymous_share"] is None
    assert stats["agency.example"]["techniques_per_1000_words"] == 0
    assert stats["agency.example"]["months"] == {"2017-03": 1}


def test_api_analyze(scratch: TestClient) -> None:
    client = scratch
    text = "Residents of Raqqa said on Wednesday that 40 families had fled to Tabqa."
    r = client.post("/api/analyze", json={"text": text, "outlet": "api.example", "published": "2017-06-07"})
    assert r.status_code == 200
    art = r.json()
    assert art["schema"] == "newsprobe/1" and art["outlet"] == "api.example"
    assert {"sentence", "entity", "date"} <= {s["layer"] for s in art["spans"]}
    assert client.get(f"/api/articles/{art['id']}").status_code == 404  # not saved
    r = client.post("/api/analyze", json={"text": text + " Again.", "save": True})
    assert client.get(f"/api/articles/{r.json()['id']}").status_code == 200
    for bad in ({"text": ""}, {"title": "no text"}, {"text": "x", "unknown": 1}, {"text": 5}):
        r = client.post("/api/analyze", json=bad)
        assert r.status_code == 422, bad
        assert "detail" in r.json()
    r = client.post("/api/analyze", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_openapi_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/analyze", "/api/articles/{article_id}", "/api/search", "/api/outlets"} <= set(paths)
    assert not any(not p.startswith("/api") for p in paths)  # pages are not part of the API
    assert "Article" in schema["components"]["schemas"]


# -- limits, token, cross-site -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(corpus) -> TestClient:
    from newsprobe.web import create_app

    return TestClient(create_app(corpus[0], max_upload_bytes=5_000))


def test_body_too_large_by_content_length(small: TestClient) -> None:
    r = small.post("/api/analyze", json={"text": "word " * 2_000})
    assert r.status_code == 413
    assert "too large" in r.json()["detail"] and "5,000" in r.json()["detail"]
    assert "content-security-policy" in r.headers


def test_body_too_large_when_streamed(small: TestClient) -> None:
    def chunks():
        yield b'{"text": "'
        for _ in range(20):
            yield b"word " * 100
        yield b'"}'

    r = small.post("/api/analyze", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["detail"]


def test_upload_too_large(small: TestClient) -> None:
    r = small.post("/analyze", files={"file": ("big.txt", b"words " * 2_000, "text/plain")}, headers=HTML)
    assert r.status_code == 413


def test_token_required(corpus, arts) -> None:
    from newsprobe.web import create_app

    app = TestClient(create_app(corpus[0], token="s3cret-token"))
    for path in ("/", "/api/outlets", "/static/style.css", "/openapi.json", f"/articles/{arts['example'].id}"):
        r = app.get(path)
        assert r.status_code == 401, path
        assert "content-security-policy" in r.headers
    assert "token" in app.get("/api/outlets").json()["detail"]
    assert app.get("/", headers=HTML).headers["content-type"].startswith("text/plain")
    assert app.get("/api/outlets", headers={"authorization": "Bearer wrong"}).status_code == 401
    assert app.get("/api/outlets", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
    assert app.get("/api/outlets", params={"token": "wrong"}).status_code == 401
    # ?token= sets an HttpOnly, SameSite=Strict cookie and redirects to the URL without the token.
    r = app.get("/", params={"token": "s3cret-token", "q": "Idlib"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/?q=Idlib"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "s3cret-token" not in cookie
    assert app.get("/", params={"q": "Idlib"}, headers=HTML).status_code == 200  # the client kept the cookie
    app.cookies.clear()
    assert app.get("/", headers=HTML).status_code == 401
    r = app.get("http://testserver//evil.example/", params={"token": "s3cret-token"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/evil.example/"  # never off-site


def test_cross_site_post_refused(client: TestClient) -> None:
    r = client.post("/api/analyze", json={"text": "x"}, headers={"origin": "https://evil.example"})
    assert r.status_code == 403
    r = client.post("/analyze", data={"text": "x"}, headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403


def test_unknown_host_refused(client: TestClient) -> None:
    assert client.get("/", headers={"host": "rebind.evil.example"}).status_code == 400


# -- hostile content ---------------------------------------------------------------------------------


def test_hostile_article_page_is_inert(client: TestClient, arts) -> None:
    r = client.get(f"/articles/{arts['hostile'].id}", headers=HTML)
    assert r.status_code == 200
    html = r.text
    _assert_safe(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the title, as text
    assert '<span class="url-text">javascript:alert(1)</span>' in html  # shown, not linked
    assert 'data-layer="technique"' in html and 'data-layer="attribution"' in html
    panel = re.search(r'<section class="panel" id="who-says-what">(.*?)</section>', html, re.S).group(1)
    assert "Officials in Aleppo" in panel and "official" in panel and panel.count("<li>") == 2
    assert "lab-img-src-x-onerror-window-pwned-1" in html  # label reduced to a class-safe slug
    data = json.loads(re.search(r'id="spans-data">(.*?)</script>', html, re.S).group(1))
    assert any(s["label"] == HOSTILE_LABEL for s in data["spans"])


@pytest.mark.parametrize("path", ["/", "/?q=Aleppo", "/?q=<script>alert(1)</script>", "/outlets",
                                  "/?outlet=<b onmouseover=alert(1)>x</b>"])
def test_hostile_strings_escaped_everywhere(client: TestClient, path: str) -> None:
    r = client.get(path, headers=HTML)
    assert r.status_code == 200
    _assert_safe(r.text)


def test_hostile_api_json_roundtrip(client: TestClient, arts) -> None:
    art = client.get(f"/api/articles/{arts['hostile'].id}").json()
    assert art["title"] == HOSTILE_META["title"] and art["url"] == HOSTILE_META["url"]


def test_span_filters_agree_with_and_without_the_index(corpus) -> None:
    from newsprobe.io.search import Filters, search

    with Store(corpus[0]) as store:
        for layer, label in (("entity", "GPE"), ("technique", HOSTILE_LABEL), ("entity", None), ("date", None)):
            for q in ("", "said"):
                fast = search(store.connection, Filters(q=q, layer=layer, label=label, probe=True), 20, 0)
                slow = search(store.connection, Filters(q=q, layer=layer, label=label, probe=False), 20, 0)
                assert fast[0] == slow[0] and {h.id for h in fast[1]} == {h.id for h in slow[1]}


def test_serve_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`newsprobe serve` builds the app with the token from the environment and listens on loopback."""
    import uvicorn
    from typer.testing import CliRunner

    from newsprobe.cli import app as cli
    from newsprobe.web.serve import is_loopback

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setenv("NEWSPROBE_TOKEN", "from-env")
    db = tmp_path / "served.db"
    result = CliRunner().invoke(cli, ["serve", "--db", str(db), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls and calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    assert calls[0]["app"].guard_token == "from-env" and db.exists()
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")
