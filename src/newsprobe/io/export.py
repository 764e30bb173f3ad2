"""Articles out of newsprobe: JSON lines (the full model) or one flat table (CSV, Parquet).

`extract_df` is the single way to tabulate, like TextDescriptives' `extract_df`: one row a span
(with its article's metadata) or one row an article (with its summary flattened).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import IO, Any

import pandas as pd

from newsprobe.core.model import SCALAR_FIELDS, Article, Span

# An article row: its one-string fields but the text, which goes last (it is long); span rows carry the article's id
# and metadata the analyst groups by, the attributes most layers share as columns of their own, and every attribute
# as JSON in `attrs_json` (not `attrs`, which pandas reserves for DataFrame.attrs).
ARTICLE_COLUMNS = [name for name in SCALAR_FIELDS if name != "text"]
SPAN_COLUMNS = [f.name for f in fields(Span) if f.name != "attrs"]
SPAN_META = ["article_id", "title", "outlet", "published"]
COMMON_COLUMNS = ["source_type", "source", "actor", "value", "qualifier", "technique", "score"]
ATTRS_COLUMN = "attrs_json"


def extract_df(articles: Iterable[Article], table: str = "spans",
               extra: Mapping[str, Mapping[str, Any]] | None = None, extra_columns: Sequence[str] = (),
               span_columns: Callable[[Article, Span], dict[str, Any]] | None = None) -> pd.DataFrame:
    """One row a span (table "spans") or an article ("articles"). `extra` adds columns per article id (the corpus
    analyses' columns, e.g. the copy family an article belongs to) to both tables; `extra_columns` names them, so
    that they are there even when no article has a value. `span_columns(article, span)` adds columns of its own to
    each span row (the CLI adds the corpus-wide actor of entity and label spans)."""
    if table == "spans":
        rows, columns = span_records(articles, extra, extra_columns, span_columns)
        return pd.DataFrame(rows, columns=columns)
    if table == "articles":
        return pd.DataFrame(article_records(articles, extra, extra_columns))
    raise ValueError(f"unknown table {table!r}: choose spans or articles")


def span_records(articles: Iterable[Article], extra: Mapping[str, Mapping[str, Any]] | None = None,
                 extra_columns: Sequence[str] = (),
                 span_columns: Callable[[Article, Span], dict[str, Any]] | None = None,
                 ) -> tuple[list[dict[str, Any]], list[str]]:
    """The spans table as plain rows and its columns, before pandas: what `extract_df` tabulates, and what a Spark
    job types cell by cell without building a frame per article."""
    extra = extra or {}
    none: dict[str, Any] = dict.fromkeys(extra_columns)
    rows, more_columns = [], {}
    for a in articles:
        for s in a.spans:
            row = {"article_id": a.id, "title": a.title, "outlet": a.outlet, "published": a.published,
                   **none, **extra.get(a.id, {}),
                   **{name: getattr(s, name) for name in SPAN_COLUMNS}, **common_attrs(s)}
            if span_columns is not None:
                more = span_columns(a, s)
                more_columns.update(dict.fromkeys(more))
                row.update(more)
            row[ATTRS_COLUMN] = json.dumps(s.attrs, ensure_ascii=False)
            rows.append(row)
    return rows, [*SPAN_META, *extra_columns, *SPAN_COLUMNS, *COMMON_COLUMNS, *more_columns, ATTRS_COLUMN]


def article_records(articles: Iterable[Article], extra: Mapping[str, Mapping[str, Any]] | None = None,
                    extra_columns: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The articles table as plain rows (the summary flattened to `summary.a.b` keys), before pandas."""
    extra = extra or {}
    none: dict[str, Any] = dict.fromkeys(extra_columns)
    rows = []
    for a in articles:
        row = {k: getattr(a, k) for k in ARTICLE_COLUMNS}
        row.update({**none, **extra.get(a.id, {})})
        row["text"] = a.text
        row["removed"] = json.dumps([asdict(r) for r in a.removed], ensure_ascii=False)
        row.update(
            {f"summary.{k}": v for k, v in pd.json_normalize(a.summary).iloc[0].items()}
            if a.summary
            else {}
        )
        rows.append(row)
    return rows


def common_attrs(s: Span) -> dict[str, Any]:
    """The attributes an analyst filters on, as plain columns: the source of a statement and its type, the actor an
    entity or a label names, a date's or a figure's value and qualifier (several figures of one claim joined by "; "),
    a technique, a score. Empty where the span's layer has no such thing."""
    a = s.attrs
    out: dict[str, Any] = dict.fromkeys(COMMON_COLUMNS)
    if s.layer == "attribution":
        from newsprobe.layers.attribution import source_name

        out["source_type"] = a.get("source_type") or s.label
        out["source"] = source_name(a)
    out["actor"] = a.get("canonical") if s.layer == "entity" else a.get("actor") if isinstance(a.get("actor"), str) \
        else None
    value = a.get("value")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        out["value"], out["qualifier"] = value, a.get("qualifier")
    quantities = [q for q in a.get("quantities") or [] if isinstance(q, dict)]
    if quantities and out["value"] is None:
        out["value"] = "; ".join(_figure(q) for q in quantities)
        out["qualifier"] = "; ".join(str(q.get("qualifier") or "") for q in quantities)
    if s.layer == "technique":
        out["technique"] = s.label
    score = a.get("score", a.get("checkworthy"))
    out["score"] = score if isinstance(score, int | float) and not isinstance(score, bool) else None
    return out


def _figure(q: dict) -> str:
    if q.get("value") is not None:
        return str(q["value"])
    if q.get("low") is not None or q.get("high") is not None:
        return f"{q.get('low', '')}-{q.get('high', '')}"
    return ""


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?%?")


def defuse_formula(value):
    """A cell a spreadsheet would run as a formula (`=HYPERLINK(...)`, `@SUM(...)`, `+cmd|...`) gets a leading
    apostrophe, the usual way to say "this is text"; numbers such as -3.5 stay numbers. Scraped titles and texts are
    written by strangers, and a CSV export is opened by double-clicking it."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_jsonl(articles: Iterable[Article], out: IO[str]) -> int:
    n = 0
    for a in articles:
        out.write(a.to_json(indent=None) + "\n")
        n += 1
    return n


def flat(df: pd.DataFrame) -> pd.DataFrame:
    """The table as flat formats hold it: nested lists/dicts from the summary become JSON strings (also what
    `newsprobe spark analyze` writes, so its Parquet has the same cells)."""
    for col in df.columns:
        if df[col].map(lambda v: isinstance(v, list | dict)).any():
            df[col] = df[col].map(flat_cell)
    return df


def flat_cell(value):
    """One cell as `flat` writes it: a nested list or dict as JSON text, anything else as it is."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def write_table(articles: Iterable[Article], path: Path | IO[str], fmt: str, table: str = "spans",
                extra: Mapping[str, Mapping[str, Any]] | None = None, extra_columns: Sequence[str] = (),
                span_columns: Callable[[Article, Span], dict[str, Any]] | None = None) -> int:
    df = flat(extract_df(articles, table, extra, extra_columns, span_columns))
    if fmt == "csv":
        for col in df.columns:
            if not pd.api.types.is_numeric_dtype(df[col]):
                df[col] = df[col].map(defuse_formula)
        df.to_csv(path, index=False)
    elif fmt == "parquet":
        df.to_parquet(path, index=False)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return len(df)
