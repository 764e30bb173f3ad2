"""Web archives (WARC, and old ARC via warcio): one `Document` per archived HTML page.

Archives are streamed record by record, never loaded whole, since crawls are routinely gigabytes;
the size limit applies to each page. Records that are not successful HTML responses (requests,
metadata, images, redirects) are skipped silently: they are not articles. A damaged archive ends
with one `IngestError` that names the offset, and keeps the pages read before the damage.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

from newsprobe.core.model import Document, IngestError
from newsprobe.io.read.common import UnreadableInput, megabytes
from newsprobe.io.read.decode import decode_bytes
from newsprobe.io.read.files import read_head
from newsprobe.io.read.html import looks_like_html, read_html

_RECORD_TYPES = frozenset(
    {"warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation"}
)


def iter_warc(path: Path, max_bytes: int) -> Iterator[Document | IngestError]:
    from warcio.archiveiterator import ArchiveIterator

    head = read_head(path, 16)
    if not head.startswith((b"WARC/", b"filedesc://")):
        raise UnreadableInput(f"not a WARC archive (it starts with {head[:12]!r})")
    with open(path, "rb") as f:
        records = ArchiveIterator(f, arc2warc=True)
        n, end = 0, 0
        while True:
            try:
                with _quiet():
                    record = next(records)
            except StopIteration:
                if _leftover(f, end):  # warcio stops quietly at a record cut inside its headers
                    yield IngestError(
                        str(path), f"truncated WARC: data after record {n} (at byte {end}) is no record"
                    )
                return
            except Exception as err:  # warcio raises many kinds on damaged input
                yield IngestError(str(path), f"broken WARC after record {n} (at byte {end}): {_damage(err)}")
                return
            n += 1
            source = f"{path}#record {n}"
            length = (record.rec_headers.get_header("Content-Length") or "").strip()
            if record.rec_type not in _RECORD_TYPES or not length.isdigit():
                # what warcio makes of a record cut inside its headers
                yield IngestError(
                    str(path), f"truncated WARC: record {n} (at byte {end}) has incomplete headers"
                )
                return
            try:
                item: Document | IngestError | None = _page(record, source, max_bytes)
            except UnreadableInput as err:
                item = IngestError(source, err.reason)
            except Exception as err:
                item = IngestError(source, f"cannot read WARC record: {_short(err)}")
            try:
                with _quiet():
                    offset = records.get_record_offset()  # reads the rest of the record
                    end = offset + records.get_record_length()
            except Exception as err:
                yield IngestError(str(path), f"broken WARC in record {n} (after byte {end}): {_short(err)}")
                return
            if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than its Content-Length
                yield IngestError(source, f"truncated WARC: record {n} (at byte {offset}) ends early")
                return
            if item is not None:
                yield item


def _leftover(f, end: int) -> bool:
    """Whether anything but blank lines follows the last record that warcio read."""
    try:
        f.seek(end)
        return bool(f.read(4096).strip())
    except OSError:
        return False


def _quiet() -> contextlib.AbstractContextManager:
    """warcio prints warnings about damaged records to stderr; the damage is reported as errors instead."""
    return contextlib.redirect_stderr(io.StringIO())


def _page(record, source: str, max_bytes: int) -> Document | None:
    """The record as an article, or None when it is not an HTML page at all."""
    if record.rec_type not in ("response", "resource"):
        return None
    if record.rec_type == "response":
        headers = record.http_headers
        if headers is None or not (headers.get_statuscode() or "").startswith("2"):
            return None  # not HTTP, or an error page or redirect: no article
        content_type = headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    payload = record.content_stream().read(max_bytes + 1)
    if len(payload) > max_bytes:
        limit = megabytes(max_bytes)
        raise UnreadableInput(f"page too large: more than {limit} (limit {limit})")
    if "html" not in content_type.lower():
        if content_type or not payload or not looks_like_html(payload[:2048].decode("latin-1")):
            return None
    if not payload.strip():
        raise UnreadableInput("empty page")
    html = decode_bytes(payload, declared=_charset(content_type))
    doc = read_html(html, source, url=record.rec_headers.get_header("WARC-Target-URI"))
    doc.published = doc.published or record.rec_headers.get_header("WARC-Date")
    return doc


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _damage(err: Exception) -> str:
    """warcio's own message when it has one that says something; a plain description otherwise."""
    from warcio.exceptions import ArchiveLoadFailed

    if isinstance(err, ArchiveLoadFailed | EOFError | OSError):
        return _short(err)
    return "invalid or incomplete record headers"


def _short(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:200]
