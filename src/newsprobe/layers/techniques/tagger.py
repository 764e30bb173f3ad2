"""Propaganda techniques at span level (PTC / SemEval-2020 Task 11): span identification (SI) + technique (TC).

A MiniLM encoder fine-tuned on the Propaganda Techniques Corpus (see `model/MODEL_CARD.md`) reads the
article in chunks of word pieces; a per-token head gives the probability that a token is inside a propaganda span
(SI), runs of tokens above a threshold become spans, and a technique head classifies each span from its pooled
token states plus a few surface features (how often the span's text recurs in the article, its length,
punctuation, quotes). The encoder runs through ONNX Runtime (`newsprobe.core.encoder`), the heads in numpy; torch is
never needed here.

This module is also the single code path for training (`training/techniques.py` imports the chunking, features
and decoding from here), so what is trained is what runs.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsprobe.core.encoder import Encoder, read_head_spec
from newsprobe.core.errors import NewsprobeError
from newsprobe.layers.techniques.labels import TECHNIQUES  # noqa: F401  (re-exported for callers)

MODEL_DIR = Path(__file__).resolve().parent / "model"
# Branding nouns that war coverage pins on one side ("Takfiri terrorists", "terrorist groups", "mercenaries"). PTC,
# drawn from US and UK politics, almost never marks them (3 of 83 "terrorist" mentions in train are Name_Calling, and
# "Takfiri" never occurs), so the tagger alone misses exactly what our users watch for. Each match is proposed as a
# span; the technique head decides: it stays only when Name_Calling,Labeling is its most probable technique, with a
# score of that probability times LABEL_PRIOR and `evidence: "label list"` so a reader knows where it came from.
LABEL_TERMS = re.compile(
    r"\b(?:takfiri(?:s|[ \t]+(?:terrorists?|militants?|groups?|gangs?|mercenaries|elements))?"
    r"|terrorist[ \t]+(?:groups?|organi[sz]ations?|gangs?|militias?|elements)"
    r"|terrorists|mercenaries|armed[ \t]+gangs)\b",
    re.IGNORECASE,
)
NAME_CALLING = "Name_Calling,Labeling"
FLAG_WAVING = "Flag-Waving"
# Flag-Waving is an appeal to a group's pride or duty ("our great nation", "real Americans must stand up"); a bare
# nationality or "national" is no appeal, however often PTC's flag-waving spans contain one. Without one of these
# words the span keeps its next most probable technique.
APPEAL = re.compile(
    r"\b(?:we|our|ours|us|ourselves|patriot\w*|proud|pride|honou?r\w*|glor\w*|sacred|defen[cd]\w*|protect\w*|"
    r"betray\w*|traitor\w*|love\w*|great|greatest|greatness|first|flag|homeland|fatherland|motherland|sovereign\w*|"
    r"heritage|destiny|duty|must|salute|anthem|hero\w*|sacrific\w*|freedom|liberty|values|interests?|people|"
    r"real|true|every|stand|unite\w*|together|enem\w*|threat\w*|survival|security|identity)\b|!",
    re.IGNORECASE,
)
LABEL_PRIOR = 0.5
QUOTES = "\"'“”‘’«»"
FEATURES = ("log_repeats", "repeated", "log_words", "question", "exclamation", "quoted", "capitalised")
CHUNK_BATCH = 8


# --------------------------------------------------------------------------- text -> chunks


def tokenize(tokenizer, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """Word-piece ids and character offsets of the whole text, no special tokens, no truncation."""
    tokenizer.no_truncation()
    tokenizer.no_padding()
    enc = tokenizer.encode(text, add_special_tokens=False)
    return list(enc.ids), [(int(s), int(e)) for s, e in enc.offsets]


def chunk_tokens(text: str, offsets: Sequence[tuple[int, int]], max_pieces: int) -> list[tuple[int, int]]:
    """Token ranges `[a, b)` of at most `max_pieces`, cut at line starts (the corpus has a sentence a line) when
    one falls inside the window, else hard."""
    n = len(offsets)
    line_start = [i == 0 or "\n" in text[offsets[i - 1][1] : offsets[i][0]] for i in range(n)] + [True]
    chunks = []
    a = 0
    while a < n:
        b = min(a + max_pieces, n)
        if b < n:
            cut = max((i for i in range(a + 1, b + 1) if line_start[i]), default=None)
            if cut is not None:
                b = cut
        chunks.append((a, b))
        a = b
    return chunks


def span_positions(offsets: Sequence[tuple[int, int]], chunks: Sequence[tuple[int, int]], start: int,
                   end: int) -> list[int]:
    """Token indices (article order) of the span, kept to the chunk that holds most of them; [] if none."""
    toks = [i for i, (s, e) in enumerate(offsets) if s < end and e > start]
    if not toks:
        return []
    chunk_of = [next(c for c, (a, b) in enumerate(chunks) if a <= t < b) for t in toks]
    best = Counter(chunk_of).most_common(1)[0][0]
    return [t for t, c in zip(toks, chunk_of, strict=True) if c == best]


# --------------------------------------------------------------------------- span features


def span_features(text: str, start: int, end: int, lowered: str | None = None) -> np.ndarray:
    """Surface features of a span in its article (see `FEATURES`); `lowered` = `text.lower()`, if at hand."""
    lowered = text.lower() if lowered is None else lowered
    fragment = lowered[start:end].strip(" \t\r\n.,;:!?\"'“”‘’")
    repeats = lowered.count(fragment) if len(fragment) >= 3 else 1
    raw = text[start:end]
    words = raw.split()
    before = text[max(0, start - 1) : start]
    after = text[end : end + 1]
    quoted = any(q in before + after for q in QUOTES) or (len(raw) > 1 and raw[0] in QUOTES)
    capitalised = sum(w[:1].isupper() for w in words) / len(words) if words else 0.0
    return np.array([
        math.log1p(max(0, repeats - 1)), float(repeats >= 2), math.log1p(len(words)) / 3,
        float("?" in raw), float("!" in raw), float(quoted), capitalised,
    ], dtype=np.float32)


# --------------------------------------------------------------------------- SI decoding


def decode_si(probs: np.ndarray, offsets: Sequence[tuple[int, int]], text: str, threshold: float,
              gap: int = 0, min_tokens: int = 1, anchor: float = 0.0) -> list[tuple[int, int, float]]:
    """Spans `(start, end, si_score)` from per-token probabilities.

    Tokens at or above `threshold` form runs; runs separated by at most `gap` tokens are joined, runs shorter than
    `min_tokens` or whose most probable token stays below `threshold + anchor` dropped (hysteresis: a span needs
    one confident token, then extends over the less confident ones around it), and each span is widened to whole
    words. `si_score` is the mean token probability. Lowering the threshold never uncovers a character that a
    higher threshold covers. Runs end at a paragraph break (a blank line): no span crosses a paragraph.
    """
    on = np.flatnonzero(np.asarray(probs) >= threshold)
    starts = _sentence_starts(text, offsets)
    runs: list[list[int]] = []
    for i in on.tolist():
        # a span never runs over a paragraph break (a blank line: our clean text's paragraphs, PTC's title), nor
        # over the end of a sentence ("polarized in support of Republicans. These wealthy donors were upset"); a
        # stop that is the run's first token ends nothing (a lone "." is no span to cut)
        if runs and i - runs[-1][1] - 1 <= gap and text.count("\n", offsets[runs[-1][1]][1], offsets[i][0]) < 2 \
                and not any(starts.get(k, -1) > runs[-1][0] for k in range(runs[-1][1] + 1, i + 1)):
            runs[-1][1] = i
        else:
            runs.append([i, i])
    spans = []
    for a, b in runs:
        if b > a and _is_stop(text, offsets[b]):
            b -= 1  # a full stop ends the sentence, not the span
        if b - a + 1 < min_tokens or float(np.max(probs[a : b + 1])) < threshold + anchor:
            continue
        start, end = offsets[a][0], offsets[b][1]
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum():
            end += 1
        spans.append((start, end, float(np.mean(probs[a : b + 1]))))
    return spans


def _is_stop(text: str, offset: tuple[int, int]) -> bool:
    return text[offset[0] : offset[1]] in (".", "!", "?")


_CLOSERS = frozenset({'"', "'", "”", "’", "»", ")", "]"})


def _sentence_starts(text: str, offsets: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Tokens that begin a sentence, each with the index of the stop that ends the one before: a full stop, "!" or
    "?", any closing quotes or brackets ("... it endangers lives.” She said"), then a word in capitals."""
    out: dict[int, int] = {}
    for j, offset in enumerate(offsets):
        if _is_stop(text, offset):
            k = j + 1
            while k < len(offsets) and text[offsets[k][0] : offsets[k][1]] in _CLOSERS:
                k += 1
            if k < len(offsets) and text[offsets[k][0] : offsets[k][0] + 1].isupper():
                out[k] = j
    return out


