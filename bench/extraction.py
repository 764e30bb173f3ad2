"""Article bodies from real web pages against the extraction benchmark's true bodies, beside trafilatura's own.

    python bench/extraction.py [--limit N]

newsprobe reads HTML with trafilatura and then cleans what it gets (debris lines, the headline, the site's name);
this says whether that cleaning gains or costs body text, on the 181 pages of the Article Extraction Benchmark
(`../shared/data/extraction/aeb`), scored as that benchmark scores (4-word shingles of lower-cased \\w+ tokens,
precision and recall per page, averaged over pages; F1 of the averages). Three readings of each page:
trafilatura's `extract` with its defaults (the figure the field quotes), newsprobe's reader before cleaning, and
the clean text newsprobe analyses, without its headline line (the true bodies have none). A page newsprobe refuses
(no article in it) counts as an empty body.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import write_section  # noqa: E402

AEB = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction" / "aeb"
SHINGLE = 4
TOKEN = re.compile(r"\w+")
PUBLISHED = {"trafilatura 2.0.0 (the benchmark's own run)": 0.958, "readability-lxml 0.8.4.1": 0.922,
             "newspaper4k 0.9.3.1": 0.949}


def shingles(text: str) -> Counter:
    tokens = TOKEN.findall(text.lower())
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(max(0, len(tokens) - SHINGLE + 1)))


def score(truth: str, predicted: str) -> tuple[float, float]:
    """Precision and recall of one page; an empty prediction of a non-empty body is wrong both ways."""
    t, p = shingles(truth), shingles(predicted)
    if not t and not p:
        return 1.0, 1.0
    if not t or not p:
        return 0.0, 0.0
    common = sum((t & p).values())
    return common / sum(p.values()), common / sum(t.values())


def readings(html: str, source: str, reference: bool = True) -> dict[str, str]:
    """The page's body as each reader gives it; `reference=False` leaves trafilatura's own reading out."""
    import trafilatura

    from newsprobe.core.model import IngestError
    from newsprobe.io.prepare import prepare
    from newsprobe.io.read.common import UnreadableInput
    from newsprobe.io.read.html import read_html

    out = {"trafilatura extract (defaults)": trafilatura.extract(html) or ""} if reference else {}
    try:
        doc = read_html(html, source)
    except UnreadableInput:
        return out | {"newsprobe reader": "", "newsprobe clean text": ""}
    out["newsprobe reader"] = doc.text
    art = prepare(doc)
    if isinstance(art, IngestError):
        return out | {"newsprobe clean text": ""}
    text = art.text
    if art.title is not None:  # the clean text opens with the headline line then
        text = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    out["newsprobe clean text"] = text
    return out


def evaluate(limit: int = 0, reference: bool = True) -> tuple[dict[str, tuple[float, float, float, int]], int, float]:
    """Per reading: mean precision, mean recall, F1 of the two, pages with F1 >= 0.9; the pages; seconds spent."""
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    pages = sorted(truth)[: limit or None]
    sums: dict[str, list[float]] = {}
    good: Counter = Counter()
    seconds = 0.0
    for key in pages:
        html = gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        start = time.perf_counter()
        texts = readings(html, key, reference)
        seconds += time.perf_counter() - start
        for name, text in texts.items():
            p, r = score(truth[key].get("articleBody") or "", text)
            acc = sums.setdefault(name, [0.0, 0.0])
            acc[0] += p
            acc[1] += r
            good[name] += p + r > 0 and 2 * p * r >= 0.9 * (p + r)
    figures = {}
    for name, (p, r) in sums.items():
        p, r = p / len(pages), r / len(pages)
        figures[name] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, good[name])
    return figures, len(pages), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="first N pages only (a quick look; not written)")
    args = parser.parse_args()
    figures, n, seconds = evaluate(args.limit)
    rows = []
    for name, (p, r, f1, good) in figures.items():
        rows.append(f"| {name} | {p:.3f} | {r:.3f} | **{f1:.3f}** | {good / n:.0%} |")
        print(f"{name:32s} P {p:.3f} R {r:.3f} F1 {f1:.3f} pages with F1 >= 0.9: {good}")
    print(f"{seconds / n * 1000:.0f} ms per page for all three readings")
    if args.limit:
        return
    published = ", ".join(f"{k} {v:.3f}" for k, v in PUBLISHED.items())
    write_section("extraction", f"""
Article bodies of the {n} pages of the Article Extraction Benchmark (Zyte, `../shared/data/extraction/aeb`),
scored as that benchmark scores: 4-word shingles of lower-cased `\\w+` tokens, precision and recall per page averaged
over pages, F1 of the averages. "newsprobe clean text" is what every layer analyses, less its headline line (the
true bodies have none); "newsprobe reader" is the body trafilatura gives newsprobe, before cleaning. All three
readings in the same run, trafilatura {__import__('trafilatura').__version__}; load average
{os.getloadavg()[0]:.1f} at the end.

| reading | precision | recall | F1 | pages with F1 >= 0.9 |
| --- | ---: | ---: | ---: | ---: |
{chr(10).join(rows)}

Published on this benchmark (its README): {published}. The bar is trafilatura's own figure: the cleaning must not
cost body text that trafilatura finds.
""")


if __name__ == "__main__":
    main()
