"""Scale of copy detection: N generated articles of about 600 words (30% of them copies) read from a JSONL file by
`newsprobe families FILE --format json` (the text read directly, no store), timed with its peak memory; then a store
of the same articles indexed by `index.update`, and 10,000 new articles added to it (the incremental figure).

The texts are word-bigram chains trained on the shared PolNeAR/PTC texts (realistic word frequencies and common
phrases, which is what stresses the candidate stage), generated with numpy so that a million articles take minutes;
copies get the proxy edits of copies_corpus.py at paragraph level. Run it with `nice`: the machine is shared, and
the load average is printed beside the figures.
Usage: python bench/copies_scale.py [N ...] [--store N] [--candidates N] [--keep DIR]; with --keep, results of
earlier runs in DIR are kept and shown too.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from copies_corpus import DEBRIS, INTROS_A, INTROS_B, pool  # noqa: E402
from proctree import tree_cpu, tree_pss_mb  # noqa: E402
from report import write_section  # noqa: E402

WORDS = 600
COPY_SHARE = 0.3
OUTLETS = [f"site{i}.example" for i in range(200)]


class Chain:
    """A word-bigram chain: successors of each word, sampled with numpy for a whole batch of texts at once."""

    def __init__(self) -> None:
        tokens: list[str] = []
        for _, body in pool():
            tokens.extend(body.split() + ["\n"])
        vocab, ids = np.unique(np.array(tokens, dtype=object), return_inverse=True)
        self.vocab = vocab
        prev, nxt = ids[:-1], ids[1:]
        order = np.argsort(prev, kind="stable")
        self.succ = nxt[order]
        self.start = np.searchsorted(prev[order], np.arange(len(vocab)))
        self.count = np.diff(np.append(self.start, len(order)))
        self.newline = int(np.flatnonzero(vocab == "\n")[0])

    def texts(self, n: int, rng: np.random.Generator) -> list[str]:
        state = rng.integers(0, len(self.vocab), n)
        out = np.empty((n, WORDS), dtype=np.int64)
        for step in range(WORDS):
            cnt = self.count[state]
            pick = self.start[state] + (rng.random(n) * np.maximum(cnt, 1)).astype(np.int64)
            restart = rng.integers(0, len(self.vocab), n)
            nxt = np.where(cnt > 0, self.succ[np.minimum(pick, len(self.succ) - 1)], restart)
            out[:, step] = nxt
            state = nxt
        words = self.vocab[out]
        texts = []
        for row in words:
            text = " ".join(row).replace(" \n ", "\n\n").replace("\n ", "\n\n").strip()
            texts.append(re.sub(r"\n{3,}", "\n\n", text))
        return texts


def proxy_edit(text: str, rng: np.random.Generator, outlet: str) -> str:
    paras = text.split("\n\n")
    if rng.random() < 0.4 and len(paras) > 4:
        del paras[int(rng.integers(1, len(paras)))]
    if rng.random() < 0.3 and len(paras) > 3:
        i, j = rng.choice(len(paras), 2, replace=False)
        paras[i], paras[j] = paras[j], paras[i]
    if rng.random() < 0.35:
        paras.insert(0, f"{INTROS_A[int(rng.integers(len(INTROS_A)))]} {INTROS_B[int(rng.integers(len(INTROS_B)))]}")
    if rng.random() < 0.4:
        paras.append(f"{outlet} reported.")
    for _ in range(int(rng.integers(0, 4))):
        paras.insert(int(rng.integers(0, len(paras) + 1)), DEBRIS[int(rng.integers(len(DEBRIS)))])
    return "\n\n".join(paras)


def generate(path: Path, n: int, seed: int, chain: Chain, id_prefix: str = "s") -> None:
    rng = np.random.default_rng(seed)
    n_copies = int(n * COPY_SHARE)
    n_orig = n - n_copies
    made = 0
    originals: list[tuple[str, str, str]] = []
    with path.open("w", encoding="utf-8") as fh:
        while made < n:
            batch = min(5000, n_orig - len(originals)) if len(originals) < n_orig else 0
            texts = chain.texts(batch, rng) if batch else []
            for text in texts:
                outlet = OUTLETS[int(rng.integers(len(OUTLETS)))]
                day = f"2016-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"
                rec = {"id": f"{id_prefix}{made}", "text": text, "outlet": outlet, "published": day}
                originals.append((text, outlet, day))
                fh.write(json.dumps(rec) + "\n")
                made += 1
            for _ in range(n_copies * batch // max(n_orig, 1) if batch else n - made):
                if made >= n:
                    break
                text, outlet, day = originals[int(rng.integers(len(originals)))]
                copy = proxy_edit(text, rng, outlet)
                rec = {"id": f"{id_prefix}{made}", "text": copy, "outlet": OUTLETS[int(rng.integers(len(OUTLETS)))],
                       "published": day}
                fh.write(json.dumps(rec) + "\n")
                made += 1


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def measured(cmd: list[str], stdout) -> tuple[subprocess.CompletedProcess, dict]:
    """Run a command: its wall time, the CPU time and peak PSS of its whole process tree (its worker processes
    too), sampled every half second, and the load average after it."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, text=True)
    peak = [0.0]
    cpu: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_pss_mb(proc.pid))
            tree_cpu(proc.pid, cpu)
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd[:4])} failed ({proc.returncode}):\n{err[-3000:]}")
    return (subprocess.CompletedProcess(cmd, proc.returncode, out, err),
            {"seconds": seconds, "cpu": sum(cpu.values()), "peak_mb": peak[0], "load": load()})


