"""Metadata that comes beside the articles rather than in them: a sidecar table keyed by file name, or a pattern over
file names.

Corpora of plain text files keep the outlet and date in a table (PolNeAR's `metadata.tsv`) or in the file name
(`breitbart_2016-09-12_slug.txt`). Where did a story come from, and who ran it first, cannot be answered without
them, so `ingest` and `analyze` take both:

- `--meta FILE`: a CSV, TSV or JSON Lines table with one row per article; the row is found by a column named
  `file`, `filename`, `file_name`, `path` or `name`, whose value is matched against the document's source (as
  newsprobe names it, `folder/a.txt` or `feed.jsonl#line 3`), its file name (`a.txt`) or its stem (`a`). The other
  columns are read like the fields of a JSONL record (`outlet`/`publisher`/`site`, `published`/`date`/
  `publication_date`, `title`/`headline`, `url`, `section`, `language`).
- `--name-pattern REGEX`: a regular expression searched in each file's name, whose named groups give the metadata:
  `(?P<outlet>[^_]+)_(?P<published>\\d{4}-\\d{2}-\\d{2})_`.

What these give wins over what the file itself says (the user knows their corpus better than a page's meta tags);
`--outlet` and `--published` only fill what is still missing.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path, PurePath

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import METADATA_FIELDS, Document, IngestError
from newsprobe.io.read.records import FIELDS

KEY_COLUMNS = ("file", "filename", "file_name", "path", "name")
_FIELDS = {name: aliases for name, aliases in FIELDS.items() if name in METADATA_FIELDS}


def load_sidecar(path: Path) -> dict[str, dict[str, str]]:
    """The table as {file key: {metadata field: value}}; a clear error for a table newsprobe cannot use."""
    if not path.is_file():
        raise NewsprobeError(f"{path}: no such metadata file")
    try:
        rows = list(_rows(path))
    except (OSError, UnicodeDecodeError, csv.Error, json.JSONDecodeError) as exc:
        raise NewsprobeError(f"{path}: cannot read the metadata table ({exc})") from None
    if not rows:
        raise NewsprobeError(f"{path}: the metadata table has no rows")
    columns = {str(k).strip().lower() for k in rows[0]}
    key = next((c for c in KEY_COLUMNS if c in columns), None)
    if key is None:
        raise NewsprobeError(f"{path}: the metadata table needs a column naming the file "
                             f"({', '.join(KEY_COLUMNS)}); it has {', '.join(sorted(columns)[:12])}")
    table: dict[str, dict[str, str]] = {}
    for row in rows:
        fields = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
        name = str(fields.get(key) or "").strip()
        if not name:
            continue
        meta = {}
        for field, aliases in _FIELDS.items():
            value = next((fields[a] for a in aliases if a in fields and fields[a] not in (None, "", "None")), None)
            if value is not None:
                meta[field] = str(value).strip()
        table[name] = meta
    return table


def _rows(path: Path) -> Iterator[dict]:
    name = path.name.lower()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        if name.endswith((".jsonl", ".ndjson", ".json")):
            for line in fh:
                if line.strip():
                    record = json.loads(line)
                    if isinstance(record, dict):
                        yield record
            return
        head = fh.readline()
        fh.seek(0)
        delimiter = "\t" if "\t" in head else ","
        yield from csv.DictReader(fh, delimiter=delimiter)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The file-name pattern, checked: it must compile and name only metadata fields."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise NewsprobeError(f"--name-pattern {pattern!r} is not a regular expression: {exc}") from None
    unknown = set(compiled.groupindex) - set(METADATA_FIELDS)
    if not compiled.groupindex or unknown:
        raise NewsprobeError(f"--name-pattern needs named groups among {', '.join(METADATA_FIELDS)}"
                             + (f"; unknown: {', '.join(sorted(unknown))}" if unknown else ""))
    return compiled


def _file_of(source: str) -> str:
    return source.split("#", 1)[0]


def lookup(table: dict[str, dict[str, str]], source: str) -> dict[str, str] | None:
    """A document's row: by its whole source, its file's path, file name, or stem (name without extensions)."""
    file = _file_of(source)
    pure = PurePath(file)
    stem = pure.name.split(".", 1)[0]
    for key in (source, file, pure.name, stem):
        if key in table:
            return table[key]
    return None


def with_metadata(
    items: Iterable[Document | IngestError],
    table: dict[str, dict[str, str]] | None = None,
    pattern: re.Pattern[str] | None = None,
) -> Iterator[Document | IngestError]:
    """Documents with the sidecar's and the pattern's metadata applied (the table wins over the pattern)."""
    for item in items:
        if isinstance(item, Document) and (table or pattern):
            meta: dict[str, str] = {}
            if pattern is not None and (m := pattern.search(PurePath(_file_of(item.source)).name)):
                meta.update({k: v for k, v in m.groupdict().items() if v})
            if table and (row := lookup(table, item.source)):
                meta.update(row)
            if meta:
                item = replace(item, **meta)
        yield item
