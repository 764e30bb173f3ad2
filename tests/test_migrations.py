"""A store written by an earlier newsprobe opens in this one: upgraded in place, nothing lost.

`fixtures/store-v1.db` was written by the schema-version-1 code itself (`fixtures/make_store_v1.py` checks that
commit out and ingests three articles with it), so this tests the upgrade from a real old store, not from one this
code imagines.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.schema import json_schema
from newsprobe.io.store import MIGRATIONS, SCHEMA_VERSION, Store

FIXTURE = Path(__file__).parent / "fixtures" / "store-v1.db"


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    return path


def _raw(path: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_fixture_is_a_version_1_store(old_store: Path) -> None:
    assert _raw(old_store, "PRAGMA user_version") == [(1,)]
    assert _raw(old_store, "SELECT COUNT(*) FROM articles") == [(3,)]


def test_v1_store_is_upgraded_in_place_and_keeps_everything(old_store: Path) -> None:
    before = _raw(old_store, 'SELECT article_id, layer, start, "end", label, text, attrs FROM spans ORDER BY rowid')
    with Store(old_store) as store:
        assert store.version == SCHEMA_VERSION > 1
        assert store.has_span_index
        articles = list(store.iter_articles())
        assert len(articles) == 3
        seed = next(a for a in articles if a.title and "Jaish al-Fatah" in a.title)
        assert seed.layer("attribution") and seed.summary["attribution"]["anonymous_share"] == 1.0
        assert all(a.text[s.start : s.end] == s.text for a in articles for s in a.spans)
        # Old articles load into today's model and validate against today's schema.
        import jsonschema

        for art in articles:
            jsonschema.validate(art.to_dict(), json_schema())
        # The store still takes new articles and finds old ones.
        from newsprobe.io.search import Filters, search

        total, hits = search(store.connection, Filters(q="ammunition"))
        assert total == 1 and hits[0].id == seed.id
    after = _raw(old_store, 'SELECT article_id, layer, start, "end", label, text, attrs FROM spans ORDER BY rowid')
    assert after == before
    assert _raw(old_store, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    with Store(old_store) as again:  # opening an up-to-date store changes nothing
        assert again.version == SCHEMA_VERSION and again.count() == 3


def test_migration_steps_are_numbered_in_order() -> None:
    assert [step for step, _, _ in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


def test_a_newer_store_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with Store(path):
        pass
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(NewsprobeError, match="newer than this newsprobe supports"):
        Store(path)
