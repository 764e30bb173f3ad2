"""Articles out of newsprobe: JSON lines (the full model) or one flat table (CSV, Parquet).

`extract_df` is the single way to tabulate, like TextDescriptives' `extract_df`: one row a span
(with its article's metadata) or one row an article (with its summary flattened).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, fields
from pathlib import Path
from typing import IO

import pandas as pd

from newsprobe.core.model import SCALAR_FIELDS, Article, Span

# An article row: its one-string fields but the text, which goes last (it is long); span rows carry the article's id
# and metadata the analyst groups by.
ARTICLE_COLUMNS = [name for name in SCALAR_FIELDS if name != "text"]
SPAN_COLUMNS = [f.name for f in fields(Span)]


def extract_df(articles: Iterable[Article], table: str = "spans") -> pd.DataFrame:
    if table == "spans":
        rows = [
            {"article_id": a.id, "outlet": a.outlet, "published": a.published,
             **{name: getattr(s, name) for name in SPAN_COLUMNS},
             "attrs": json.dumps(s.attrs, ensure_ascii=False)}
            for a in articles
            for s in a.spans
        ]
        return pd.DataFrame(rows, columns=["article_id", "outlet", "published", *SPAN_COLUMNS])
    if table == "articles":
        rows = []
        for a in articles:
            row = {k: getattr(a, k) for k in ARTICLE_COLUMNS}
            row["text"] = a.text
            row["removed"] = json.dumps([asdict(r) for r in a.removed], ensure_ascii=False)
            row.update(
                {f"summary.{k}": v for k, v in pd.json_normalize(a.summary).iloc[0].items()}
                if a.summary
                else {}
            )
            rows.append(row)
        return pd.DataFrame(rows)
    raise ValueError(f"unknown table {table!r}: choose spans or articles")


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
            df[col] = df[col].map(
                lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
            )
    return df


def write_table(articles: Iterable[Article], path: Path | IO[str], fmt: str, table: str = "spans") -> int:
    df = flat(extract_df(articles, table))
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
