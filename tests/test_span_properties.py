"""Property tests (hypothesis) for the span model: whatever the text, spans point into it, say what they cover, do not
overlap where a layer forbids it, and survive export and loading unchanged."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprobe.core.model import Article, Removed, Span
from newsprobe.io.store import Store

# Under CI the examples are the same on every run (a red CI is then about the change, not a new random draw);
# locally each run explores new ones, and hypothesis replays any failure it found before.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")

# Words that make the layers fire (names, places, dates, numbers, cues, quotes), mixed with odd characters.
WORDS = ["Officials", "said", "on", "Monday", "that", "3,200", "people", "fled", "Aleppo", "according", "to",
         "the", "UN", "in", "March", "2016", "“We", "left,”", "a", "resident", "told", "Reuters", "about", "40",
         "km", "from", "Damascus", "last", "week", "Ahmed", "al-Assad", "12", "per", "cent", "\u00e9t\u00e9", "—",
         "قال", "\t", "\x00", "\x1b[31m", "\u200b", "\U0001f600", "(", ")", "."]
# Layers whose spans never overlap each other (a sentence is one sentence; an entity or a date one expression).
NON_OVERLAPPING = ("sentence", "entity", "date")

texts = st.lists(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=30).map(" ".join), min_size=1, max_size=6,
).map(lambda paragraphs: "\n\n".join(paragraphs))


def _check_offsets(art: Article) -> None:
    text = art.text
    for s in art.spans:
        assert 0 <= s.start < s.end <= len(text), s
        assert text[s.start:s.end] == s.text, s
        for part in _offset_dicts(s.attrs):
            assert 0 <= part["start"] <= part["end"] <= len(text), (s, part)
            if isinstance(part.get("text"), str):
                assert text[part["start"]:part["end"]] == part["text"], (s, part)
    for layer in NON_OVERLAPPING:
        spans = sorted((s for s in art.spans if s.layer == layer), key=lambda s: s.start)
        for a, b in zip(spans, spans[1:], strict=False):
            assert a.end <= b.start, (layer, a, b)


def _offset_dicts(value):
    if isinstance(value, list):
        for v in value:
            yield from _offset_dicts(v)
    elif isinstance(value, dict):
        if isinstance(value.get("start"), int) and isinstance(value.get("end"), int):
            yield value
        for v in value.values():
            yield from _offset_dicts(v)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.sampled_from([None, "2016-08-29"]))
def test_spans_point_into_the_text(text: str, published: str | None) -> None:
    from newsprobe.core.model import Document
    from newsprobe.core.pipeline import CORE, analyse, load_nlp
    from newsprobe.io.prepare import prepare

    art = prepare(Document(source="<hypothesis>", text=text, published=published))
    if not isinstance(art, Article):
        return  # nothing left after cleaning: reported, not analysed
    (art,) = analyse([art], nlp=load_nlp(CORE))
    _check_offsets(art)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts.map(lambda t: (t + "\n\n") * 8), st.integers(min_value=60, max_value=400))
def test_windowed_analysis_keeps_offsets_in_the_whole_text(text: str, window: int) -> None:
    import newsprobe.core.pipeline as pipeline
    from newsprobe.core.pipeline import CORE, analyse, load_nlp

    before = pipeline.WINDOW_CHARS
    pipeline.WINDOW_CHARS = window
    try:
        (art,) = analyse([Article(id="w", text=text, published="2016-08-29")], nlp=load_nlp(CORE))
    finally:
        pipeline.WINDOW_CHARS = before
    _check_offsets(art)
    assert art.summary["words"] > 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
# Text as it can be stored: any character but a lone surrogate (readers turn those into U+FFFD).
store_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=300)


@st.composite
def articles(draw) -> Article:
    text = draw(store_text)
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append(Span(draw(st.sampled_from(["entity", "date", "claim", "x-layer"])), start, end,
                          draw(st.text(max_size=12)), text[start:end],
                          draw(st.dictionaries(st.text(max_size=8), json_values, max_size=4))))
    optional = st.none() | st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
    return Article(
        id=draw(st.text(alphabet="0123456789abcdef", min_size=16, max_size=16)), text=text,
        source=draw(optional), url=draw(optional), outlet=draw(optional), title=draw(optional),
        section=draw(optional), published=draw(optional), language=draw(optional),
        removed=[Removed(draw(st.text(max_size=30)), "navigation/button text", draw(st.integers(1, 99)))
                 for _ in range(draw(st.integers(0, 2)))],
        spans=spans, summary=draw(st.dictionaries(st.text(max_size=8), json_values, max_size=4)),
    )


@settings(max_examples=150, deadline=None)
@given(articles())
def test_json_round_trip(art: Article) -> None:
    assert Article.from_dict(json.loads(art.to_json())) == art


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(articles(), min_size=1, max_size=4, unique_by=lambda a: a.id))
def test_store_and_export_round_trip(tmp_path: Path, arts: list[Article]) -> None:
    import io

    from newsprobe.io.export import write_jsonl

    db = tmp_path / f"{arts[0].id}.db"
    db.unlink(missing_ok=True)
    with Store(db) as store:
        store.add_many(arts)
        assert [store.get(a.id) for a in arts] == arts
        out = io.StringIO()
        write_jsonl(store.iter_articles(), out)
    # JSON Lines are split at "\n" only: str.splitlines would also split at U+2028 or \x85 inside a string.
    loaded = [Article.from_dict(json.loads(line)) for line in out.getvalue().split("\n") if line]
    assert loaded == arts
    db.unlink()
