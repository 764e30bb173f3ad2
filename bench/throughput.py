"""Throughput of the core pipeline against a bare spaCy parse of the same texts, in one run.

The core (cleaning, metadata, language, the sentence/entity/date layers, the span export and the
summary) should cost at most 1.3x the parse it is built on. Usage: python bench/throughput.py [N]
"""

from __future__ import annotations

import gc
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import spacy  # noqa: E402
from report import write_section  # noqa: E402

from newsprobe.model import Document  # noqa: E402
from newsprobe.pipeline import BASE_MODEL, analyse, load_nlp  # noqa: E402
from newsprobe.prepare import prepare  # noqa: E402
from newsprobe.synth import articles  # noqa: E402

TARGET = 1.3


def main(n: int = 500, rounds: int = 2) -> dict:
    recs = articles(n, words=600, seed=1)
    docs = [Document(source=f"synth#{i}", **r) for i, r in enumerate(recs)]
    texts = [r["text"] for r in recs]
    words = sum(len(t.split()) for t in texts)

    bare = spacy.load(BASE_MODEL)
    core = load_nlp()
    for _ in bare.pipe(texts[:20]):  # warm both up: first calls allocate
        pass
    list(analyse([prepare(d) for d in docs[:20]], nlp=core))

    def run_bare() -> float:
        t = time.perf_counter()
        for _ in bare.pipe(texts, batch_size=64):
            pass
        return time.perf_counter() - t

    def run_core() -> float:
        t = time.perf_counter()
        for _ in analyse((prepare(d) for d in docs), batch_size=64, nlp=core):
            pass
        return time.perf_counter() - t

    bare_t, core_t = [], []
    for _ in range(rounds):  # alternate, so drift in machine speed hits both alike
        gc.collect()
        bare_t.append(run_bare())
        gc.collect()
        core_t.append(run_core())
    b, c = min(bare_t), min(core_t)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res = {
        "articles": n,
        "words": words,
        "bare_articles_s": n / b,
        "bare_words_s": words / b,
        "core_articles_s": n / c,
        "core_words_s": words / c,
        "ratio": c / b,
        "peak_rss_mb": peak_mb,
    }
    return res


def render(r: dict) -> str:
    ok = "meets" if r["ratio"] <= TARGET else "MISSES"
    return f"""Core pipeline (`newsprobe.analyze` path: clean, metadata, language, sentence/entity/date layers, export,
summary) against a bare `{BASE_MODEL}` parse of the same {r["articles"]} generated articles
({r["words"]:,} words, about {r["words"] // r["articles"]} words each), best of 2 alternating rounds, one process.

| pipeline | articles/s | words/s |
| --- | ---: | ---: |
| bare spaCy parse | {r["bare_articles_s"]:.1f} | {r["bare_words_s"]:,.0f} |
| newsprobe core | {r["core_articles_s"]:.1f} | {r["core_words_s"]:,.0f} |

Cost ratio core / bare: **{r["ratio"]:.2f}x** (target <= {TARGET}x: {ok}). Peak memory (max RSS of the
process, both pipelines loaded): {r["peak_rss_mb"]:.0f} MB.
"""


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    result = main(n)
    text = render(result)
    print(text)
    write_section("throughput", text)
