"""Rewrite shipped int8 encoders with uint8 weights (`training.common.unsigned_weights`), in place.

The models trained before 2026-11-30 were quantized with int8 weights; this makes them compute the same on CPUs with
and without VNNI without retraining or requantizing (the dequantized weights are identical).
Usage: python -m training.unsigned_weights src/newsprobe/layers/*/model/encoder.onnx
"""

from __future__ import annotations

import sys
from pathlib import Path

from training.common import unsigned_weights

if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {unsigned_weights(Path(name), Path(name))} weights now uint8")
