"""Fuzz harnesses: one function per parser that takes raw bytes and fails (raises) only on a real defect.

Readers must never raise for bad input (they yield an `IngestError`), and what they yield must be fit to store: no
lone surrogate, no NUL or other control character but tab and newlines. Functions that may refuse input
(`read_html`, `decode_bytes`) may raise `UnreadableInput` and nothing else. The grammars are reached through their
public functions (`parse_quantities`, `parse_date`, `normalize_published`), so the harnesses survive the code moving
behind them. Each input is also bounded in time by the fuzzer (`-timeout`): a slow input is a defect too.

`python fuzz/run.py NAME` runs one under atheris; tests/test_fuzz.py runs every harness over its seeds and the saved
crash inputs (fuzz/regressions/NAME/), so a crash once found stays fixed.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

# One folder for every run (in memory where there is /dev/shm); each input is written, read and removed.
HERE = Path(__file__).resolve().parent
_TMP = Path("/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()) / f"newsprobe-fuzz-{os.getuid()}"
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_BYTES = 200_000  # small limits, so that the size checks are reached too


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _check_items(items) -> None:
    from newsprobe.core.model import Document, IngestError

    for item in items:
        if isinstance(item, IngestError):
            assert item.reason and "\n" not in item.reason, item
            item.source.encode("utf-8")
            continue
        assert isinstance(item, Document), item
        for value in (item.text, item.title, item.outlet, item.url, item.section, item.published, item.language):
            if value is not None:
                assert not _BAD_CHARS.search(value), (value[:200],)
        item.source.encode("utf-8")


def _read_as(suffix: str, data: bytes) -> None:
    from newsprobe.io.read import iter_documents

    _TMP.mkdir(exist_ok=True)
    path = _TMP / f"input-{os.getpid()}{suffix}"
    path.write_bytes(data)
    try:
        _check_items(iter_documents([path], max_bytes=MAX_BYTES))
    finally:
        path.unlink(missing_ok=True)


def text(data: bytes) -> None:
    _read_as(".txt", data)


def html(data: bytes) -> None:
    from newsprobe.io.read import UnreadableInput
    from newsprobe.io.read.html import read_html

    try:
        doc = read_html(_text(data), "fuzz.html")
    except UnreadableInput:
        return
    assert doc.text.strip()


def json_(data: bytes) -> None:
    _read_as(".json", data)


def jsonl(data: bytes) -> None:
    _read_as(".jsonl", data)


def csv(data: bytes) -> None:
    _read_as(".csv", data)


def warc(data: bytes) -> None:
    _read_as(".warc", data)


def gzip_(data: bytes) -> None:
    _read_as(".txt.gz", data)


def encodings(data: bytes) -> None:
    from newsprobe.io.read import UnreadableInput
    from newsprobe.io.read.decode import decode_bytes, detect_encoding

    declared = ("utf-8", "windows-1256", "latin-1", "shift_jis", "x-unknown", None)[data[0] % 6] if data else None
    try:
        decode_bytes(data[1:], declared=declared)
    except UnreadableInput:
        pass
    try:
        detect_encoding(data, final=False)
    except UnreadableInput:
        pass


def clean(data: bytes) -> None:
    from newsprobe.io.clean import clean_text
    from newsprobe.io.titles import outlet_name, site_names

    raw = _text(data)
    title = raw.split("\n", 1)[0] if data[:1] == b"T" else None  # any length: the title comparisons are bounded
    outlet = raw.rsplit("\n", 1)[-1][:200] if b"|" in data[:64] else None
    names = site_names(outlet, f"https://www.{outlet or 'example'}.com/x")
    cleaned = clean_text(raw, title=title, site_names=names)
    assert isinstance(cleaned.text, str)
    assert isinstance(outlet_name(outlet, "https://example.com/x"), (str, type(None)))
    for removed in cleaned.removed:
        assert removed.line >= 1 and removed.reason
        assert removed.text in raw, removed  # a removed piece (a line, or a site name off one) is text of the input


def quantities(data: bytes) -> None:
    from newsprobe.layers.claims.quantities import parse_quantities

    sentence = _text(data)
    for q in parse_quantities(sentence):
        assert sentence[q["start"]:q["end"]] == q["text"], q
        assert q["start"] <= q["end"]


def dates(data: bytes) -> None:
    from newsprobe.io.prepare import normalize_published
    from newsprobe.layers.dates.component import parse_date

    raw = _text(data[2:])
    anchor = date(2000 + data[0] % 40, 1 + data[1] % 12, 1) if len(data) >= 2 else None
    result = parse_date(raw, anchor, future=bool(len(data) % 2))
    assert isinstance(result, dict)
    iso = normalize_published(raw)
    if iso is not None:
        (datetime if "T" in iso else date).fromisoformat(iso)


def warm_up() -> None:
    """Load what the extractor loads on first use (trafilatura's fallback reads the stop-word lists of every language,
    some 15 s on a busy machine), so that no harness reports that one-time cost as a slow input."""
    for data in [*seeds("html"), *(p.read_bytes() for p in sorted((HERE / "regressions" / "html").glob("*")))]:
        html(data)


HARNESSES: dict[str, Callable[[bytes], None]] = {
    "text": text, "html": html, "json": json_, "jsonl": jsonl, "csv": csv, "warc": warc, "gzip": gzip_,
    "encodings": encodings, "clean": clean, "quantities": quantities, "dates": dates,
}


def _warc_seed() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for i in range(2):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        page = f"<html><body><article><p>{SENTENCE} Report {i}.</p></article></body></html>".encode()
        writer.write_record(writer.create_warc_record(f"https://n.example/{i}", "response",
                                                      payload=io.BytesIO(page), http_headers=headers))
    return buf.getvalue()


SENTENCE = "Officials said on Monday 29 August 2016 that more than 3,200 people had fled Aleppo, about 40 km away."


def seeds(name: str) -> list[bytes]:
    """A few valid inputs to start from (written here, not taken from any corpus)."""
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title></head><body><nav>Home'
            f'</nav><article><h1>Title</h1><p>{SENTENCE}</p><p>"We left," a resident said.</p></article></body></html>')
    record = {"title": "One", "text": SENTENCE, "date": "2016-08-29", "source": {"name": "X"}}
    by_name = {
        "text": [SENTENCE.encode(), ("Title\n\n" + SENTENCE).encode("utf-16"), SENTENCE.encode("cp1252")],
        "html": [page.encode(), b"<p>" + SENTENCE.encode() + b"</p>"],
        "json": [json.dumps([record, record]).encode(), json.dumps({"articles": [record]}).encode()],
        "jsonl": [(json.dumps(record) + "\n" + json.dumps({"html": page}) + "\n").encode()],
        "csv": [f'title,text,date\nOne,"{SENTENCE}",2016-08-29\nTwo,"a ""quoted""\nline",2016-08-30\n'.encode()],
        "warc": [_warc_seed()],
        "gzip": [gzip.compress(SENTENCE.encode()), gzip.compress(page.encode())],
        "encodings": [b"\x00" + SENTENCE.encode(), b"\x01" + "قال المتحدث".encode("cp1256"),
                      b"\x02" + SENTENCE.encode("utf-16-le")],
        "clean": [("Home > World > Syria\nShare\n" + SENTENCE + "\n\nCopyright 2016 X. All rights reserved.").encode(),
                  ("TTitle\nSyria\nMonday 29 August 2016\n" + SENTENCE).encode(),
                  ("THarborTV-Title of it | Harbor Daily\nimmunology\nTitle of it\n" + SENTENCE
                   + "\nHarbor Daily").encode()],
        "quantities": [SENTENCE.encode(), b"Between 10 and 20 per cent of 1.5 million voters, at least two dozen."],
        "dates": [b"\x10\x07Mon Aug 29, 2016 1:31", b"\x10\x07last Tuesday", b"\x10\x082016-08-29T10:00:00Z",
                  b"\x0f\x01the 3rd of March"],
    }
    return by_name[name]
