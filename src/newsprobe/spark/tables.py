"""The tables a Spark job writes, and the way back from them to articles; plain pandas, no Spark.

The columns are never listed here: they are what `newsprobe.io.export.extract_df` makes of the articles (and `flat`
makes of its nested cells), so a column added to the export appears in the Spark output too. The articles table's
summary columns depend on the data (`summary.entities.by_label.GPE` exists only where some article names a place), so
a job first learns the columns from all its articles (`observe` per partition, `merge` on the driver) and then writes
every partition with that one schema (`conform`).

The way back, `articles_from_tables`, rebuilds each `Article` through `Article.from_dict` from its articles row and
its span rows. The summary is not parsed back from the flat `summary.*` cells, which lose empty objects and the
difference between "none" and "absent"; it is derived data, so it is recomputed from the spans with the summariser
the pipeline used, for the layers whose `summary.<layer>` cells the row fills.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from newsprobe.core.model import SCALAR_FIELDS, Article, Span
from newsprobe.io.export import ATTRS_COLUMN, article_records, extract_df, flat, flat_cell, span_records

TABLES = ("articles", "spans")
# Spark SQL types a cell can have, narrowest first: a column takes the widest type any of its cells needs.
_RANK = {"boolean": 0, "bigint": 1, "double": 2, "string": 3}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Spark SQL type name: boolean, bigint, double or string
    first: tuple[int, int]  # (position of the first article that has it, its index in that article's row)


def rows(articles: list[Article], table: str) -> pd.DataFrame:
    """The table's rows for these articles, with the cells `newsprobe export --format parquet` writes."""
    return flat(extract_df(articles, table))


def base_columns(table: str) -> list[str]:
    """The columns of a table that do not depend on the data: those of an article with nothing in it."""
    return list(rows([Article(id="", text="")], table).columns)


