"""Check-worthiness: the committed model scores sensibly, the metric arithmetic is exact, bad input fails clearly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsprobe.core.encoder import Encoder, mean_pool
from newsprobe.core.errors import NewsprobeError
from newsprobe.layers.claims import checkworthy, evaluate

CHECKWORTHY_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "checkworthy"
DEV_TEST = CHECKWORTHY_DATA / "CT24_checkworthy_english_dev-test.tsv"
CLAIM = "More than 3,200 militants have been killed in clashes with government forces in recent weeks."
CHATTER = "Thank you all for coming tonight."


def test_scores_are_probabilities_and_separate_a_claim_from_chatter():
    claim, chatter, empty = checkworthy.score_sentences([CLAIM, CHATTER, ""])
    for score in (claim, chatter, empty):
        assert 0.0 <= score <= 1.0
    threshold = checkworthy.load_head().threshold
    assert claim >= threshold
    assert chatter < threshold / 2
    assert checkworthy.score_sentences([]) == []


def test_batching_and_padding_do_not_change_scores():
    sentences = [
        CLAIM,
        CHATTER,
        "Unemployment fell to 4.1 percent last year, the lowest in a decade.",
        "I think we can do better.",
        "The bill, which passed the Senate by 62 votes to 38 after a long night of amendments, cuts taxes for "
        "families earning less than $75,000 a year and raises them for corporations with profits above $1 billion.",
        "Yes.",
    ]
    batched = checkworthy.score_sentences(sentences)
    single = [checkworthy.score_sentences([s])[0] for s in sentences]
    assert np.allclose(batched, single, atol=1e-4, rtol=0)


def test_encoder_returns_masked_states_in_input_order():
    encoder = Encoder.load(checkworthy.MODEL_DIR)
    assert Encoder.load(checkworthy.MODEL_DIR) is encoder  # cached per folder
    texts = ["A much longer sentence than the other one, with several more words in it.", "Short one."]
    hidden, mask = encoder.encode(texts, max_len=64)
    assert hidden.shape[:2] == mask.shape and hidden.shape[0] == 2
    assert mask[0].sum() > mask[1].sum()
    assert not hidden[1, mask[1].sum():].any()  # zero past the mask
    alone, alone_mask = encoder.encode([texts[1]], max_len=64)
    assert np.allclose(mean_pool(hidden[1:], mask[1:]), mean_pool(alone, alone_mask), atol=1e-5)


def write_tsv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = ["Sentence_id\tText\tclass_label"] + ["\t".join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def test_evaluate_tsv_arithmetic(tmp_path, monkeypatch):
    # gold:  Y    Y    Y    N    N    N    N    Y
    # score: .9   .6   .2   .7   .1   .3   .55  .4  -> at 0.5: TP 2, FN 2, FP 2, TN 2
    rows = [(str(i), f"sentence {i}", label) for i, label in enumerate("Yes Yes Yes No No No No Yes".split())]
    scores = {f"sentence {i}": s for i, s in enumerate([0.9, 0.6, 0.2, 0.7, 0.1, 0.3, 0.55, 0.4])}
    monkeypatch.setattr(evaluate, "score_sentences", lambda texts, **_: [scores[t] for t in texts])
    path = write_tsv(tmp_path / "small.tsv", rows)
    result = evaluate.evaluate_tsv(path, threshold=0.5)
    assert result == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "accuracy": 0.5, "n": 8}
    result = evaluate.evaluate_tsv(path, threshold=0.65)  # TP 1 (0.9), FP 1 (0.7), FN 3, TN 3
    assert result["precision"] == pytest.approx(0.5)
    assert result["recall"] == pytest.approx(0.25)
    assert result["f1"] == pytest.approx(2 * 0.5 * 0.25 / 0.75)
    assert result["accuracy"] == pytest.approx(4 / 8)


def test_read_tsv_mends_a_line_with_a_lost_newline(tmp_path):
    path = tmp_path / "glued.tsv"
    path.write_text("Sentence_id\tText\tclass_label\n1\tFirst.\tNo29286\tSecond one.\tYes\n3\tThird.\tno\n")
    assert evaluate.read_tsv(path) == (["First.", "Second one.", "Third."], [False, True, False])
    # the ids survive the split too: training cuts folds by id (debate order)
    assert [r[0] for r in evaluate.read_records(path)] == ["1", "29286", "3"]


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(NewsprobeError, match="nope.tsv"):
        evaluate.evaluate_tsv(tmp_path / "nope.tsv")


@pytest.mark.parametrize(
    "content",
    ["id\tText\n1\tHello there.\n", "Sentence_id\tText\tclass_label\n1\tHello there.\tMaybe\n", "\n\n"],
)
def test_bad_tsv_is_a_clear_error(tmp_path, content):
    path = tmp_path / "bad.tsv"
    path.write_text(content)
    with pytest.raises(NewsprobeError, match="bad.tsv"):
        evaluate.evaluate_tsv(path)


def test_dev_test_f1_floor():
    if not DEV_TEST.exists():
        pytest.skip(f"CheckThat! dev-test not found at {DEV_TEST}")
    result = evaluate.evaluate_tsv(DEV_TEST)
    assert result["n"] == 318
    assert result["f1"] >= 0.78, result


def test_thread_setting_is_validated():
    from newsprobe.core.encoder import configured_threads
    from newsprobe.core.settings import configure, from_env, reset

    assert from_env({}).threads == 1
    assert from_env({"NEWSPROBE_THREADS": "3"}).threads == 3
    with pytest.raises(NewsprobeError, match="NEWSPROBE_THREADS"):
        from_env({"NEWSPROBE_THREADS": "many"})
    with pytest.raises(NewsprobeError, match="NEWSPROBE_THREADS"):
        from_env({"NEWSPROBE_THREADS": "-2"})
    try:
        configure(threads=3)
        assert configured_threads() == 3
    finally:
        reset()
