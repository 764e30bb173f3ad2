"""Corroboration of claims: the range rule, the figure index (migration 6, incremental upkeep), grouping into
independent reports and copies of one report, the command, the article page's panel and the API. The articles are our
own texts (tests/corroborate_texts.py), analysed once by the real pipeline."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from newsprobe.corpus.corroborate import ranges
from newsprobe.io.store import MIGRATIONS, SCHEMA_VERSION, Store
from tests import corroborate_texts as T
from tests.test_cli import run_cli

# -- the range rule (pure) ------------------------------------------------------------------------------------------


def q(value, qualifier="exactly", counted="militants", event="killed", **more):
    return {"value": value, "qualifier": qualifier, "counted": counted, "event": event, "unit": None, **more}


def matches(a: dict, b: dict) -> bool:
    return ranges.kind(a) == ranges.kind(b) and ranges.overlap(ranges.interval(a), ranges.interval(b))


def test_rounding_unit_is_the_last_stated_digit():
    assert ranges.unit_of(3200) == 100 and ranges.unit_of(3000) == 1000 and ranges.unit_of(320) == 10
    assert ranges.unit_of(3.5) == pytest.approx(0.1) and ranges.unit_of(7) == 1


def test_intervals_follow_the_qualifier():
    assert ranges.interval(q(3200)) == (3150, 3250)
    assert ranges.interval(q(3000)) == (2850, 3150)  # the slack is at most 10% of the figure
    assert ranges.interval(q(3200, "more_than")) == (3200, 3300)
    assert ranges.interval(q(3000, "more_than")) == (3000, 4000)
    assert ranges.interval(q(1000, "at_least")) == (1000, 1500)  # an open bound reaches at most half the figure
    assert ranges.interval(q(3000, "nearly")) == (2000, 3000)
    assert ranges.interval(q(3000, "about")) == (2700, 3300)
    assert ranges.interval({"value": None, "low": 20, "high": 30, "qualifier": "range"}) == (19, 31.5)
    assert ranges.interval({"value": None, "low": 100, "high": 999, "qualifier": "about"}) is None  # "hundreds"


def test_more_than_3200_matches_3200_and_over_3000_but_not_320_or_homes():
    more, plain, over = q(3200, "more_than"), q(3200, counted="fighters"), q(3000, "more_than", counted="insurgents")
    assert matches(more, plain) and matches(more, over) and matches(plain, over)
    assert not matches(more, q(320)) and not matches(plain, q(320))
    assert not matches(more, q(3200, counted="homes", event="destroyed"))
    assert not matches(q(3200), q(3600))  # two different precise figures


def test_kind_needs_an_event_or_a_counted_noun():
    assert ranges.kind(q(3200)) == "killed|"
    assert ranges.kind(q(3200, counted="homes", event=None)) == "home|"
    assert ranges.kind({"value": 40, "unit": "percent", "counted": None, "event": None}) is None
    assert ranges.kind(q(5, counted=None, event=None, unit="USD")) is None


def test_windows_from_resolved_dates_and_publication():
    monday = ranges.window({"value": "2024-03-04"}, "day", "2024-03-05")
    assert monday == ("2024-02-26", "2024-03-11")
    year = ranges.window({"value": "2019-01-01"}, "year", "2024-03-04")
    assert year == ("2019-01-01", "2019-12-31") and not ranges.same_window(monday, year)
    assert ranges.window({"value": "1600-01-01"}, "century", None) == ("1600-01-01", "1699-12-31")
    recent = ranges.window(None, None, "2024-03-06")
    assert ranges.same_window(monday, recent)
    assert not ranges.same_window(recent, ranges.window(None, None, "2021-06-01"))
    assert ranges.window(None, None, None) is None and ranges.same_window(None, year)  # unknown matches any


def test_buckets_cover_the_interval_and_refuse_vague_spans():
    cover = ranges.buckets((3200, 3300))
    assert cover is not None and 1 <= len(cover) <= 2
    assert ranges.buckets((10, 1_000_000)) is None


# -- a store of analysed articles ----------------------------------------------------------------------------------

TEXTS = {
    "original": (T.ORIGINAL, "wire.example", "2024-03-05", T.TITLE),
    "copy0": (T.proxy_copy(0), "proxy-one.example", "2024-03-06", "Army crushes terrorists in the north"),
    "copy1": (T.proxy_copy(1), "proxy-two.example", "2024-03-06", None),
    "copy2": (T.proxy_copy(2), "proxy-three.example", "2024-03-07", None),
    "independent": (T.INDEPENDENT, "gazette.example", "2024-03-06", T.INDEPENDENT_TITLE),
    "second": (T.SECOND, "monitor.example", "2024-03-07", T.SECOND_TITLE),
    "smaller": (T.SMALLER, "coast.example", "2024-03-06", None),
    "homes": (T.HOMES, "relief.example", "2024-03-06", None),
    "old_year": (T.OLD_YEAR, "history.example", "2024-03-04", None),
    "old_news": (T.OLD_NEWS, "archive.example", "2021-06-01", None),
    "lifted": (T.LIFTED, "farm.example", "2024-03-08", None),
}
NEGATIVES = ("smaller", "homes", "old_year", "old_news")


@pytest.fixture(scope="module")
def analysed():
    import newsprobe

    return {name: newsprobe.analyze(text, outlet=outlet, published=published, title=title,
                                    layers="attribution,claims")
            for name, (text, outlet, published, title) in TEXTS.items()}


def build(path: Path, analysed, names, copies_too: bool = True) -> Path:
    from newsprobe.corpus.copies import index as copies
    from newsprobe.corpus.corroborate import index

    with Store(path) as store:
        store.add_many([analysed[n] for n in names])
        if copies_too:
            copies.update(store)
        index.ensure(store.connection)
    return path


def figure_claim(article) -> str:
    """The claim id of the article's claim with a casualty figure."""
    span = next(s for s in article.layer("claim") if any(x.get("event") == "killed" for x in s.attrs["quantities"]))
    return f"{article.id}:{span.start}-{span.end}"


