"""Model selection by cross-validation (training/cv.py): folds, thresholds, the choice and the calibration."""

from __future__ import annotations

import numpy as np
import pytest

from training.cv import (
    Candidate,
    best_threshold,
    calibration_error,
    candidates,
    choose,
    contiguous_folds,
    f1_scores,
    platt,
    sigmoid,
)


def test_folds_are_contiguous_runs_of_keys_that_cover_everything_once():
    keys = [30, 5, 17, 2, 99, 41, 8, 63, 12, 77, 25]
    folds = contiguous_folds(keys, 3)
    assert sorted(np.concatenate(folds).tolist()) == list(range(len(keys)))
    assert [len(f) for f in folds] == [4, 3, 4]  # round(j * 11 / 3): 0, 4, 7, 11
    ranges = [(min(keys[i] for i in f), max(keys[i] for i in f)) for f in folds]
    assert all(a[1] < b[0] for a, b in zip(ranges, ranges[1:], strict=False))  # folds don't overlap
    with pytest.raises(ValueError):
        contiguous_folds(keys, 1)
    with pytest.raises(ValueError):
        contiguous_folds([1, 2], 3)


def test_f1_and_best_threshold():
    gold = np.array([1, 1, 0, 0, 1, 0], dtype=bool)
    probs = np.array([0.9, 0.6, 0.7, 0.2, 0.3, 0.1])
    # at 0.5: TP 2 (0.9, 0.6), FP 1 (0.7), FN 1 (0.3) -> F1 = 4 / 6
    assert f1_scores(gold, probs, np.array([0.5]))[0] == pytest.approx(4 / 6)
    assert f1_scores(gold, probs, np.array([0.95]))[0] == 0.0  # nothing predicted
    threshold, f1 = best_threshold(gold, probs)
    # thresholds in (0.3, 0.6] give 4/6; in (0.2, 0.3] TP 3, FP 1: 6/7; in (0.1, 0.2] TP 3, FP 2: 6/8
    assert f1 == pytest.approx(6 / 7)
    assert threshold == 0.3  # of the tied thresholds 0.21..0.30, the one nearest 0.5


def _fold(epochs, logits, gold):
    return {"epochs": np.array(epochs), "logits": np.array(logits, dtype=float), "gold": np.array(gold)}


def test_candidates_pool_the_threshold_and_judge_each_fold_at_it():
    gold_a, gold_b = [1, 0, 1, 0], [1, 1, 0, 0]
    runs = {"lr 1": [_fold([1.0], [[3, -3, 3, -3]], gold_a), _fold([1.0], [[3, 3, -3, 3]], gold_b)]}
    (c,) = candidates(runs)
    assert c.config == "lr 1" and c.epoch == 1.0
    # fold a is perfect; fold b: TP 2, FP 1 at any threshold between the two probabilities
    assert c.fold_f1[0] == pytest.approx(1.0)
    assert c.fold_f1[1] == pytest.approx(0.8)
    assert c.mean_f1 == pytest.approx(0.9) and c.worst_f1 == pytest.approx(0.8)
    assert c.pooled_f1 == pytest.approx(2 * 4 / (2 * 4 + 1))


def test_choose_prefers_the_best_mean_and_the_earlier_stop_on_a_near_tie():
    found = [Candidate("a", 1.0, 0.5, 0.70, (0.70, 0.70)), Candidate("a", 2.0, 0.5, 0.75, (0.76, 0.74)),
             Candidate("b", 3.0, 0.5, 0.76, (0.77, 0.75)), Candidate("b", 4.0, 0.5, 0.80, (0.95, 0.50))]
    best = choose(found)
    assert (best.config, best.epoch) == ("b", 3.0)  # best mean (0.76); b at 4.0 has the best pooled F1 but a bad fold
    near_tie = [*found[:1], Candidate("a", 2.0, 0.5, 0.75, (0.760, 0.758)), *found[2:]]
    assert (choose(near_tie).config, choose(near_tie).epoch) == ("a", 2.0)  # 0.759 vs 0.760: the earlier stop


def test_platt_recovers_a_known_miscalibration_and_lowers_the_calibration_error():
    rng = np.random.default_rng(3)
    z = rng.normal(0, 2, 20000)
    gold = rng.random(20000) < sigmoid(0.5 * z - 1.0)  # raw scores twice too confident and shifted up by 1 / 0.5
    a, b = platt(z, gold)
    assert a == pytest.approx(0.5, abs=0.05) and b == pytest.approx(-1.0, abs=0.08)
    before = calibration_error(sigmoid(z), gold)
    after = calibration_error(sigmoid(a * z + b), gold)
    assert before > 0.15 and after < 0.02


def test_calibration_error_is_zero_when_scores_match_the_rates():
    probs = np.array([0.25] * 4 + [0.75] * 4)
    gold = np.array([1, 0, 0, 0, 1, 1, 1, 0], dtype=bool)
    assert calibration_error(probs, gold) == pytest.approx(0.0)
    assert calibration_error(np.full(8, 0.95), gold) == pytest.approx(0.95 - 0.5)
