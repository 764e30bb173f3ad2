"""Find reported statements: a word tagger for source / cue / content, and the rules that turn its tags into statements.

The tagger is our MiniLM encoder fine-tuned on PolNeAR (`model/`) with a separate linear head over seven
BIO tags. `B-<role>` opens a role span of a new statement; `I-<role>` continues one, also across a gap, which is how the
model marks the second half of a content split by its source and cue ("X," he said, "Y"). Training
(`training/attribution.py`) and inference share `prepare`, `decode` and `group` from this module, so the dev scores in
the model card are those of the code users run.

Texts are tokenized once, cut into windows of whole sentences (at most `MAX_PIECES` word pieces), and each word takes
the tag of its first piece.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from newsprobe.core.encoder import read_head_spec
from newsprobe.core.errors import NewsprobeError

MODEL_DIR = Path(__file__).resolve().parent / "model"
ROLES: tuple[str, ...] = ("source", "cue", "content")
LABELS: tuple[str, ...] = ("O",) + tuple(f"{bi}-{role}" for role in ROLES for bi in ("B", "I"))
MAX_PIECES = 254  # + [CLS] and [SEP] = 256
CLS_ID, SEP_ID = 101, 102
# A role span continues across at most this many words; beyond it an `I-` tag starts a new span.
MAX_GAP_WORDS = 24
MODIFIER_CUES = frozenset({"informed", "well-informed", "unnamed", "unidentified", "anonymous", "knowledgeable",
                           "reliable", "trusted", "credible"})
TRAILING_CONJUNCTIONS = frozenset({"and", "but", "or", ",", ";"})
LEADING_PUNCTUATION = frozenset({",", ";", ":"})
PARAGRAPH_COST = 500  # characters a line break between a content and a cue or source counts for when linking them
# A sentence ends after . ! ? (and closing quotes/brackets) before white space, and at every line break.
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+|\n+")


@dataclass
class Words:
    """A text's words (the tokenizer's pre-tokens) with their pieces, and the windows the encoder sees."""

    starts: list[int]
    ends: list[int]
    first_piece: list[int]  # index of each word's first piece in `ids`
    ids: list[int]  # word-piece ids of the whole text, no special tokens
    windows: list[tuple[int, int]]  # piece ranges [a, b), each at most MAX_PIECES long
    line_starts: frozenset[int] = frozenset()  # words with a line break before them
    text: str = ""


@dataclass
class Segment:
    """One role span of one statement: its fragments (char offsets) and the words' tag probabilities."""

    role: str
    fragments: list[list[int]]
    words: list[int]
    probs: list[float] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]

    @property
    def score(self) -> float:
        return float(np.mean(self.probs)) if self.probs else 0.0


@dataclass
class Statement:
    """A content with the source and cue linked to it (either may be None)."""

    content: Segment
    source: Segment | None = None
    cue: Segment | None = None


def sentence_starts(text: str) -> list[int]:
    """Character offsets where a sentence begins (0 included); windows are cut only there."""
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text) if 0 < m.end() < len(text)]


def prepare(text: str, tokenizer) -> Words:
    """Tokenize `text` once and cut it into windows of whole sentences (a longer sentence is cut where it must)."""
    tokenizer.no_padding()
    tokenizer.no_truncation()
    enc = tokenizer.encode(text, add_special_tokens=False)
    starts: list[int] = []
    ends: list[int] = []
    first_piece: list[int] = []
    last_word = None
    for i, (word, (s, e)) in enumerate(zip(enc.word_ids, enc.offsets, strict=True)):
        if word is None:
            continue
        if word != last_word:
            starts.append(s)
            ends.append(e)
            first_piece.append(i)
            last_word = word
        else:
            ends[-1] = max(ends[-1], e)
    ids = list(enc.ids)
    line_starts = frozenset(i for i in range(1, len(starts)) if "\n" in text[ends[i - 1] : starts[i]])
    return Words(starts, ends, first_piece, ids, _windows(text, enc.offsets, len(ids)), line_starts, text)


