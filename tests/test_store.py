"""Tests for the SQLite store: roundtrip, idempotent adds, search with hostile input, and crash safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Article, Removed, Span
from newsprobe.io.search import Filters, search
from newsprobe.io.store import SCHEMA_VERSION, Store

WORDS = "harbour council budget river school bridge election hospital farmers railway museum festival".split()


def _search(store: Store, query: str, limit: int = 20, offset: int = 0, outlet: str | None = None,
            marks: tuple[str, str] = ("[", "]")):
    return search(store.connection, Filters(q=query, outlet=outlet), limit, offset, marks)[1]


def _count(store: Store, query: str, outlet: str | None = None) -> int:
    return search(store.connection, Filters(q=query, outlet=outlet), 1, 0)[0]


def make_article(i: int, outlet: str = "Daily Planet") -> Article:
    """A deterministic article whose text names two words from WORDS, with three spans over it."""
    w1, w2 = WORDS[i % len(WORDS)], WORDS[(i * 7 + 3) % len(WORDS)]
    text = f"Story number {i} is about the {w1}. Officials said the {w2} plan would go ahead."
    return Article(
        id=f"art{i:05d}",
        text=text,
        source=f"corpus.jsonl#{i}",
        outlet=outlet,
        title=f"Report {i} on the {w1}",
        published="2024-05-01",
        language="en",
        spans=[
            Span("sentence", 0, text.index(".") + 1, "sentence", text[: text.index(".") + 1]),
            Span("entity", text.index(w1), text.index(w1) + len(w1), "TOPIC", w1, {"rank": 1}),
            Span("attribution", text.index("Officials"), text.index("Officials") + 9, "SOURCE", "Officials"),
        ],
    )


def make_articles(n: int) -> list[Article]:
    return [make_article(i) for i in range(n)]


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "news.db") as s:
        yield s


def full_article() -> Article:
    text = "Mayor Ana Ruiz said on Monday the new bridge will open in June.\nIt cost 40 million euros."
    return Article(
        id="0123456789abcdef",
        text=text,
        source="feeds/a.html",
        url="https://example.org/bridge",
        outlet="Example Times",
        title="New bridge to open in June",
        section="Local",
        published="2024-03-04T10:00:00+01:00",
        language="en",
        removed=[Removed("Subscribe now!", "boilerplate", 3), Removed("Share on X", "social", 7)],
        spans=[
            Span("entity", 6, 14, "PERSON", "Ana Ruiz", {"kb": None, "conf": 0.93, "alts": ["A. Ruiz"]}),
            Span("date", 23, 29, "DATE", "Monday", {"resolved": "2024-03-04"}),
            Span("attribution", 0, 19, "SAID", "Mayor Ana Ruiz said"),
        ],
        summary={"sentences": 2, "layers": {"entity": 1}},
    )


def test_add_get_roundtrip(store: Store) -> None:
    art = full_article()
    assert store.add_many([art]) == (1, 0)
    assert store.has(art.id)
    assert store.get(art.id) == art
    assert store.get("nope") is None


def test_duplicates_skipped(store: Store) -> None:
    arts = make_articles(5)
    assert store.add_many(arts) == (5, 0)
    assert store.add_many(arts[:3] + make_articles(7)[5:]) == (2, 3)
    assert store.add_many([arts[0], arts[0]]) == (0, 2)
    assert store.count() == 7
    spans = store._db.execute("SELECT COUNT(*) FROM spans").fetchone()[0]
    assert spans == 7 * 3
    assert store.existing(["art00000", "art00006", "missing"]) == {"art00000", "art00006"}


def test_duplicate_in_same_batch(store: Store) -> None:
    art = make_article(1)
    assert store.add_many([art, art]) == (1, 1)
    assert len(store.get(art.id).spans) == 3


def test_prefix_get(store: Store) -> None:
    store.add_many([full_article(), Article(id="0123456799ffffff", text="Other text.")])
    with pytest.raises(NewsprobeError, match="ambiguous"):
        store.get("01234567")  # both ids start with these 8 characters
    assert store.get("012345679").id == "0123456799ffffff"
    assert store.get("0123456789ab").id == "0123456789abcdef"
    assert store.get("01234") is None  # too short to be taken as a prefix
    assert store.get("fffffff") is None


def test_reopen_keeps_data(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as s:
        s.add_many(make_articles(3))
    with Store(tmp_path / "x.db") as s:
        assert s.count() == 3
        assert s._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert s._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_search_basic(store: Store) -> None:
    store.add_many([full_article()] + make_articles(30))
    hits = _search(store, "bridge")
    assert "0123456789abcdef" in {h.id for h in hits}
    assert all("[bridge]" in h.snippet.lower() for h in hits)
    top = _search(store, "ruiz")[0]
    assert top.id == "0123456789abcdef"
    assert "Mayor Ana [Ruiz] said" in top.snippet
    assert top.outlet == "Example Times" and top.published.startswith("2024-03-04")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert _count(store, "bridge") == len(_search(store, "bridge", limit=100))
    marked = _search(store, "bridge", marks=("<b>", "</b>"))
    assert "<b>" in marked[0].snippet


def test_search_ranking(store: Store) -> None:
    store.add_many(
        [
            Article(id="once0000", text="The ferry was late. Many other words fill this long text today."),
            Article(id="many0000", text="Ferry ferry ferry: the ferry service, the ferry crew."),
            Article(id="none0000", text="Nothing relevant here at all."),
        ]
    )
    assert [h.id for h in _search(store, "ferry")] == ["many0000", "once0000"]


def test_search_outlet_and_pagination(store: Store) -> None:
    arts = [make_article(i, outlet="A" if i % 2 else "B") for i in range(40)]
    store.add_many(arts)
    total = _count(store, "officials")
    assert total == 40
    assert _count(store, "officials", outlet="A") == 20
    assert {h.outlet for h in _search(store, "officials", limit=100, outlet="A")} == {"A"}
    pages = [_search(store, "officials", limit=15, offset=o) for o in (0, 15, 30)]
    assert [len(p) for p in pages] == [15, 15, 10]
    ids = [h.id for p in pages for h in p]
    assert len(set(ids)) == 40
    assert _search(store, "officials", limit=10, offset=40) == []


@pytest.mark.parametrize(
    "query", ['"', '"unbalanced', "AND", "AND OR", "*", "NEAR(", "-foo", "title:", "foo:bar", "(", "^", "   "]
)
def test_hostile_queries(store: Store, query: str) -> None:
    store.add_many(make_articles(10))
    try:
        hits = _search(store, query)
        n = _count(store, query)
    except NewsprobeError:
        return  # a clear error is acceptable; a raw sqlite3 error is not
    assert isinstance(hits, list) and n == len(hits)


def test_hostile_queries_still_find(store: Store) -> None:
    store.add_many(make_articles(12))
    assert _search(store, '"harbour')  # unbalanced quote: searched as the word
    assert _search(store, "-harbour")
    assert _search(store, "harbour -")
    assert _search(store, "title: harbour")
    assert _search(store, "harbour*)")


def test_fts_syntax_when_valid(store: Store) -> None:
    store.add_many(make_articles(12))
    assert _count(store, "harb*") == _count(store, "harbour") > 0
    assert _count(store, '"about the harbour"') > 0
    assert _count(store, "title:harbour") > 0
    assert _count(store, "harbour NOT harbour") == 0


def test_iter_articles_and_count(store: Store) -> None:
    arts = make_articles(23)
    store.add_many(arts)
    assert store.count() == 23
    streamed = list(store.iter_articles(batch_size=5))
    assert streamed == arts
    assert list(Store.iter_articles(store, batch_size=100)) == arts


def test_failures(store: Store) -> None:
    assert store.failures() == []
    store.record_failure("a.html", "not UTF-8")
    store.record_failure("b.warc#3", "empty text")
    assert store.failures() == [("a.html", "not UTF-8"), ("b.warc#3", "empty text")]


def test_failed_batch_rolls_back(store: Store) -> None:
    def gen():
        yield make_article(0)
        yield make_article(1)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.add_many(gen())
    assert store.count() == 0
    assert store._db.execute("SELECT COUNT(*) FROM spans").fetchone()[0] == 0
    assert store.add_many(make_articles(2)) == (2, 0)


CHILD = """
import sys, time
sys.path.insert(0, {tests!r})
from test_store import make_articles
from newsprobe.io.store import Store

