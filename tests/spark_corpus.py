"""A small corpus in every input format newsprobe reads, with the cases a large crawl has: boilerplate repeated
across a site, an exact duplicate, and broken inputs. Used by the Spark tests and bench/spark.py."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from pathlib import Path

from newsprobe.synth import articles

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
POLNEAR = SHARED / "data" / "polnear" / "data" / "dev" / "text"
AEB = SHARED / "data" / "extraction" / "aeb" / "html"
FOOTER = "Levant Daily is published by the Levant Media Group in Beirut"
TOPICS = ["the water supply", "the bread price", "the school year", "the power cuts", "the bus routes"]


def _page(i: int) -> str:
    topic = TOPICS[i % len(TOPICS)]
    return (
        f"The council met again on {topic}, officials said after a long session on day {i}.\n\n"
        f"Residents told reporters that {topic} had been their first worry all winter, said Omar Khalil.\n\n"
        f"Share this article\n\n{FOOTER}\n"
    )


def _warc(path: Path, pages: list[tuple[str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                                          http_headers=headers))
        writer.write_record(writer.create_warc_record("https://levant.example/logo.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG...."),
                                                      http_headers=StatusAndHeaders(
                                                          "200 OK", [("Content-Type", "image/png")],
                                                          protocol="HTTP/1.1")))


def _html(rec: dict) -> str:
    paras = "".join(f"<p>{p}</p>" for p in rec["text"].split("\n\n"))
    return (f"<html lang='en'><head><title>{rec['title']}</title></head><body><nav>Home | World</nav>"
            f"<article><h1>{rec['title']}</h1>{paras}</article><footer>Contact us</footer></body></html>")


def build(root: Path, synth: int = 22, real: int = 12, pages: int = 8, html: int = 3) -> Path:
    """The corpus folder: about `synth + real + pages + html + 3` articles and 4 broken inputs."""
    recs = articles(synth, words=220, seed=7)
    corpus = root / "corpus"
    site = corpus / "site"  # one site's pages, sharing a footer the line statistics must find
    site.mkdir(parents=True)
    for i in range(pages):
        (site / f"page{i:02d}.txt").write_text(_page(i), encoding="utf-8")
    third = len(recs) // 3
    with (corpus / "feed.jsonl").open("w", encoding="utf-8") as fh:
        for rec in recs[:third]:
            fh.write(json.dumps(rec) + "\n")
        fh.write('{"title": "cut off", "text": \n')  # a broken line costs that line
    with (corpus / "feed.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["title", "outlet", "published", "url", "text"])
        w.writeheader()
        w.writerows(recs[third:2 * third])
    gz = corpus / "gz"
    gz.mkdir()
    for i, rec in enumerate(recs[2 * third:]):
        (gz / f"story{i:02d}.txt.gz").write_bytes(gzip.compress(rec["text"].encode("utf-8")))
    _warc(corpus / "crawl.warc.gz", [(r["url"], _html(r)) for r in articles(3, words=180, seed=11)])
    texts = corpus / "polnear"
    texts.mkdir()
    for path in sorted(POLNEAR.glob("*.txt"))[:real]:
        shutil.copy(path, texts / path.name)
    pagesdir = corpus / "html"
    pagesdir.mkdir()
    for path in sorted(AEB.glob("*.html.gz"))[:html]:
        shutil.copy(path, pagesdir / path.name)
    copy = corpus / "zz-copies"  # an exact copy of a story read earlier: stored once
    copy.mkdir()
    shutil.copy(sorted(POLNEAR.glob("*.txt"))[0], copy / "copy.txt")
    broken = corpus / "broken"
    broken.mkdir()
    (broken / "empty.txt").write_bytes(b"")
    story = " ".join(f"Day {i}: the story goes on." for i in range(400)).encode()
    (broken / "cut.txt.gz").write_bytes(gzip.compress(story)[:400])  # a download cut short
    (broken / "only-nav.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    return corpus