def corroborate(path: Path, claim: str) -> dict:
    from newsprobe.corpus.corroborate.match import corroborate as run

    with Store(path, readonly=True) as store:
        return run(store, claim)


def killed(found: dict) -> dict:
    return next(f for f in found["figures"] if f["event"] == "killed")


def ids(fig: dict) -> list[list[str]]:
    return [[a["id"] for a in r["articles"]] for r in fig["reports"]]


def test_same_figure_in_two_independent_articles_is_two_reports(tmp_path, analysed):
    path = build(tmp_path / "two.db", analysed, ["original", "independent"])
    fig = killed(corroborate(path, figure_claim(analysed["original"])))
    assert ids(fig) == [[analysed["original"].id], [analysed["independent"].id]]
    assert fig["independent"] == 2 and fig["copies"] == 0 and all(r["family"] is None for r in fig["reports"])
    assert fig["verdict"].startswith("2 independent reports (")
    assert [r["source_type"] for r in fig["reports"]] == ["anonymous", "named_person"]
    other = fig["reports"][1]["articles"][0]
    assert other["figure"] == "3,200" and other["counted"] == "fighters" and "Karim Nasser" in other["text"]


def test_a_copy_family_is_one_report_with_its_copies(tmp_path, analysed):
    names = ["original", "copy0", "copy1", "copy2", *NEGATIVES]
    path = build(tmp_path / "family.db", analysed, names)
    fig = killed(corroborate(path, figure_claim(analysed["copy1"])))
    assert len(fig["reports"]) == 1
    report = fig["reports"][0]
    assert report["family"] is not None and report["first"] == analysed["original"].id
    assert [a["role"] for a in report["articles"]] == ["first", "copy", "copy", "copy"]
    assert {a["id"] for a in report["articles"]} == {analysed[n].id for n in ("original", "copy0", "copy1", "copy2")}
    assert [a["this"] for a in report["articles"]].count(True) == 1
    assert fig["verdict"] == "One report: an anonymous source, copied by 3 other articles (3 outlets)."