def run_direct(path: Path) -> dict:
    """`newsprobe families FILE --format json --jobs 2`, timed, with its peak memory."""
    out = path.with_suffix(".families.jsonl")
    with out.open("w") as fh:
        r, m = measured([sys.executable, "-m", "newsprobe.cli", "families", str(path), "--format", "json",
                         "--jobs", "2"], fh)
    families = sum(1 for _ in out.open())
    said = " ".join(r.stderr.split())  # the console wraps long lines
    return {**m, "families": families, "summary": said[said.rfind("copies:"):]}


STORE_SCRIPT = """
import json, os, shutil, sys, time
from newsprobe.core.model import Article
from newsprobe.corpus.copies import index
from newsprobe.io.store import Store

path, extra, db, kept = sys.argv[1:5]

def arts(p):
    batch = []
    for line in open(p):
        r = json.loads(line)
        batch.append(Article(id=r["id"], text=r["text"], outlet=r["outlet"], published=r["published"]))
        if len(batch) == 20000:
            yield batch
            batch = []
    if batch:
        yield batch

def say(**kw):
    print(json.dumps(kw), flush=True)

if os.path.exists(kept):  # the store of an earlier run, indexed: only the new articles are measured again
    shutil.copy(kept, db)
with Store(db) as store:
    if not store.count():
        t0 = time.perf_counter()
        for b in arts(path):
            store.add_many(b)
        say(stage="insert", seconds=time.perf_counter() - t0)
    if index.pending(store):
        t0 = time.perf_counter()
        s = index.update(store, jobs=2)
        say(stage="index", seconds=time.perf_counter() - t0, links=s.links, cpu=s.cpu)
        store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(db, kept)
    t0 = time.perf_counter()
    for b in arts(extra):
        store.add_many(b)
    say(stage="insert_new", seconds=time.perf_counter() - t0)
    t0 = time.perf_counter()
    c0 = time.process_time()
    s = index.update(store, jobs=2)
    say(stage="index_new", seconds=time.perf_counter() - t0, cpu_main=time.process_time() - c0, links=s.links,
        cpu=s.cpu, stages=s.seconds,
        recent=store.connection.execute("SELECT COUNT(*) FROM copy_sketch_recent").fetchone()[0],
        main=index.main_rows(store.connection))
"""


