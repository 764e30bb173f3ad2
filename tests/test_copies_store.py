"""Copies in a store: migration to version 3, the incremental index (and its agreement with a corpus read directly),
ingest with metadata options and re-ingest, the commands, the web page and API, exports."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from newsprobe.core.model import Article
from newsprobe.corpus.copies import index
from newsprobe.corpus.copies.detect import Record, find_families
from newsprobe.io.store import MIGRATIONS, SCHEMA_VERSION, Store
from tests.copies_texts import ORIGINAL, OTHER, SAME_EVENT, TITLE, lifted, proxy_copy
from tests.test_cli import run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _article(i: str, text: str, **meta) -> Article:
    return Article(id=i, text=text, **meta)


ARTICLES = [
    _article("a" * 16, ORIGINAL, outlet="levantwire.example", published="2024-03-05T08:30:00", title=TITLE),
    _article("b" * 16, proxy_copy("Levant Wire reported the figures."), outlet="proxy.example",
             published="2024-03-06"),
    _article("c" * 16, SAME_EVENT, outlet="other.example", published="2024-03-05"),
    _article("d" * 16, OTHER, outlet="city.example", published="2024-02-01"),
    _article("e" * 16, lifted()[0], outlet="lifter.example", published="2024-03-08"),
    _article("f" * 16, proxy_copy(), outlet="mirror.example", published="2024-03-07"),
]


def _records(arts: list[Article]) -> list[Record]:
    return [Record(a.id, a.text, a.outlet, a.url, a.published, a.title) for a in arts]


def _strip(families: list[dict]) -> list[dict]:
    return json.loads(json.dumps(families, sort_keys=True))


# -- migration ----------------------------------------------------------------------------------------------------


def test_a_version_2_store_upgrades_in_place(tmp_path: Path):
    path = tmp_path / "v2.db"
    db = sqlite3.connect(path)
    for step, _, statements in MIGRATIONS[:2]:
        for statement in statements:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {step}")
    db.execute("INSERT INTO articles (id, text, outlet, added_at) VALUES ('x1', 'kept text', 'kept.example', 'now')")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION >= 4
        assert store.get("x1").outlet == "kept.example"
        store.add_many(ARTICLES[:2])
        stats = index.update(store)
        assert stats.indexed == 3 and stats.links == 1
        assert store.merge_metadata([Article(id="x1", text="kept text", published="2020-01-02")]) == (1, [])
        updates = "SELECT value FROM store_state WHERE key = 'article_updates'"
        assert store.connection.execute(updates).fetchone()[0] == 1


def test_the_version_1_fixture_upgrades_through_every_step(tmp_path: Path):
    path = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "store-v1.db", path)
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        n = store.count()
        assert n >= 1 and index.pending(store) == n
        stats = index.update(store)
        assert stats.indexed == n and index.pending(store) == 0


def test_a_version_6_store_with_an_index_gains_the_recent_tier_and_keeps_matching(tmp_path: Path):
    """A store indexed before migration 7 has its fingerprints in copy_sketch alone, and no row count: it is
    upgraded in place, its index kept, and new articles are matched against it (and land in the new tier)."""
    path = tmp_path / "v6.db"
    with Store(path) as store:
        store.add_many(ARTICLES[:4])
        index.update(store)
        rows = store.connection.execute("SELECT COUNT(*) FROM copy_sketch").fetchone()[0]
    db = sqlite3.connect(path)  # what the version-6 code left: no recent tier, no row count
    db.execute("DROP TABLE copy_sketch_recent")
    db.execute("DELETE FROM store_state WHERE key = ?", (index.MAIN_ROWS_KEY,))
    db.execute("PRAGMA user_version = 6")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION >= 7
        db = store.connection
        assert db.execute("SELECT COUNT(*) FROM copy_sketch_recent").fetchone()[0] == 0
        assert index.main_rows(db) == rows and index.pending(store) == 0
        store.add_many(ARTICLES[4:])
        assert index.update(store).indexed == 2
        assert db.execute("SELECT COUNT(*) FROM copy_sketch").fetchone()[0] == rows
        assert db.execute("SELECT COUNT(*) FROM copy_sketch_recent").fetchone()[0] > 0
        fams = index.all_families(store)
    direct, _ = find_families(_records(ARTICLES))
    assert _strip(fams) == _strip(direct)


# -- incremental index ------------------------------------------------------------------------------------------


def test_new_articles_are_matched_against_the_stored_index(tmp_path: Path):
    with Store(tmp_path / "s.db") as store:
        store.add_many(ARTICLES[:4])
        first = index.update(store)
        assert first.indexed == 4 and first.links == 1
        sketch_rows = store.connection.execute("SELECT COUNT(*) FROM copy_sketch").fetchone()[0]
        assert index.update(store).indexed == 0  # nothing new: nothing done
        store.add_many(ARTICLES[4:])
        second = index.update(store)
        assert second.indexed == 2  # only the new ones
        # The first indexing wrote the main tier; later articles land in the recent one.
        assert store.connection.execute("SELECT COUNT(*) FROM copy_sketch").fetchone()[0] == sketch_rows
        assert store.connection.execute("SELECT COUNT(*) FROM copy_sketch_recent").fetchone()[0] > 0
        pairs = {(a, b) for a, b in store.connection.execute("SELECT a, b FROM copy_pairs")}
        assert (1, 6) in pairs and (1, 5) in pairs and (2, 6) in pairs
        fams = index.all_families(store)
    direct, _ = find_families(_records(ARTICLES))
    assert _strip(fams) == _strip(direct)  # the store and a corpus read directly agree
    fam, other = fams  # the lifter is a copy of the unrelated article (it holds all of it) and lifts from a
    kinds = {m["id"][0]: m["kind"] for m in fam["members"]}
    assert kinds == {"a": "original", "b": "copy", "f": "copy", "e": "partial"}
    assert {m["id"][0]: m["kind"] for m in other["members"]} == {"d": "original", "e": "copy"}


def test_the_recent_tier_is_merged_into_the_main_one_and_matching_reads_both(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch):
    """Three increments: the second merges the recent tier into the main one once it passes its share; the third
    finds copies of articles in both tiers; all agree with the corpus read directly."""
    count = "SELECT COUNT(*) FROM {}"
    with Store(tmp_path / "s.db") as store:
        db = store.connection
        store.add_many([ARTICLES[0], ARTICLES[3]])
        index.update(store)
        main = db.execute(count.format("copy_sketch")).fetchone()[0]
        assert db.execute("SELECT value FROM store_state WHERE key = ?", (index.MAIN_ROWS_KEY,)).fetchone()[0] == main
        monkeypatch.setattr(index, "COMPACT_ROWS", 0)
        store.add_many([ARTICLES[1], ARTICLES[2]])
        index.update(store)  # the recent tier holds more than 1/16 of the main one: merged
        assert db.execute(count.format("copy_sketch_recent")).fetchone()[0] == 0
        merged = db.execute(count.format("copy_sketch")).fetchone()[0]
        assert merged > main and index.main_rows(db) == merged
        monkeypatch.setattr(index, "COMPACT_ROWS", 10**9)
        store.add_many(ARTICLES[4:])
        third = index.update(store)
        assert db.execute(count.format("copy_sketch_recent")).fetchone()[0] > 0
        pairs = {(a, b) for a, b in db.execute("SELECT a, b FROM copy_pairs")}
        assert third.links == sum(1 for p in pairs if {5, 6} & set(p))  # e, f: seqs 5 and 6
        assert (1, 6) in pairs and (3, 6) in pairs  # f copies a (first indexing) and b (merged into the main tier)
        assert (2, 5) in pairs  # e holds all of d
        fams = index.all_families(store)
    direct, _ = find_families(_records([ARTICLES[i] for i in (0, 3, 1, 2, 4, 5)]))
    assert _strip(fams) == _strip(direct)


def test_new_articles_in_a_large_group_pair_with_its_anchors_in_both_tiers(tmp_path: Path):
    """A sentence 80 articles carry (a boilerplate line) is a fingerprint group past MAX_GROUP: a new article holding
    it pairs with the group's 3 anchors (smallest anchor_key over stored and new), wherever they are stored, and its
    own copy is still found through the small groups."""
    import numpy as np

    from newsprobe.corpus.copies import candidates

    rng = np.random.default_rng(3)
    vocab = [f"w{i}x" for i in range(20_000)]
    boiler = "Subscribe to our daily newsletter for the latest updates from the region delivered to your inbox every " \
             "morning before seven and read our coverage of the war in full online at any time."

    def text() -> str:
        return " ".join(rng.choice(vocab, 120)) + ". " + boiler + " " + " ".join(rng.choice(vocab, 80)) + "."

    arts = [_article(f"{i:016x}", text(), outlet=f"site{i}.example") for i in range(80)]
    new = [_article(f"n{i:015x}", text(), outlet=f"new{i}.example") for i in range(3)]
    new.append(_article("c" * 16, arts[5].text, outlet="mirror.example"))  # a copy of a stored article
    with Store(tmp_path / "s.db") as store:
        db = store.connection
        store.add_many(arts[:60])
        index.update(store)
        store.add_many(arts[60:])
        index.update(store)  # these 20 land in the recent tier
        assert db.execute("SELECT COUNT(*) FROM copy_sketch_recent").fetchone()[0] > 0
        store.add_many(new)
        stats = index.update(store)
        assert stats.indexed == 4
        seq = dict(db.execute("SELECT id, seq FROM articles"))
        pairs = {(a, b): kind for a, b, kind in db.execute("SELECT a, b, kind FROM copy_pairs")}
    assert pairs[(seq[arts[5].id], seq["c" * 16])] == "copy"
    everyone = arts + new
    anchors = sorted(everyone, key=lambda a: candidates.anchor_key(a.id))[:3]
    for art in new[:3]:
        for anchor in anchors:
            assert pairs[tuple(sorted((seq[art.id], seq[anchor.id])))] == "partial"
    assert {int(a.id, 16) >= 60 for a in anchors} == {False, True}  # the anchors are in both tiers


def test_families_follow_metadata_updates(tmp_path: Path):
    with Store(tmp_path / "s.db") as store:
        store.add_many([_article("a" * 16, ORIGINAL, outlet="levantwire.example"),
                        _article("b" * 16, proxy_copy(), outlet="proxy.example")])
        index.update(store)
        (fam,) = index.all_families(store)
        assert fam["basis"] in ("structure", "unknown")
        store.merge_metadata([_article("a" * 16, ORIGINAL, published="2024-03-05"),
                              _article("b" * 16, proxy_copy(), published="2024-03-06")])
        (fam,) = index.all_families(store)
        assert fam["first"]["id"] == "a" * 16 and fam["basis"] == "date"
        index.update(store)
        kinds = dict(store.connection.execute("SELECT a.id, f.kind FROM copy_families f JOIN articles a USING (seq)"))
        assert kinds == {"a" * 16: "original", "b" * 16: "copy"}


# -- ingest, commands ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    (d / "levantwire_2024-03-05_floods.txt").write_text(TITLE + "\n\n" + ORIGINAL, encoding="utf-8")
    (d / "proxy_2024-03-06_floods.txt").write_text("Floods in Hama\n\n" + proxy_copy(), encoding="utf-8")
    (d / "other_2024-03-05_governor.txt").write_text(SAME_EVENT, encoding="utf-8")
    return d


def test_ingest_without_layers_then_with_better_metadata(corpus: Path, tmp_path: Path):
    db = tmp_path / "news.db"
    r = run_cli("ingest", str(corpus), "--db", str(db), "--layers", "none")
    assert r.returncode == 0, r.stderr
    assert "stored 3" in r.stderr and "copy relation(s) found" in r.stderr
    with Store(db) as store:
        arts = list(store.iter_articles())
        assert all(not a.spans and a.summary["words"] > 50 for a in arts)
        assert {a.outlet for a in arts} == {None} and {a.published for a in arts} == {None}
    pattern = r"^(?P<outlet>[^_]+)_(?P<published>\d{4}-\d{2}-\d{2})_"
    r = run_cli("ingest", str(corpus), "--db", str(db), "--layers", "none", "--name-pattern", pattern)
    assert r.returncode == 0, r.stderr
    assert "stored 0, duplicates skipped 0, failed 0, metadata updated 3" in r.stderr
    with Store(db) as store:
        assert {(a.outlet, a.published) for a in store.iter_articles()} == {
            ("levantwire", "2024-03-05"), ("proxy", "2024-03-06"), ("other", "2024-03-05")}
    r = run_cli("families", "--db", str(db), "--format", "json")
    assert r.returncode == 0, r.stderr
    (line,) = r.stdout.splitlines()
    fam = json.loads(line)
    assert set(fam) >= {"family", "first", "confidence", "members"}
    assert set(fam["first"]) == {"id", "url", "outlet", "published", "source"}
    assert fam["first"]["outlet"] == "levantwire" and Path(fam["first"]["source"]).name.startswith("levantwire_")
    for m in fam["members"]:
        assert set(m) >= {"id", "url", "outlet", "published", "kind", "credited", "passages", "edits"}
        assert m["kind"] in ("original", "copy", "partial")
    copy = next(m for m in fam["members"] if m["kind"] == "copy")
    assert copy["credited"] is False and {"title changed", "intro added"} <= {e["edit"] for e in copy["edits"]}
    r = run_cli("copies", copy["id"][:8], "--db", str(db))
    assert r.returncode == 0 and "first: levantwire 2024-03-05" in r.stdout and "words swapped" in r.stdout
    r = run_cli("copies", copy["id"], "--db", str(db), "--format", "json")
    assert json.loads(r.stdout)["families"][0]["family"] == fam["family"]
    r = run_cli("families", "--db", str(db), "--outlet", "nobody", "--since", "2020-01-01")
    assert r.returncode == 0 and r.stdout.startswith("0 families")
    csv = run_cli("export", "--db", str(db), "--format", "csv", "--table", "articles").stdout
    header, *rows = csv.splitlines()
    assert "family" in header.split(",") and sum(fam["family"] in row for row in rows) == 2


def test_sidecar_table_and_direct_read(corpus: Path, tmp_path: Path):
    meta = tmp_path / "meta.tsv"
    meta.write_text("filename\tpublisher\tpublication_date\n"
                    "levantwire_2024-03-05_floods\tLevant Wire\t2024-03-05\n"
                    "proxy_2024-03-06_floods.txt\tproxy.example\t2024-03-09\n", encoding="utf-8")
    r = run_cli("families", str(corpus), "--meta", str(meta), "--format", "json")
    assert r.returncode == 0, r.stderr
    fam = json.loads(r.stdout)
    assert fam["first"]["outlet"] == "Levant Wire" and fam["basis"] == "date"
    assert {m["published"] for m in fam["members"]} == {"2024-03-05", "2024-03-09"}
    # without a sidecar, nothing but the file names the members of the text report (no outlet, no URL)
    r = run_cli("families", str(corpus))
    assert r.returncode == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert "(unknown) · (no date) · " in text and "levantwire_2024-03-05_floods.txt" in text.replace(" ", "")
    assert "proxy_2024-03-06_floods.txt" in text.replace(" ", "")


def test_identical_text_under_two_outlets_is_two_articles(tmp_path: Path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": ORIGINAL, "outlet": "one.example"}) + "\n"
                    + json.dumps({"text": ORIGINAL, "outlet": "two.example"}) + "\n", encoding="utf-8")
    db = tmp_path / "n.db"
    r = run_cli("ingest", str(feed), "--db", str(db), "--layers", "none")
    assert r.returncode == 0 and "stored 2" in r.stderr
    r = run_cli("families", "--db", str(db), "-f", "json")
    fam = json.loads(r.stdout)
    assert fam["first"] is None and {m["outlet"] for m in fam["members"]} == {"one.example", "two.example"}


def test_bad_input_gives_clear_results_or_errors(tmp_path: Path):
    db = tmp_path / "empty.db"
    Store(db).close()
    r = run_cli("families", "--db", str(db))
    assert r.returncode == 0 and r.stdout.startswith("0 families")
    r = run_cli("copies", "0123456789abcdef", "--db", str(db))
    assert r.returncode == 2 and "no article" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("families", "--db", str(db), "--since", "yesterday")
    assert r.returncode == 2 and "not a date" in r.stderr
    r = run_cli("families", "--db", str(tmp_path / "missing.db"))
    assert r.returncode == 2 and "no such store" in r.stderr
    r = run_cli("ingest", str(tmp_path), "--db", str(db), "--name-pattern", "(?P<nope>x)")
    assert r.returncode == 2 and "named groups" in r.stderr
    one = tmp_path / "one.txt"
    one.write_text(ORIGINAL, encoding="utf-8")
    r = run_cli("families", str(one))
    assert r.returncode == 0 and r.stdout.startswith("0 families")


# -- web ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from newsprobe.web import create_app

    path = tmp_path_factory.mktemp("web") / "news.db"
    with Store(path) as store:
        store.add_many(ARTICLES)
        index.update(store)
    return TestClient(create_app(path))


def test_article_page_shows_also_published_by(client):
    html = client.get("/articles/" + "b" * 16).text
    assert "Also published by" in html and "levantwire.example" in html and "A uncredited copy" not in html
    assert f'href="/articles/{"b" * 16}/copies/{"a" * 16}"' in html
    page = client.get(f"/articles/{'a' * 16}/copies/{'b' * 16}")
    assert page.status_code == 200
    assert page.text.count('<mark class="passage') >= 6 and "words swapped" in page.text
    assert client.get("/articles/" + "d" * 16).status_code == 200  # no copies: no panel, no error
    assert client.get(f"/articles/{'a' * 16}/copies/{'d' * 16}").status_code == 404


def test_copies_api(client):
    body = client.get(f"/api/articles/{'a' * 16}/copies").json()
    (fam,) = body["families"]
    assert fam["first"]["id"] == "a" * 16 and body["pending"] == 0
    pair = client.get(f"/api/articles/{'a' * 16}/copies/{'f' * 16}").json()
    assert pair["kind"] == "copy" and pair["passages"] and pair["a"]["id"] == "a" * 16
    listing = client.get("/api/families", params={"outlet": "proxy.example"}).json()
    assert listing["total"] == 1 and listing["families"][0]["family"] == "a" * 16
    assert client.get("/api/families", params={"outlet": "lifter.example"}).json()["total"] == 2
    assert client.get("/api/families", params={"from": "2030-01-01"}).json()["total"] == 0
    assert client.get("/api/articles/" + "9" * 16 + "/copies").status_code == 404
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/articles/{article_id}/copies", "/api/articles/{article_id}/copies/{other_id}",
            "/api/families"} <= set(paths)


def test_outlet_figures_follow_a_metadata_update(tmp_path: Path):
    from fastapi.testclient import TestClient

    from newsprobe.web import create_app

    path = tmp_path / "m.db"
    with Store(path) as store:
        store.add_many([_article("a" * 16, ORIGINAL)])
    client = TestClient(create_app(path))
    assert [o["outlet"] for o in client.get("/api/outlets").json()] == [None]
    with Store(path) as store:
        store.merge_metadata([_article("a" * 16, ORIGINAL, outlet="levantwire.example")])
    assert [o["outlet"] for o in client.get("/api/outlets").json()] == ["levantwire.example"]


def test_a_very_connected_article_reads_its_recorded_families(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with Store(tmp_path / "s.db") as store:
        store.add_many(ARTICLES)
        index.update(store)
        full = index.families_of(store, "a" * 16)
        monkeypatch.setattr(index, "MAX_COMPONENT", 1)
        limited = index.families_of(store, "a" * 16)
    assert [f["family"] for f in limited] == [f["family"] for f in full] == ["a" * 16]
    assert {m["id"] for m in limited[0]["members"]} == {m["id"] for m in full[0]["members"]}