def _windows(text: str, offsets: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """Greedy windows of whole sentences; a window ends at a paragraph break when one falls in its last 40%, since
    a statement seldom runs over one and a statement cut by a window edge is lost."""
    cuts: list[int] = []
    paragraph: set[int] = set()
    k = 0
    for boundary in sentence_starts(text)[1:]:
        while k < n and offsets[k][0] < boundary:
            k += 1
        if 0 < k < n and (not cuts or cuts[-1] != k):
            cuts.append(k)
            if "\n" in text[offsets[k - 1][1] : boundary]:
                paragraph.add(k)
    windows: list[tuple[int, int]] = []
    a = 0
    while n - a > MAX_PIECES:
        fitting = [c for c in cuts if a < c <= a + MAX_PIECES]
        if not fitting:
            windows.append((a, a + MAX_PIECES))
            a += MAX_PIECES
            continue
        breaks = [c for c in fitting if c in paragraph and c - a >= 0.6 * MAX_PIECES]
        end = breaks[-1] if breaks else fitting[-1]
        windows.append((a, end))
        a = end
    if a < n:
        windows.append((a, n))
    return windows


def window_inputs(words: Words) -> list[list[int]]:
    """Encoder inputs, one per window: [CLS] pieces [SEP]."""
    return [[CLS_ID, *words.ids[a:b], SEP_ID] for a, b in words.windows]


def word_probs(words: Words, window_probs: list[np.ndarray]) -> np.ndarray:
    """Per-word tag probabilities `[n_words, len(LABELS)]` from each window's per-position probabilities.

    `window_probs[j]` has one row per encoder position of window j (row 0 is [CLS])."""
    piece_probs = np.zeros((len(words.ids), len(LABELS)), dtype=np.float32)
    for (a, b), probs in zip(words.windows, window_probs, strict=True):
        piece_probs[a:b] = probs[1 : 1 + b - a]
    return piece_probs[words.first_piece] if words.first_piece else piece_probs[:0]


@dataclass
class Decoding:
    """Tag-to-tag log probabilities counted on the training labels, and their weight against the tagger's own."""

    transitions: np.ndarray  # [from, to]
    start: np.ndarray
    weight: float = 0.4
    begin_bias: float = 0.5  # added to the log probability of every B- tag: the tagger under-predicts span starts


def statements(words: Words, probs: np.ndarray, decoding: Decoding | None = None) -> list[Statement]:
    """Per-word tag probabilities -> tags (Viterbi when transitions are known) -> role spans -> linked statements."""
    tags = None
    if decoding is not None and decoding.weight > 0:
        bias = np.array([decoding.begin_bias if label.startswith("B-") else 0.0 for label in LABELS])
        tags = viterbi(probs, decoding.transitions * decoding.weight, decoding.start * decoding.weight, bias)
    segments = _without_leading_comma(_without_trailing_conjunction(decode(words, probs, tags), words), words)
    return group(_modifiers_into_sources(segments, words.text), line_starts=words.line_starts, text=words.text)


def _without_trailing_conjunction(segments: list[Segment], words: Words) -> list[Segment]:
    """A content that ends in "and" or "but" ("said the deaths were caused by gunshot wounds and | called on ...") ran
    into the next clause, which is another statement's or the writer's: the conjunction is not what was said."""
    for seg in segments:
        while seg.role == "content" and len(seg.words) > 1 and seg.fragments[-1][1] == words.ends[seg.words[-1]]:
            last = seg.words[-1]
            if words.text[words.starts[last] : words.ends[last]].lower() not in TRAILING_CONJUNCTIONS:
                break
            seg.words.pop()
            seg.probs.pop()
            if words.starts[last] <= seg.fragments[-1][0]:
                seg.fragments.pop()
                if not seg.fragments:
                    break
            else:
                seg.fragments[-1][1] = words.ends[seg.words[-1]]
    return [seg for seg in segments if seg.fragments]


def _without_leading_comma(segments: list[Segment], words: Words) -> list[Segment]:
    """A content never opens with a comma, semicolon or colon (none of PolNeAR's 19,832 do): in "According to
    witnesses, snipers shot ..." the comma ends the source's phrase, and the content is what follows it."""
    for seg in segments:
        while seg.role == "content" and len(seg.words) > 1 and seg.fragments[0][0] == words.starts[seg.words[0]]:
            first = seg.words[0]
            if words.text[words.starts[first] : words.ends[first]] not in LEADING_PUNCTUATION:
                break
            seg.words.pop(0)
            seg.probs.pop(0)
            if words.ends[first] >= seg.fragments[0][1]:
                seg.fragments.pop(0)
                if not seg.fragments:
                    break
            else:
                seg.fragments[0][0] = words.starts[seg.words[0]]
    return [seg for seg in segments if seg.fragments]


def viterbi(
    probs: np.ndarray, transitions: np.ndarray, start: np.ndarray, bias: np.ndarray | None = None
) -> np.ndarray:
    """Best tag sequence under the tagger's per-word probabilities and tag-to-tag log probabilities from training.

    A softmax tagger decides each word alone, so a long content often breaks where one word's tag flips; the
    transitions (how often `I-content` follows `O`, for instance) let the neighbours outvote it.
    """
    n, k = probs.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    emit = np.log(np.clip(probs, 1e-9, 1.0))
    if bias is not None:
        emit = emit + bias
    score = start + emit[0]
    back = np.zeros((n, k), dtype=np.int64)
    for i in range(1, n):
        cand = score[:, None] + transitions  # [from, to]
        back[i] = cand.argmax(axis=0)
        score = cand.max(axis=0) + emit[i]
    tags = np.zeros(n, dtype=np.int64)
    tags[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        tags[i - 1] = back[i, tags[i]]
    return tags


def decode(words: Words, probs: np.ndarray, tags: np.ndarray | None = None) -> list[Segment]:
    """Role spans from per-word tag probabilities, in text order.

    A `B-` tag opens a span. An `I-` tag extends the span just before it, or, after other words, the last span of its
    role within `MAX_GAP_WORDS`: the gap becomes a break between fragments when the model tagged part of it as another
    role (the source and cue inside a split quote), and is filled otherwise (a word the model missed inside a span).
    No span continues over a line break, nor joins a fragment past one ("... drivers still inside.\n\nAccording to
    witnesses, snipers ..." is two contents): the model's runs over paragraph ends were nearly all wrong on PolNeAR
    dev.
    """
    if tags is None:
        tags = probs.argmax(axis=1) if len(probs) else np.zeros(0, dtype=np.int64)
    segments: list[Segment] = []
    last_of_role: dict[str, Segment] = {}
    previous: Segment | None = None
    for i, tag in enumerate(tags.tolist()):
        if tag == 0:
            previous = None
            continue
        bi, role = LABELS[tag].split("-", 1)
        p = float(probs[i, LABELS.index(f"B-{role}")] + probs[i, LABELS.index(f"I-{role}")])
        if i in words.line_starts:  # a span runs over a line break in 0.3% of PolNeAR contents: start a new one
            bi = "B"
            last_of_role.pop(role, None)
        if bi == "I" and previous is not None and previous.role == role:
            previous.fragments[-1][1] = words.ends[i]
            seg = previous
        elif bi == "I" and role in last_of_role and i - last_of_role[role].words[-1] <= MAX_GAP_WORDS \
                and not any(j in words.line_starts for j in range(last_of_role[role].words[-1] + 1, i)):
            seg = last_of_role[role]
            gap = range(seg.words[-1] + 1, i)
            if any(tags[j] != 0 and LABELS[tags[j]].split("-", 1)[1] != role for j in gap):
                seg.fragments.append([words.starts[i], words.ends[i]])
            else:
                seg.fragments[-1][1] = words.ends[i]
        else:
            seg = Segment(role, [[words.starts[i], words.ends[i]]], [])
            segments.append(seg)
        seg.words.append(i)
        seg.probs.append(p)
        last_of_role[role] = seg
        previous = seg
    return segments


def _modifiers_into_sources(segments: list[Segment], text: str) -> list[Segment]:
    """A participle right before a source ("informed sources", "unnamed officials") describes the source; the tagger,
    trained on US political news where such sources are rare, can take it for the cue. Give it back to the source."""
    if not text:
        return segments
    dropped: set[int] = set()
    for k, cue in enumerate(segments):
        if cue.role != "cue" or len(cue.fragments) != 1 or text[cue.start : cue.end].lower() not in MODIFIER_CUES:
            continue
        for src in segments:
            if src.role == "source" and src.start > cue.end and not text[cue.end : src.start].strip():
                src.fragments[0][0] = cue.start
                src.words = cue.words + src.words
                src.probs = cue.probs + src.probs
                dropped.add(k)
                break
    return [seg for k, seg in enumerate(segments) if k not in dropped]


def _distance(a: Segment, b: Segment) -> int:
    return max(0, max(a.start, b.start) - min(a.end, b.end))


# A passive cue without its agent ("has been seen as", "are believed to", "is said to"): whoever holds the view is
# kept back, so the subject of the next sentence is not it.
_AGENTLESS_PASSIVE = re.compile(
    r"(?i)^(?:(?:could|would|will|may|might|can|must|should)\s+)?"
    r"(?:is|are|was|were|be|been|being|has been|have been|had been)\s+(?:\w+ly\s+)?\w+(?:ed|en|n|t|d)\b(?!.*\bby\b)")


@dataclass
class _Context:
    """What linking looks up for every pair: sorted word indices that open a line, the text, and sorted character
    offsets that open a sentence (bisected: a long document has thousands of each)."""

    lines: list[int]
    text: str
    sentences: list[int]


def _any_between(sorted_values: list[int], lo: int, hi: int) -> bool:
    """Whether some value v has lo < v <= hi."""
    k = bisect_right(sorted_values, lo)
    return k < len(sorted_values) and sorted_values[k] <= hi


def _may_speak(anchor: Segment, source: Segment, st: Statement, ctx: _Context) -> bool:
    """Whether `source` may be the one who says what `anchor` (the cue, else the content) reports. Never across a
    paragraph break (the headline's "China ... warns SURRENDER" took "police" from the first paragraph), and for an
    agentless passive cue never from a later sentence ("This decision has been seen as 'seriously weakening' the
    power ... Chris Tang, Hong Kong's new police commissioner, said ..." had Chris Tang seeing it)."""
    first, second = (anchor, source) if anchor.start <= source.start else (source, anchor)
    if _any_between(ctx.lines, first.words[-1], second.words[0]):
        return False
    if anchor is st.cue and source.start > anchor.end and _AGENTLESS_PASSIVE.match(
            ctx.text[anchor.start : anchor.end]):
        return not _any_between(ctx.sentences, anchor.end, source.start)
    return True


def _same_sentence(cue: Segment, later: Segment, ctx: _Context) -> bool:
    """Whether a source after the cue is still in its sentence ("Pledging that ..., she said"); without the text to
    tell, it may be."""
    return not _any_between(ctx.sentences, cue.end, later.start) and not _any_between(
        ctx.lines, cue.words[-1], later.words[0])


def _cost(a: Segment, b: Segment, lines: list[int]) -> int:
    """Characters between two spans, plus `PARAGRAPH_COST` when a line break lies between them: in
    '"A," sources said.' then a new paragraph '"B," they added.', "said" is nearer to B's opening quote than to A.
    `lines`: sorted word indices that open a line."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    return _distance(a, b) + (PARAGRAPH_COST if _any_between(lines, first.words[-1], second.words[0]) else 0)


def group(segments: list[Segment], max_distance: int = 250,
          line_starts: frozenset[int] = frozenset(), text: str = "") -> list[Statement]:
    """One statement per content, with the nearest free cue and the source nearest to that cue (greedy, closest first).

    PolNeAR gives each token one role in one attribution, so a cue or source serves one statement. A cue with no source
    of its own ("..., adding, ...") borrows the source of the statement just before it in the same passage, or one
    after it in its own sentence ("Pledging that ..., she said"), never one from a later sentence ("Some 200 troops
    are believed to remain. Observers say ..." are not the observers' belief). A content
    with neither cue nor source (a headline the tagger took for a claim) is no reported statement and is dropped.
    """
    contents = [s for s in segments if s.role == "content"]
    statements = [Statement(c) for c in contents]
    ctx = _Context(sorted(line_starts), text, sentence_starts(text) if text else [])
    for role in ("cue", "source"):
        free = [s for s in segments if s.role == role]
        pairs = []
        for k, st in enumerate(statements):
            anchor = st.cue if role == "source" and st.cue is not None else st.content
            for j, seg in enumerate(free):
                if _distance(anchor, seg) <= max_distance and (role == "cue" or _may_speak(anchor, seg, st, ctx)):
                    pairs.append((_cost(anchor, seg, ctx.lines), k, j))
        used_s: set[int] = set()
        used_f: set[int] = set()
        for _, k, j in sorted(pairs):
            if k in used_s or j in used_f:
                continue
            setattr(statements[k], role, free[j])
            used_s.add(k)
            used_f.add(j)
    sources = [s for s in segments if s.role == "source"]
    for st in statements:
        if st.source is None and st.cue is not None and sources:
            lenders = [s for s in sources if s.start < st.cue.start or _same_sentence(st.cue, s, ctx)]
            if not lenders:
                continue
            nearest = min(lenders, key=lambda s: _cost(st.cue, s, ctx.lines))
            if _distance(st.cue, nearest) <= max_distance:
                st.source = nearest
    return [st for st in statements if st.cue is not None or st.source is not None]


# ---------------------------------------------------------------------------------------------------------------
# The shipped model


@dataclass
class Head:
    weight: np.ndarray  # [hidden, n_labels]
    bias: np.ndarray
    labels: tuple[str, ...]
    decoding: Decoding | None = None

    def probs(self, hidden: np.ndarray) -> np.ndarray:
        logits = hidden @ self.weight + self.bias
        logits -= logits.max(axis=-1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=-1, keepdims=True)


@lru_cache(maxsize=2)
def load_head(model_dir: Path = MODEL_DIR) -> Head:
    path = model_dir / "head.json"
    spec = read_head_spec(model_dir)
    try:
        decoding = None
        if "transitions" in spec:
            decoding = Decoding(np.asarray(spec["transitions"], dtype=np.float32),
                                np.asarray(spec["start"], dtype=np.float32), float(spec["transition_weight"]),
                                float(spec.get("begin_bias", 0.0)))
        head = Head(np.ascontiguousarray(np.asarray(spec["weight"], dtype=np.float32).T),
                    np.asarray(spec["bias"], dtype=np.float32),
                    tuple(spec["labels"]), decoding)
    except (ValueError, KeyError, TypeError) as exc:
        raise NewsprobeError(f"cannot load the attribution head {path}: {exc}") from exc
    if head.labels != LABELS:
        raise NewsprobeError(f"{path}: labels {head.labels} differ from this version's {LABELS}")
    return head


def tag_texts(texts: list[str], model_dir: Path = MODEL_DIR, batch_size: int = 1) -> list[list[Statement]]:
    """Statements per text. Windows run one at a time by default: at ~250 pieces a window is long enough to keep one
    thread busy, and batching them (padded to the longest) was about 1.5x slower on one core."""
    from newsprobe.core.encoder import Encoder

    encoder = Encoder.load(model_dir)
    head = load_head(model_dir)
    prepared = [prepare(t, encoder.tokenizer) for t in texts]
    inputs = [(i, w) for i, words in enumerate(prepared) for w in window_inputs(words)]
    outputs: list[np.ndarray | None] = [None] * len(inputs)
    for idx, hidden, mask in encoder.run_ids([ids for _, ids in inputs], batch_size):
        probs = head.probs(hidden)
        for row, k in enumerate(idx.tolist()):
            outputs[k] = probs[row, : int(mask[row].sum())]
    results: list[list[Statement]] = []
    k = 0
    for words in prepared:
        n = len(words.windows)
        probs = word_probs(words, [o for o in outputs[k : k + n] if o is not None])
        k += n
        results.append(statements(words, probs, head.decoding))
    return results
