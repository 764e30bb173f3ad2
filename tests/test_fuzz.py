"""Every fuzz harness over its seeds and over the inputs that once crashed it (fuzz/regressions/NAME/): the harnesses
stay runnable, and a crash found by `make fuzz` stays fixed. The fuzzing itself is `make fuzz` / bench/fuzz.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
sys.path.insert(0, str(FUZZ))

import harnesses  # noqa: E402

CASES = [(name, f"seed {i}", seed) for name in harnesses.HARNESSES for i, seed in enumerate(harnesses.seeds(name))]
CASES += [(path.parent.name, path.name, path.read_bytes()) for path in sorted((FUZZ / "regressions").glob("*/*"))]


@pytest.mark.parametrize(("name", "case", "data"), CASES, ids=[f"{n}-{c}" for n, c, _ in CASES])
def test_harness(name: str, case: str, data: bytes) -> None:
    harnesses.HARNESSES[name](data)


def test_every_harness_has_a_regression_folder_or_seeds() -> None:
    assert set(harnesses.HARNESSES) == {"text", "html", "json", "jsonl", "csv", "warc", "gzip", "encodings", "clean",
                                        "quantities", "dates"}
    assert {p.parent.name for p in (FUZZ / "regressions").glob("*/*")} <= set(harnesses.HARNESSES)


def test_an_hour_past_23_keeps_the_date() -> None:
    """Found by the dates harness: "2016-08-29T25:00" raised ValueError in normalize_published."""
    from newsprobe.io.prepare import normalize_published

    assert normalize_published("2016-08-29T25:00") == "2016-08-29"
    assert normalize_published("2016-08-29T10:61:00") == "2016-08-29"
    assert normalize_published("2016-08-29T10:30") == "2016-08-29T10:30:00"
