"""The sourcing scorer on hand-made gold and predictions, and `newsprobe eval sourcing` on a gold folder we write."""

from __future__ import annotations

import hashlib
import json

import pytest

from newsprobe.layers.attribution.evaluate_sourcing import GoldArticle, pair, score

from .test_cli import run_cli

TEXT = "Officials said the bridge was closed. Jane Roe said it would reopen. I think it will not."


def _st(text: str, content: str, kind: str) -> dict:
    start = text.index(content)
    return {"content": [[start, start + len(content)]], "type": kind}


def test_pairing_needs_half_the_gold_content_and_is_one_to_one():
    gold = [_st(TEXT, "the bridge was closed", "anonymous")]
    assert pair(gold, [_st(TEXT, "the bridge was", "anonymous")]) == [(0, 0)]
    assert pair(gold, [_st(TEXT, "the bridge", "anonymous")]) == []  # 10 of 21 characters
    assert pair(gold, [_st(TEXT, "the bridge was", "x"), _st(TEXT, "the bridge was closed", "y")]) == [(0, 1)]


def test_score_counts_found_unresolved_anonymous_and_types():
    gold = [_st(TEXT, "the bridge was closed", "anonymous"), _st(TEXT, "it would reopen", "named_person"),
            _st(TEXT, "it will not", "author")]
    pred = [_st(TEXT, "the bridge was closed", "anonymous"), _st(TEXT, "it would reopen", "unresolved"),
            _st(TEXT, "Jane Roe", "anonymous")]  # the last one matches no gold statement
    r = score([GoldArticle("a", TEXT, "heldout", gold)], [pred])
    assert (r["gold_statements"], r["predicted_statements"], r["found"]) == (3, 3, 2)
    assert r["unresolved_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert r["anonymous_vs_named_accuracy"] == 0.5  # unresolved for a named person is wrong
    assert r["always_named_accuracy"] == 0.5
    assert r["anonymous_recall"] == 1.0 and r["anonymous_precision"] == 1.0
    assert r["confusion"] == {"anonymous": {"anonymous": 1}, "named_person": {"unresolved": 1}}


def test_eval_sourcing_cli(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text(TEXT, encoding="utf-8")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    gold = {"text": "a.txt", "sha256": hashlib.sha256(TEXT.encode()).hexdigest(), "part": "heldout",
            "statements": [_st(TEXT, "the bridge was closed", "anonymous")]}
    (gold_dir / "a.json").write_text(json.dumps(gold), encoding="utf-8")
    res = run_cli("eval", "sourcing", "--gold", str(gold_dir), "--texts", str(texts))
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["gold_statements"] == 1 and out["part"] == "all" and "anonymous_recall" in out
    (texts / "a.txt").write_text(TEXT + " Changed.", encoding="utf-8")
    bad = run_cli("eval", "sourcing", "--gold", str(gold_dir), "--texts", str(texts))
    assert bad.returncode == 2 and "SHA-256" in bad.stderr and "Traceback" not in bad.stderr
    none = run_cli("eval", "sourcing", "--gold", str(gold_dir), "--texts", str(texts), "--part", "development")
    assert none.returncode == 2 and "no gold article" in none.stderr


def test_the_gold_set_is_complete_and_keeps_no_text():
    from pathlib import Path

    gold_dir = Path(__file__).resolve().parents[1] / "bench" / "sourcing_gold"
    files = sorted(gold_dir.glob("*.json"))
    assert len(files) >= 40
    parts = {"development": 0, "heldout": 0}
    for f in files:
        g = json.loads(f.read_text(encoding="utf-8"))
        assert set(g) == {"text", "sha256", "part", "statements"}
        parts[g["part"]] += 1
        for st in g["statements"]:
            assert set(st) == {"content", "source", "cue", "type"}
    assert parts["development"] >= 20 and parts["heldout"] >= 15