def slow(batch):
    for art in batch:
        time.sleep(0.01)  # keep the process inside the transaction most of the time
        yield art

arts = make_articles(200)
with Store({db!r}) as s:
    for i in range(0, 200, 10):
        s.add_many(slow(arts[i:i + 10]))
        time.sleep(0.02)
"""


def test_sigkill_mid_ingest_then_resume(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    Store(db).close()  # create the schema up front so the parent can poll count()
    code = CHILD.format(tests=str(Path(__file__).parent), db=str(db))
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 60
        with Store(db) as watcher:
            while watcher.count() < 40:
                assert proc.poll() is None, "child exited before it could be killed"
                assert time.monotonic() < deadline
                time.sleep(0.01)
        time.sleep(0.05)  # land the kill inside a later batch
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    with Store(db) as s:
        partial = s.count()
        assert 0 < partial < 200
        assert partial % 10 == 0  # whole batches only: the killed one left nothing behind
        assert s._db.execute("SELECT COUNT(*) FROM spans").fetchone()[0] == partial * 3

        arts = make_articles(200)
        stored = skipped = 0
        for i in range(0, 200, 10):
            a, b = s.add_many(arts[i : i + 10])
            stored, skipped = stored + a, skipped + b
        assert (stored, skipped) == (200 - partial, partial)

        assert s.count() == 200
        total, distinct = s._db.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM articles").fetchone()
        assert total == distinct == 200
        assert s._db.execute("SELECT COUNT(*) FROM spans").fetchone()[0] == 200 * 3
        assert s._db.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0] == 200
        s._db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        assert _count(s, "officials") == 200
        assert _search(s, "harbour")
        assert list(s.iter_articles()) == arts


def test_integrity_error_is_not_swallowed(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.add_many([make_article(1), Article(id="x" * 8, text=None)])  # type: ignore[arg-type]
    assert store.count() == 0
