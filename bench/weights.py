"""The two forms of the encoders' 8-bit weights on this CPU: uint8 (the files; ONNX Runtime's exact uint8 x uint8
kernel) against int8 (what `newsprobe.core.weights` loads on CPUs with VNNI or AMX), for each model layer.

Speed: one batch of 8 x 128 tokens, one thread, the two sessions run alternately ROUNDS times (a burst of load on a
shared machine hits both), median. Agreement: the largest difference between the two forms' hidden states on the
same batch: 0 (or float rounding) where the int8 kernel is exact (VNNI), larger where it saturates (AVX2 without VNNI).
Usage: python bench/weights.py [ROUNDS]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import write_section  # noqa: E402

LAYERS = ("attribution", "claims", "techniques")
MODELS = Path(__file__).resolve().parents[1] / "src" / "newsprobe" / "layers"


def session(model: str | bytes):
    import onnxruntime as ort

    from newsprobe.core.encoder import session_options

    return ort.InferenceSession(model, sess_options=session_options(1), providers=["CPUExecutionProvider"])


def measure(rounds: int) -> dict:
    import numpy as np

    from newsprobe.core.weights import has_vnni, signed_weights

    ids = np.random.default_rng(0).integers(1000, 20000, size=(8, 128)).astype(np.int64)
    feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    out = {"vnni": has_vnni(), "rounds": rounds, "load": os.getloadavg()[0], "layers": {}}
    for layer in LAYERS:
        path = MODELS / layer / "model" / "encoder.onnx"
        forms = {"uint8": session(str(path)), "int8": session(signed_weights(path.read_bytes()))}
        hidden = {name: s.run(["last_hidden_state"], feeds)[0] for name, s in forms.items()}  # also a warm-up
        times: dict[str, list[float]] = {name: [] for name in forms}
        for _ in range(rounds):
            for name, s in forms.items():
                start = time.perf_counter()
                s.run(["last_hidden_state"], feeds)
                times[name].append(1000 * (time.perf_counter() - start))
        out["layers"][layer] = {**{f"{name}_ms": statistics.median(t) for name, t in times.items()},
                                "max_diff": float(np.max(np.abs(hidden["uint8"] - hidden["int8"])))}
    out["load_end"] = os.getloadavg()[0]
    return out


def render(r: dict) -> str:
    rows = "\n".join(f"| {layer} | {v['uint8_ms']:.1f} ms | {v['int8_ms']:.1f} ms | "
                     f"{v['uint8_ms'] / v['int8_ms']:.2f}x | {v['max_diff']:.3g} |" for layer, v in r["layers"].items())
    used = "int8 (VNNI or AMX found)" if r["vnni"] else "uint8 (no VNNI found)"
    return f"""The encoders' 8-bit weights in their two forms (`newsprobe.core.weights`), one batch of 8 x 128 tokens on
one thread, the forms run alternately, median of {r['rounds']} (load average {r['load']:.1f} -> {r['load_end']:.1f}).
This CPU loads the {used} form. "Largest difference": between the two forms' hidden states on that batch; 0 (or float
rounding) where the int8 kernel is exact (VNNI), large where it saturates (x86 without VNNI), which is why the
files carry uint8 weights.

| model | uint8 weights | int8 weights | uint8 / int8 | largest difference |
| --- | ---: | ---: | ---: | ---: |
{rows}
"""


if __name__ == "__main__":
    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
    text = render(result)
    print(text)
    write_section("weights", text)