def test_independent_reports_and_copies_together_and_what_does_not_match(tmp_path, analysed):
    path = build(tmp_path / "all.db", analysed, [n for n in TEXTS if n != "lifted"])
    fig = killed(corroborate(path, figure_claim(analysed["independent"])))  # "3,200 fighters had been killed"
    found = ids(fig)
    assert found[0] == [analysed["independent"].id]  # the claim's own report comes first
    assert sorted(len(r) for r in found) == [1, 1, 4]
    assert [analysed["second"].id] in found  # "Over 3,000 insurgents have been killed"
    reported = {i for r in found for i in r}
    assert not reported & {analysed[n].id for n in NEGATIVES}  # 320; homes destroyed; in 2019; in 2021
    assert fig["independent"] == 3 and fig["articles"] == 6 and fig["copies"] == 3
    assert fig["verdict"] == ("3 independent reports (1 named person, 1 anonymous, 1 named organisation); "
                              "3 copies besides.")


@pytest.mark.parametrize("copies_too", [True, False], ids=["copy-family", "same-sentence-only"])
def test_a_sentence_lifted_into_another_article_is_a_copy_of_its_report(tmp_path, analysed, copies_too):
    """Found as a partial copy by the copy detector, or, without its families, by the same sentence word for word."""
    path = build(tmp_path / "lifted.db", analysed, ["original", "lifted", "independent"], copies_too)
    found = corroborate(path, figure_claim(analysed["lifted"]))
    fig = killed(found)
    assert ids(fig) == [[analysed["original"].id, analysed["lifted"].id], [analysed["independent"].id]]
    assert [a["role"] for a in fig["reports"][0]["articles"]] == ["first", "copy"]
    assert (fig["reports"][0]["family"] is not None) == copies_too and (found["copies_pending"] > 0) != copies_too


def test_a_claim_found_nowhere_else(tmp_path, analysed):
    path = build(tmp_path / "alone.db", analysed, ["homes", "smaller", "old_news"])
    found = corroborate(path, figure_claim(analysed["old_news"]))
    fig = killed(found)
    assert ids(fig) == [[analysed["old_news"].id]] and fig["verdict"] == "Not reported elsewhere in this store."
    assert found["claim"]["source_type"] == fig["reports"][0]["source_type"]


# -- the index --------------------------------------------------------------------------------------------------------


def test_the_index_is_a_migration_step_and_grows_with_new_articles(tmp_path, analysed):
    from newsprobe.corpus.corroborate import index

    step = next(m for m in MIGRATIONS if "claim_figures" in str(m[2][0]))
    assert step[0] == 6 <= SCHEMA_VERSION
    path = build(tmp_path / "grow.db", analysed, ["original", "homes"])
    with Store(path) as store:
        rows = store.connection.execute("SELECT COUNT(DISTINCT article_id) FROM claim_figures").fetchone()[0]
        assert rows == 2 and index.ensure(store.connection) == "fresh"
        store.add_many([analysed["independent"]])
        assert index.ensure(store.connection) == "added 1 article(s)"
        store.connection.execute("UPDATE articles SET published = '2019-01-01' WHERE id = ?",
                                 (analysed["independent"].id,))
        assert index.ensure(store.connection) == "rebuilt"
    fig = killed(corroborate(path, figure_claim(analysed["original"])))
    assert len(fig["reports"]) == 2  # the claim's own "Tuesday" still dates it near the original's


def test_a_read_only_store_gets_a_temporary_index(tmp_path, analysed, monkeypatch):
    from newsprobe.corpus.corroborate import index

    path = tmp_path / "store.db"
    with Store(path) as store:
        store.add_many([analysed["original"], analysed["independent"]])  # no index written
    monkeypatch.setattr(index, "writer_for", lambda db: None)  # a file nobody may write (root ignores modes)
    with Store(path, readonly=True) as store:
        assert index.ensure(store.connection) == "temporary"
        assert store.connection.execute("SELECT COUNT(*) FROM main.claim_figures").fetchone()[0] == 0
        assert store.connection.execute("SELECT COUNT(*) FROM temp.claim_figures").fetchone()[0] > 0
    assert len(killed(corroborate(path, figure_claim(analysed["original"])))["reports"]) == 2


def test_an_older_store_upgrades_to_the_figure_index(tmp_path):
    path = tmp_path / "v5.db"
    db = sqlite3.connect(path)
    for step, _, statements in MIGRATIONS[:5]:
        for statement in statements:
            if isinstance(statement, str):
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {step}")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION >= 6
        assert store.connection.execute("SELECT COUNT(*) FROM claim_figures").fetchone()[0] == 0