# --------------------------------------------------------------------------- the model


@dataclass
class Head:
    """The SI and TC heads and the decoding settings, read from `head.json`."""

    max_pieces: int
    si_weight: np.ndarray  # [H]
    si_bias: float
    tc_weight: np.ndarray  # [14, 3H + F]
    tc_bias: np.ndarray  # [14]
    techniques: tuple[str, ...]
    threshold: float
    gap: int
    min_tokens: int
    anchor: float  # a span needs one token at threshold + anchor
    second: float  # a second technique on the same span when its probability reaches this

    @classmethod
    def from_spec(cls, spec: dict, path: Path) -> Head:
        try:
            head = cls(
                max_pieces=int(spec["max_pieces"]),
                si_weight=np.asarray(spec["si"]["weight"], dtype=np.float32).reshape(-1),
                si_bias=float(spec["si"]["bias"]),
                tc_weight=np.asarray(spec["tc"]["weight"], dtype=np.float32),
                tc_bias=np.asarray(spec["tc"]["bias"], dtype=np.float32),
                techniques=tuple(spec["techniques"]),
                threshold=float(spec["decoding"]["threshold"]),
                gap=int(spec["decoding"]["gap"]),
                min_tokens=int(spec["decoding"]["min_tokens"]),
                anchor=float(spec["decoding"].get("anchor", 0.0)),
                second=float(spec["decoding"]["second"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise NewsprobeError(f"{path}: not a techniques head ({exc})") from None
        hidden = head.si_weight.shape[0]
        if head.tc_weight.shape != (len(head.techniques), 3 * hidden + len(FEATURES)):
            raise NewsprobeError(f"{path}: technique head has shape {head.tc_weight.shape}, expected "
                                 f"({len(head.techniques)}, {3 * hidden + len(FEATURES)})")
        if tuple(spec.get("features", FEATURES)) != FEATURES:
            raise NewsprobeError(f"{path}: features {spec.get('features')} differ from this code's {FEATURES}")
        return head


@lru_cache(maxsize=4)
def load_head(model_dir: str | Path = MODEL_DIR) -> Head:
    path = Path(model_dir) / "head.json"
    spec = read_head_spec(model_dir)
    return Head.from_spec(spec, path)


@dataclass
class Encoded:
    """One article run through the encoder: tokens, chunks, token states and SI probabilities (article order)."""

    text: str
    offsets: list[tuple[int, int]]
    chunks: list[tuple[int, int]]
    states: np.ndarray  # [n_tokens, H]
    si_probs: np.ndarray  # [n_tokens]


def encode_states(encoder: Encoder, ids: Sequence[int], chunks: Sequence[tuple[int, int]]) -> np.ndarray:
    """Encoder states `[n_tokens, H]` of an article's chunks, each chunk run as `[CLS] piece... [SEP]`."""
    cls_id, sep_id = encoder.tokenizer.token_to_id("[CLS]"), encoder.tokenizer.token_to_id("[SEP]")
    states = np.zeros((len(ids), encoder.hidden_size), dtype=np.float32)
    inputs = [[cls_id, *ids[a:b], sep_id] for a, b in chunks]
    for idx, hidden, _ in encoder.run_ids(inputs, CHUNK_BATCH):
        for row, c in enumerate(idx.tolist()):
            a, b = chunks[c]
            states[a:b] = hidden[row, 1 : b - a + 1]
    return states


class TechniqueModel:
    """Encoder + heads of one model folder; `TechniqueModel.load()` caches per folder."""

    def __init__(self, encoder: Encoder, head: Head) -> None:
        self.encoder = encoder
        self.head = head

    @classmethod
    def load(cls, model_dir: str | Path | None = None) -> TechniqueModel:
        model_dir = MODEL_DIR if model_dir is None else Path(model_dir)
        return cls(Encoder.load(model_dir), load_head(model_dir))

    def encode(self, text: str) -> Encoded:
        ids, offsets = tokenize(self.encoder.tokenizer, text)
        chunks = chunk_tokens(text, offsets, self.head.max_pieces)
        if not ids:
            return Encoded(text, [], [], np.zeros((0, self.encoder.hidden_size), np.float32), np.zeros(0))
        states = encode_states(self.encoder, ids, chunks)
        logits = states.astype(np.float64) @ self.head.si_weight.astype(np.float64) + self.head.si_bias
        return Encoded(text, offsets, chunks, states, 1.0 / (1.0 + np.exp(-logits)))

    def classify(self, enc: Encoded, spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """Technique probabilities `[len(spans), 14]` (softmax) of character spans of the encoded article."""
        out = np.full((len(spans), len(self.head.techniques)), 1.0 / len(self.head.techniques))
        lowered = enc.text.lower()
        for k, (start, end) in enumerate(spans):
            pos = span_positions(enc.offsets, enc.chunks, start, end)
            if not pos:
                continue
            x = enc.states[pos]
            feats = np.concatenate([x.mean(0), x[0], x[-1], span_features(enc.text, start, end, lowered)])
            logits = self.head.tc_weight.astype(np.float64) @ feats.astype(np.float64) + self.head.tc_bias
            p = np.exp(logits - logits.max())
            out[k] = p / p.sum()
        return out

    def spans(self, enc: Encoded, threshold: float | None = None,
              labels: bool = True) -> list[tuple[str, int, int, float, float]]:
        """`(technique, start, end, score, si_score)` for every detected span; `score` = si_score x P(technique).

        Each span gets its most probable technique, and also its second one when that reaches `head.second`
        (spans of different techniques may overlap). With `labels`, matches of `LABEL_TERMS` that the technique head
        calls Name_Calling,Labeling are added (their si_score is `LABEL_PRIOR`; see `label_spans`).
        """
        threshold = self.head.threshold if threshold is None else threshold
        found = decode_si(enc.si_probs, enc.offsets, enc.text, threshold, self.head.gap, self.head.min_tokens,
                          self.head.anchor)
        out = self.label_spans(enc) if labels else []
        seen = {(s, e) for _, s, e, _, _ in out}
        found = [f for f in found if (f[0], f[1]) not in seen]
        if not found:
            return out
        probs = self.classify(enc, [(s, e) for s, e, _ in found])
        for (start, end, si), p in zip(found, probs, strict=True):
            ranked = [k for k in np.argsort(-p).tolist()
                      if self.head.techniques[k] != FLAG_WAVING or APPEAL.search(enc.text[start:end])]
            for rank, k in enumerate(ranked[:2]):
                if rank == 1 and p[k] < self.head.second:
                    break
                out.append((self.head.techniques[k], start, end, float(si * p[k]), float(si)))
        return out

    def label_spans(self, enc: Encoded) -> list[tuple[str, int, int, float, float]]:
        """Matches of `LABEL_TERMS` that the technique head, given the span, classifies as Name_Calling,Labeling.

        Scores: LABEL_PRIOR times the head's probability of Name_Calling,Labeling among the techniques other than
        Repetition."""
        matches = [(m.start(), m.end()) for m in LABEL_TERMS.finditer(enc.text)]
        if not matches:
            return []
        k = self.head.techniques.index(NAME_CALLING)
        probs = self.classify(enc, matches)
        # Repetition says the phrase recurs, not what it does: a label repeated five times is still a label, so the
        # choice is made among the other techniques.
        probs[:, self.head.techniques.index("Repetition")] = 0.0
        probs /= probs.sum(axis=1, keepdims=True)
        return [(NAME_CALLING, s, e, float(LABEL_PRIOR * p[k]), LABEL_PRIOR)
                for (s, e), p in zip(matches, probs, strict=True) if int(np.argmax(p)) == k]


def find_techniques(text: str, threshold: float | None = None,
                    model_dir: str | Path | None = None) -> list[tuple[str, int, int, float, float]]:
    """`(technique, start, end, score, si_score)` spans of one text, in text order."""
    if not text.strip():
        return []
    model = TechniqueModel.load(model_dir)
    return sorted(model.spans(model.encode(text), threshold), key=lambda x: (x[1], x[2], -x[3]))


def default_threshold(model_dir: str | Path | None = None) -> float:
    return load_head(MODEL_DIR if model_dir is None else model_dir).threshold
