"""Hand-checked cases for the PTC (SemEval-2020 Task 11) SI/TC scorers, plus a smoke test on the real dev data."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprobe.core.errors import NewsprobeError
from newsprobe.layers.techniques.evaluate import (
    TECHNIQUES,
    evaluate,
    read_articles,
    read_si,
    read_tc,
    si_scores,
    tc_scores,
)

PTC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc"


def approx(d: dict[str, float], **expected: float) -> None:
    for key, value in expected.items():
        assert d[key] == pytest.approx(value), key


# ----------------------------------------------------------------------------- SI


def test_si_identical_spans():
    assert si_scores({"1": [(0, 10)]}, {"1": [(0, 10)]}) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_si_partial_overlap():
    # pred [0,10), gold [5,25): overlap 5 chars. P = 5/10 = 0.5, R = 5/20 = 0.25, F1 = 2*.5*.25/.75 = 1/3
    approx(si_scores({"1": [(0, 10)]}, {"1": [(5, 25)]}), precision=0.5, recall=0.25, f1=1 / 3)


def test_si_half_overlap_symmetric():
    # pred [0,10), gold [5,15): overlap 5. P = R = F1 = 0.5
    approx(si_scores({"1": [(0, 10)]}, {"1": [(5, 15)]}), precision=0.5, recall=0.5, f1=0.5)


def test_si_one_prediction_covers_two_gold_spans():
    # pred [0,20); gold [0,5) and [10,20). P = (5 + 10)/20 / 1 = 0.75; R = (5/5 + 10/10)/2 = 1; F1 = 1.5/1.75 = 6/7
    approx(si_scores({"1": [(0, 20)]}, {"1": [(0, 5), (10, 20)]}), precision=0.75, recall=1.0, f1=6 / 7)


def test_si_overlapping_gold_spans_are_merged():
    # gold [0,10) + [5,15) merge to [0,15). pred [0,5): P = 5/5 = 1; R = 5/15 = 1/3; F1 = (2/3)/(4/3) = 0.5
    approx(si_scores({"1": [(0, 5)]}, {"1": [(0, 10), (5, 15)]}), precision=1.0, recall=1 / 3, f1=0.5)
    # an exact match of the union is perfect (unmerged, precision would be (10 + 10)/15 > 1)
    approx(si_scores({"1": [(0, 15)]}, {"1": [(5, 15), (0, 10)]}), precision=1.0, recall=1.0, f1=1.0)


def test_si_overlapping_predictions_are_merged():
    # pred [0,10) twice + [2,6) merge to [0,10): R = 1 (unmerged it would be 10/10 + 10/10 + 4/10 = 2.4)
    approx(si_scores({"1": [(0, 10), (0, 10), (2, 6)]}, {"1": [(0, 10)]}), precision=1.0, recall=1.0, f1=1.0)


def test_si_adjacent_spans_are_not_merged():
    # gold [0,5) and [5,10) stay two spans; pred [0,5): P = 1; R = (1 + 0)/2 = 0.5; F1 = 1/1.5 = 2/3
    approx(si_scores({"1": [(0, 5)]}, {"1": [(0, 5), (5, 10)]}), precision=1.0, recall=0.5, f1=2 / 3)


def test_si_empty_predictions_and_empty_gold():
    assert si_scores({}, {"1": [(0, 5)]}) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert si_scores({"1": []}, {"1": [(0, 5)]}) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert si_scores({"1": [(0, 5)]}, {}) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert si_scores({}, {}) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_si_pooled_over_articles():
    # a: pred [0,10) gold [0,10) -> p-term 1, r-term 1
    # b: pred [0,10) gold [0,20) -> p-term 10/10 = 1, r-term 10/20 = 0.5
    # c: pred [0,4), no gold     -> p-term 0
    # |S| = 3, |T| = 2: P = 2/3, R = 1.5/2 = 0.75, F1 = 2*(2/3)*(3/4)/(2/3 + 3/4) = 1/(17/12) = 12/17
    pred = {"a": [(0, 10)], "b": [(0, 10)], "c": [(0, 4)]}
    gold = {"a": [(0, 10)], "b": [(0, 20)]}
    approx(si_scores(pred, gold), precision=2 / 3, recall=0.75, f1=12 / 17)


def test_si_spans_only_match_within_their_article():
    assert si_scores({"a": [(0, 10)]}, {"b": [(0, 10)]})["f1"] == 0.0


# ----------------------------------------------------------------------------- TC

TC_GOLD = [
    ("1", "Loaded_Language", 0, 5),
    ("1", "Repetition", 0, 5),  # same span, second technique
    ("1", "Doubt", 10, 20),
    ("2", "Loaded_Language", 3, 8),
]


def test_tc_identical_is_perfect_and_technique_order_on_a_shared_span_does_not_matter():
    reordered = [TC_GOLD[1], TC_GOLD[0], TC_GOLD[3], TC_GOLD[2]]
    result = tc_scores(reordered, TC_GOLD)
    assert result["micro_f1"] == result["micro_precision"] == result["micro_recall"] == 1.0
    assert result["correct"] == 4


def test_tc_duplicate_gold_span_and_per_technique():
    pred = [
        ("1", "Repetition", 0, 5),
        ("1", "Repetition", 0, 5),  # the single gold Repetition on 0-5 can be matched only once
        ("1", "Flag-Waving", 10, 20),  # wrong (gold: Doubt)
        ("2", "Loaded_Language", 3, 8),  # right
    ]
    result = tc_scores(pred, TC_GOLD)
    # correct = 1 (Repetition) + 1 (LL on article 2) = 2; 4 gold instances -> micro_f1 = 2/4; 4 predictions -> P 2/4
    approx(result, micro_f1=0.5, micro_recall=0.5, micro_precision=0.5)
    assert (result["correct"], result["predicted"], result["gold"]) == (2, 4, 4)
    per = result["per_technique"]
    # Loaded_Language: 1 predicted, 1 right, support 2 -> P 1, R 0.5, F1 2/3
    approx(per["Loaded_Language"], precision=1.0, recall=0.5, f1=2 / 3, support=2)
    # Repetition: 2 predicted, 1 right, support 1 -> P 0.5, R 1, F1 2/3
    approx(per["Repetition"], precision=0.5, recall=1.0, f1=2 / 3, support=1)
    # Doubt: never predicted, support 1 -> 0 / 0 / 0
    approx(per["Doubt"], precision=0.0, recall=0.0, f1=0.0, support=1)
    # Flag-Waving: 1 predicted, 0 right, no support -> all 0
    approx(per["Flag-Waving"], precision=0.0, recall=0.0, f1=0.0, support=0)
    assert set(TECHNIQUES) <= set(per)


def test_tc_missing_predictions_count_as_wrong():
    # only one prediction, and it is right: correct = 1 of 4 gold -> micro_f1 = 0.25; precision 1/1
    result = tc_scores([("2", "Loaded_Language", 3, 8)], TC_GOLD)
    approx(result, micro_f1=0.25, micro_precision=1.0)
    assert tc_scores([], TC_GOLD)["micro_f1"] == 0.0
    assert tc_scores([], [])["micro_f1"] == 0.0


def test_tc_span_must_match_exactly():
    assert tc_scores([("2", "Loaded_Language", 3, 9)], TC_GOLD)["correct"] == 0


def test_techniques_list():
    assert len(TECHNIQUES) == len(set(TECHNIQUES)) == 14
    assert "Whataboutism,Straw_Men,Red_Herring" in TECHNIQUES
    assert "Bandwagon,Reductio_ad_hitlerum" in TECHNIQUES


# ----------------------------------------------------------------------------- readers


def test_readers_tolerate_crlf_and_blank_lines(tmp_path):
    si = tmp_path / "si.labels"
    si.write_bytes(b"1\t0\t5\r\n\r\n  \r\n2\t3\t4\r\n1\t7\t9\r\n\r\n")
    assert read_si(si) == {"1": [(0, 5), (7, 9)], "2": [(3, 4)]}
    tc = tmp_path / "tc.labels"
    tc.write_bytes(b"\r\n1\tName_Calling,Labeling\t0\t5\r\n2\tDoubt\t3\t4\r\n")
    assert read_tc(tc) == [("1", "Name_Calling,Labeling", 0, 5), ("2", "Doubt", 3, 4)]


def test_read_si_from_a_folder_of_label_files(tmp_path):
    (tmp_path / "article1.task-si.labels").write_text("1\t0\t5\n", encoding="utf-8")
    (tmp_path / "article2.task-si.labels").write_text("2\t1\t2\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored\n", encoding="utf-8")
    assert read_si(tmp_path) == {"1": [(0, 5)], "2": [(1, 2)]}


@pytest.mark.parametrize(
    "reader, content, fragment",
    [
        (read_si, "1\t0\t5\n1\t0\n", "expected 'ID<TAB>start<TAB>end'"),
        (read_si, "1\t0\t5\n1\tx\t5\n", "offsets must be integers"),
        (read_si, "1\t0\t5\n1\t9\t5\n", "bad span 9-5"),
        (read_si, "1\t0\t5\nabc\t0\t5\n", "article id must be digits"),
        (read_tc, "1\tDoubt\t0\t5\n1\t0\t5\n", "expected 'ID<TAB>technique<TAB>start<TAB>end'"),
        (read_tc, "1\tDoubt\t0\t5\n1\t\t0\t5\n", "expected"),
    ],
)
def test_readers_name_file_and_line(tmp_path, reader, content, fragment):
    path = tmp_path / "gold.labels"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NewsprobeError) as info:
        reader(path)
    message = str(info.value)
    assert f"{path}:2:" in message
    assert fragment in message
    assert "\n" not in message


def test_read_missing_gold_file(tmp_path):
    with pytest.raises(NewsprobeError, match="not found"):
        read_si(tmp_path / "nope.labels")


def test_read_articles_keeps_raw_characters(tmp_path):
    (tmp_path / "article11.txt").write_bytes("Title\r\n\r\nÉté".encode())
    (tmp_path / "article2.txt").write_text("x", encoding="utf-8")
    (tmp_path / "readme.txt").write_text("not an article", encoding="utf-8")
    assert read_articles(tmp_path) == {"11": "Title\r\n\r\nÉté", "2": "x"}
    with pytest.raises(NewsprobeError, match="not a directory"):
        read_articles(tmp_path / "article2.txt")


def test_read_articles_empty_dir(tmp_path):
    with pytest.raises(NewsprobeError, match="no article"):
        read_articles(tmp_path)


# ----------------------------------------------------------------------------- evaluate


def _corpus(tmp_path: Path) -> Path:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "article1.txt").write_text("a" * 40, encoding="utf-8")
    (articles / "article2.txt").write_text("b" * 40, encoding="utf-8")
    (tmp_path / "si.labels").write_text("1\t0\t10\n1\t20\t30\n", encoding="utf-8")
    (tmp_path / "tc.labels").write_text("1\tDoubt\t0\t10\n1\tRepetition\t0\t10\n1\tSlogans\t20\t30\n", encoding="utf-8")
    return articles


def test_evaluate_end_to_end(tmp_path):
    articles = _corpus(tmp_path)
    outputs = {
        "a" * 40: [
            ("Doubt", 0, 10, 0.9),  # exact match for the first gold span
            ("Repetition", 2, 8, 0.5),  # smaller overlap with it: second technique for the doubled span
            ("Loaded_Language", 0, 40, 0.99),  # covers everything, but is the loosest fit
        ],
        "b" * 40: [("Doubt", 0, 4, 0.3)],  # no gold in article 2
    }
    result = evaluate(articles, tmp_path / "si.labels", tmp_path / "tc.labels", predict=lambda text: outputs[text])
    # SI: article 1 preds merge to [0,40): p-term (10 + 10)/40 = 0.5; r-terms 1 + 1; article 2: [0,4) p-term 0.
    # |S| = 2, |T| = 2 -> P = 0.25, R = 1, F1 = 0.5/1.25 = 0.4
    approx(result["si"], precision=0.25, recall=1.0, f1=0.4)
    # TC: span 0-10 (two gold) ranks Doubt (overlap 10, length 10), Loaded_Language (10, length 40), Repetition (6)
    # -> Doubt, Loaded_Language: 1 right; span 20-30: only Loaded_Language overlaps -> wrong. 1/3 correct.
    approx(result["tc"], micro_f1=1 / 3)
    assert result["tc"]["predicted"] == 3


def test_evaluate_only_given_parts_and_checks(tmp_path):
    articles = _corpus(tmp_path)
    result = evaluate(articles, si_gold=tmp_path / "si.labels", predict=lambda text: [])
    assert set(result) == {"si"}
    assert evaluate(articles, predict=lambda text: []) == {}
    with pytest.raises(NewsprobeError, match="outside the text"):
        evaluate(articles, tmp_path / "si.labels", predict=lambda text: [("Doubt", 0, 99, 1.0)])
    with pytest.raises(NewsprobeError, match="integers"):
        evaluate(articles, tmp_path / "si.labels", predict=lambda text: [("Doubt", 0.0, 5.0, 1.0)])
    (tmp_path / "other.labels").write_text("3\t0\t5\n", encoding="utf-8")
    with pytest.raises(NewsprobeError, match="not in"):
        evaluate(articles, tmp_path / "other.labels", predict=lambda text: [])


# ----------------------------------------------------------------------------- real data


@pytest.mark.skipif(not (PTC / "dev-articles").is_dir(), reason=f"PTC corpus not found at {PTC}")
def test_smoke_on_ptc_dev():
    articles = read_articles(PTC / "dev-articles")
    si = read_si(PTC / "dev-task-si.labels")
    tc = read_tc(PTC / "dev-task-flc-tc.labels")
    assert {t for _, t, _, _ in tc} == set(TECHNIQUES)
    assert set(si) <= set(articles)
    assert all(0 <= s < e <= len(articles[i]) for i, spans in si.items() for s, e in spans)

    assert si_scores(si, si)["f1"] == pytest.approx(1.0)
    assert tc_scores(tc, tc)["micro_f1"] == 1.0
    assert tc_scores([], tc)["micro_f1"] == 0.0

    by_text: dict[str, list] = {text: [] for text in articles.values()}
    for article_id, technique, start, end in tc:
        by_text[articles[article_id]].append((technique, start, end, 1.0))
    result = evaluate(PTC / "dev-articles", tc_gold=PTC / "dev-task-flc-tc.labels", predict=by_text.__getitem__)
    assert result["tc"]["micro_f1"] == 1.0

    nothing = evaluate(PTC / "dev-articles", PTC / "dev-task-si.labels", PTC / "dev-task-flc-tc.labels", lambda t: [])
    assert nothing["si"]["f1"] == 0.0 and nothing["tc"]["micro_f1"] == 0.0
