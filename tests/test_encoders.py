"""The shipped encoders compute the same on every x86 CPU (`newsprobe.core.weights`).

With int8 weights, ONNX Runtime's kernel on x86 CPUs without VNNI saturates, and the same file scored lower there
(PolNeAR dev content F1 0.642 instead of 0.655, PTC dev SI F1 0.418 instead of 0.427, on an AMD EPYC). The files
carry uint8 weights (exact everywhere); on a CPU with VNNI they become int8 again in memory (exact there, faster).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.weights import INT8, UINT8, dequantized_weight_types, has_vnni, model_for_cpu, signed_weights
from newsprobe.layers.attribution.tagger import MODEL_DIR as ATTRIBUTION
from newsprobe.layers.claims.checkworthy import MODEL_DIR as CLAIMS
from newsprobe.layers.techniques.tagger import MODEL_DIR as TECHNIQUES

MODELS = pytest.mark.parametrize("model_dir", [ATTRIBUTION, CLAIMS, TECHNIQUES],
                                 ids=["attribution", "claims", "techniques"])
TEXT = "Opposition sources said on Monday that more than 3,200 militants had been killed in recent weeks."


def _hidden(model: str | bytes, model_dir: Path, fused: bool = True) -> np.ndarray:
    """The encoder's output; unfused, ONNX Runtime evaluates the quantized graph in float (no integer kernels)."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    from newsprobe.core.encoder import session_options

    options = session_options(1)
    if not fused:
        options.add_session_config_entry("session.disable_quant_qdq", "1")
    session = ort.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
    ids = np.array([Tokenizer.from_file(str(model_dir / "tokenizer.json")).encode(TEXT).ids], dtype=np.int64)
    return session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0]


@MODELS
def test_every_matmul_weight_ships_as_uint8(model_dir: Path) -> None:
    weights = dequantized_weight_types((model_dir / "encoder.onnx").read_bytes())
    assert len(weights) >= 60  # 36 matmul weights less those kept in float, with their zero points
    assert {name for name, kind in weights.items() if kind != UINT8} == set()


@MODELS
def test_int8_form_is_the_same_model(model_dir: Path) -> None:
    path = model_dir / "encoder.onnx"
    signed = signed_weights(path.read_bytes())
    assert set(dequantized_weight_types(signed).values()) == {INT8}
    assert signed_weights(signed) == signed  # nothing left to turn
    # the same numbers once dequantized: the graph evaluated in float gives the same output to the last bit
    assert np.array_equal(_hidden(signed, model_dir, fused=False), _hidden(str(path), model_dir, fused=False))


@pytest.mark.parametrize("flags, machine, vnni", [
    ("flags\t\t: fpu sse2 avx2 fma avx512f avx512bw avx512_vnni", "x86_64", True),
    ("flags\t\t: fpu sse2 avx2 fma avx_vnni", "x86_64", True),
    ("flags\t\t: fpu sse2 avx2 fma amx_int8 amx_tile", "AMD64", True),
    ("flags\t\t: fpu sse2 avx2 fma avx512f avx512bw", "x86_64", False),  # Skylake-X: AVX-512 without VNNI
    ("flags\t\t: fpu sse2 avx2 fma", "x86_64", False),  # AMD before Zen 4
    ("Features\t: fp asimd asimddp", "aarch64", False),  # ARM: both kernels exact, keep the file
])
def test_int8_weights_only_where_vnni(flags: str, machine: str, vnni: bool) -> None:
    assert has_vnni(f"processor\t: 0\n{flags}\n", machine) is vnni


def test_model_for_cpu(tmp_path: Path) -> None:
    path = ATTRIBUTION / "encoder.onnx"
    assert model_for_cpu(path, vnni=False) == str(path)
    assert set(dequantized_weight_types(model_for_cpu(path, vnni=True)).values()) == {INT8}
    broken = tmp_path / "encoder.onnx"
    broken.write_bytes(b"\x3a\xff\xff\xff\xff\x0f")  # a graph field longer than the file
    with pytest.raises(NewsprobeError, match="not an ONNX model"):
        model_for_cpu(broken, vnni=True)


def test_encoder_loads_the_int8_form_on_a_vnni_cpu(monkeypatch) -> None:
    import newsprobe.core.weights as weights
    from newsprobe.core.encoder import Encoder

    monkeypatch.setattr(weights, "has_vnni", lambda *a, **k: True)
    monkeypatch.setattr(Encoder, "_cache", {})
    hidden, mask = Encoder.load(CLAIMS).encode([TEXT])
    assert hidden.shape[0] == 1 and mask.sum() > 10 and np.isfinite(hidden).all()
