"""Ingest: every supported format gives Documents, and every kind of bad input gives a clear IngestError.

All fixtures are written here, inside tmp_path, so the tests say exactly what input they feed.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import time
from pathlib import Path

import pytest

from newsprobe.core.model import Document, IngestError
from newsprobe.io.read import UnreadableInput, iter_documents, read_html

SEED_DIR = Path(__file__).parents[2] / "shared" / "seed"
ARABIC = "قال المتحدث باسم الحكومة إن المفاوضات ستستأنف يوم الاثنين المقبل في العاصمة."

PARAGRAPHS = [
    "Gaps are widening between the armed groups trapped in the eastern districts of Aleppo and the "
    "coalition leadership in Idlib, local sources said on Monday.",
    "The groups in the eastern part of Aleppo have been fighting to remove the siege on the city, the "
    "sources said, adding that several commanders had called for defection from the coalition.",
    "More than 3,200 fighters have been killed in clashes with government forces in recent weeks, "
    "according to the same sources, who spoke on condition of anonymity.",
]


def article_html(title: str = "Rebels quit coalition in Aleppo", *, date: str | None = "2016-08-22") -> str:
    meta_date = f'<meta property="article:published_time" content="{date}T10:00:00Z">' if date else ""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{title} | Daily Planet</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Daily Planet">
<meta property="article:section" content="World">
{meta_date}
<link rel="canonical" href="https://dailyplanet.example/world/rebels-quit">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/login">Sign in</a></li></ul></nav>
<article><h1>{title}</h1>{body}</article>
<footer><p>Copyright 2016 Daily Planet. All rights reserved. Privacy policy and cookie settings.</p></footer>
</body></html>"""


def read_all(*paths: Path, **kwargs) -> list[Document | IngestError]:
    return list(iter_documents(list(paths), **kwargs))


def only_doc(path: Path, **kwargs) -> Document:
    items = read_all(path, **kwargs)
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


def only_error(path: Path, **kwargs) -> IngestError:
    items = read_all(path, **kwargs)
    assert len(items) == 1 and isinstance(items[0], IngestError), items
    assert "\n" not in items[0].reason and "Traceback" not in items[0].reason
    return items[0]


# --- plain text and encodings -------------------------------------------------------------------


