"""Speed and accuracy of the attribution layer, in one run.

Targets (issue #3): on PolNeAR dev, exact-match F1 at least 0.75 for sources, 0.70 for cues and 0.65 for contents, and
at most 150 ms per 600-word article on ONE CPU core for the whole layer (tagging, linking, source rules). Speed is
measured on `newsprobe.synth` articles (about 600 words), so it never depends on copyrighted text; accuracy runs the
same code as `newsprobe eval attribution --brat ../shared/data/polnear/data/dev`.
Usage: python bench/attribution.py [ARTICLES]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ["NEWSPROBE_THREADS"] = "1"  # the target is per core; set before the encoder builds its session

sys.path.insert(0, str(Path(__file__).resolve().parent))

from layer_timing import time_layer  # noqa: E402
from report import write_section  # noqa: E402

TARGET_MS = 150.0
TARGET_F1 = {"source": 0.75, "cue": 0.70, "content": 0.65}
ROUNDS = 5
DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "data" / "dev"


def measure(n: int) -> dict:
    """Per-article latency of the layer on documents already parsed, after a warm-up that loads the model."""
    from newsprobe.layers.attribution.component import AttributionTagger
    from newsprobe.layers.attribution.tagger import MODEL_DIR

    speed = time_layer(AttributionTagger(), "attribution", n, ROUNDS)
    return speed | {"statements": speed["spans"], "model_mb": (MODEL_DIR / "encoder.onnx").stat().st_size / 2**20}


def accuracy() -> dict | None:
    """Dev scores by segment (the target's unit, as CofeNet counts) and by statement, from one run of the layer."""
    from newsprobe.layers.attribution.evaluate import (
        UNITS,
        attribution_spans,
        attributions_from_spans,
        read_brat_dir,
        score,
    )

    if not DEV.is_dir():
        return None
    start = time.perf_counter()
    docs = read_brat_dir(DEV)
    names = sorted(docs)
    spans = attribution_spans([docs[n].text for n in names])
    seconds = time.perf_counter() - start
    pred = {n: attributions_from_spans(docs[n].text, s) for n, s in zip(names, spans, strict=True)}
    gold, texts = {n: docs[n].attributions for n in names}, {n: docs[n].text for n in names}
    return {"scores": {unit: score(pred, gold, texts, unit) for unit in UNITS}, "seconds": seconds,
            "articles": len(names)}


def render(speed: dict, acc: dict | None) -> str:
    ok = "meets" if speed["median_ms"] <= TARGET_MS else "MISSES"
    text = f"""The attribution layer (`newsprobe/attribution`: the int8 MiniLM tagger in ONNX Runtime over windows of
whole sentences, a linear BIO head in numpy, linking and the source rules) on **one thread**, for
{speed['articles']} generated articles of about {speed['words']:.0f} words ({speed['statements']:.1f} statements
found each), {ROUNDS} rounds.

| measure | value |
| --- | --- |
| median ms per article | {speed['median_ms']:.1f} |
| 90th percentile ms per article | {speed['p90_ms']:.1f} |
| encoder size | {speed['model_mb']:.1f} MB |

The speed target is at most {TARGET_MS:.0f} ms per 600-word article on one core: this run **{ok}** it.
"""
    if acc is None:
        return text + "\nPolNeAR dev not measured: `../shared/data/polnear/` is not here.\n"
    text += f"""
PolNeAR dev ({acc['articles']} articles, {acc['seconds']:.0f} s including the parse), by segment (each contiguous
run of a role is one span, as CofeNet counts; the targets are set in this unit):

| role | exact P | exact R | exact F1 | target | overlap P | overlap R | overlap F1 |
| --- | --- | --- | --- | --- | --- | --- | --- |
"""
    for role, target in TARGET_F1.items():
        e, o = acc["scores"]["segment"][role]["exact"], acc["scores"]["segment"][role]["overlap"]
        verdict = "meets" if e["f1"] >= target else "MISSES"
        text += (f"| {role} | {e['precision']:.3f} | {e['recall']:.3f} | **{e['f1']:.3f}** | {target:.2f} "
                 f"({verdict}) | {o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} |\n")
    strict = acc["scores"]["statement"]
    text += ("\nBy statement (`--unit statement`: a content split by its source and cue counts as one span, right "
             "only if every piece is), exact F1: " + ", ".join(f"{r} {strict[r]['exact']['f1']:.3f}" for r in TARGET_F1)
             + ".\n")
    text += ("\nFor reference, CofeNet (COLING 2022) reports on PolNeAR *test* exact F1 0.832 / 0.753 / 0.729 "
             "(BERT-base + Cofe) and 0.822 / 0.749 / 0.710 (BERT-base + CRF).\n")
    return text


def main(n: int = 20) -> str:
    text = render(measure(n), accuracy())
    print(text)
    write_section("attribution", text)
    return text


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
