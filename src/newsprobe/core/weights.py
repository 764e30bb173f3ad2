"""Which form of an encoder's int8 weights this CPU computes exactly, and fastest.

The encoders are quantized (QDQ): ONNX Runtime multiplies uint8 activations by 8-bit weights with integer kernels
chosen for the CPU (MLAS). With int8 weights, x86 CPUs without VNNI (AVX2 only, AVX-512 without VNNI) use a kernel
that adds pairs of products in 16 bits and saturates: the same file then scored lower there (PolNeAR dev content F1
0.642 instead of 0.655, PTC dev SI F1 0.418 instead of 0.427, on an AMD EPYC). Stored as uint8 (shifted by 128, the
same numbers once dequantized), the weights go to the uint8 x uint8 kernel, which is exact on every CPU; but with VNNI
(and AMX) only the int8 kernel uses those instructions. So the files ship with uint8 weights, and on an x86 CPU that
says it has VNNI the weights are turned back into int8 in memory before the session is built: exact there as well,
and faster.

The model is edited in its protobuf wire format (fields of onnx.proto: the graph, its nodes and initializers), in
place: the data type byte and the weights' bytes change, nothing moves, so no `onnx` package is needed at run time.
"""

from __future__ import annotations

import platform
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from newsprobe.core.errors import NewsprobeError

UINT8, INT8 = 2, 3  # onnx.TensorProto.DataType
_MODEL_GRAPH, _GRAPH_NODE, _GRAPH_INITIALIZER = 7, 1, 5
_NODE_INPUT, _NODE_OUTPUT, _NODE_OP_TYPE = 1, 2, 4
_TENSOR_DATA_TYPE, _TENSOR_NAME, _TENSOR_RAW_DATA = 2, 8, 9
_VNNI_FLAGS = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})  # /proc/cpuinfo names


def has_vnni(cpuinfo: str | None = None, machine: str | None = None) -> bool:
    """Whether this is an x86 CPU whose flags include VNNI (or AMX). Unknown (no /proc/cpuinfo): no, the safe answer."""
    if (machine or platform.machine()).lower() not in ("x86_64", "amd64"):
        return False
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    flags = next((line.split(":", 1)[1].split() for line in cpuinfo.splitlines() if line.startswith("flags")), [])
    return bool(_VNNI_FLAGS & set(flags))


def model_for_cpu(path: Path, vnni: bool | None = None) -> str | bytes:
    """What to give `onnxruntime.InferenceSession`: the file itself, or on a VNNI CPU its bytes with int8 weights."""
    if not (has_vnni() if vnni is None else vnni):
        return str(path)
    return signed_weights(path.read_bytes())


def signed_weights(model: bytes) -> bytes:
    """The model with every uint8 weight a DequantizeLinear reads (and its zero point) as int8: the same numbers
    (x - 128 with zero point z - 128). A model without such weights comes back unchanged."""
    buf = bytearray(model)
    weights = list(_dequantized_weights(buf).values())
    if not weights or any(at is None or raw is None or buf[at] != UINT8 for at, raw in weights):
        return model  # all or nothing: a weight and its zero point must keep one type
    flat = np.frombuffer(buf, dtype=np.uint8)
    for dtype_at, (start, end) in weights:
        buf[dtype_at] = INT8
        flat[start:end] ^= 0x80  # two's complement: u - 128 is u with its top bit flipped
    return bytes(buf)


def dequantized_weight_types(model: bytes) -> dict[str, int]:
    """Data type of each matmul weight (and its zero point) the graph dequantizes, by name."""
    return {name: (model[at] if at is not None else 0) for name, (at, _) in _dequantized_weights(model).items()}


def _dequantized_weights(buf: bytes | bytearray) -> dict[str, tuple[int | None, tuple[int, int] | None]]:
    """For each initializer a DequantizeLinear node reads, as its quantized input or zero point, for a MatMul (the
    integer kernels' work; embedding tables feed a Gather and keep their own type), where in `buf` its data type byte
    is and where its raw bytes are. Activations' zero points are left out: their node dequantizes an activation."""
    graph = next(((s, e) for f, w, s, e in _fields(buf) if f == _MODEL_GRAPH and w == 2), None)
    if graph is None:
        raise NewsprobeError("not an ONNX model: no graph")
    dequantized: list[tuple[list[str], list[str]]] = []
    matmul_inputs: set[str] = set()
    tensors: dict[str, tuple[int | None, tuple[int, int] | None]] = {}
    for field, wire, start, end in _fields(buf, *graph):
        if wire != 2:
            continue
        if field == _GRAPH_NODE:
            op, inputs, outputs = "", [], []
            for f, _, s, e in _fields(buf, start, end):
                if f == _NODE_INPUT:
                    inputs.append(bytes(buf[s:e]).decode())
                elif f == _NODE_OUTPUT:
                    outputs.append(bytes(buf[s:e]).decode())
                elif f == _NODE_OP_TYPE:
                    op = bytes(buf[s:e]).decode()
            if op == "DequantizeLinear" and inputs and outputs:
                dequantized.append((inputs, outputs))
            elif op == "MatMul":
                matmul_inputs.update(inputs)
        elif field == _GRAPH_INITIALIZER:
            name, dtype_at, raw = "", None, None
            for f, w, s, e in _fields(buf, start, end):
                if f == _TENSOR_NAME:
                    name = bytes(buf[s:e]).decode()
                elif f == _TENSOR_DATA_TYPE and w == 0 and e - s == 1:
                    dtype_at = s
                elif f == _TENSOR_RAW_DATA and w == 2:
                    raw = (s, e)
            tensors[name] = (dtype_at, raw)
    out = {}
    for inputs, outputs in dequantized:
        if inputs[0] in tensors and outputs[0] in matmul_inputs:
            for name in (inputs[0], inputs[2] if len(inputs) > 2 else ""):
                if name in tensors:
                    out[name] = tensors[name]
    return out


def _fields(buf: bytes | bytearray, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, int, int]]:
    """(field number, wire type, value start, value end) of each field of the message in buf[start:end]."""
    end = len(buf) if end is None else end
    i = start
    while i < end:
        key, i = _varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            s = i
            _, i = _varint(buf, i)
        elif wire == 1:
            s, i = i, i + 8
        elif wire == 2:
            n, s = _varint(buf, i)
            i = s + n
        elif wire == 5:
            s, i = i, i + 4
        else:
            raise NewsprobeError(f"not an ONNX model: protobuf wire type {wire}")
        if i > end:
            raise NewsprobeError("not an ONNX model: a field runs past its message")
        yield field, wire, s, i


def _varint(buf: bytes | bytearray, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if i >= len(buf):
            raise NewsprobeError("not an ONNX model: truncated")
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, i
        shift += 7
