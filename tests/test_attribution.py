"""The attribution layer end to end, with the shipped model: the seed's nine statements, the summary, the report,
the claim links, `newsprobe eval attribution` and `newsprobe sources`."""

from __future__ import annotations

import json

import pytest

from newsprobe.core.report import render

from .test_cli import run_cli

OPERATION_ROOM = "Operation Room for Conquest of Aleppo"


@pytest.fixture(scope="module")
def statements(seed_article):
    return seed_article.layer("attribution")


def test_every_seed_statement_is_found_with_an_anonymous_source_and_a_cue(statements, seed_article):
    # Nine statements: every quote paragraph, the opening sentence, "Opposition sources confirmed", and the
    # second quote that "adding" introduces.
    assert len(statements) == 9
    text = seed_article.text
    for s in statements:
        a = s.attrs
        assert a["source_type"] == "anonymous" and s.label == "anonymous", (s.text, a)
        assert a["source"] and a["cue"], (s.text, a)
        for role in ("source", "cue"):
            assert text[a[role]["start"] : a[role]["end"]] == a[role]["text"]
        assert 0.0 < a["score"] <= 1.0
    cues = {s.attrs["cue"]["text"] for s in statements}
    assert {"said", "added", "confirmed", "adding"} <= cues
    looted = next(s for s in statements if "loot people" in s.text)
    assert looted.attrs["kind"] == "direct"


def test_seed_affiliation_coreference_and_when(statements):
    close = [s for s in statements if OPERATION_ROOM in s.attrs["source"]["text"]]
    assert len(close) == 1 and close[0].attrs["affiliation"] == OPERATION_ROOM
    later = [s for s in statements if s.start > close[0].start]
    assert later and all(s.attrs["affiliation"] == OPERATION_ROOM for s in later)
    assert all(OPERATION_ROOM in s.attrs["source_resolved"]["text"] for s in later)
    they = [s for s in statements if s.attrs["source"]["text"].lower() == "they"]
    assert they and all(s.attrs["source_resolved"] for s in they)
    whens = {s.attrs["source"]["text"]: (s.attrs["when"] or {}).get("text") for s in statements}
    assert whens["local sources"] == "Monday" and whens["Opposition sources"] == "Sunday"


def test_seed_summary_report_and_claim_links(seed_article):
    summary = seed_article.summary["attribution"]
    assert summary["count"] == 9 and summary["anonymous_share"] == 1.0 and summary["named_sources"] == []
    assert summary["most_quoted"]["type"] == "anonymous"
    from rich.console import Console

    console = Console(width=160, record=True)
    console.print(render(seed_article))
    report = console.export_text()
    assert "Who says what" in report and "100% from anonymous sources" in report
    figure = next(c for c in seed_article.layer("claim") if "3,200" in c.text)
    assert figure.attrs["attribution"]["source_type"] == "anonymous"
    assert seed_article.summary["claim"]["anonymous_share"] > 0


def test_eval_attribution_cli_prints_scores_per_role(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    text = "The mayor said the bridge will open in May. Rain is coming, forecasters warned on Monday."
    (tmp_path / "text" / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "attributions" / "a.ann").write_text(
        "T1\tSource 0 9\tThe mayor\nT2\tCue 10 14\tsaid\nT3\tContent 15 42\tthe bridge will open in May\n"
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3\n"
        "T4\tContent 44 58\tRain is coming\nT5\tSource 60 71\tforecasters\nT6\tCue 72 78\twarned\n"
        "E2\tAttribution:T6 Source:T5 Cue:T6 Content:T4\n", encoding="utf-8")
    res = run_cli("eval", "attribution", "--brat", str(tmp_path))
    assert res.returncode == 0, res.stderr
    scores = json.loads(res.stdout)
    assert set(scores) == {"source", "cue", "content"}
    for role in scores.values():
        assert set(role) == {"exact", "overlap"}
        assert all(set(m) == {"precision", "recall", "f1"} for m in role.values())
    assert scores["cue"]["exact"]["f1"] == 1.0  # "said" and "warned": the model must get these
    missing = run_cli("eval", "attribution", "--brat", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "nope" in missing.stderr and "Traceback" not in missing.stderr


def test_sources_command_over_a_store(tmp_path, seed_path):
    db = tmp_path / "s.db"
    res = run_cli("ingest", str(seed_path), "--db", str(db))
    assert res.returncode == 0, res.stderr
    res = run_cli("sources", "--db", str(db), "--format", "json", "--min-articles", "1", "--min-statements", "1")
    assert res.returncode == 0, res.stderr
    (row,) = json.loads(res.stdout)
    assert row["statements"] == 9 and row["anonymous"] == 9 and row["anonymous_share"] == 1.0
    assert row["techniques"]["own"] + row["techniques"]["quoted"] >= 1
    text = run_cli("sources", "--db", str(db), "--min-articles", "1", "--min-statements", "1")
    assert text.returncode == 0 and "Sources per outlet" in text.stdout and "9 (100%)" in text.stdout
    # one article is below the default minimum: nothing is ranked, and the command says why
    few = run_cli("sources", "--db", str(db))
    assert few.returncode == 0 and "nothing to rank" in few.stdout
    assert "below --min-statements 20 or --min-articles 3" in few.stdout
    per_article = run_cli("sources", "--db", str(db), "--by", "article", "--format", "json",
                          "--min-statements", "1")
    (art,) = json.loads(per_article.stdout)
    assert art["statements"] == 9 and len(art["article"]) == 16
    none = run_cli("sources", "--db", str(tmp_path / "missing.db"))
    assert none.returncode == 2 and "missing.db" in none.stderr
