"""Actors and labels: how well names are merged into actors, how precise label phrases are, what the index costs.

    .venv/bin/python bench/actors.py    # prints the figures, writes the "actors" section of docs/benchmarks.md

1. Actor merging on `bench/data/actor_names_gold.tsv` (names as the entity layer gives them, grouped by hand into the
   actors they stand for): pairwise precision / recall / F1 over every pair of names (a pair is positive when both
   names are one actor), with the merges that went wrong listed.
2. Label extraction on `bench/data/labels_gold.json` (hand-annotated with the guideline in docs/actors.md): the labels
   layer runs on each text (our texts inline; PolNeAR texts and the seed read from ../shared, checked by sha256); a
   found label is right when it overlaps a gold label of the same actor. "dev" is what the rules were written
   against; "test" was annotated before the layer's output on it was looked at, and its errors then led to three
   rules (no label from a negated or conditional predicate, a reverse appositive needs a bare comma); "test2" was
   annotated after that, blind, and its errors then changed four more (relational words, singular nationalities,
   title abbreviations, title-case lines); "test3" was annotated after that, blind, and its errors (a thing or an
   event hung on a name, a list item, a classifier noun, "super" of "super PAC", a naming verb's complement taken
   for an appositive, a reference in a predicate) led to the rules of issue 13's second round, tried on texts of
   ours and on PolNeAR texts outside every split; "test4" (8 PolNeAR texts drawn at random from those not used, 2
   conflict texts of ours) was annotated after that, blind, and measured once (precision 0.950); its one wrong label
   of an actor ("a jihadist group allied to al-Qaeda" given to al-Qaeda) then removed "ally" from the membership
   verbs, so its figure since is no longer blind. The layer's `class` is scored too:
   the characterising labels alone, what the framing tables count (a gold label's class is the layer's function on
   the gold span, so this is the same words judged the same way).
3. Cost: the actor index built over generated stores of 1,000 and 10,000 articles (hand-made entity spans drawn from
   the gold names, 20 mentions an article), and the labels layer's share of the parse.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(REPO))  # tests/actors_texts.py, our texts

from report import write_section  # noqa: E402

SHARED = REPO.parent / "shared"
NAMES = REPO / "bench" / "data" / "actor_names_gold.tsv"
LABELS = REPO / "bench" / "data" / "labels_gold.json"


# -- 1. merging -----------------------------------------------------------------------------------------------------


def read_names():
    from newsprobe.corpus.actors.resolve import NameStat

    rows, pairs, titles = [], Counter(), defaultdict(Counter)
    for line in NAMES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if parts[0] == "acronym":
            pairs[(("ORG", parts[1]), ("ORG", parts[2]))] += 1
            continue
        if parts[0] == "title":
            titles[("PERSON", parts[1])][parts[2]] += int(parts[3])
            continue
        cluster, label, name, n = parts
        rows.append((cluster, NameStat(label, name, int(n), max(1, int(n) // 4), Counter({name: int(n)}))))
    return rows, pairs, titles


def merging(with_titles: bool = True) -> dict:
    """Pairwise figures; `with_titles`: with the title evidence the gold list gives (a corpus's labels layer)."""
    from newsprobe.corpus.actors.aliases import book
    from newsprobe.corpus.actors.resolve import resolve

    rows, pairs, titles = read_names()
    _actors, ids = resolve([s for _, s in rows], book(), pairs, titles if with_titles else None)
    gold = {(s.label, s.canonical): c for c, s in rows}
    names = list(gold)
    tp = fp = fn = 0
    wrong, missed = [], []
    for a, b in combinations(names, 2):
        same_gold, same_pred = gold[a] == gold[b], ids[a] == ids[b]
        tp += same_gold and same_pred
        if same_pred and not same_gold:
            fp += 1
            wrong.append(f"{a[1]} + {b[1]}")
        if same_gold and not same_pred:
            fn += 1
            missed.append(f"{a[1]} / {b[1]}")
    p, r = tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0
    return {"names": len(names), "actors": len(set(gold.values())), "pairs": tp + fn, "precision": p, "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0, "wrong": wrong, "missed": missed}


# -- 2. labels ------------------------------------------------------------------------------------------------------


def _same_actor(pred: str, gold: str) -> bool:
    from newsprobe.corpus.actors.names import first_compatible, person_name
    from newsprobe.layers.entities import name_key

    if name_key(pred) == name_key(gold):
        return True
    p, g = person_name(pred), person_name(gold)
    if p and g and p.last == g.last and (not p.full or not g.full or first_compatible(p, g)):
        return True
    return False


SPLITS = ("dev", "test", "test2", "test3", "test4")
LAST_BLIND = "test4"
TEST4_BLIND = 0.950  # test4's precision when it was measured the one time it was blind (2026-11-29)


def _gold_class(doc, g: dict) -> str:
    """The layer's class of a gold label, judged on the parsed words of its span as the layer judges its own."""
    from newsprobe.layers.labels.component import _neutral_words
    from newsprobe.layers.labels.nouns import label_class

    span = doc.char_span(g["start"], g["end"], alignment_mode="expand")
    term = " ".join(doc.text[g["start"]:g["end"]].lower().split())
    return label_class(term, _neutral_words(span) if span is not None else frozenset())


def labels() -> dict:
    from newsprobe.core.pipeline import load_nlp
    from newsprobe.core.spans import layer_items

    data = json.loads(LABELS.read_text(encoding="utf-8"))
    nlp = load_nlp(["labels"])
    per_split: dict[str, Counter] = defaultdict(Counter)
    per_kind: dict[str, Counter] = defaultdict(Counter)
    errors: list[str] = []
    skipped = []
    for d in data["documents"]:
        if "shared" in d:
            path = SHARED / d["shared"]
            if not path.exists():
                skipped.append(d["id"])
                continue
            text = path.read_text(encoding="utf-8")
            if hashlib.sha256(text.encode()).hexdigest() != d["sha256"]:
                raise SystemExit(f"{path}: the text changed since it was annotated (sha256 differs)")
        else:
            text = d["text"]
        doc = nlp(text)
        found = [(sp.start_char, sp.end_char, sp.label_, a["actor"], a["class"]) for sp, a in layer_items(doc, "label")]
        gold = [(g["start"], g["end"], g["kind"], g["actor"], _gold_class(doc, g)) for g in d["labels"]]
        used: set[int] = set()
        c = per_split[d["split"]]
        for s, e, kind, actor, cls in found:
            hit = next((k for k, (gs, ge, _gk, ga, _gc) in enumerate(gold)
                        if k not in used and s < ge and gs < e and _same_actor(actor, ga)), None)
            c["found"] += 1
            per_kind[kind]["found"] += 1
            c["c_found"] += cls == "characterising"
            if hit is None:
                errors.append(f"{d['split']} {d['id']}: {text[s:e]!r} ({kind}, {actor})")
                continue
            used.add(hit)
            c["right"] += 1
            c["c_right"] += cls == "characterising"
            per_kind[kind]["right"] += 1
            c["exact"] += (s, e) == gold[hit][:2]
        c["gold"] += len(gold)
        c["hit"] += len(used)
        c["c_gold"] += sum(g[4] == "characterising" for g in gold)
        c["c_hit"] += sum(gold[k][4] == "characterising" for k in used)
    out = {"splits": {}, "kinds": {}, "errors": errors, "skipped": skipped,
           "documents": Counter(d["split"] for d in data["documents"] if d["id"] not in skipped)}
    for split in (*SPLITS, "all"):
        c = sum(per_split.values(), Counter()) if split == "all" else per_split[split]
        out["splits"][split] = {
            "gold": c["gold"], "found": c["found"],
            "precision": c["right"] / c["found"] if c["found"] else None,
            "recall": c["hit"] / c["gold"] if c["gold"] else None,
            "exact": c["exact"] / c["right"] if c["right"] else None,
            "c_gold": c["c_gold"], "c_found": c["c_found"],
            "c_precision": c["c_right"] / c["c_found"] if c["c_found"] else None,
            "c_recall": c["c_hit"] / c["c_gold"] if c["c_gold"] else None,
        }
    for kind, c in per_kind.items():
        out["kinds"][kind] = {"found": c["found"], "precision": c["right"] / c["found"] if c["found"] else None}
    return out


# -- 3. cost --------------------------------------------------------------------------------------------------------


def index_cost(n_articles: int) -> tuple[float, float]:
    """(seconds to build the index over n generated articles, seconds to bring it up to date after 100 more articles
    that use names it knows)."""
    from newsprobe.core.model import Article, Span
    from newsprobe.corpus.actors.index import ensure
    from newsprobe.io.store import Store

    rows, _, _ = read_names()
    names = [(s.label, s.canonical) for _, s in rows]
    rnd = random.Random(7)

    def article(i: int) -> Article:
        picks = [rnd.choice(names) for _ in range(20)]
        text = " ".join(f"{name}." for _, name in picks)
        spans, at = [], 0
        for label, name in picks:
            spans.append(Span("entity", at, at + len(name), label, name, {"canonical": name}))
            at += len(name) + 2
        return Article(id=f"{i:016x}", text=text, outlet=f"outlet{i % 12}", published=f"2016-{1 + i % 12:02d}-01",
                       spans=spans)

    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "s.db") as store:
            for start in range(0, n_articles, 500):
                store.add_many([article(i) for i in range(start, min(start + 500, n_articles))])
            t = time.perf_counter()
            ensure(store.connection)
            build = time.perf_counter() - t
            store.add_many([article(i) for i in range(n_articles, n_articles + 100)])
            t = time.perf_counter()
            ensure(store.connection)
            return build, time.perf_counter() - t


def label_layer_cost() -> float:
    """ms per article for the labels component alone, on documents already parsed with the entity layer (best of 3
    over 100 copies of our texts): what the layer adds to an analysis."""
    from newsprobe.core.pipeline import load_nlp
    from tests.actors_texts import ARTICLES

    nlp = load_nlp(["labels"])
    docs = list(nlp.pipe([a["text"] for a in ARTICLES] * 25))  # parsed once, labels included
    component = nlp.get_pipe("newsprobe/labels")
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for doc in docs:
            component(doc)
        best = min(best, time.perf_counter() - t)
    return best / len(docs) * 1000


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def main() -> None:
    m = merging()
    bare = merging(with_titles=False)
    lab = labels()
    costs = {n: index_cost(n) for n in (1_000, 10_000)}
    labels_ms = label_layer_cost()
    lines = [
        "Actor merging (`bench/data/actor_names_gold.tsv`: "
        f"{m['names']} names of {m['actors']} actors, {m['pairs']} same-actor pairs), pairwise over all name pairs:",
        "",
        "| evidence | precision | recall | F1 |",
        "| --- | ---: | ---: | ---: |",
        f"| names and bracketed acronyms | {bare['precision']:.3f} | {bare['recall']:.3f} | {bare['f1']:.3f} |",
        f"| and the titles written with them | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |",
        "",
        "Wrong merges: " + ("; ".join(sorted(set(m["wrong"]) | set(bare["wrong"]))) or "none") + ".",
        "Missed with titles (pairs of names of one actor left apart): " + ("; ".join(m["missed"][:25]) or "none")
        + (f" (+{len(m['missed']) - 25} more)" if len(m["missed"]) > 25 else "") + ".",
        "Missed without titles besides: " + ("; ".join(x for x in bare["missed"] if x not in m["missed"]) or "none")
        + ".",
        "",
        f"Label extraction (`bench/data/labels_gold.json`: {lab['documents']['dev']} dev, "
        f"{lab['documents']['test']} test, {lab['documents']['test2']} test2, {lab['documents']['test3']} test3 and "
        f"{lab['documents']['test4']} test4 documents; dev is what the rules were written against; test, test2 and "
        "test3 were each annotated blind, and their errors then changed rules; test4 was annotated blind after that "
        f"and measured once, precision {TEST4_BLIND:.3f}, and its wrong label of an actor (\"a jihadist group allied "
        "to al-Qaeda\" given to al-Qaeda) then took \"ally\" from the membership verbs; a label is right when it "
        "overlaps a gold label of the same actor; exact: of "
        "the right ones, the share with the same boundaries; the last two columns count only the labels the layer "
        "classes as characterising, what the framing tables show, gold labels classed the same way):",
        "",
        "| split | gold labels | found | precision | recall | exact | characterising: precision | recall |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for split, s in lab["splits"].items():
        lines.append(f"| {split} | {s['gold']} | {s['found']} | {_pct(s['precision'])} | {_pct(s['recall'])} | "
                     f"{_pct(s['exact'])} | {_pct(s['c_precision'])} of {s['c_found']} | "
                     f"{_pct(s['c_recall'])} of {s['c_gold']} |")
    lines += ["", "Precision by construction (all documents): " + ", ".join(
        f"{k} {_pct(v['precision'])} of {v['found']}" for k, v in sorted(lab["kinds"].items())) + ".", ""]
    if lab["skipped"]:
        lines += [f"Skipped (../shared missing): {', '.join(lab['skipped'])}.", ""]
    lines += ["Wrong labels: " + ("; ".join(lab["errors"]) or "none") + ".", ""]
    for split in ("all", LAST_BLIND):
        target = lab["splits"][split]["precision"]
        where = ("all documents" if split == "all"
                 else f"the last set annotated blind, {split} (blind: {TEST4_BLIND:.3f})")
        lines += [f"Label precision, {where}: "
                  f"{_pct(target)} "
                  f"(target >= 0.85: {'meets' if target is not None and target >= 0.85 else 'misses'})."]
    lines += [""]
    lines += [
        "Cost: the actor index over generated stores (20 entity mentions an article drawn from the gold names), "
        "built from scratch, then brought up to date after 100 more articles that use known names: "
        + ", ".join(f"{n:,} articles {t:.1f} s, +100 in {u:.2f} s" for n, (t, u) in costs.items())
        + f". The labels component: {labels_ms:.2f} ms per article of about 80 words, on top of the parse.",
    ]
    body = "\n".join(lines)
    print(body)
    write_section("actors", body)


if __name__ == "__main__":
    main()
