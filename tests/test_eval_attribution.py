"""Tests for the brat reader and the attribution scorer, on hand-made brat files with hand-computed scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Span
from newsprobe.layers.attribution.evaluate import Attribution, attributions_from_spans, read_brat_dir, score

POLNEAR_DEV = Path("/work/shared/data/polnear/data/dev")

# 0         1         2         3         4         5         6         7
# 0123456789012345678901234567890123456789012345678901234567890123456789012345
TEXT_A = "The mayor said the bridge will open in May. Critics doubt it, one told us."
# "The mayor" 0-9, "said" 10-14, "the bridge will open in May" 15-42,
# "Critics" 44-51, "doubt" 52-57, "it" 58-60; "one" 62-65, "told" 66-70, "us" 71-73.
TEXT_B = "Rain is coming, forecasters warned on Monday."
# "Rain is coming" 0-14, "forecasters" 16-27, "warned" 28-34.


def _write(root: Path, name: str, text: str, ann: str, *, ann_name: str | None = None) -> None:
    (root / "text").mkdir(parents=True, exist_ok=True)
    (root / "attributions").mkdir(parents=True, exist_ok=True)
    (root / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
    (root / "attributions" / f"{ann_name or name}.ann").write_text(ann, encoding="utf-8")


ANN_A = (
    "T1\tSource 0 9\tThe mayor\n"
    "T2\tCue 10 14\tsaid\n"
    "T3\tContent 15 42\tthe bridge will open in May\n"
    "T4\tAttribution 10 14\tsaid\n"
    "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n"
    # A discontinuous content: "Critics doubt it" with the cue inside, and no source.
    "T5\tCue 66 70\ttold\n"
    "T6\tSource 62 65\tone\n"
    "T7\tContent 44 51;52 60\tCritics doubt it\n"
    "R1\tLink Arg1:T6 Arg2:T5\n"
    "#1\tAnnotatorNotes T7\ta note\n"
    "E2\tAttribution-no-source:T5 Cue:T5 Content:T7 \n"
)
ANN_B = (
    "T1\tContent 0 14\tRain is coming\n"
    "T2\tSource 16 27\tforecasters\n"
    "T3\tCue 28 34\twarned\n"
    "E1\tAttribution:T3 Source:T2 Cue:T3 Content:T1\n"
)


@pytest.fixture
def gold_dir(tmp_path: Path) -> Path:
    _write(tmp_path, "a", TEXT_A, ANN_A)
    _write(tmp_path, "b", TEXT_B, ANN_B)
    return tmp_path


def _gold(gold_dir: Path) -> tuple[dict[str, list[Attribution]], dict[str, str]]:
    docs = read_brat_dir(gold_dir)
    return {k: d.attributions for k, d in docs.items()}, {k: d.text for k, d in docs.items()}


def test_reads_t_r_e_lines_with_discontinuous_span(gold_dir: Path) -> None:
    docs = read_brat_dir(gold_dir)
    assert sorted(docs) == ["a", "b"]
    assert docs["a"].text == TEXT_A
    first, second = docs["a"].attributions
    assert first == Attribution(source=[(0, 9)], cue=[(10, 14)], content=[(15, 42)])
    # The R line links nothing; the event without a source leaves that role empty.
    assert second == Attribution(source=[], cue=[(66, 70)], content=[(44, 51), (52, 60)])
    assert docs["b"].attributions == [Attribution(source=[(16, 27)], cue=[(28, 34)], content=[(0, 14)])]


def test_multiline_span_text_and_several_annotators(tmp_path: Path) -> None:
    text = "Line one.\n\nLine two, she said."
    # Content 0-19 runs over a blank line; brat copies the newlines into the T line's text.
    ann = (
        "T1\tContent 0 19\tLine one.\n\nLine two\n"
        "T2\tSource 21 24\tshe\nT3\tCue 25 29\tsaid\nE1\tX:T3 Content:T1 Cue:T3 Source:T2\n"
    )
    _write(tmp_path, "art", text, ann, ann_name="art_b222")
    (tmp_path / "attributions" / "art_a111.ann").write_text("T1\tCue 25 29\tsaid\nE1\tX:T1 Cue:T1\n", encoding="utf-8")
    docs = read_brat_dir(tmp_path)
    # The alphabetically first annotator (a111) is the one kept.
    assert list(docs) == ["art"]
    assert docs["art"].attributions == [Attribution(cue=[(25, 29)])]
    (tmp_path / "attributions" / "art_a111.ann").unlink()
    assert read_brat_dir(tmp_path)["art"].attributions == [
        Attribution(source=[(21, 24)], cue=[(25, 29)], content=[(0, 19)])
    ]


def test_perfect_prediction_scores_one(gold_dir: Path) -> None:
    gold, texts = _gold(gold_dir)
    result = score(gold, gold, texts)
    assert set(result) == {"source", "cue", "content"}
    for role in result.values():
        for kind in ("exact", "overlap"):
            assert role[kind] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_empty_prediction_scores_zero(gold_dir: Path) -> None:
    gold, texts = _gold(gold_dir)
    for pred in ({}, {"a": [], "b": []}):
        result = score(pred, gold, texts)
        assert all(v == 0.0 for role in result.values() for kind in role.values() for v in kind.values())


def test_shifted_spans_get_overlap_but_no_exact_credit(gold_dir: Path) -> None:
    gold, texts = _gold(gold_dir)
    pred = {
        "a": [
            # content "said the bridge will open" (10-35): 5 tokens, 4 shared with gold's 6 tokens
            # "the bridge will open in May". Source "mayor" (4-9): 1 token, inside gold's 2.
            Attribution(source=[(4, 9)], cue=[(10, 14)], content=[(10, 35)]),
            # contiguous "Critics doubt it" covers the discontinuous gold exactly (fragments 44-51;52-60
            # are separated by one space, so they merge). No source predicted, as in gold.
            Attribution(cue=[(66, 70)], content=[(44, 60)]),
        ],
        "b": [Attribution(source=[(16, 27)], cue=[(28, 34)], content=[(0, 14)])],
    }
    result = score(pred, gold, texts)
    # Content: 3 predicted, 3 gold; exact matches: "Critics doubt it" and "Rain is coming" -> 2/3 each way.
    assert result["content"]["exact"]["precision"] == pytest.approx(2 / 3)
    assert result["content"]["exact"]["recall"] == pytest.approx(2 / 3)
    # Overlap precision: (4/5 + 1 + 1) / 3 = 14/15; recall: (4/6 + 1 + 1) / 3 = 8/9.
    assert result["content"]["overlap"]["precision"] == pytest.approx(14 / 15)
    assert result["content"]["overlap"]["recall"] == pytest.approx(8 / 9)
    f1 = 2 * (14 / 15) * (8 / 9) / (14 / 15 + 8 / 9)
    assert result["content"]["overlap"]["f1"] == pytest.approx(f1)
    # Source: 2 predicted, 2 gold (the no-source attribution contributes nothing to either side).
    # Exact: only "forecasters" -> 1/2. Overlap: precision (1 + 1)/2 = 1; recall (1/2 + 1)/2 = 3/4.
    assert result["source"]["exact"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5})
    assert result["source"]["overlap"]["precision"] == pytest.approx(1.0)
    assert result["source"]["overlap"]["recall"] == pytest.approx(0.75)
    # Cue: all three right.
    assert result["cue"]["exact"]["f1"] == 1.0


def test_missing_roles_and_pooling_over_documents(gold_dir: Path) -> None:
    gold, texts = _gold(gold_dir)
    # Only doc b predicted, and without its source; a spurious prediction in an unannotated doc "c".
    texts = {**texts, "c": "Nothing here."}
    pred = {
        "b": [Attribution(cue=[(28, 34)], content=[(0, 14)])],
        "c": [Attribution(source=[(0, 7)], cue=[(8, 12)], content=[(0, 12)])],
    }
    result = score(pred, gold, texts)
    # Source: pred {c: 1}, gold {a: 1, b: 1}; no match -> 0.
    assert result["source"]["exact"]["f1"] == 0.0
    assert result["source"]["overlap"]["f1"] == 0.0
    # Cue: pred 2 (b right, c wrong), gold 3 -> precision 1/2, recall 1/3, F1 = 2 * 1/6 / (5/6) = 2/5.
    assert result["cue"]["exact"] == pytest.approx({"precision": 0.5, "recall": 1 / 3, "f1": 0.4})
    # Same for content.
    assert result["content"]["overlap"] == pytest.approx({"precision": 0.5, "recall": 1 / 3, "f1": 0.4})


def test_without_texts_characters_are_the_units() -> None:
    gold = {"d": [Attribution(content=[(0, 10)])]}
    pred = {"d": [Attribution(content=[(5, 15)])]}
    result = score(pred, gold)
    # 5 of 10 characters shared both ways.
    assert result["content"]["overlap"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5})
    with pytest.raises(NewsprobeError, match="no text"):
        score(pred, gold, {})


@pytest.mark.parametrize(
    ("bad_line", "lineno"),
    [
        ("T3\tContent 15 x\tthe bridge\n", 3),
        ("E1\tAttribution:T2 Source\n", 3),
        ("R1\tLink Arg1:T1\n", 3),
        ("this is not brat\n", 3),
        ("T3\tContent 15 420\tout of range\n", 3),
        ("E1\tAttribution:T2 Source:T9\n", 3),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path: Path, bad_line: str, lineno: int) -> None:
    _write(tmp_path, "a", TEXT_A, "T1\tSource 0 9\tThe mayor\nT2\tCue 10 14\tsaid\n" + bad_line)
    with pytest.raises(NewsprobeError, match=rf"a\.ann:{lineno}:"):
        read_brat_dir(tmp_path)


def test_ann_without_text_is_a_clear_error(tmp_path: Path) -> None:
    _write(tmp_path, "a", TEXT_A, ANN_A)
    (tmp_path / "attributions" / "orphan_4e07.ann").write_text("", encoding="utf-8")
    with pytest.raises(NewsprobeError, match=r"orphan_4e07\.ann: no text .*text/orphan\.txt"):
        read_brat_dir(tmp_path)
    with pytest.raises(NewsprobeError, match="expected a folder text/"):
        read_brat_dir(tmp_path / "nowhere")


def test_attributions_from_model_spans(gold_dir: Path) -> None:
    gold, texts = _gold(gold_dir)
    spans = [
        Span("attribution", 15, 42, "attribution", TEXT_A[15:42],
             {"source": {"start": 0, "end": 9, "text": "The mayor"}, "cue": {"start": 10, "end": 14, "text": "said"}}),
        Span("entity", 0, 9, "PERSON", "The mayor"),
        # As a JSON dict, with no source.
        {"layer": "attribution", "start": 44, "end": 60, "attrs": {"cue": {"start": 66, "end": 70}, "source": None}},
    ]
    atts = attributions_from_spans(TEXT_A, spans)
    assert atts == [
        Attribution(source=[(0, 9)], cue=[(10, 14)], content=[(15, 42)]),
        Attribution(cue=[(66, 70)], content=[(44, 60)]),
    ]
    result = score({"a": atts, "b": gold["b"]}, gold, texts)
    assert result["content"]["exact"]["f1"] == 1.0
    with pytest.raises(NewsprobeError, match="not within the text"):
        attributions_from_spans("short", spans[:1])


@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="PolNeAR dev data not present")
def test_polnear_dev_reads_and_scores_itself() -> None:
    docs = read_brat_dir(POLNEAR_DEV)
    assert len(docs) == 84
    # 2,320 E lines over 94 files; two articles have six annotators each and only one is kept: 2,193.
    n = sum(len(d.attributions) for d in docs.values())
    assert 2100 <= n <= 2400
    assert any(len(a.content) > 1 for d in docs.values() for a in d.attributions)  # discontinuous contents
    assert any(not a.source for d in docs.values() for a in d.attributions)  # attributions without source
    gold = {k: d.attributions for k, d in docs.items()}
    result = score(gold, gold, {k: d.text for k, d in docs.items()})
    assert all(v == 1.0 for role in result.values() for kind in role.values() for v in kind.values())


def test_fragments_of_a_split_content_score_as_the_gold_discontinuous_span(gold_dir: Path) -> None:
    split = {"layer": "attribution", "start": 44, "end": 60,
             "attrs": {"cue": {"start": 66, "end": 70}, "fragments": [[44, 51], [52, 60]]}}
    (att,) = attributions_from_spans(TEXT_A, [split])
    assert att.content == [(44, 51), (52, 60)]


def test_evaluate_brat_runs_the_prediction_on_the_stored_texts(gold_dir: Path) -> None:
    from newsprobe.layers.attribution.evaluate import evaluate_brat

    seen: list[str] = []

    def predict(texts: list[str]) -> list[list[dict]]:
        seen.extend(texts)
        docs = read_brat_dir(gold_dir)
        by_text = {d.text: d.attributions for d in docs.values()}
        out = []
        for t in texts:
            spans = []
            for a in by_text[t]:
                role = {r: {"start": getattr(a, r)[0][0], "end": getattr(a, r)[-1][1]} if getattr(a, r) else None
                        for r in ("source", "cue")}
                spans.append({"layer": "attribution", "start": a.content[0][0], "end": a.content[-1][1],
                              "attrs": role | {"fragments": [list(f) for f in a.content]}})
            out.append(spans)
        return out

    result = evaluate_brat(gold_dir, predict)
    assert sorted(seen) == sorted([TEXT_A, TEXT_B])
    assert {role: result[role]["exact"]["f1"] for role in result} == {"source": 1.0, "cue": 1.0, "content": 1.0}
    empty = evaluate_brat(gold_dir, lambda texts: [[] for _ in texts])
    assert empty["content"]["exact"]["recall"] == 0.0
    with pytest.raises(NewsprobeError, match="no annotated texts"):
        (gold_dir / "empty" / "text").mkdir(parents=True)
        (gold_dir / "empty" / "attributions").mkdir()
        evaluate_brat(gold_dir / "empty", predict)


def test_segment_unit_counts_each_piece_and_statement_unit_the_whole() -> None:
    text = '"Prices will rise," the minister said, "and soon." He added that wages would not.'
    first, second = (1, 17), (text.index("and soon"), text.index("and soon") + 8)
    src, cue = (20, 32), (33, 37)
    added = (text.index("added"), text.index("added") + 5)
    gold = {"d": [Attribution(source=[src], cue=[cue], content=[first, second]),
                  # a second statement sharing the minister as its source (brat lets two E lines share a T)
                  Attribution(source=[src], cue=[added], content=[(added[1] + 1, len(text) - 1)])]}
    pred = {"d": [Attribution(source=[src], cue=[cue], content=[first])]}
    texts = {"d": text}
    seg = score(pred, gold, texts)  # the default unit
    assert seg["content"]["exact"] == {"precision": 1.0, "recall": 1 / 3, "f1": 0.5}
    assert seg["source"]["exact"]["recall"] == 1.0  # one source token run, counted once
    whole = score(pred, gold, texts, unit="statement")
    assert whole["content"]["exact"]["f1"] == 0.0
    assert whole["source"]["exact"]["recall"] == 0.5
    with pytest.raises(NewsprobeError, match="unknown scoring unit"):
        score(pred, gold, texts, unit="sentence")