# -- command line ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_store(tmp_path_factory, analysed) -> Path:
    return build(tmp_path_factory.mktemp("corroborate") / "news.db", analysed, [n for n in TEXTS if n != "lifted"])


def test_command_prints_the_verdict_and_the_reports(full_store, analysed):
    claim = figure_claim(analysed["copy0"])
    r = run_cli("corroborate", claim, "--db", str(full_store))
    assert r.returncode == 0, r.stderr
    assert "3 independent reports (1 anonymous, 1 named person, 1 named organisation); 3 copies besides." in r.stdout
    assert "report 1 (4 article(s), copies of one report" in r.stdout and "proxy-three.example" in r.stdout
    assert "gazette.example" in r.stdout and "monitor.example" in r.stdout and "coast.example" not in r.stdout
    j = run_cli("corroborate", claim, "--db", str(full_store), "--format", "json")
    found = json.loads(j.stdout)
    assert found["claim"]["id"] == claim and killed(found)["independent"] == 3


def test_show_lists_claim_ids(analysed):
    from rich.console import Console

    from newsprobe.core.report import print_report

    console = Console(record=True, width=250)
    print_report(analysed["original"], console)
    assert figure_claim(analysed["original"]) in console.export_text()


@pytest.mark.parametrize(("claim", "expected"), [
    ("not-a-claim", "malformed claim id 'not-a-claim': expected ARTICLE_ID:START-END"),
    ("abcdef:20-10", "malformed claim id 'abcdef:20-10'"),
    ("0123456789abcdef:0-10", "claim id '0123456789abcdef:0-10': no article '0123456789abcdef'"),
])
def test_bad_claim_ids_are_one_line_errors(full_store, claim, expected):
    r = run_cli("corroborate", claim, "--db", str(full_store))
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert expected in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_no_claim_at_those_offsets_names_the_claims_there(full_store, analysed):
    art = analysed["original"]
    r = run_cli("corroborate", f"{art.id[:8]}:1-5", "--db", str(full_store))
    assert r.returncode != 0 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert f"article {art.id} has no claim span at 1-5; its claims include {art.id}:" in r.stderr


def test_empty_store(tmp_path):
    path = tmp_path / "empty.db"
    Store(path).close()
    r = run_cli("corroborate", "0123456789abcdef:0-10", "--db", str(path))
    assert r.returncode != 0 and "Traceback" not in r.stderr and "no article '0123456789abcdef'" in r.stderr
    missing = run_cli("corroborate", "0123456789abcdef:0-10", "--db", str(tmp_path / "none.db"))
    assert missing.returncode != 0 and "no such store" in missing.stderr and "Traceback" not in missing.stderr


# -- web ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(full_store):
    from fastapi.testclient import TestClient

    from newsprobe.web import create_app

    return TestClient(create_app(full_store))


def test_article_page_shows_reported_elsewhere(client, analysed):
    page = client.get(f"/articles/{analysed['independent'].id}")
    assert page.status_code == 200
    html = page.text
    assert "Reported elsewhere" in html and figure_claim(analysed["independent"]) in html
    assert "3 independent reports (1 named person, 1 anonymous, 1 named organisation); 3 copies besides." in html
    assert "proxy-two.example" in html and "coast.example" not in html


def test_api_gives_the_same_grouping(client, analysed):
    claim = figure_claim(analysed["second"])
    r = client.get(f"/api/claims/{claim}/corroboration")
    assert r.status_code == 200
    fig = killed(r.json())
    assert fig["independent"] == 3 and sorted(len(x["articles"]) for x in fig["reports"]) == [1, 1, 4]
    assert fig["reports"][0]["source_type"] == "named_org"
    unknown = client.get("/api/claims/0123456789abcdef:0-10/corroboration")
    assert unknown.status_code == 404 and "no article" in unknown.json()["detail"]
    bad = client.get("/api/claims/nope/corroboration")
    assert bad.status_code == 422
    backwards = client.get(f"/api/claims/{analysed['second'].id}:20-10/corroboration")
    assert backwards.status_code == 422 and "malformed claim id" in backwards.json()["detail"]