def run_store(path: Path, extra: Path, db: Path) -> dict:
    """A store of the corpus (articles inserted as they are, no layers), indexed, kept beside it (`.indexed`) for
    later runs; then `extra` added and indexed (the incremental figure), each stage a line of JSON."""
    kept = db.with_suffix(".indexed.db")
    r, m = measured([sys.executable, "-c", STORE_SCRIPT, str(path), str(extra), str(db), str(kept)],
                    subprocess.PIPE)
    stages = {x["stage"]: x for x in map(json.loads, r.stdout.strip().splitlines())}
    return {"stages": stages, **m}


def candidate_stage(n: int) -> dict:
    """The one stage whose memory grows with the whole corpus at once, alone at size n: 70 fingerprints an article,
    30% of articles copies sharing 85% of their source's fingerprints; `candidates.pairs` timed, with the process's
    peak memory (run in a fresh process)."""
    script = f"""
import json, resource, time
import numpy as np
from newsprobe.corpus.copies import candidates
rng = np.random.default_rng(1)
n = {n}; per = 70; n_copies = int(n * 0.3); n_orig = n - n_copies
orig = rng.integers(0, 2**63, size=(n_orig, per), dtype=np.uint64)
src = rng.integers(0, n_orig, n_copies)
copies = orig[src].copy()
fresh = rng.random((n_copies, per)) < 0.15
copies[fresh] = rng.integers(0, 2**63, size=int(fresh.sum()), dtype=np.uint64)
value = np.concatenate([orig.ravel(), copies.ravel()])
del orig, copies
owner = np.repeat(np.arange(n, dtype=np.int32), per)
rank = rng.permutation(n)
t0 = time.process_time()
i, j, c = candidates.pairs(owner, value, rank)
print(json.dumps({{"cpu": time.process_time() - t0, "pairs": len(i),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    args = sys.argv[1:]
    keep = Path(args[args.index("--keep") + 1]) if "--keep" in args else None
    work = keep or Path(tempfile.mkdtemp(prefix="newsprobe-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    # Results accumulate in the work folder, so that sizes can be measured in separate runs (a million articles on a
    # shared machine takes a while) and the section shows all of them.
    saved = work / "results.json"
    results = json.loads(saved.read_text()) if saved.exists() else {"direct": {}, "store": {}, "candidates": {}}
    flags = {i + 1 for i, a in enumerate(args) if a in ("--store", "--keep", "--candidates")}
    sizes = [int(a) for i, a in enumerate(args) if a.isdigit() and i not in flags]
    chain = None
    if "--candidates" in args:
        n = int(args[args.index("--candidates") + 1])
        m = candidate_stage(n)
        results["candidates"][str(n)] = {**m, "load": load()}
        print(f"candidate stage alone, {n:,} articles: {m}", flush=True)
    for n in sizes:
        path = work / f"corpus-{n}.jsonl"
        if not path.exists():
            chain = chain or Chain()
            t0 = time.perf_counter()
            generate(path, n, seed=n, chain=chain)
            print(f"generating {n:,} articles took {time.perf_counter() - t0:.0f} s", flush=True)
        results["direct"][str(n)] = m = run_direct(path)
        saved.write_text(json.dumps(results, indent=1))
        print(n, m, flush=True)
    if "--store" in args:
        store_n = int(args[args.index("--store") + 1])
        path = work / f"corpus-{store_n}.jsonl"
        extra = work / f"extra-{store_n}.jsonl"
        for p, n, seed, prefix in ((path, store_n, store_n, "s"), (extra, 10_000, store_n + 1, "x")):
            if not p.exists():
                chain = chain or Chain()
                generate(p, n, seed=seed, chain=chain, id_prefix=prefix)
        db = work / f"store-{store_n}.db"
        for old in work.glob(f"store-{store_n}.db*"):
            old.unlink()
        m = run_store(path, extra, db)
        before = results["store"].get(str(store_n), {})
        if "insert" not in m["stages"] and "stages" in before:  # an earlier run built and indexed the store
            m["stages"] = {**before["stages"], **m["stages"]}
            m["built"] = before.get("built") or {k: before[k] for k in ("peak_mb", "load", "cpu") if k in before}
        # every measurement of the increment, with its load: one run on a shared machine is one draw
        m["increments"] = before.get("increments", []) + [{"seconds": m["stages"]["index_new"]["seconds"],
                                                          "load": m["load"]}]
        results["store"][str(store_n)] = m
        print(store_n, m, flush=True)
    saved.write_text(json.dumps(results, indent=1))
    text = render(results)
    print(text)
    write_section("copies-scale", text)


def render(results: dict) -> str:
    rows = [f"| {int(n):,} | {m['seconds']:.0f} s | {m['cpu']:.0f} s | {m['peak_mb']:,.0f} MB | {m['families']:,} | "
            f"{m['load']} |" for n, m in sorted(results["direct"].items(), key=lambda x: int(x[0]))]
    body = [
        "Generated articles of about 600 words (word-bigram chains over the shared texts; 30% are copies with proxy "
        "edits), read from JSONL by `newsprobe families FILE --format json --jobs 2`: texts read directly, "
        "sketched, candidate pairs aligned, families built and printed. Peak memory is the largest proportional set "
        "size (PSS) of the command and its worker processes together, sampled every half second. The machine has 2 "
        "cores shared with other jobs: the load average (1 / 5 / 15 min) at the end of each run is beside it, and "
        "the CPU time the run used (user + system, all its processes); on a dedicated 2-core machine the time would "
        "be a little over half the CPU time.",
        "", "| articles | time | CPU time | peak memory | families | load average |",
        "| --- | --- | --- | --- | --- | --- |", *rows,
    ]
    if results["candidates"]:
        body += ["", "The one stage that holds the whole corpus at once, alone (70 fingerprints an article, 30% copies "
                     "sharing 85% of theirs; `--candidates N`):", "",
                 "| articles | CPU time | candidate pairs | peak memory |", "| --- | --- | --- | --- |"]
        body += [f"| {int(n):,} | {m['cpu']:.0f} s | {m['pairs']:,} | {m['peak_mb']:,.0f} MB |"
                 for n, m in sorted(results["candidates"].items(), key=lambda x: int(x[0]))]
    if results["store"]:
        body += ["", "In a store (`--store N`): inserting the articles (no layers; the full-text index is most of it), "
                     "the first indexing of them all (at once, in memory), inserting 10,000 new ones (30% copies "
                     "among themselves), and matching those against the index (`index.update(jobs=2)`: lookups of "
                     "their fingerprints in both tiers of the index, alignment, families of the components they "
                     "touch). Peak memory and CPU are those of the whole run (its worker processes too).", "",
                 "| stored | insert | first indexing | insert 10,000 | index the 10,000 | its stages | CPU (run) | "
                 "peak memory | load average |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for n, m in sorted(results["store"].items(), key=lambda x: int(x[0])):
            st = m["stages"]
            new = st["index_new"]
            stages = ", ".join(f"{k} {v:.1f} s" for k, v in new.get("cpu", {}).items())
            body.append(f"| {int(n):,} | {st['insert']['seconds']:.0f} s | {st['index']['seconds']:.0f} s | "
                        f"{st['insert_new']['seconds']:.0f} s | {new['seconds']:.1f} s | CPU of the main process: "
                        f"{stages} | {m['cpu']:.0f} s | {m['peak_mb']:,.0f} MB | {m['load']} |")
        for n, m in sorted(results["store"].items(), key=lambda x: int(x[0])):
            if "built" in m:
                b = m["built"]
                body += ["", f"The {int(n):,} store was built and first indexed by an earlier run "
                             f"(CPU {b['cpu']:,.0f} s, peak memory {b['peak_mb']:,.0f} MB, load average {b['load']}); "
                             "the row's CPU and peak memory are those of the run that added the 10,000 to a copy."]
            if len(m.get("increments", [])) > 1:
                body += [f"Indexing the 10,000 new articles into the {int(n):,} store, every measurement: " + "; ".join(
                    f"{x['seconds']:.1f} s (load {x['load']})" for x in m["increments"]) + "."]
    return "\n".join(body)


if __name__ == "__main__":
    main()
