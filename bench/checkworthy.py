"""Speed and accuracy of the check-worthiness model, in one run.

Target: scoring a 600-word article's sentences takes at most 100 ms on ONE CPU core with ONNX Runtime, and F1 of the
"Yes" class on CheckThat! dev-test (../shared/data/checkworthy) stays at or above 0.78. Articles come from
`newsprobe.synth` (about 600 words each, split into sentences), so the figure never depends on copyrighted text.
Usage: python bench/checkworthy.py [ARTICLES]
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

TARGET_MS = 100.0
TARGET_F1 = 0.78
ROUNDS = 5
CHECKWORTHY_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "checkworthy"
DEV_TEST = CHECKWORTHY_DATA / "CT24_checkworthy_english_dev-test.tsv"



def measure(n: int) -> dict:
    """Per-article latency of the whole claim layer (check-worthiness scoring of every sentence, quantity
    parsing, writing the spans) on documents already parsed, after a warm-up that loads the model."""
    from newsprobe.layers.claims.checkworthy import MODEL_DIR
    from newsprobe.layers.claims.component import ClaimTagger

    speed = time_layer(ClaimTagger(), "claim", n, ROUNDS)
    return speed | {"model_mb": (MODEL_DIR / "encoder.onnx").stat().st_size / 2**20, "load": os.getloadavg()[0]}


def accuracy() -> dict | None:
    from newsprobe.layers.claims.checkworthy import load_head
    from newsprobe.layers.claims.evaluate import evaluate_tsv

    if not DEV_TEST.exists():
        return None
    start = time.perf_counter()
    result = evaluate_tsv(DEV_TEST)
    return result | {"threshold": load_head().threshold, "seconds": time.perf_counter() - start}


def render(speed: dict, acc: dict | None) -> str:
    ok = "meets" if speed["median_ms"] <= TARGET_MS else "MISSES"
    text = f"""The claim layer (`newsprobe/claims`: check-worthiness of every sentence with the int8 MiniLM
encoder in ONNX Runtime, mean pooling and a linear head in numpy, plus the quantity parser) on
**one thread** (load average {speed['load']:.1f} at the end of the run), for {speed['articles']} generated articles of
about {speed['words']:.0f} words ({speed['sentences']:.0f} sentences each), {ROUNDS} rounds. The int8 kernels need
AVX-512 VNNI or AVX-VNNI to be fast; on an Intel Xeon with them, quiet, the same layer took 77 ms. The dev-test figure
is reported, never tuned on: the model and threshold were chosen by cross-validation over debates (model card).

| measure | value |
| --- | --- |
| median ms per article | {speed['median_ms']:.1f} |
| 90th percentile ms per article | {speed['p90_ms']:.1f} |
| encoder size | {speed['model_mb']:.1f} MB |
"""
    if acc is None:
        text += "\nDev-test F1 not measured: `../shared/data/checkworthy/` is not here.\n"
    else:
        text += (
            f"| dev-test (CheckThat! 2024 English, {acc['n']} sentences) F1 of Yes | {acc['f1']:.3f} "
            f"(P {acc['precision']:.3f}, R {acc['recall']:.3f}, accuracy {acc['accuracy']:.3f}, "
            f"threshold {acc['threshold']:.2f}) |\n"
        )
    text += f"\nThe speed target is at most {TARGET_MS:.0f} ms per 600-word article on one core: this run **{ok}** it."
    if acc is not None:
        f1_ok = "meets" if acc["f1"] >= TARGET_F1 else "MISSES"
        text += f" The F1 floor is {TARGET_F1}: this run **{f1_ok}** it."
    return text + "\n"


def main(n: int = 20) -> str:
    text = render(measure(n), accuracy())
    print(text)
    write_section("checkworthy", text)
    return text


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
