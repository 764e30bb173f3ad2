"""Actors in a store, without the pipeline: the index, search by any name, per-outlet figures, labels per outlet, the
CLI, the web pages and the exports (issue 13). The articles carry hand-made entity, label and attribution spans, so
these tests pin the corpus analysis, not what the models happen to find."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Article, Span
from newsprobe.corpus.actors.figures import actor_detail, actor_table, framing
from newsprobe.corpus.actors.index import ensure, find, is_fresh, resolve_one, user_aliases
from newsprobe.corpus.outlets.figures import UNKNOWN_OUTLET
from newsprobe.io.store import Store

from .test_cli import run_cli

FATAH = "Jaish al-Fatah"


def _entity(text: str, needle: str, label: str, canonical: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span("entity", start, start + len(needle), label, needle, {"canonical": canonical, "source": "ner",
                                                                     "score": 0.9})


def _label(text: str, needle: str, kind: str, actor: str, target: str, actor_type: str = "ORG") -> Span:
    start, at = text.index(needle), text.index(target)
    return Span("label", start, start + len(needle), kind, needle,
                {"actor": actor, "actor_type": actor_type, "term": needle.lower(), "key": needle.lower().rstrip("s"),
                 "target": {"start": at, "end": at + len(target), "text": target}, "score": 0.9})


def _statement(text: str, content: str, source: str, kind: str) -> Span:
    start = text.index(content)
    s = text.index(source)
    return Span("attribution", start, start + len(content), kind, content,
                {"source": {"start": s, "end": s + len(source), "text": source}, "source_type": kind, "score": 0.9})


def articles() -> list[Article]:
    a = "The Army of Conquest, a coalition of rebel groups, took the hill. Army of Conquest fighters held it."
    b = ("Jaish al-Fatah militants attacked the town. The source said Jaish al-Fatah is a coalition of terrorist "
         "groups.")
    c = "Jeish al-Fatah mercenaries shelled the town, residents said."
    d = "Donald Trump spoke in Ohio. Trump said Ivanka Trump would speak next."
    e = "A statement by the Jaish al-Fatah coalition was read out."
    return [
        Article(id="a" * 16, text=a, outlet="wire.example", published="2016-08-27", title="Hill taken", spans=[
            _entity(a, "Army of Conquest", "ORG", FATAH), _entity(a, "Army of Conquest", "ORG", FATAH, 1),
            _label(a, "coalition of rebel groups", "appositive", FATAH, "Army of Conquest"),
            _label(a, "fighters", "modifier", FATAH, "Army of Conquest")]),
        Article(id="b" * 16, text=b, outlet="agency.example", published="2016-09-02", title="Attack", spans=[
            _entity(b, "Jaish al-Fatah", "ORG", FATAH), _entity(b, "Jaish al-Fatah", "ORG", FATAH, 1),
            _label(b, "militants", "modifier", FATAH, "Jaish al-Fatah"),
            _label(b, "coalition of terrorist groups", "predicate", FATAH, "Jaish al-Fatah"),
            _statement(b, "Jaish al-Fatah is a coalition of terrorist groups", "The source", "anonymous")]),
        Article(id="c" * 16, text=c, outlet="", title="Shelling", spans=[
            _entity(c, "Jeish al-Fatah", "ORG", FATAH), _label(c, "mercenaries", "modifier", FATAH, "Jeish al-Fatah")]),
        Article(id="d" * 16, text=d, outlet="  ", published="2016-10-01", spans=[
            _entity(d, "Donald Trump", "PERSON", "Donald Trump"), _entity(d, "Trump", "PERSON", "Donald Trump", 1),
            _entity(d, "Ivanka Trump", "PERSON", "Ivanka Trump")]),
        Article(id="e" * 16, text=e, outlet="wire.example", published="sometime", spans=[
            _entity(e, "Jaish al-Fatah", "ORG", FATAH),
            _label(e, "coalition", "modifier", FATAH, "Jaish al-Fatah")]),  # a category: no class stored
    ]


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "actors.db"
    with Store(path) as store:
        store.add_many(articles())
    return path


@pytest.fixture()
def db(db_path: Path):
    with Store(db_path) as store:
        ensure(store.connection)
        yield store.connection


def test_one_actor_found_by_every_name(db):
    ids = {resolve_one(db, n).id for n in ("Jeish al-Fatah", "Jaish al-Fatah", "Army of Conquest", "jaysh al-fath",
                                           "JAISH AL FATAH", "the Army of Conquest")}
    assert len(ids) == 1
    actor = resolve_one(db, "Army of Conquest")
    assert actor.name == FATAH and actor.mentions == 6 and actor.articles == 4
    assert {s for s, _ in actor.info["aliases"]} == {"Army of Conquest", "Jaish al-Fatah", "Jeish al-Fatah"}
    assert resolve_one(db, "Trump").name == "Donald Trump"  # Ivanka is named in full, so a bare Trump is Donald
    with pytest.raises(NewsprobeError, match=r"no actor named 'Jaish al-Fatah militants'.*did you mean: Jaish"):
        resolve_one(db, "Jaish al-Fatah militants")


def test_actor_table_per_outlet_and_unknown_outlets(db):
    outlets, rows = actor_table(db)
    fatah = next(r for r in rows if r["name"] == FATAH)
    # "" and "  " are no outlet: both count under one UNKNOWN_OUTLET, as on the outlets page
    assert fatah["by_outlet"] == {"wire.example": 3, "agency.example": 2, UNKNOWN_OUTLET: 1}
    assert next(r for r in rows if r["name"] == "Donald Trump")["by_outlet"] == {UNKNOWN_OUTLET: 2}
    assert actor_table(db, label="PERSON")[1][0]["name"] == "Donald Trump"
    assert [r["name"] for r in actor_table(db, outlet=UNKNOWN_OUTLET)[1]] == ["Donald Trump", FATAH, "Ivanka Trump"]


def test_actor_detail_time_and_quotes(db):
    d = actor_detail(db, resolve_one(db, FATAH))
    assert d["months"] == {"wire.example": {"2016-08": 2}, "agency.example": {"2016-09": 2}}
    assert d["undated"] == {UNKNOWN_OUTLET: 1, "wire.example": 1}  # no date, and a date that is no date
    assert d["quoted"] == [{"source": "source", "type": "anonymous", "statements": 1,
                            "outlets": {"agency.example": 1}}]
    assert "Army of Conquest" in {s for s, _ in d["aliases"]}


def test_framing_counts_shares_matrix_and_evidence(db):
    f = framing(db, resolve_one(db, "Army of Conquest"))
    by_outlet = {o["outlet"]: o for o in f["outlets"]}
    assert set(by_outlet) == {"wire.example", "agency.example", UNKNOWN_OUTLET}
    agency = {lab["label"]: lab for lab in by_outlet["agency.example"]["labels"]}
    assert agency["militants"]["count"] == 1 and agency["militants"]["share"] == 0.5
    ex = agency["coalition of terrorist groups"]["evidence"][0]
    assert ex["context"][ex["at"]: ex["at"] + len(ex["text"])] == "coalition of terrorist groups"
    assert ex["kind"] == "predicate" and ex["article"] == "b" * 16
    assert set(f["matrix"]["labels"]) >= {"militants", "mercenaries", "coalition of terrorist groups"}
    row = next(r for r in f["matrix"]["rows"] if r["outlet"] == UNKNOWN_OUTLET)
    assert sum(row["counts"]) == row["total"] == 1
    only = framing(db, resolve_one(db, FATAH), outlet="agency.example", kinds={"modifier"})
    assert [o["outlet"] for o in only["outlets"]] == ["agency.example"] and only["labels_total"] == 1


def test_framing_leaves_out_roles_and_categories(db):
    """A framing table counts what characterises the actor; "coalition" says only what kind of body it is (the same
    in every outlet), so it is counted under `left_out` unless all classes are asked for."""
    actor = resolve_one(db, FATAH)
    f = framing(db, actor)
    assert "coalition" not in {lab["key"] for o in f["outlets"] for lab in o["labels"]}
    assert f["left_out"] == {"category": 1} and f["classes"] == ["characterising"]
    everything = framing(db, actor, classes=None)
    wire = next(o for o in everything["outlets"] if o["outlet"] == "wire.example")
    assert "coalition" in {lab["key"] for lab in wire["labels"]} and everything["left_out"] == {}
    assert everything["labels_total"] == f["labels_total"] + 1


def test_index_follows_the_store_and_remembers_the_alias_file(db_path):
    with Store(db_path) as store:
        db = store.connection
        assert ensure(db).rebuilt and not ensure(db).rebuilt
        text = "Hasm al-Nour Jamaa\tORG\n"
        store.add_many([Article(id="f" * 16, text=text, spans=[_entity(text, "Hasm al-Nour Jamaa", "ORG",
                                                                       "Hasm al-Nour Jamaa")])])
        assert not is_fresh(db) and ensure(db).rebuilt
        assert find(db, "hasm el-nour jamaa")[0].name == "Hasm al-Nour Jamaa"
        # the user's file: "Army of Conquest" as written is another actor than the Jaish al-Fatah of the others
        ensure(db, "Conquest Army\tORG\tArmy of Conquest\n", source="mine.tsv")
        assert user_aliases(db).startswith("Conquest Army")
        assert resolve_one(db, "Army of Conquest").name == "Conquest Army"
        assert resolve_one(db, "Jeish al-Fatah").name == FATAH
        assert not ensure(db).rebuilt  # remembered: the next command resolves the same way
        ensure(db, "")
        assert resolve_one(db, "Army of Conquest").name == FATAH


def test_a_store_opened_for_reading_gets_its_index(db_path, monkeypatch):
    """Read commands open the store read-only; the index, derived data, is written through a connection of its own
    when the file can be written, and a read-only file with a stale index is a one-line error."""
    from newsprobe.corpus.actors import index

    with Store(db_path, readonly=True) as store:
        assert ensure(store.connection).rebuilt and resolve_one(store.connection, "Army of Conquest").name == FATAH
    with Store(db_path) as store:
        text = "Hasm al-Nour Jamaa\tORG\n"
        store.add_many([Article(id="f" * 16, text=text, spans=[_entity(text, "Hasm al-Nour Jamaa", "ORG",
                                                                       "Hasm al-Nour Jamaa")])])
    monkeypatch.setattr(index, "writer_for", lambda db: None)  # as if the file could not be written
    with Store(db_path, readonly=True) as store:
        with pytest.raises(NewsprobeError, match="read-only: run `newsprobe actors"):
            ensure(store.connection)


def test_search_finds_an_actor_by_any_name(db):
    from newsprobe.corpus import search_also
    from newsprobe.io.search import Filters, search

    for query in ("Army of Conquest", "Jeish al-Fatah", '"Jaish al-Fatah"'):
        notes, also = search_also(db, query)
        assert notes == [f"actor {FATAH}"] and "Army of Conquest" in also and "Jeish al-Fatah" in also
        total, hits = search(db, Filters(q=query, also=also), 10)
        assert {h.id[0] for h in hits} == {"a", "b", "c", "e"}, query
    assert search_also(db, "Idlib OR Aleppo") == ([], ())
    actor = resolve_one(db, "Trump")
    total, hits = search(db, Filters(actor=actor.id), 10)
    assert [h.id for h in hits] == ["d" * 16]
    assert search(db, Filters(q="town", actor=resolve_one(db, FATAH).id), 10)[0] == 2


# -- the command line --------------------------------------------------------------------------------------------------


def test_cli_actors_actor_framing_and_search(db_path, tmp_path):
    res = run_cli("actors", "--db", str(db_path), "--format", "json")
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert rows[0]["name"] == FATAH and rows[0]["by_outlet"][UNKNOWN_OUTLET] == 1
    text = run_cli("actors", "--db", str(db_path))
    assert "Jaish al-Fatah" in text.stdout and "wire.example" in text.stdout
    res = run_cli("actor", "Army of Conquest", "--db", str(db_path), "--format", "json")
    detail = json.loads(res.stdout)
    assert detail["name"] == FATAH and detail["quoted"][0]["source"] == "source"
    res = run_cli("framing", "Jeish al-Fatah", "--db", str(db_path), "--format", "json")
    labels = {lab["label"] for o in json.loads(res.stdout)["outlets"] for lab in o["labels"]}
    assert {"militants", "mercenaries", "coalition of terrorist groups"} <= labels
    res = run_cli("framing", "Jeish al-Fatah", "--db", str(db_path))
    assert res.returncode == 0 and "mercenaries" in res.stdout and "agency.example" in res.stdout
    assert "left out: 1 category" in res.stdout
    res = run_cli("framing", "Jeish al-Fatah", "--db", str(db_path), "--all-labels", "--format", "json")
    assert "coalition" in json.loads(res.stdout)["matrix"]["keys"]
    res = run_cli("search", "Army of Conquest", "--db", str(db_path))
    assert res.stdout.startswith("4 result(s)") and "actor Jaish al-Fatah" in res.stdout
    res = run_cli("search", "--actor", "Trump", "--db", str(db_path))
    assert res.stdout.startswith("1 result(s)") and "mentioning Donald Trump" in res.stdout


def test_cli_errors_are_one_line(db_path, tmp_path):
    bad = tmp_path / "aliases.tsv"
    bad.write_text("Conquest Army\tORG\tArmy of Conquest\nOther\tARMY\n", encoding="utf-8")
    res = run_cli("actors", "--db", str(db_path), "--aliases", str(bad))
    assert res.returncode == 2 and f"{bad}:2: unknown type 'ARMY'" in res.stderr and "Traceback" not in res.stderr
    res = run_cli("actor", "Nobody Known", "--db", str(db_path))
    assert res.returncode == 2 and "no actor named 'Nobody Known'" in res.stderr
    good = tmp_path / "good.tsv"
    good.write_text("Conquest Army\tORG\tArmy of Conquest\n", encoding="utf-8")
    res = run_cli("actor", "Army of Conquest", "--db", str(db_path), "--aliases", str(good), "--format", "json")
    assert res.returncode == 0 and json.loads(res.stdout)["name"] == "Conquest Army"


def test_export_columns(db_path, tmp_path):
    import pandas as pd

    out = tmp_path / "spans.parquet"
    res = run_cli("export", "--format", "parquet", "-o", str(out), "--db", str(db_path))
    assert res.returncode == 0, res.stderr
    df = pd.read_parquet(out)
    assert "attrs" not in df.columns and {"title", "outlet", "published", "attrs_json"} <= set(df.columns)
    statement = df[df.layer == "attribution"].iloc[0]
    assert (statement.source_type, statement.source, statement.title) == ("anonymous", "source", "Attack")
    labels = df[df.layer == "label"]
    assert set(labels.actor) == {FATAH} and set(labels.corpus_actor) == {FATAH}
    entity = df[(df.layer == "entity") & (df.text == "Trump")].iloc[0]
    assert (entity.actor, entity.corpus_actor) == ("Donald Trump", "Donald Trump")
    assert json.loads(statement.attrs_json)["source"]["text"] == "The source"


def test_export_common_attributes_of_claims_dates_techniques():
    from newsprobe.io.export import extract_df

    art = Article(id="x" * 16, text="More than 3,200 militants were killed on Monday.", spans=[
        Span("claim", 0, 48, "claim", "…", {"checkworthy": 0.9, "quantities": [
            {"value": 3200, "qualifier": "more_than"}, {"value": None, "low": 20, "high": 30, "qualifier": "range"}]}),
        Span("date", 40, 46, "DATE", "Monday", {"value": "2016-08-22"}),
        Span("technique", 16, 25, "Name_Calling,Labeling", "militants", {"score": 0.4})])
    df = extract_df([art]).set_index("layer")
    assert (df.loc["claim", "value"], df.loc["claim", "qualifier"], df.loc["claim", "score"]) == (
        "3200; 20-30", "more_than; range", 0.9)
    assert df.loc["date", "value"] == "2016-08-22"
    assert (df.loc["technique", "technique"], df.loc["technique", "score"]) == ("Name_Calling,Labeling", 0.4)


# -- the web -----------------------------------------------------------------------------------------------------------


@pytest.fixture()
def client(db_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from newsprobe.web import create_app

    return TestClient(create_app(db_path))


def test_web_actor_pages_and_api(client):
    page = client.get("/actors")
    assert page.status_code == 200 and 'id="actors-table"' in page.text and "Jaish al-Fatah" in page.text
    assert '<a href="/actors"' in page.text  # the navigation names the analysis's page
    found = client.get("/actors", params={"q": "Army of Conquest"})
    actor_id = re.search(r'id="actor-matches">\s*<li><a href="/actors/([0-9a-f]{12})"', found.text).group(1)
    page = client.get(f"/actors/{actor_id}")
    assert page.status_code == 200 and "<svg" in page.text and 'id="framing-matrix"' in page.text
    assert 'id="undated-note"' in page.text and "(unknown outlet) 1" in page.text
    api = client.get("/api/actors", params={"q": "jeish al-fatah"}).json()
    assert api["actors"][0]["id"] == actor_id
    framing_api = client.get(f"/api/actors/{actor_id}/framing", params={"evidence": 1}).json()
    assert {o["outlet"] for o in framing_api["outlets"]} == {"wire.example", "agency.example", UNKNOWN_OUTLET}
    assert framing_api["left_out"] == {"category": 1}
    everything = client.get(f"/api/actors/{actor_id}/framing", params={"all_labels": "true"}).json()
    assert "coalition" in everything["matrix"]["keys"] and everything["left_out"] == {}
    assert 'id="label-classes"' in page.text and 'href="?labels=all"' in page.text
    page = client.get(f"/actors/{actor_id}", params={"labels": "all"})
    assert ">coalition<" in page.text and "Roles and categories counted too" in page.text
    assert client.get("/actors/not-an-id").status_code == 404
    assert client.get("/api/actors/0123456789ab").status_code == 404


def test_web_search_outlets_and_article_panel(client):
    page = client.get("/", params={"q": "Army of Conquest"})
    assert "Results 1–4 of 4" in page.text and "actor Jaish al-Fatah" in page.text
    page = client.get("/", params={"actor": "Trump"})
    assert "Articles 1–1 of 1" in page.text and "mentioning Donald Trump" in page.text
    page = client.get("/", params={"actor": "Nobody Known"})
    assert page.status_code == 200 and "no actor named" in page.text
    page = client.get("/outlets", params={"actor": "Army of Conquest"})
    assert 'id="outlet-labels"' in page.text and "mercenaries" in page.text
    assert "no actor named" in client.get("/outlets", params={"actor": "Nobody Known"}).text
    page = client.get(f"/articles/{'b' * 16}")
    assert 'id="actors-panel"' in page.text and "<q>militants</q>" in page.text


def test_web_escapes_actor_names(tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from newsprobe.web import create_app

    bad = '<img src=x onerror="window.__pwned=1">'
    text = f"Statement by {bad} today."
    path = tmp_path / "hostile.db"
    with Store(path) as store:
        store.add_many([Article(id="9" * 16, text=text, outlet="<b>x</b>", spans=[
            _entity(text, bad, "ORG", bad), _label(text, "today", "modifier", bad, bad)])])
    client = TestClient(create_app(path))
    actor_id = client.get("/api/actors", params={"q": bad}).json()["actors"][0]["id"]
    for url in ("/actors", f"/actors/{actor_id}", f"/articles/{'9' * 16}", "/outlets?actor=" + bad):
        html = client.get(url).text
        assert "<img src=x" not in html and "<b>x</b>" not in html, url


def test_new_articles_with_known_names_extend_the_index_without_a_rebuild(db_path, monkeypatch):
    from newsprobe.corpus.actors import index

    with Store(db_path) as store:
        db = store.connection
        ensure(db)
        before = resolve_one(db, FATAH)
        text = "Jaish al-Fatah shelled the town again. Donald Trump said nothing."
        store.add_many([Article(id="1" * 16, text=text, outlet="late.example", published="2016-11-01", spans=[
            _entity(text, "Jaish al-Fatah", "ORG", FATAH), _entity(text, "Donald Trump", "PERSON", "Donald Trump")])])
        with monkeypatch.context() as m:
            m.setattr(index, "_rebuild", lambda *a: pytest.fail("known names must not rebuild the index"))
            assert ensure(db).rebuilt and is_fresh(db)
        after = resolve_one(db, FATAH)
        assert after.id == before.id and after.mentions == before.mentions + 1
        assert actor_table(db, outlet="late.example")[1][0]["by_outlet"] == {"late.example": 1}
        # a name never seen may change who an old name stands for: that is a rebuild
        text = "Ivana Trump spoke. Ivanka Trump listened."
        store.add_many([Article(id="2" * 16, text=text, spans=[_entity(text, "Ivana Trump", "PERSON", "Ivana Trump")])])
        assert ensure(db).rebuilt and resolve_one(db, "Ivana Trump").name == "Ivana Trump"
