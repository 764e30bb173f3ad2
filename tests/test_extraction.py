"""The cleaning on top of trafilatura gains body text on real pages, never costs it (bench/extraction.py's metric)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import extraction  # noqa: E402


def test_shingle_score() -> None:
    body = "The council raised ferry fares for the second time this year."
    assert extraction.score(body, body) == (1.0, 1.0)
    p, r = extraction.score(body, body + " Share this story on your favourite network now.")
    assert r == 1.0 and 0.4 < p < 0.6
    assert extraction.score(body, "") == (0.0, 0.0)
    assert extraction.score("", "") == (1.0, 1.0)


@pytest.mark.skipif(not extraction.AEB.exists(), reason="needs ../shared/data/extraction/aeb")
def test_clean_text_on_the_extraction_benchmark() -> None:
    """All 181 pages: the clean text scores at least trafilatura's published F1 (0.958) and no lower than the
    reader's own body before cleaning (0.960 and 0.965 when written)."""
    figures, pages, _ = extraction.evaluate(reference=False)
    assert pages == 181
    reader, clean = figures["newsprobe reader"], figures["newsprobe clean text"]
    assert clean[2] >= 0.958
    assert clean[2] >= reader[2]
    assert clean[0] > reader[0]  # debris out: precision up