def cell_type(value) -> str | None:
    """The Spark type a cell needs; None for an empty cell (None, NaN), which fits any type."""
    if value is None or value is pd.NA or (isinstance(value, float | np.floating) and math.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return "boolean"
    if isinstance(value, int | np.integer):
        return "bigint"
    if isinstance(value, float | np.floating):
        return "double"
    return "string"


def wider(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    return a if _RANK[a] >= _RANK[b] else b


def observe(articles: Iterable[tuple[int, Article]], seen: dict | None = None) -> dict:
    """What columns these articles fill, added to `seen`: (table, column) -> (type, position, index), where the
    column first appears (so the merged column order is the one pandas gives the whole table) and the widest type of
    its cells. Each article is typed alone, as pandas types a table of that article only (`column_type`), so a count
    keeps its integer type (pandas would make a float of an integer column with gaps across articles). The rows are
    typed before pandas sees them: a frame per article cost a tenth of the analysis."""
    seen = {} if seen is None else seen
    for pos, art in articles:
        span_rows, span_columns = span_records([art])
        article_rows = article_records([art])
        for table, columns, table_rows in (("articles", list(article_rows[0]), article_rows),
                                           ("spans", span_columns, span_rows)):
            for idx, name in enumerate(columns):
                kind = column_type([flat_cell(row.get(name)) for row in table_rows])
                old = seen.get((table, name))
                if old is None:
                    seen[(table, name)] = (kind, pos, idx)
                else:
                    seen[(table, name)] = (wider(old[0], kind), *min(old[1:], (pos, idx)))
    return seen


def column_type(values: list) -> str | None:
    """The Spark type of a column pandas builds from these cells: the widest type of its cells, but a float where
    pandas makes one, for whole numbers with a gap (None or NaN) and no boolean among them."""
    kind, gap, boolean = None, False, False
    for value in values:
        cell = cell_type(value)
        gap = gap or cell is None
        boolean = boolean or cell == "boolean"
        kind = wider(kind, cell)
    return "double" if kind == "bigint" and gap and not boolean else kind


def observed(seen: dict) -> list[tuple[str, str, str | None, int, int]]:
    """`observe`'s findings as (table, column, type, position, index) entries, for `merge`."""
    return [(table, name, kind, pos, idx) for (table, name), (kind, pos, idx) in seen.items()]


def merge(observed: Iterable[tuple[str, str, str | None, int, int]]) -> dict[str, list[Column]]:
    """The columns of each table from what the partitions observed, in order of first appearance; a column no cell
    fills is a string column."""
    best: dict[tuple[str, str], tuple[str | None, tuple[int, int]]] = {}
    for table, name, kind, pos, idx in observed:
        old = best.get((table, name))
        best[(table, name)] = (kind, (pos, idx)) if old is None else (wider(old[0], kind), min(old[1], (pos, idx)))
    out: dict[str, list[Column]] = {table: [] for table in TABLES}
    for (table, name), (kind, first) in best.items():
        out[table].append(Column(name, kind or "string", first))
    for table in TABLES:  # the columns every table has, also when no article filled them (an empty run)
        have = {c.name for c in out[table]}
        out[table] += [Column(name, "string", (2**62, idx)) for idx, name in enumerate(base_columns(table))
                       if name not in have]
    for cols in out.values():
        cols.sort(key=lambda c: c.first)
    return out


def spark_schema(columns: list[Column], extra: str = "") -> str:
    """A DDL schema string; names are quoted because export columns contain dots (`summary.claims.count`)."""
    ddl = ", ".join(f"`{c.name}` {c.type}" for c in columns)
    return f"{extra}, {ddl}" if extra else ddl


def conform(df: pd.DataFrame, columns: list[Column]) -> pd.DataFrame:
    """The rows with exactly these columns, each cell of the column's type (missing cells empty)."""
    out = df.reindex(columns=[c.name for c in columns])
    for col in columns:
        values = out[col.name]
        if col.type == "bigint":
            out[col.name] = pd.array([None if cell_type(v) is None else int(v) for v in values], dtype="Int64")
        elif col.type == "double":
            out[col.name] = pd.array([None if cell_type(v) is None else float(v) for v in values], dtype="Float64")
        elif col.type == "boolean":
            out[col.name] = pd.array([None if cell_type(v) is None else bool(v) for v in values], dtype="boolean")
        else:
            out[col.name] = pd.Series(
                [None if cell_type(v) is None else v if isinstance(v, str) else str(v) for v in values],
                dtype=object, index=out.index,
            )
    return out


# -- the way back ---------------------------------------------------------------------------------------------


def _cell(value):
    return None if cell_type(value) is None else value


def ran_layers(row: dict) -> set[str]:
    """The span layers that ran on an article: those whose summary cells its row fills (a layer that ran and found
    nothing still has `summary.<layer>.count` 0)."""
    from newsprobe.layers import LAYERS

    ran = set()
    for layer in LAYERS:
        prefix = f"summary.{layer.span_layer}"
        if any(_cell(v) is not None and (k == prefix or k.startswith(prefix + ".")) for k, v in row.items()):
            ran.add(layer.span_layer)
    return ran


def article_from_rows(row: dict, spans: list[dict]) -> Article:
    """One article from its articles row and its span rows (in the order written)."""
    from newsprobe.core.summary import summarize

    data = {name: _cell(row.get(name)) for name in SCALAR_FIELDS}
    data["removed"] = json.loads(row.get("removed") or "[]")
    span_fields = [f.name for f in fields(Span) if f.name != "attrs"]
    data["spans"] = [
        Span(**{name: (int(s[name]) if name in ("start", "end") else s[name]) for name in span_fields},
             attrs=json.loads(s.get(ATTRS_COLUMN) or "{}"))
        for s in spans
    ]
    article = Article.from_dict(data)
    article.summary = summarize(article, layers=ran_layers(row))
    return article


def articles_from_tables(articles: pd.DataFrame, spans: pd.DataFrame) -> Iterator[Article]:
    """Articles from an articles table and the spans table of the same articles, in the articles table's order."""
    by_article: dict[str, list[dict]] = {}
    for span in spans.to_dict("records"):
        by_article.setdefault(span["article_id"], []).append(span)
    for row in articles.to_dict("records"):
        yield article_from_rows(row, by_article.get(row["id"], []))
