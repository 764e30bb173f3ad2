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
    """Every page of the archive. Damage costs the records it touches: a record whose content is shorter than its
    Content-Length (so that it swallows the start of the next one) is reported, and reading starts again at the next
    record header found after it, so the records behind the damage are kept."""
    head = read_head(path, 16)
    if not head.startswith((b"WARC/", b"filedesc://")):
        raise UnreadableInput(f"not a WARC archive (it starts with {head[:12]!r})")
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
        checked = not gz and head.startswith(b"WARC/")  # plain WARC: each record must end where a header starts
        state = _Walk()
        pos: int | None = 0
        while pos is not None:
            f.seek(pos)
            pos = yield from _segment(f, path, pos, max_bytes, state, gz, checked)


class _Walk:
    """Where the walk is: records seen so far (for their numbers) and how many times it had to resynchronise."""

    def __init__(self) -> None:
        self.n = 0
        self.resyncs = 0


_MAX_RESYNCS = 1000  # an archive that is damage from end to end is reported once it is clearly hopeless


def _segment(f, path: Path, base: int, max_bytes: int, state: _Walk, gz: bool, checked: bool):
    """Read records from byte `base` until the end (returns None) or until damage (returns where to go on)."""
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(f, arc2warc=True)
    end = 0
    while True:
        try:
            with _quiet():
                record = next(records)
        except StopIteration:
            if _leftover(f, base + end):  # warcio stops quietly at a record cut inside its headers
                yield IngestError(
                    str(path), f"truncated WARC: data after record {state.n} (at byte {base + end}) is no record"
                )
                return _resync(f, base + end + 1, gz, state, path)
            return None
        except Exception as err:  # warcio raises many kinds on damaged input
            yield IngestError(str(path), f"broken WARC after record {state.n} (at byte {base + end}): {_damage(err)}")
            return _resync(f, base + end + 1, gz, state, path)
        state.n += 1
        n = state.n
        source = f"{path}#record {n}"
        length = (record.rec_headers.get_header("Content-Length") or "").strip()
        if record.rec_type not in _RECORD_TYPES or not length.isdigit():
            # what warcio makes of a record cut inside its headers
            yield IngestError(
                str(path), f"truncated WARC: record {n} (at byte {base + end}) has incomplete headers"
            )
            return _resync(f, base + end + 1, gz, state, path)
        try:
            item: Document | IngestError | None = _page(record, source, max_bytes)
        except UnreadableInput as err:
            item = IngestError(source, err.reason)
        except Exception as err:
            item = IngestError(source, f"cannot read WARC record: {_short(err)}")
        start = base + end
        try:
            with _quiet():
                offset = records.get_record_offset()  # reads the rest of the record
                end = offset + records.get_record_length()
        except Exception as err:
            yield IngestError(str(path), f"broken WARC in record {n} (after byte {start}): {_short(err)}")
            return _resync(f, start + 1, gz, state, path)
        if getattr(record.raw_stream, "limit", 0) > 0:  # fewer bytes than its Content-Length
            yield IngestError(source, f"truncated WARC: record {n} (at byte {base + offset}) ends early")
            return _resync(f, base + offset + 1, gz, state, path)
        if checked and not _record_starts(f, base + end):
            # Its Content-Length runs past its real end, into the next record: its content is not what was archived.
            yield IngestError(source, f"damaged WARC: record {n} (at byte {base + offset}) is shorter than its "
                                      "Content-Length says; it runs into the next record")
            return _resync(f, base + offset + 1, gz, state, path)
        if item is not None:
            yield item


def _record_starts(f, pos: int) -> bool:
    """Whether a record header (or the end of the file) follows `pos`, blank lines aside."""
    here = f.tell()
    try:
        f.seek(pos)
        ahead = f.read(64).lstrip(b"\r\n")
        return not ahead or ahead.startswith(b"WARC/")
    finally:
        f.seek(here)


def _resync(f, pos: int, gz: bool, state: _Walk, path: Path) -> int | None:
    """Where a record may start after `pos` (a WARC header at a line start, or a gzip member), or None."""
    state.resyncs += 1
    if state.resyncs > _MAX_RESYNCS:
        return None
    marker = b"\x1f\x8b\x08" if gz else b"\nWARC/1."
    skip = 0 if gz else 1
    chunk = 1 << 20
    f.seek(pos)
    carry = b""
    at = pos
    while block := f.read(chunk):
        data = carry + block
        found = data.find(marker)
        if found != -1:
            return at - len(carry) + found + skip
        carry = data[-(len(marker) - 1):]
        at += len(block)
    return None


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
