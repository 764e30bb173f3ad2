"""Cost of analysing one long document (all layers), by length: seconds and peak memory, one process per length.

Texts over `WINDOW_CHARS` are analysed in windows cut between paragraphs (core/pipeline.py), so the cost should grow
in proportion to the length, where one whole parse used to grow faster (issue 16: 100k characters 17.5 s and 686 MB,
300k 60 s and 1.3 GB, 900k killed after 300 s; over 1,000,000 spaCy refused the text and the batch was lost). The text
is made of real news articles from ../shared (PolNeAR), joined with blank lines until the length is reached.

    nice -n 10 .venv/bin/python bench/long_documents.py [100000 300000 1000000]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from report import write_section  # noqa: E402

TEXTS = HERE.parents[1] / "shared" / "data" / "polnear" / "data" / "train" / "text"
LENGTHS = [20_000, 100_000, 300_000, 1_000_000]


def long_text(n: int) -> str:
    parts, size = [], 0
    for path in sorted(TEXTS.glob("*.txt")):
        body = path.read_text(encoding="utf-8").strip()
        parts.append(body)
        size += len(body) + 2
        if size >= n:
            break
    text = "\n\n".join(parts)
    while len(text) < n:  # fewer articles than needed: repeat them
        text = text + "\n\n" + text
    return text[:n]


def measure(n: int) -> dict:
    from newsprobe.core.model import Article
    from newsprobe.core.pipeline import WINDOW_CHARS, analyse, load_nlp, windows

    nlp = load_nlp()
    next(analyse([Article(id="w", text="Officials said on Monday that the bridge reopened.")], nlp=nlp))
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text = long_text(n)
    start = time.perf_counter()
    (art,) = analyse([Article(id="long", text=text, published="2016-08-29")], nlp=nlp)
    seconds = time.perf_counter() - start
    assert all(text[s.start:s.end] == s.text for s in art.spans)
    return {"chars": len(text), "windows": len(windows(text)), "window_chars": WINDOW_CHARS, "seconds": seconds,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "base_mb": base_rss,
            "spans": len(art.spans), "words": art.summary["words"]}


def render(rows: list[dict]) -> str:
    from newsprobe.core.pipeline import MAX_CHARS

    base = rows[0]
    lines = "\n".join(
        f"| {r['chars']:,} | {r['windows']} | {r['seconds']:.1f} | {r['chars'] / r['seconds']:,.0f} | "
        f"{(r['seconds'] / r['chars']) / (base['seconds'] / base['chars']):.2f} | {r['peak_mb']:,.0f} | "
        f"{r['spans']:,} |"
        for r in rows
    )
    load = os.getloadavg()[0]
    return f"""One long document (real articles from PolNeAR joined by blank lines) analysed with every layer, in
windows of {base['window_chars']:,} characters cut between paragraphs; one process per length (peak memory is that
process's maximum RSS, the loaded models included: {base['base_mb']:,.0f} MB before the long text). "Cost per
character" is relative to the shortest text: about 1.0 all along means the cost is linear in the length.
Load average when the run started: {load:.1f} on {os.cpu_count()} cores shared with other work, so the seconds are
slower than on an idle machine; the ratios are what this measures.

| characters | windows | seconds | characters/s | cost per character (x) | peak memory MB | spans |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
{lines}

Before windows (as measured for issue 16, on this kind of machine): 100,000 characters 17.5 s and 686 MB, 300,000
60 s and 1.3 GB, 900,000 killed after 300 s; a text over 1,000,000 characters was refused by spaCy and its whole
batch lost. Texts over
{MAX_CHARS:,} characters are reported as too long (with the limit) instead of analysed.
"""


def main(lengths: list[int]) -> None:
    rows = []
    for n in lengths:
        out = subprocess.run([sys.executable, __file__, "--measure", str(n)], check=True, capture_output=True,
                             text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    text = render(rows)
    print(text)
    write_section("long_documents", text)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        print(json.dumps(measure(int(sys.argv[2]))))
        sys.exit(0)
    main([int(a) for a in sys.argv[1:]] or LENGTHS)
