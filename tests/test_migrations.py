"""A store written by an earlier newsprobe opens in this one: upgraded in place, nothing lost.

`fixtures/store-v1.db` was written by the schema-version-1 code itself (`fixtures/make_store_v1.py` checks that
commit out and ingests three articles with it), so this tests the upgrade from a real old store, not from one this
code imagines.
"""

from __future__ import annotations

import json
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
        techniques = [a for a in articles if a.layer("technique")]
        assert techniques  # the fixture has technique spans, so the voice upgrade is exercised
        for art in techniques:  # the summary's own/quoted split agrees with the spans' voices
            split = art.summary["technique"]
            assert split["own_voice"]["count"] + split["quoted"]["count"] == len(art.layer("technique"))
        # The store still takes new articles and finds old ones.
        from newsprobe.io.search import Filters, search

        total, hits = search(store.connection, Filters(q="ammunition"))
        assert total == 1 and hits[0].id == seed.id
    after = _raw(old_store, 'SELECT article_id, layer, start, "end", label, text, attrs FROM spans ORDER BY rowid')
    assert [row[:6] for row in after] == [row[:6] for row in before]
    texts = dict(_raw(old_store, "SELECT id, text FROM articles"))
    upgraded = 0
    for old_row, new_row in zip(before, after, strict=True):
        old_attrs, new_attrs = json.loads(old_row[6]), json.loads(new_row[6])
        old_quantities = old_attrs.pop("quantities", None)
        new_quantities = new_attrs.pop("quantities", None)
        if new_row[1] == "technique":  # a technique span gains its voice, read from the text
            text = texts[new_row[0]]
            from newsprobe.core.quotes import voice

            assert new_attrs.pop("voice") == voice(text, new_row[2], new_row[3])
        assert new_attrs == old_attrs  # otherwise only a quantity's when/where change form
        for old_q, new_q in zip(old_quantities or [], new_quantities or [], strict=True):
            for key in ("when", "where"):
                was, now = old_q.pop(key, None), new_q.pop(key, None)
                if isinstance(was, str):  # a string became the span of that very phrase
                    assert now["text"] == was == texts[new_row[0]][now["start"] : now["end"]]
                    upgraded += 1
                else:
                    assert now == was
            assert new_q == old_q
    assert upgraded >= 4  # the fixture's Homs claim: when and where, in its claim and sentence spans
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
