"""Outlet figures: the web and the CLI count the same articles under "(unknown outlet)" (issue 13 found 104 on the
web against 103 in `newsprobe sources`), and articles without a date are counted, not plotted."""

from __future__ import annotations

import json

import pytest

from newsprobe.core.model import Article, Span
from newsprobe.corpus.outlets.figures import UNKNOWN_OUTLET, outlet_stats, sourcing_by_outlet
from newsprobe.io.store import Store

from .test_cli import run_cli


def _article(n: int, outlet: str | None, published: str | None, statement: bool) -> Article:
    text = f"Article {n}: the town was calm, a resident said."
    spans = [Span("attribution", 13, 31, "anonymous", "the town was calm",
                  {"source": {"start": 33, "end": 43, "text": "a resident"}, "source_type": "anonymous"})]
    return Article(id=f"{n:016x}", text=text, outlet=outlet, published=published, spans=spans if statement else [])


@pytest.fixture()
def db_path(tmp_path):
    path = tmp_path / "outlets.db"
    arts = [_article(1, None, "2016-08-01", True), _article(2, "", "2016-08-02", True),
            _article(3, "  ", None, False),  # no outlet, no date, no statement: the article the CLI used to miss
            _article(4, "daily.example", "2016-08-03", True), _article(5, "daily.example", "garbled", True)]
    with Store(path) as store:
        store.add_many(arts)
    return path


def test_unknown_outlet_counts_agree(db_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from newsprobe.web import create_app

    web = {o["outlet"]: o for o in TestClient(create_app(db_path)).get("/api/outlets").json()}
    res = run_cli("sources", "--db", str(db_path), "--format", "json", "--min-articles", "1", "--min-statements", "1")
    assert res.returncode == 0, res.stderr
    cli = {r["outlet"]: r for r in json.loads(res.stdout)}
    assert set(web) == {None, "daily.example"}  # "", "  " and NULL are one unknown outlet
    assert web[None]["articles"] == cli[UNKNOWN_OUTLET]["articles"] == 3
    assert cli[UNKNOWN_OUTLET]["articles_with_statements"] == 2
    assert web["daily.example"]["articles"] == cli["daily.example"]["articles"] == 2
    text = run_cli("sources", "--db", str(db_path), "--outlet", UNKNOWN_OUTLET, "--format", "json",
                   "--min-articles", "1", "--min-statements", "1")
    assert [r["statements"] for r in json.loads(text.stdout)] == [2]


def test_undated_articles_are_counted_not_plotted(db_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from newsprobe.web import create_app

    with Store(db_path) as store:
        stats = {s.outlet: s for s in outlet_stats(store.connection)}
        rows = sourcing_by_outlet(store.connection)
    assert (stats[None].undated, stats["daily.example"].undated) == (1, 1)
    assert stats["daily.example"].months == {"2016-08": 1}
    assert {r["outlet"] for r in rows} == {UNKNOWN_OUTLET, "daily.example"}
    page = TestClient(create_app(db_path)).get("/outlets").text
    assert 'id="undated-note"' in page and "(unknown outlet) 1" in page and "daily.example 1" in page
