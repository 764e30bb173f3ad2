"""The Spark job's table schema, learned per article without pandas frames, is the one frames would give.

`tables.observe` types each article's cells itself (a pandas frame per article cost a tenth of the analysis);
pandas' own typing of a one-article table is the reference it must match, cell rules included: a whole number
column with a gap becomes a float, a boolean among numbers keeps the column an object. No JVM here."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from newsprobe.core.model import Article, Span
from newsprobe.io.export import extract_df, flat
from newsprobe.spark.tables import TABLES, cell_type, column_type, merge, observe, wider

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "newsprobe" / "examples" / "deir_ez_zor.txt"


def _by_frames(articles: list[tuple[int, Article]]) -> dict:
    """What the columns and types are when each article is tabulated alone by pandas."""
    seen: dict = {}
    for pos, art in articles:
        for table in TABLES:
            df = flat(extract_df([art], table))
            for idx, name in enumerate(df.columns):
                kind = None
                for value in df[name]:
                    kind = wider(kind, cell_type(value))
                old = seen.get((table, name))
                seen[(table, name)] = (kind, pos, idx) if old is None else (wider(old[0], kind), *min(old[1:],
                                                                                                       (pos, idx)))
    return seen


def _made_up() -> list[Article]:
    """Cells that type differently: whole numbers with and without gaps, a boolean among numbers, nested summaries
    with empty objects and lists, an article without spans."""
    text = "Ten people were killed on Monday, officials said."
    figures = Article(id="a", text=text, title="T", spans=[
        Span("claim", 0, 10, "figure", "Ten people", {"value": 10, "qualifier": "exact", "score": 0.5}),
        Span("claim", 0, 10, "figure", "Ten people", {}),
    ], summary={"claims": {"count": 2, "figures": [10], "empty": {}}, "words": 9, "flag": True})
    whole = Article(id="b", text=text, spans=[
        Span("claim", 0, 10, "figure", "Ten people", {"value": 10}),
    ], summary={"claims": {"count": 1}, "words": 9, "flag": None})
    mixed = Article(id="c", text=text, spans=[
        Span("x", 0, 3, "y", "Ten", {"value": 3}),
        Span("x", 0, 3, "y", "Ten", {"value": "3-4"}),
        Span("x", 0, 3, "y", "Ten", {"value": 2.5}),
    ], summary={"claims": {"count": 0, "rate": 1.5, "figures": []}, "words": 9})
    return [figures, whole, mixed, Article(id="d", text=text)]


def test_column_types_follow_pandas():
    assert column_type([1, 2]) == "bigint"
    assert column_type([1, None]) == "double"  # pandas: float64 with NaN
    assert column_type([1, float("nan")]) == "double"
    assert column_type([True, 1, None]) == "bigint"  # pandas: object, so the integer stays
    assert column_type([True, None]) == "boolean"
    assert column_type(["a", 1, None]) == "string"
    assert column_type([None, None]) is None


@pytest.mark.parametrize("which", ["made_up", "analysed"])
def test_observe_gives_the_columns_frames_give(which, seed_article):
    import newsprobe

    arts = _made_up() if which == "made_up" else [seed_article, newsprobe.analyze(EXAMPLE)]  # all layers
    pairs = list(enumerate(arts))
    assert observe(pairs) == _by_frames(pairs)
    # and per article, merged as the driver merges partitions
    one_by_one: dict = {}
    for pair in pairs:
        observe([pair], one_by_one)
    merged = merge([(t, n, *v) for (t, n), v in one_by_one.items()])
    assert merged == merge([(t, n, *v) for (t, n), v in _by_frames(pairs).items()])
    if which == "made_up":
        types = {c.name: c.type for c in merged["spans"]}
        assert types["value"] == "string" and types["score"] == "double"
        arts_types = {c.name: c.type for c in merged["articles"]}
        assert arts_types["summary.claims.count"] == "bigint"
        assert arts_types["summary.flag"] == "boolean" and arts_types["summary.claims.figures"] == "string"
        assert "summary.claims.empty" not in arts_types
    else:
        assert len(merged["spans"]) == len(extract_df([seed_article]).columns)


def test_extract_df_is_unchanged_by_the_records_helpers(seed_article):
    df = extract_df([seed_article] + _made_up(), "articles")
    assert list(df["id"]) == [seed_article.id, "a", "b", "c", "d"]
    assert pd.isna(df.loc[4, "summary.words"]) and df.loc[1, "summary.words"] == 9
    spans = extract_df([seed_article] + _made_up(), "spans")
    assert len(spans) == len(seed_article.spans) + 6
