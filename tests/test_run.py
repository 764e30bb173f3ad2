"""The batch path: corpus-level debris, errors kept in place, per-site statistics."""

from __future__ import annotations

from newsprobe.core.model import Article, Document, IngestError
from newsprobe.run import analyze_paths, prepared

FOOTER = "Levant Daily is published by the Levant Media Group in Beirut"


TOPICS = ["the water supply", "the bread price", "the school year", "the power cuts", "the bus routes",
          "the clinic", "the market hall"]
PLACES = ["the old town", "the port", "the northern district", "the university quarter", "the camp", "the suburbs"]


def _page(i: int) -> str:
    topic, place = TOPICS[i % len(TOPICS)], PLACES[i % len(PLACES)]
    return (
        f"The council met again on {topic} in {place}, officials said after a long session.\n\n"
        f"Residents of {place} told reporters that {topic} had been their first worry all winter.\n\n"
        f"{FOOTER}\n"
    )


def test_line_repeated_across_a_site_is_removed(tmp_path):
    for i in range(6):
        (tmp_path / f"page{i}.txt").write_text(_page(i), encoding="utf-8")
    arts = [a for a in analyze_paths([tmp_path]) if isinstance(a, Article)]
    assert len(arts) == 6
    for art in arts:
        assert FOOTER not in art.text
        assert any(r.text == FOOTER and "repeated" in r.reason for r in art.removed)


def test_repetition_is_counted_per_site():
    docs = [Document(source=f"feed#{i}", text=_page(i), outlet=f"site{i}.example") for i in range(6)]
    arts = list(prepared(docs))
    assert all(FOOTER in a.text for a in arts)  # one line on six different sites is not boilerplate


def test_errors_keep_their_place_in_the_stream(tmp_path):
    (tmp_path / "a.txt").write_text(_page(1), encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_text(_page(2), encoding="utf-8")
    items = list(analyze_paths([tmp_path]))
    assert [type(x) for x in items] == [Article, IngestError, Article]
    assert items[1].source.endswith("b.txt") and "empty" in items[1].reason
    assert items[0].spans and items[2].spans
