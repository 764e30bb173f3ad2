"""Article records from JSON Lines, JSON arrays and CSV/TSV: one `Document` per record, one error per bad one.

Feeds and scraper dumps name their fields in many ways ("body", "content", "articleBody"; "source"
as a string or as ``{"name": ...}``), so fields are matched by a list of common names, case-insensitive.
JSONL and CSV are streamed line by line: corpora of that kind are often far larger than one article's
size limit, so the limit applies to each record, and a bad line costs that line only.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsprobe.core.model import Document, IngestError
from newsprobe.io.read.common import UnreadableInput, megabytes
from newsprobe.io.read.decode import detect_encoding
from newsprobe.io.read.files import open_stream, read_head
from newsprobe.io.read.html import read_html

FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "articlebody", "article_body", "maintext", "full_text"),
    "html": ("html", "raw_html", "rawhtml"),
    "url": ("url", "link", "uri", "canonical_url"),
    "outlet": ("outlet", "source", "site", "sitename", "site_name", "domain", "publisher"),
    "title": ("title", "headline"),
    "section": ("section", "category", "categories"),
    "published": (
        "published",
        "date",
        "published_at",
        "pubdate",
        "datepublished",
        "date_published",
        "publish_date",
        "publication_date",
    ),
    "language": ("language", "lang"),
}
_CONTAINER_KEYS = ("articles", "items", "data", "results", "documents", "records", "docs", "entries")
_HTML_TAG = re.compile(r"<(?:p|div|br|span|a|h[1-6]|article|body|html|ul|li|section)\b[^>]*>", re.I)
_HEAD = 65536


def record_to_document(record: Mapping[str, Any], source: str) -> Document:
    """One record as a `Document`; HTML in it (or text that is really HTML) goes through trafilatura."""
    fields = {str(k).strip().lower(): v for k, v in record.items()}
    meta = {name: _value(name, _pick(fields, names)) for name, names in FIELDS.items()}
    text, html = meta.pop("text"), meta.pop("html")
    if text and text.lstrip().startswith("<") and _HTML_TAG.search(text[:5000]):
        text, html = None, text
    if text and text.strip():
        return Document(source=source, text=text, **meta)
    if html and html.strip():
        doc = read_html(html, source, url=meta["url"])
        for name, value in meta.items():
            if value is not None:
                setattr(doc, name, value)  # what the feed says wins over what was guessed from the page
        return doc
    if text is not None or html is not None:
        raise UnreadableInput("empty article text")
    found = ", ".join(sorted(fields)[:12]) or "none"
    raise UnreadableInput(f"no text or html field (fields: {found})")


def _pick(fields: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = fields.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _value(name: str, value: Any) -> str | None:
    """Flatten a field to a string: ``{"name": ...}`` objects, paragraph lists, epoch timestamps."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Mapping):
        for key in ("name", "title", "@value", "value", "text", "url"):
            if key in value:
                return _value(name, value[key])
        return None
    if isinstance(value, list | tuple):
        parts = [p for p in (_value(name, v) for v in value) if p]
        if name in ("text", "html"):
            return "\n\n".join(parts) or None
        return parts[0] if parts else None
    if isinstance(value, int | float):
        if name == "published":
            return _epoch(value)
        return str(value)
    text = str(value)
    return text if name in ("text", "html") else (text.strip() or None)


def _epoch(value: float) -> str | None:
    """Unix time in seconds or milliseconds, as feeds export it, to ISO 8601 (UTC)."""
    seconds = value / 1000 if value > 1e11 else value
    if not 1e8 < seconds < 5e9:
        return str(value)
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat()


def _record(record: Any, source: str) -> Document | IngestError:
    if not isinstance(record, Mapping):
        return IngestError(source, f"expected a JSON object, got {type(record).__name__}")
    try:
        return record_to_document(record, source)
    except UnreadableInput as err:
        return IngestError(source, err.reason)


