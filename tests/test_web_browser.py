"""The web app in a real browser (Playwright driving Debian's chromium): highlights, layer toggles, the details
panel, search, analysing a text, and a hostile article whose payloads must neither open a dialog nor run.

The app runs under uvicorn in a background thread on a free loopback port. Skipped, with the reason, when
chromium or Playwright is missing. When a test fails, a screenshot of its page goes to `test-artifacts/`.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium): browser tests skipped", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")

from tests.test_web_api import build_store  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seed" / "000_c72b67134be14b5c.txt"
ARTIFACTS = REPO / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The app over a small store (plus the seed article when present), served on 127.0.0.1."""
    import uvicorn

    from newsprobe.io.store import Store
    from newsprobe.web import create_app
    from newsprobe.web.analysis import analyse_document

    path = tmp_path_factory.mktemp("browser") / "news.db"
    arts = build_store(path)
    if SEED.exists():
        from newsprobe.core.model import Document

        seed = analyse_document(Document(source=str(SEED), text=SEED.read_text(encoding="utf-8")),
                                outlet="seed.example", published="2016-08-25")
        with Store(path) as store:
            store.add_many([seed])
        arts["seed"] = seed
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(path), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield {"base": f"http://127.0.0.1:{port}", "arts": arts}
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        except Exception as exc:  # a broken install should not fail the suite with a stack of CDP errors
            pytest.skip(f"chromium did not start: {exc}")
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator:
    """A fresh page that records CSP violations, and leaves a screenshot behind if the test failed.

    pytest logs the call phase (and counts a failure) before fixture teardown, so a rise in
    `session.testsfailed` here means this test failed.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.csp_errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: "Content Security Policy" in m.text and pg.csp_errors.append(m.text))
    failed_before = request.session.testsfailed
    yield pg
    if request.session.testsfailed > failed_before:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception:  # the page may be gone; the test's own failure is what matters
            pass
    context.close()


def _background(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def test_entity_highlight_and_layer_toggle(site, page) -> None:
    if "seed" not in site["arts"]:
        pytest.skip(f"seed article not found at {SEED}")
    page.goto(f"{site['base']}/articles/{site['arts']['seed'].id}")
    aleppo = page.locator("#article-text .L-entity", has_text=re.compile(r"^Aleppo$")).first
    sync_api.expect(aleppo).to_have_class(re.compile(r"\bhl\b"))
    sync_api.expect(aleppo).to_have_class(re.compile(r"\blab-gpe\b"))
    shown = _background(aleppo)
    assert shown not in ("rgba(0, 0, 0, 0)", "transparent")
    toggle = page.locator('input.layer-toggle[data-layer="entity"]')
    toggle.uncheck()
    sync_api.expect(aleppo).not_to_have_class(re.compile(r"\bhl\b"))
    assert _background(aleppo) == "rgba(0, 0, 0, 0)"
    sync_api.expect(page.locator("#article-text .L-date").first).to_have_class(re.compile(r"\bhl\b"))  # others stay
    toggle.check()
    sync_api.expect(aleppo).to_have_class(re.compile(r"\bhl\b"))
    assert _background(aleppo) == shown
    assert page.csp_errors == []


def test_details_panel_shows_span_attrs(site, page) -> None:
    art = site["arts"]["example"]
    page.goto(f"{site['base']}/articles/{art.id}")
    page.locator("#article-text .L-entity", has_text=re.compile(r"^Idlib$")).first.click()
    details = page.locator("#details-body")
    sync_api.expect(details).to_contain_text("entity · GPE")
    sync_api.expect(details).to_contain_text("canonical")
    sync_api.expect(details).to_contain_text("sentence · sentence")  # the overlapping sentence too
    assert page.locator("#article-text .sp.sel").count() >= 2
    assert page.csp_errors == []


def test_search_from_corpus_page(site, page) -> None:
    page.goto(site["base"] + "/")
    page.fill("input[name=q]", "Idlib")
    page.press("input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q=Idlib"))
    sync_api.expect(page.locator("#result-count")).to_contain_text("Results 1–")
    sync_api.expect(page.locator("li.hit mark").first).to_have_text(re.compile("idlib", re.I))
    page.locator("li.hit h2 a").first.click()
    sync_api.expect(page.locator("#article-text")).to_contain_text("Idlib")
    assert page.csp_errors == []


def test_analyze_a_pasted_text(site, page) -> None:
    page.goto(site["base"] + "/analyze")
    page.fill("textarea[name=text]", "Residents of Homs said on Tuesday that the road to Palmyra was open again.")
    page.fill("input[name=outlet]", "browser.example")
    page.click("button[type=submit]")
    sync_api.expect(page.locator(".transient")).to_have_text("not saved")
    sync_api.expect(page.locator("#article-text .L-entity", has_text="Homs").first).to_have_class(re.compile(r"\bhl\b"))
    assert page.csp_errors == []


def test_hostile_article_runs_nothing(site, page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = site["arts"]["hostile"]
    for path in (f"/articles/{hostile.id}", "/", "/?q=script", "/outlets", "/?span=technique"):
        page.goto(site["base"] + path)
        page.wait_for_load_state("load")
        if path.startswith("/articles/"):
            sync_api.expect(page.locator("h1")).to_have_text("<img src=x onerror=alert(1)>")  # shown as text
            for span in page.locator("#article-text .sp").all()[:40]:
                span.hover()
                span.click()
            page.locator("input.layer-toggle").first.uncheck()
            assert page.locator("#article-text img, #article-text script, #article-text b").count() == 0
            assert page.locator("a[href^='javascript:']").count() == 0
        assert page.evaluate("typeof window.__pwned") == "undefined", path
    assert dialogs == []


def test_actor_page_and_outlet_labels(site, page) -> None:
    """Issue 13: find an actor by another of its names, read its chart of mentions (SVG drawn on the server, no
    script needed) and the labels each outlet gives it; the outlets page compares them side by side."""
    if "seed" not in site["arts"]:
        pytest.skip(f"seed article not found at {SEED}")
    page.goto(site["base"] + "/actors")
    page.fill("input[name=q]", "Army of Conquest")
    page.press("input[name=q]", "Enter")
    page.locator("#actor-matches a", has_text="Jaish al-Fatah").first.click()
    sync_api.expect(page.locator("h1")).to_have_text("Jaish al-Fatah")
    chart = page.locator("figure.chart svg")
    sync_api.expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 80
    assert page.locator("figure.chart polyline").count() >= 1
    sync_api.expect(page.locator("figure.chart .chart-legend")).to_contain_text("seed.example")
    sync_api.expect(page.locator("#framing-matrix")).to_contain_text("terrorist groups")
    page.goto(site["base"] + "/outlets?actor=Jeish+al-Fatah")
    sync_api.expect(page.locator("#outlet-labels")).to_contain_text("seed.example")
    page.goto(site["base"] + "/?q=Army+of+Conquest")
    sync_api.expect(page.locator("#result-count")).to_contain_text("Results 1–")
    sync_api.expect(page.locator("li.hit mark").first).to_have_text(re.compile("Jeish", re.I))
    assert page.csp_errors == []
