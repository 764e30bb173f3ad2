"""Read articles from files and folders: text, HTML, JSON Lines, JSON, CSV/TSV, WARC, any of them gzipped.

`iter_documents` is the one entry point the pipeline uses. It yields a `Document` per article and an
`IngestError` per item that cannot be read, and never raises for bad input: in a run over thousands
of scraped files, one empty, binary, truncated or absurd file must cost that file only, with a reason
the user can act on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsprobe.core.chars import label, scrub_document
from newsprobe.core.model import Document, IngestError
from newsprobe.io.read.common import UnreadableInput
from newsprobe.io.read.decode import decode_bytes
from newsprobe.io.read.files import check_file, describe, expand, kind_of, read_capped, read_head
from newsprobe.io.read.html import looks_like_html, read_html
from newsprobe.io.read.records import iter_csv, iter_jsonl, records_from_json
from newsprobe.io.read.warc import iter_warc

__all__ = ["UnreadableInput", "iter_documents", "read_html", "scrub_document"]

MAX_BYTES = 20_000_000


def iter_documents(
    paths: Iterable[str | Path], max_bytes: int = MAX_BYTES, skip: Iterable[str | Path] = ()
) -> Iterator[Document | IngestError]:
    """Every article in `paths`: files, or folders walked recursively in sorted order, hidden entries skipped.

    `max_bytes` limits a single-article file (checked before reading, and again after gzip
    decompression) and each record of a streamed container (JSONL line, CSV row, WARC page);
    container files themselves may be any size. Files in `skip` (the store being written, inside a folder
    being ingested) are passed over.
    """
    for item in expand(paths, skip=skip):
        if isinstance(item, IngestError):
            yield safe_item(item)
        else:
            for read in _read_file(item, max_bytes):
                yield safe_item(read)


def safe_item(item: Document | IngestError) -> Document | IngestError:
    """The item with its text fit to store (see `newsprobe.core.chars`) and its source fit to print: a lone
    surrogate in one JSON record or a file name that is not UTF-8 must not sink the run at the first encode."""
    if isinstance(item, IngestError):
        return IngestError(label(item.source), label(item.reason))
    return scrub_document(item)


def _read_file(path: Path, max_bytes: int) -> Iterator[Document | IngestError]:
    """All items of one file; whatever goes wrong ends this file with an error, never the run."""
    count = 0
    try:
        for item in _items(path, max_bytes):
            count += 1
            yield item
    except Exception as err:  # last resort: known cases get their own wording in `describe`
        yield IngestError(str(path), describe(err))
        return
    if count == 0:
        yield IngestError(str(path), "no articles found in file")


def _items(path: Path, max_bytes: int) -> Iterator[Document | IngestError]:
    source = str(path)
    check_file(path)
    kind = kind_of(path) or _sniff_container(path)
    if kind == "warc":
        yield from iter_warc(path, max_bytes)
        return
    if kind == "jsonl":
        yield from iter_jsonl(path, max_bytes)
        return
    if kind in ("csv", "tsv"):
        yield from iter_csv(path, max_bytes, delimiter="\t" if kind == "tsv" else None)
        return
    text = decode_bytes(read_capped(path, max_bytes))
    if not text.strip():
        raise UnreadableInput("file contains only whitespace")
    if kind is None:
        kind = _sniff_text(text)
    if kind == "html":
        yield read_html(text, source)
    elif kind == "json":
        yield from records_from_json(text, source)
    else:
        yield Document(source=source, text=text)


def _sniff_container(path: Path) -> str | None:
    """Archives are recognised by their first bytes (after gzip), so they can be streamed, not loaded."""
    head = read_head(path, 16)
    if head.startswith((b"WARC/", b"filedesc://")):
        return "warc"
    return None


def _sniff_text(text: str) -> str:
    """For an unknown extension: HTML, JSON (array, object or lines) when it parses as such, else text."""
    if looks_like_html(text):
        return "html"
    start = text.lstrip()[:1]
    if start in ("[", "{"):
        try:
            json.loads(text)
            return "json"
        except json.JSONDecodeError as err:
            if err.msg == "Extra data" and start == "{":
                return "json"  # JSON Lines; records_from_json reads them line by line
        except RecursionError:
            pass
    return "text"
