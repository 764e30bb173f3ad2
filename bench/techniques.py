"""Speed and accuracy of the propaganda-technique layer, in one run.

Targets (issue 4): the layer takes at most 150 ms per 600-word article on ONE CPU core with ONNX Runtime; on PTC dev
(../shared/data/ptc) SI F1 >= 0.42 and TC micro-F1 >= 0.55. Speed articles come from `newsprobe.synth` (about 600
words each), so the figure never depends on copyrighted text.
Usage: python bench/techniques.py [ARTICLES]
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
TARGET_SI = 0.42
TARGET_TC = 0.55
ROUNDS = 5
PTC = Path(__file__).resolve().parents[2] / "shared" / "data" / "ptc"


def measure(n: int) -> dict:
    """Per-article latency of the whole technique layer (tokenize, encoder chunks, SI decoding, TC head, writing
    the spans) on documents already parsed, after a warm-up that loads the model."""
    from newsprobe.layers.techniques.component import TechniqueTagger
    from newsprobe.layers.techniques.tagger import MODEL_DIR

    speed = time_layer(TechniqueTagger(), "technique", n, ROUNDS)
    return speed | {"load": os.getloadavg()[0], "model_mb": (MODEL_DIR / "encoder.onnx").stat().st_size / 2**20,
                    "head_kb": (MODEL_DIR / "head.json").stat().st_size / 2**10}


def accuracy() -> dict | None:
    from newsprobe.layers.techniques.evaluate import evaluate_ptc
    from newsprobe.layers.techniques.tagger import default_threshold

    if not (PTC / "dev-articles").is_dir():
        return None
    start = time.perf_counter()
    result = evaluate_ptc(PTC / "dev-articles", si_gold=PTC / "dev-task-si.labels",
                          tc_gold=PTC / "dev-task-flc-tc.labels")
    return result | {"threshold": default_threshold(), "seconds": time.perf_counter() - start}


def render(speed: dict, acc: dict | None) -> str:
    ok = "meets" if speed["median_ms"] <= TARGET_MS else "MISSES"
    text = f"""The technique layer (`newsprobe/techniques`: the MiniLM encoder in ONNX Runtime over chunks of the
article, per-token SI head, span decoding, technique head in numpy) on **one thread**, for
{speed['articles']} generated articles of about {speed['words']:.0f} words, {ROUNDS} rounds
({speed['spans']:.1f} technique spans per article found in these generated texts; the technique head adds about
0.1 ms per span: on 20 PTC dev articles, about 10 spans each, the layer took 88 ms per 600 words).
Load average at the end of the timing: {speed['load']:.1f} on 2 cores (other jobs were running).

| measure | value |
| --- | --- |
| median ms per article | {speed['median_ms']:.1f} |
| 90th percentile ms per article | {speed['p90_ms']:.1f} |
| encoder size | {speed['model_mb']:.1f} MB (+ head {speed['head_kb']:.0f} KB) |
"""
    if acc is None:
        text += "\nPTC dev scores not measured: `../shared/data/ptc/` is not here.\n"
    else:
        si, tc = acc["si"], acc["tc"]
        text += (
            f"| PTC dev SI (SemEval-2020 Task 11) | P {si['precision']:.3f}, R {si['recall']:.3f}, "
            f"**F1 {si['f1']:.3f}** (threshold {acc['threshold']}) |\n"
            f"| PTC dev TC micro-F1 (gold spans) | **{tc['micro_f1']:.3f}** ({tc['correct']} of {tc['gold']}) |\n"
            f"| dev evaluation time (75 articles, one thread) | {acc['seconds']:.0f} s |\n"
        )
    text += f"\nThe speed target is at most {TARGET_MS:.0f} ms per 600-word article on one core: this run **{ok}** it."
    if acc is not None:
        si_ok = "meets" if acc["si"]["f1"] >= TARGET_SI else "MISSES"
        tc_ok = "meets" if acc["tc"]["micro_f1"] >= TARGET_TC else "MISSES"
        text += (f" SI F1 target {TARGET_SI}: **{si_ok}**. TC micro-F1 target {TARGET_TC}: **{tc_ok}**.")
    return text + "\n"


def main(n: int = 20) -> str:
    text = render(measure(n), accuracy())
    print(text)
    write_section("techniques", text)
    return text


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
