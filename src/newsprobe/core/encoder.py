"""A transformer encoder exported to ONNX, run with ONNX Runtime: the first stage of each of newsprobe's model layers.

Each model layer puts small numpy heads on top of its own encoder; keeping encoder and heads apart keeps torch out of
the runtime (inference needs only onnxruntime, tokenizers and numpy) and lets layers that share one encoder feed all
their heads from one pass.

A model folder holds `encoder.onnx` (inputs `input_ids`, `attention_mask` and, where the graph has it,
`token_type_ids`; output `last_hidden_state`) and `tokenizer.json` (a Hugging Face `tokenizers` file).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.weights import model_for_cpu

# Sentences per run. Small batches are faster on one CPU thread (8 beat 32 by about 20% for MiniLM on a 600-word
# article: activations stay in cache and each batch is padded to a closer length), and big ones gain nothing there.
DEFAULT_BATCH = 8


def configured_threads() -> int:
    """Threads for one ONNX Runtime session: the settings' `threads` (env `NEWSPROBE_THREADS`), 1 by default.

    One thread is the default because the speed targets are set per core and because newsprobe usually runs beside
    other work (spaCy, several processes) on a laptop, where a session grabbing every core slows everything else.
    """
    from newsprobe.core.settings import settings

    return settings().threads


def session_options(threads: int = 1):
    """ONNX Runtime settings for our encoders: `threads` for one operator, none across operators (one batch runs at
    a time), every graph optimisation, warnings off."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return options


class Encoder:
    """One ONNX encoder session and its tokenizer; load it with `Encoder.load(model_dir)`, which caches per folder.

    Sentences are tokenized without padding, sorted by length and run in batches padded only to the longest sentence
    of the batch: a short sentence never pays for a long one, and the attention mask keeps padding from changing the
    hidden states of the real tokens.
    """

    _cache: dict[tuple[str, int], Encoder] = {}
    _lock = threading.Lock()

    def __init__(self, session, tokenizer, model_dir: Path) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self.model_dir = model_dir
        self.input_names = {i.name for i in session.get_inputs()}
        missing = {"input_ids", "attention_mask"} - self.input_names
        if missing:
            raise NewsprobeError(f"{model_dir / 'encoder.onnx'}: the graph lacks the inputs {sorted(missing)}")
        self.hidden_size = int(session.get_outputs()[0].shape[-1])

    @classmethod
    def load(cls, model_dir: str | Path, threads: int | None = None) -> Encoder:
        """The encoder in `model_dir`, loaded once per folder and thread count (sessions are slow to build)."""
        model_dir = Path(model_dir).resolve()
        threads = configured_threads() if threads is None else threads
        key = (str(model_dir), threads)
        with cls._lock:
            if key not in cls._cache:
                cls._cache[key] = cls._build(model_dir, threads)
            return cls._cache[key]

    @classmethod
    def _build(cls, model_dir: Path, threads: int) -> Encoder:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        onnx_path, tok_path = model_dir / "encoder.onnx", model_dir / "tokenizer.json"
        for path in (onnx_path, tok_path):
            if not path.is_file():
                raise NewsprobeError(f"model file not found: {path}")
        try:
            model = model_for_cpu(onnx_path)  # int8 or uint8 weights, whichever this CPU computes exactly and faster
            session = ort.InferenceSession(model, sess_options=session_options(threads),
                                           providers=["CPUExecutionProvider"])
            tokenizer = Tokenizer.from_file(str(tok_path))
        except Exception as exc:  # onnxruntime and tokenizers raise their own types; the user needs the file name
            raise NewsprobeError(f"cannot load {model_dir}: {str(exc).splitlines()[0]}") from exc
        return cls(session, tokenizer, model_dir)

    def tokenize(self, texts: Sequence[str], max_len: int) -> list[list[int]]:
        """Token ids per text with [CLS]/[SEP], truncated to `max_len`, not padded."""
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_len)
        return [enc.ids for enc in self.tokenizer.encode_batch(list(texts))]

    def encode_batches(
        self, texts: Sequence[str], max_len: int = 128, batch_size: int = DEFAULT_BATCH
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Yield `(indices, hidden [b,t,H], mask [b,t])` per batch of similar length, `indices` into `texts`.

        Heads that pool per sentence should use this rather than `encode`: nothing bigger than one batch is held.
        """
        return self.run_ids(self.tokenize(texts, max_len), batch_size)

    def run_ids(
        self, ids: Sequence[Sequence[int]], batch_size: int = DEFAULT_BATCH
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """`encode_batches` for inputs already tokenized (with [CLS]/[SEP]): token taggers cut their own windows."""
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            width = max(len(ids[i]) for i in chosen)
            input_ids = np.zeros((len(chosen), width), dtype=np.int64)
            mask = np.zeros((len(chosen), width), dtype=np.int64)
            for row, i in enumerate(chosen):
                input_ids[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            feeds = {"input_ids": input_ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feeds["token_type_ids"] = np.zeros_like(input_ids)
            hidden = self.session.run(["last_hidden_state"], feeds)[0]
            yield np.asarray(chosen, dtype=np.int64), hidden, mask

    def encode(
        self, texts: Sequence[str], max_len: int = 128, batch_size: int = DEFAULT_BATCH
    ) -> tuple[np.ndarray, np.ndarray]:
        """Hidden states `[B,T,H]` (float32) and attention mask `[B,T]` (int64) for `texts`, in their order.

        `T` is the longest tokenized text (at most `max_len`); rows are zero past each text's mask.
        """
        if not texts:
            return np.zeros((0, 0, self.hidden_size), dtype=np.float32), np.zeros((0, 0), dtype=np.int64)
        parts = list(self.encode_batches(texts, max_len, batch_size))
        width = max(p[2].shape[1] for p in parts)
        hidden = np.zeros((len(texts), width, self.hidden_size), dtype=np.float32)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for idx, h, m in parts:
            hidden[idx, : h.shape[1]] = h * m[..., None]
            mask[idx, : m.shape[1]] = m
        return hidden, mask


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average of the real tokens' hidden states `[B,H]`; padding is left out, so batching does not change it."""
    weights = mask.astype(hidden.dtype)[..., None]
    return (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)


def read_head_spec(model_dir: str | Path) -> dict:
    """The `head.json` of a model folder as a dict; a missing or broken file is an error naming it."""
    path = Path(model_dir) / "head.json"
    if not path.is_file():
        raise NewsprobeError(f"model file not found: {path}")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NewsprobeError(f"{path}: unreadable head ({exc})") from None