def records_from_lines(
    lines: Iterable[tuple[int, str | None]], path: str
) -> Iterator[Document | IngestError]:
    """JSON Lines: each non-blank line one record; a line given as None was over the size limit."""
    for n, line in lines:
        source = f"{path}#line {n}"
        if line is None:
            yield IngestError(source, "line too large")
            continue
        line = line.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield IngestError(source, f"invalid JSON: {err.msg} (column {err.colno})")
            continue
        except RecursionError:
            yield IngestError(source, "invalid JSON: nested too deeply")
            continue
        yield _record(record, source)


def iter_jsonl(path: Path, max_bytes: int) -> Iterator[Document | IngestError]:
    with _text_stream(path) as f:
        yield from records_from_lines(_lines(f, max_bytes), str(path))


def records_from_json(text: str, path: str) -> Iterator[Document | IngestError]:
    """A JSON document: an array of records, one record, or an object holding the array ("articles")."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        if err.msg == "Extra data":  # really JSON Lines saved as .json
            yield from records_from_lines(enumerate(text.split("\n"), 1), path)
            return
        raise UnreadableInput(f"invalid JSON: {err.msg} (line {err.lineno}, column {err.colno})") from err
    except RecursionError as err:
        raise UnreadableInput("invalid JSON: nested too deeply") from err
    if isinstance(data, Mapping):
        fields = {str(k).lower() for k in data}
        if fields & set(FIELDS["text"] + FIELDS["html"]):
            data = [data]
        else:
            data = next(
                (data[k] for k in data if str(k).lower() in _CONTAINER_KEYS and isinstance(data[k], list)),
                None,
            )
    if not isinstance(data, list):
        raise UnreadableInput(
            "no articles in JSON: expected an array of objects or an object with a text field"
        )
    for n, record in enumerate(data, 1):
        yield _record(record, f"{path}#record {n}")


def iter_csv(path: Path, max_bytes: int, delimiter: str | None = None) -> Iterator[Document | IngestError]:
    """CSV or TSV with a header row; rows are numbered from 1 after the header.

    Rows are cut by our own reading of the quotes (RFC 4180: a newline ends a row where the quotes so far are
    balanced), so damage costs the rows it touches and no more: a line over the size limit is one error and the next
    line is read; a quoted field over the limit is one error and reading goes on after the field; a quote left open
    (which would swallow the rows after it into one field) is reported against its row, and the lines after that
    row are read again as rows.
    """
    delimiter = delimiter or _sniff_delimiter(path)
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes + 1))

    def parse(text: str) -> list[str]:
        return next(csv.reader([text], delimiter=delimiter, strict=False), [])

    rows = _csv_rows(path, max_bytes)
    header: list[str] | None = None
    n = 0
    for first, kind, text in rows:
        if header is None:
            if kind != "row":
                raise UnreadableInput(f"CSV header line {first} cannot be read ({kind})")
            header = [h.strip().lower().lstrip("\ufeff") for h in parse(text)]
            known = set(FIELDS["text"] + FIELDS["html"])
            if not known & set(header):
                raise UnreadableInput(f"CSV has no text or html column (columns: {', '.join(header[:12])})")
            continue
        if kind == "row" and not text.strip():
            continue
        n += 1
        source = f"{path}#row {n}"
        if kind == "too large":
            yield IngestError(source, f"row too large: more than {megabytes(max_bytes)} "
                                      f"(limit {megabytes(max_bytes)}), from line {first}")
            continue
        if kind == "open quote":
            yield IngestError(source, f"invalid CSV row: a quote opened on line {first} is never closed; "
                                      "the lines after it are read as rows")
            rows.send(first)
            continue
        try:
            row = parse(text)
        except csv.Error as err:
            yield IngestError(source, f"invalid CSV row: {err}")
            continue
        if "\n" in text.rstrip("\r\n") and (len(row) != len(header) or not _well_quoted(text, delimiter)):
            # A quote left open merged the next lines into this row: report it, and read those lines again.
            yield IngestError(source, f"invalid CSV row: a quote opened on line {first} spans lines and closes "
                                      "out of place (a quote left open?); the lines after it are read as rows")
            rows.send(first)
            continue
        if not any(cell.strip() for cell in row):
            n -= 1
            continue
        yield _record(dict(zip(header, row, strict=False)), source)


def _well_quoted(text: str, delimiter: str) -> bool:
    """Whether every quoted field of a row closes right before a delimiter or the line end (RFC 4180)."""
    try:
        next(csv.reader([text], delimiter=delimiter, strict=True), None)
    except csv.Error:
        return False
    return True


def _csv_rows(path: Path, limit: int):
    """(first line number, kind, text) of each CSV row: kind is "row", "too large" or "open quote".

    Generator protocol: `send(line)` after a row says "that row was not a row": the reader goes back to the line
    after `line` and reads on from there (for a quote left open). Going back re-reads the file from its start, which
    happens once per such damage; memory stays within `limit` characters a row.
    """
    resume_after = 0
    while True:
        restart = None
        with _text_stream(path, newline="") as f:
            for item in _csv_rows_from(f, limit, resume_after):
                got = yield item
                if got is not None:
                    restart = got
                    yield None  # the value of `send`
                    break
        if restart is None:
            return
        resume_after = restart


def _csv_rows_from(f: io.TextIOWrapper, limit: int, skip: int):
    n = 0
    first = 0
    parts: list[str] = []
    size = 0
    quotes = 0  # parity of the quotes in the row so far
    oversized = False
    while True:
        line, over, count = _read_line(f, limit)
        if not line and not over:
            break
        n += 1
        if n <= skip:
            continue
        if not parts and not oversized:
            first = n
        quotes = (quotes + count) % 2
        if over or oversized or size + len(line) > limit:
            oversized, parts, size = True, [], 0
        else:
            parts.append(line)
            size += len(line)
        if quotes == 0:
            yield (first, "too large", "") if oversized else (first, "row", "".join(parts))
            parts, size, oversized = [], 0, False
    if quotes:  # the file ended inside a quoted field
        yield first, "open quote", ""


def _read_line(f: io.TextIOWrapper, limit: int) -> tuple[str, bool, int]:
    """One physical line, at most `limit` characters kept: (text or "", whether it was longer, its quote count)."""
    line = f.readline(limit + 1)
    if len(line) <= limit or line.endswith("\n"):
        return line, False, line.count('"')
    count = line.count('"')
    while (rest := f.readline(1 << 20)):
        count += rest.count('"')
        if rest.endswith("\n"):
            break
    return "", True, count


def _sniff_delimiter(path: Path) -> str:
    """The most frequent of , ; tab | in the header line (headers are short and rarely quoted)."""
    head = read_head(path, 4096)
    first = head.split(b"\n", 1)[0]
    return max((",", ";", "\t", "|"), key=lambda d: first.count(d.encode()))


def _text_stream(path: Path, newline: str | None = None) -> io.TextIOWrapper:
    """Decoded stream, with the encoding detected from the first 64 KB (bad bytes later become U+FFFD)."""
    head = read_head(path, _HEAD)
    if not head:
        raise UnreadableInput("empty file")
    encoding = detect_encoding(head, final=len(head) < _HEAD)
    return io.TextIOWrapper(open_stream(path), encoding=encoding, errors="replace", newline=newline)


def _lines(f: io.TextIOWrapper, limit: int) -> Iterator[tuple[int, str | None]]:
    """Numbered lines, reading at most `limit` characters of each; longer lines come as None."""
    n = 0
    while line := f.readline(limit + 1):
        n += 1
        if len(line) > limit and not line.endswith("\n"):
            while (rest := f.readline(1 << 20)) and not rest.endswith("\n"):
                pass
            yield n, None
        else:
            yield n, line