def test_plain_text_file(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Title line\r\n\r\n" + "\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    doc = only_doc(path)
    assert doc.source == str(path)
    assert doc.text.startswith("Title line\n\n") and PARAGRAPHS[2] in doc.text
    assert doc.html is None and doc.title is None  # no cleaning or title finding at this stage


def test_single_path_string_is_not_split_into_characters(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(PARAGRAPHS[0], encoding="utf-8")
    assert [type(i) for i in iter_documents(str(path))] == [Document]  # type: ignore[arg-type]


def test_seed_article() -> None:
    seed = SEED_DIR / "000_c72b67134be14b5c.txt"
    if not seed.exists():
        pytest.skip(f"seed article not found at {seed}")
    doc = only_doc(seed)
    assert "Jeish al-Fatah" in doc.text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-32"])
def test_unicode_encodings_with_and_without_bom(tmp_path: Path, encoding: str) -> None:
    text = f"The envoy said “no deal” in Genève — {ARABIC}"
    path = tmp_path / "story.txt"
    path.write_bytes(text.encode(encoding))
    assert only_doc(path).text == text


def test_utf16_without_bom_mostly_arabic(tmp_path: Path) -> None:
    text = (ARABIC + " ") * 20
    path = tmp_path / "ar.txt"
    path.write_bytes(text.encode("utf-16-le"))
    assert only_doc(path).text == text


def test_windows_1252_curly_quotes(tmp_path: Path) -> None:
    text = (
        "The minister said: “We will not leave,” adding that the café on the corner had closed. "
        "It’s over — for now, naïve observers said. Crème brûlée was served."
    )
    path = tmp_path / "win.txt"
    path.write_bytes(text.encode("cp1252"))
    assert b"\x93" in path.read_bytes()
    assert only_doc(path).text == text


def test_mostly_utf8_with_a_stray_byte_stays_utf8(tmp_path: Path) -> None:
    text = "Le président a déclaré « non » à Genève. " * 20
    path = tmp_path / "mixed.txt"
    stray = b"A stray \x93quote\x94 from Windows. "
    path.write_bytes(text.encode("utf-8") + stray + "Fin à Genève.".encode())
    doc = only_doc(path)
    assert doc.text.startswith(text) and doc.text.endswith("Fin à Genève.")


def test_utf8_cut_inside_its_last_character(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes("Plain story that ends in a cut é".encode()[:-1])
    assert only_doc(path).text.startswith("Plain story that ends in a cut")


def test_windows_1256_arabic(tmp_path: Path) -> None:
    text = ARABIC
    path = tmp_path / "ar.txt"
    path.write_bytes(text.encode("cp1256"))
    assert only_doc(path).text == text


# --- HTML ----------------------------------------------------------------------------------------


def test_html_article_body_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(article_html(), encoding="utf-8")
    doc = only_doc(path)
    assert doc.title == "Rebels quit coalition in Aleppo"
    assert doc.outlet == "Daily Planet"
    assert doc.published and doc.published.startswith("2016-08-22")
    assert doc.url == "https://dailyplanet.example/world/rebels-quit"
    assert doc.section == "World" and doc.language == "en"
    for para in PARAGRAPHS:
        assert f"\n\n{para}" in doc.text  # paragraphs kept apart by a blank line
    assert "Sign in" not in doc.text and "Copyright" not in doc.text and "cookie" not in doc.text
    assert doc.html is None


def test_html_sniffed_without_extension_and_meta_charset(tmp_path: Path) -> None:
    html = article_html().replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    html = html.replace("local sources", "local sources \u201cclose to the caf\u00e9\u201d")
    path = tmp_path / "page"
    path.write_bytes(html.encode("cp1252"))
    doc = only_doc(path)
    assert "\u201cclose to the caf\u00e9\u201d" in doc.text and doc.title


def test_read_html_url_wins_and_date_falls_back_to_htmldate() -> None:
    html = article_html(date=None).replace("<h1>", '<p class="byline">Published 21 March 2019</p><h1>')
    doc = read_html(html, "feed#line 1", url="https://mirror.example/x")
    assert doc.url == "https://mirror.example/x" and doc.source == "feed#line 1"
    assert doc.published == "2019-03-21"


def test_html_without_article_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><head><title>x</title></head><body><script>var a=1;</script></body></html>")
    err = only_error(path)
    assert "no article text" in err.reason
    with pytest.raises(UnreadableInput):
        read_html("<html><body></body></html>", "x")


def test_html_nested_100000_deep_finishes(tmp_path: Path) -> None:
    n = 100_000
    path = tmp_path / "deep.html"
    path.write_text(
        "<html><body>" + "<div>" * n + f"<p>{PARAGRAPHS[0]}</p>" + "</div>" * n + "</body></html>"
    )
    start = time.monotonic()
    items = read_all(path)
    assert time.monotonic() - start < 10
    assert len(items) == 1
    if isinstance(items[0], IngestError):
        assert "nested" in items[0].reason
    else:
        assert "Gaps are widening" in items[0].text


def test_html_nested_inline_tags_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.htm"
    path.write_text("<html><body>" + "<x-a>" * 50_000 + "text" + "</x-a>" * 50_000 + "</body></html>")
    err = only_error(path)
    assert "nested" in err.reason


# --- JSON, JSON Lines, CSV -----------------------------------------------------------------------


def test_jsonl_good_lines_and_a_broken_one(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": PARAGRAPHS[0], "title": "One", "url": "https://a.example/1", "lang": "en"}),
        json.dumps({"body": PARAGRAPHS[1], "headline": "Two", "source": {"id": "x", "name": "X News"}}),
        '{"text": "broken line", ',
        "",
        json.dumps(
            {"articleBody": PARAGRAPHS[2], "datePublished": 1471860000, "category": ["World", "Syria"]}
        ),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read_all(path)
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, IngestError)]
    assert len(docs) == 3 and len(errors) == 1
    assert errors[0].source == f"{path}#line 3" and errors[0].reason.startswith("invalid JSON")
    assert [d.source for d in docs] == [f"{path}#line 1", f"{path}#line 2", f"{path}#line 5"]
    assert docs[0].title == "One" and docs[0].url == "https://a.example/1" and docs[0].language == "en"
    assert docs[1].outlet == "X News" and docs[1].title == "Two"
    assert docs[2].published.startswith("2016-08-22") and docs[2].section == "World"


def test_jsonl_records_without_text_and_not_objects(tmp_path: Path) -> None:
    path = tmp_path / "feed.ndjson.gz"
    lines = ['{"title": "no body"}', "[1, 2]", '{"text": "   "}', "{", json.dumps({"content": PARAGRAPHS[0]})]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    items = read_all(path)
    reasons = [i.reason for i in items if isinstance(i, IngestError)]
    assert len(reasons) == 4 and isinstance(items[-1], Document)
    assert "no text or html field" in reasons[0] and "title" in reasons[0]
    assert "expected a JSON object" in reasons[1] and "empty" in reasons[2] and "invalid JSON" in reasons[3]


def test_jsonl_record_with_html_uses_read_html(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    record = {"html": article_html(), "outlet": "Feed Outlet", "url": "https://feed.example/a"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    doc = only_doc(path)
    assert doc.outlet == "Feed Outlet"  # the feed's metadata wins over the page's
    assert doc.url == "https://feed.example/a" and doc.title == "Rebels quit coalition in Aleppo"
    assert PARAGRAPHS[1] in doc.text and "Sign in" not in doc.text


def test_json_array_and_wrapped_object(tmp_path: Path) -> None:
    arr = tmp_path / "a.json"
    arr.write_text(json.dumps([{"text": PARAGRAPHS[0]}, {"text": PARAGRAPHS[1], "date": "2020-01-02"}, 3]))
    wrapped = tmp_path / "b.json"
    wrapped.write_text(json.dumps({"status": "ok", "articles": [{"content": PARAGRAPHS[2]}]}))
    single = tmp_path / "c.json"
    single.write_text(json.dumps({"text": PARAGRAPHS[0], "title": "Solo"}))
    bad = tmp_path / "d.json"
    bad.write_text('[{"text": "a"},')
    items = read_all(arr, wrapped, single, bad)
    assert [type(i).__name__ for i in items] == [
        "Document",
        "Document",
        "IngestError",
        "Document",
        "Document",
        "IngestError",
    ]
    assert items[1].source == f"{arr}#record 2" and items[1].published == "2020-01-02"
    assert items[2].source == f"{arr}#record 3" and items[4].title == "Solo"
    assert items[5].source == str(bad) and "invalid JSON" in items[5].reason


def test_csv_and_tsv(tmp_path: Path) -> None:
    csv_path = tmp_path / "feed.csv"
    body = PARAGRAPHS[0].replace("Monday.", 'Monday, "quoted".\nSecond line.')
    csv_path.write_text(
        'Title,Body,Published,Outlet\n"One","' + body.replace('"', '""') + '",2020-01-01,Daily\n\n'
        f"Two,{PARAGRAPHS[1].replace(',', '')},2020-01-02,Other\n",
        encoding="utf-8",
    )
    docs = read_all(csv_path)
    assert len(docs) == 2 and all(isinstance(d, Document) for d in docs)
    assert docs[0].text == body and docs[0].title == "One" and docs[0].outlet == "Daily"
    assert docs[0].source == f"{csv_path}#row 1" and docs[1].source == f"{csv_path}#row 2"
    tsv_path = tmp_path / "feed.tsv"
    tsv_path.write_text("headline\ttext\nTabbed\tA story, with commas, in a tab file.\n", encoding="utf-8")
    doc = only_doc(tsv_path)
    assert doc.title == "Tabbed" and doc.text == "A story, with commas, in a tab file."
    semi = tmp_path / "semi.csv"
    semi.write_bytes("title;text\nS\u00e9mi;Caf\u00e9 \u201cquoted\u201d text.\n".encode("cp1252"))
    doc = only_doc(semi)
    assert doc.title == "S\u00e9mi" and doc.text == "Caf\u00e9 \u201cquoted\u201d text."


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("a,b\n1,2\n")
    err = only_error(path)
    assert "no text or html column" in err.reason and "a, b" in err.reason


# --- WARC ----------------------------------------------------------------------------------------


def make_warc(gz: bool = True) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    pages = [
        ("https://news.example/a", "text/html; charset=utf-8", article_html("First story").encode()),
        ("https://news.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
        ("https://news.example/b", "text/html", article_html("Second story", date=None).encode()),
    ]
    for url, ctype, payload in pages:
        writer.write_record(
            writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
        )
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(payload),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2023-05-06T07:08:09Z"},
        )
        writer.write_record(record)
    return buf.getvalue()


@pytest.mark.parametrize("gz", [True, False])
def test_warc_with_two_html_responses(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(make_warc(gz))
    items = read_all(path)
    assert len(items) == 2 and all(isinstance(d, Document) for d in items), items
    first, second = items
    assert first.url == "https://news.example/a" and first.title == "First story"
    assert first.published.startswith("2016-08-22")  # the page's own date
    assert second.url == "https://news.example/b" and second.title == "Second story"
    assert second.published == "2023-05-06T07:08:09Z"  # WARC-Date when the page has none
    assert first.source.startswith(f"{path}#record ") and PARAGRAPHS[0] in first.text


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc_keeps_pages_read_so_far(tmp_path: Path, gz: bool) -> None:
    data = make_warc(gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data[: int(len(data) * 0.8)])
    items = read_all(path)
    assert isinstance(items[0], Document) and items[0].title == "First story"
    assert isinstance(items[-1], IngestError) and len(items) == 2
    assert "WARC" in items[-1].reason or "gzip" in items[-1].reason


def test_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_text("hello, this is not an archive\n" * 5)
    assert "not a WARC archive" in only_error(path).reason


# --- folders and gzip ----------------------------------------------------------------------------


def test_folder_mixed_files_sorted_hidden_skipped(tmp_path: Path) -> None:
    (tmp_path / "b_story.txt.gz").write_bytes(gzip.compress(PARAGRAPHS[1].encode("utf-8")))
    (tmp_path / "a_story.txt").write_text(PARAGRAPHS[0], encoding="utf-8")
    sub = tmp_path / "c_sub"
    sub.mkdir()
    (sub / "page.html.gz").write_bytes(gzip.compress(article_html().encode("utf-8")))
    (sub / "feed.jsonl.gz").write_bytes(gzip.compress(json.dumps({"text": PARAGRAPHS[2]}).encode()))
    (sub / "noext").write_bytes(gzip.compress(article_html("Sniffed").encode()))  # gzip found by magic bytes
    (tmp_path / ".hidden.txt").write_text("secret")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main")
    (tmp_path / "d_empty.txt").write_bytes(b"")
    items = read_all(tmp_path)
    sources = [i.source for i in items]
    assert sources == [
        str(tmp_path / "a_story.txt"),
        str(tmp_path / "b_story.txt.gz"),
        f"{sub / 'feed.jsonl.gz'}#line 1",
        str(sub / "noext"),
        str(sub / "page.html.gz"),
        str(tmp_path / "d_empty.txt"),
    ]
    assert [type(i).__name__ for i in items] == ["Document"] * 5 + ["IngestError"]
    assert (
        items[1].text == PARAGRAPHS[1] and items[3].title == "Sniffed" and items[4].outlet == "Daily Planet"
    )


# --- bad input -----------------------------------------------------------------------------------


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.html"
    blank.write_text(" \n\t\n  ")
    assert only_error(empty).reason == "empty file"
    assert "whitespace" in only_error(blank).reason
    gz = tmp_path / "empty.txt.gz"
    gz.write_bytes(gzip.compress(b""))
    assert "empty" in only_error(gz).reason


def test_binary_files(tmp_path: Path) -> None:
    rng = random.Random(1)
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(4000))
    noise = tmp_path / "noise.dat"
    noise.write_bytes(rng.randbytes(4000))
    assert "binary" in only_error(png).reason and "PNG" in only_error(png).reason
    assert "binary" in only_error(noise).reason


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    rng = random.Random(0)
    path.write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(3000)))
    assert only_error(path).reason.startswith("cannot decode")


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(" ".join(PARAGRAPHS * 50).encode() + os.urandom(4000).hex().encode())
    for name in ("cut.txt.gz", "cut.jsonl.gz", "cut.bin"):
        path = tmp_path / name
        path.write_bytes(data[: len(data) // 2])
        errors = [i for i in read_all(path) if isinstance(i, IngestError)]
        assert len(errors) == 1 and errors[0].reason.startswith("truncated gzip"), (name, errors)


def test_too_large_with_small_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text("<html><body>" + "<p>word</p>" * 10_000 + "</body></html>")
    err = only_error(path, max_bytes=50_000)
    assert err.reason.startswith("file too large: 0.1 MB (limit 0.1 MB)") or "too large" in err.reason
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(b"a" * 1_000_000))
    err = only_error(bomb, max_bytes=100_000)
    assert "too large" in err.reason and "gzip" in err.reason


def test_50_mb_file_with_default_limit_is_refused_fast(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    chunk = b"<p>" + b"x" * 1_000_000 + b"</p>"
    with open(path, "wb") as f:
        for _ in range(50):
            f.write(chunk)
    start = time.monotonic()
    err = only_error(path)
    assert time.monotonic() - start < 1.0
    assert err.reason == "file too large: 50.0 MB (limit 20.0 MB)"


def test_missing_path_and_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nope.txt"
    assert only_error(missing).reason == "no such file or directory"
    locked = tmp_path / "locked.txt"
    locked.write_text("secret story")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # root reads anything: make the file refuse as it would for anyone else
            import builtins

            real_open = builtins.open

            def refusing_open(file, *args, **kwargs):
                if str(file) == str(locked):
                    raise PermissionError(13, "Permission denied", str(file))
                return real_open(file, *args, **kwargs)

            monkeypatch.setattr(builtins, "open", refusing_open)
        assert "permission denied" in only_error(locked).reason
    finally:
        locked.chmod(0o644)


def test_fifo_is_not_read(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert "not a regular file" in only_error(fifo).reason


def test_a_run_over_all_bad_inputs_goes_on(tmp_path: Path) -> None:
    rng = random.Random(3)
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n" + rng.randbytes(500))
    (tmp_path / "c.txt.gz").write_bytes(gzip.compress(rng.randbytes(3000))[:100])
    (tmp_path / "d.jsonl").write_text('{"text": "ok one"}\n{oops\n\x00\n{"text": "ok two"}\n')
    (tmp_path / "e.warc.gz").write_bytes(b"\x1f\x8b" + rng.randbytes(300))
    (tmp_path / "f.csv").write_bytes(b"")
    (tmp_path / "g.json").write_text("[" * 100_000)
    (tmp_path / "h.html").write_text("<html>" + "<div>" * 300 + "</html>")
    (tmp_path / "z.txt").write_text(PARAGRAPHS[0])
    items = read_all(tmp_path)
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.text for d in docs] == ["ok one", "ok two", PARAGRAPHS[0]]
    for err in (i for i in items if isinstance(i, IngestError)):
        assert err.reason and "\n" not in err.reason and not err.reason.startswith("unexpected"), err


def test_reasons_for_read_errors_are_one_line() -> None:
    from newsprobe.io.read.files import describe

    assert describe(PermissionError(13, "Permission denied")) == "permission denied"
    assert describe(FileNotFoundError(2, "No such file")) == "no such file or directory"
    assert describe(EOFError("Compressed file ended")).startswith("truncated gzip")
    assert describe(RecursionError()) == "input too deeply nested"


def test_container_records_over_the_limit(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": "x" * 5000}) + "\n" + json.dumps({"text": "short story"}) + "\n")
    items = read_all(feed, max_bytes=1000)
    assert isinstance(items[0], IngestError) and "too large" in items[0].reason
    assert isinstance(items[1], Document) and items[1].text == "short story"
    table = tmp_path / "bomb.csv.gz"
    table.write_bytes(gzip.compress(b"text\n" + b"a" * 2_000_000))
    err = [i for i in read_all(table, max_bytes=1000) if isinstance(i, IngestError)]
    assert len(err) == 1 and "too large" in err[0].reason


def test_an_agency_credit_styled_apart_from_the_first_word_gets_a_space() -> None:
    """CNN's pages write `<cite>(CNN)</cite>President ...`: the text said "(CNN)President", and NER found an ORG
    "CNN Business)A". The reader puts a space after such a credit at a paragraph's start, and nowhere else."""
    html = article_html().replace("<p>", '<p><cite class="source">HONG KONG (Planet Wire)</cite>', 1)
    html = html.replace("</h1>", '</h1><p><cite>(Planet)</cite>A convoy left, the (Planet)Wire said.</p>', 1)
    doc = read_html(html, "page.html")
    assert "HONG KONG (Planet Wire) " + PARAGRAPHS[0] in doc.text
    assert "(Planet) A convoy left, the (Planet)Wire said." in doc.text


def test_an_article_laid_out_in_a_table_cell_keeps_its_paragraphs() -> None:
    """Old sites put the whole article in one table cell: trafilatura keeps the table, and read as a table of
    figures its paragraphs ran together ("in Iran unrestNovember 20", "on November 19.At least 106"). A table whose
    cells hold paragraphs is layout: each paragraph stays one. A table of figures still reads as rows."""
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = ("<html><head><title>Harbor flooding closes the port</title></head><body><table><tr><td>"
            f"<h1>Harbor flooding closes the port</h1><p>November 20, 2019 - 11:28</p>{paras}"
            "</td></tr></table></body></html>")
    doc = read_html(html, "page.html")
    for paragraph in PARAGRAPHS:
        assert f"\n\n{paragraph}\n\n" in f"\n\n{doc.text}\n\n"
    assert "November 20, 2019 - 11:28\n\n" + PARAGRAPHS[0] in doc.text
    data = article_html().replace("</article>", "<table><tr><td>Port</td><td>Ships</td></tr>"
                                  "<tr><td>North</td><td>12</td></tr></table></article>")
    assert "Port | Ships\nNorth | 12" in read_html(data, "page.html").text


def test_a_hover_card_after_a_name_is_no_text_but_the_words_after_it_are() -> None:
    """The Hill follows each politician's name with a hidden card of their latest headlines: "threatened to kill Rep.
    Ilhan OmarIlhan OmarHillicon Valley: ... MORE (D-Minn.)" was the first sentence. The card goes, its tail stays,
    and a tooltip's trigger word (the visible part) stays."""
    card = ('<span class="rollover-people"><a href="/people/mara-quill">Mara Quill</a>'
            '<span class="rollover-people-block" id="r-1"><span class="rollover-block"><a class="name">Mara Quill</a>'
            '<a class="people-articles" href="/x">Harbor bill stalls | Senators call for a port audit</a> '
            '<a class="more" href="/people/mara-quill">MORE</a></span></span></span>')
    html = article_html().replace("<p>", f'<p>Senator {card} (D-Harbor) backed the <span class="tooltip">levy'
                                  '<span class="tooltiptext">a tax on cargo</span></span> on Monday. ', 1)
    text = read_html(html, "page.html").text
    assert "Senator Mara Quill (D-Harbor) backed the levy on Monday. " + PARAGRAPHS[0] in text
    assert "Harbor bill stalls" not in text and "MORE" not in text and "a tax on cargo" not in text
