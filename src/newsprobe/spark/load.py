"""`newsprobe load`: the Parquet tables of `newsprobe spark analyze` into a store, for the web app and the CLI.

Reads with pyarrow, without Spark. The two tables are written from the same partitions of the analysis, so the part
files of one partition (`part-00007-*` in articles/ and in spans/, in the same Hive folder when the output was
partitioned) hold the same articles: the loader takes one partition at a time, and memory stays that of one
partition however large the output. Articles are rebuilt by `tables.articles_from_tables` and stored with
`Store.add_many`, so loading twice stores each article once; failures already recorded are not recorded again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from newsprobe.core.errors import NewsprobeError

_PART = re.compile(r"^part-(\d+)")
_HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"


@dataclass
class Loaded:
    stored: int = 0
    duplicates: int = 0
    failures: int = 0


def _parts(folder: Path) -> dict[tuple[int, str], list[Path]]:
    """Part files by (partition number, Hive folder), each group in name order."""
    groups: dict[tuple[int, str], list[Path]] = defaultdict(list)
    for path in sorted(folder.rglob("*.parquet")):
        rel = path.relative_to(folder)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        m = _PART.match(path.name)
        groups[(int(m[1]) if m else -1, str(rel.parent))].append(path)
    return groups


def _read(paths: list[Path], hive: str) -> list[dict]:
    """Rows of some part files, with the Hive folder's columns (`outlet=x/`) put back."""
    import pyarrow.parquet as pq

    extra = {}
    for part in Path(hive).parts if hive != "." else ():
        key, _, value = part.partition("=")
        extra[key] = None if value == _HIVE_NULL else unquote(value)
    rows: list[dict] = []
    for path in paths:
        try:
            table = pq.read_table(path)
        except Exception as err:
            raise NewsprobeError(f"{path}: not a readable Parquet file ({' '.join(str(err).split())[:200]})") from None
        rows.extend({**row, **extra} for row in table.to_pylist())
    return rows


def load(folder: str | Path, store, batch_size: int = 500,
         on_batch: Callable[[int], None] | None = None) -> Loaded:
    """Store every article of a `spark analyze` output folder, and its failures."""
    import pandas as pd

    from newsprobe.spark.tables import articles_from_tables

    folder = Path(folder)
    if not folder.is_dir():
        raise NewsprobeError(f"{folder}: no such folder")
    if not (folder / "articles").is_dir() or not (folder / "spans").is_dir():
        raise NewsprobeError(f"{folder}: not the output of `newsprobe spark analyze` (it has no articles/ and spans/)")
    done = Loaded()
    articles, spans = _parts(folder / "articles"), _parts(folder / "spans")
    for key in sorted(articles):
        rows = _read(articles[key], key[1])
        span_rows = _read(spans.get(key, []), key[1])
        span_df = pd.DataFrame(span_rows, columns=["article_id"] if not span_rows else None)
        for start in range(0, len(rows), batch_size):
            batch = pd.DataFrame(rows[start:start + batch_size])
            ids = set(batch["id"])
            stored, skipped = store.add_many(articles_from_tables(batch, span_df[span_df["article_id"].isin(ids)]))
            done.stored += stored
            done.duplicates += skipped
            if on_batch:
                on_batch(stored + skipped)
    if (folder / "failures").is_dir():
        known = set(store.failures())
        failures = _parts(folder / "failures")
        for key in sorted(failures):
            for row in _read(failures[key], key[1]):
                item = (row["source"], row["reason"])
                if item not in known:
                    store.record_failure(*item)
                    known.add(item)
                    done.failures += 1
    return done
