"""What an attack on the web app found (issue 16): bounded analysis (503 + Retry-After), Origin: null, and the app's
own reads of a store. The pool tests use a stand-in job (tests/slow_job.py) so that a worker starts in a second."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Document
from newsprobe.web import create_app
from newsprobe.web.analysis import AnalysisPool, Busy

from .slow_job import slow


@pytest.fixture
def app(tmp_path: Path):
    app = create_app(tmp_path / "web.db")
    yield app
    app.state.analysis.close()


def test_origin_null_cannot_change_state(app) -> None:
    client = TestClient(app)
    r = client.post("/api/analyze", json={"text": "Officials said on Monday.", "save": True},
                    headers={"origin": "null"})
    assert r.status_code == 403 and "Origin: null" in r.json()["detail"]
    r = client.post("/analyze", data={"text": "Officials said on Monday.", "save": "1"},
                    headers={"origin": "null", "accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 403
    with sqlite3.connect(app.state.db_path) as con:
        assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 0
    con.close()


def test_a_full_pool_answers_503_with_retry_after_at_once(app) -> None:
    pool = app.state.analysis = AnalysisPool(workers=1, queue=0, budget_s=90, target=slow)
    client = TestClient(app)
    first: dict = {}
    worker = threading.Thread(target=lambda: first.update(r=client.post("/api/analyze", json={"text": "4 s"})))
    worker.start()
    deadline = time.monotonic() + 60
    while pool._slots._value > 0 and time.monotonic() < deadline:  # until the first request holds the only slot
        time.sleep(0.05)
    start = time.monotonic()
    r = client.post("/api/analyze", json={"text": "0 s"})
    waited = time.monotonic() - start
    worker.join()
    assert r.status_code == 503 and int(r.headers["retry-after"]) >= 1 and "busy" in r.json()["detail"]
    assert waited < 2  # refused at once, not after the slow one
    assert first["r"].status_code == 200, first["r"].text
    page = client.post("/analyze", data={"text": "0 s"}, headers={"accept": "text/html"})
    assert page.status_code == 200  # free again


def test_an_analysis_past_its_budget_is_stopped_and_the_worker_replaced(app) -> None:
    pool = app.state.analysis = AnalysisPool(workers=1, queue=1, budget_s=90, target=slow)
    client = TestClient(app)
    assert client.post("/api/analyze", json={"text": "0 s"}).status_code == 200  # the worker is up
    pool.budget_s = 1.5
    start = time.monotonic()
    r = client.post("/api/analyze", json={"text": "30 s"})
    assert r.status_code == 503 and "longer than" in r.json()["detail"] and r.headers["retry-after"]
    assert time.monotonic() - start < 10
    pool.budget_s = 90  # a fresh worker starts (a few seconds, longer on a busy machine)
    assert client.post("/api/analyze", json={"text": "0 s"}).status_code == 200  # a fresh worker took over


def test_the_real_pipeline_in_a_worker_process(tmp_path: Path) -> None:
    """The default job: prepare and analyse in a spawned process, errors coming back as NewsprobeError."""
    pool = AnalysisPool(workers=1, queue=0, budget_s=240)
    try:
        art = pool.run(Document(source="<text>", text="Officials in Aleppo said on Monday that 40 families returned."),
                       {"published": "2017-03-14"})
        assert any(s.layer == "entity" and s.text == "Aleppo" for s in art.spans) and art.published == "2017-03-14"
        with pytest.raises(NewsprobeError):
            pool.run(Document(source="<text>", text="   \x00 "), {})
    finally:
        pool.close()


def test_pool_refuses_when_closed() -> None:
    pool = AnalysisPool(workers=1, queue=0, budget_s=5, target=slow)
    pool.close()
    with pytest.raises(Busy):
        pool.run(Document(source="x", text="0 s"), {})


def test_serve_on_a_foreign_database_refuses_and_leaves_it(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.commit()
    con.close()
    before = other.read_bytes()
    with pytest.raises(NewsprobeError, match="not a newsprobe store"):
        create_app(other)
    assert other.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["other.db"]
