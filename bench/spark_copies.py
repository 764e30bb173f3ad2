"""`newsprobe spark copies` against the local command (`newsprobe families FILE --format json --jobs 2`) on the same
generated articles: wall time, CPU time, peak memory, and whether the families are the same.

The corpus is bench/copies_scale.py's (about 600 words an article, word-bigram chains over the shared texts, 30% copies
with proxy edits). The local command reads it as JSON Lines; Spark reads it as the Parquet articles table `spark
analyze` writes (DIR/articles, part files of 20,000 rows in the same order, the ids the local command gives), in
local mode on 2 cores. Peak memory is the largest proportional set size (PSS: shared pages split between the
processes sharing them) of the whole process tree, sampled every half second: for Spark the JVM and its Python
workers together, for the local command its worker processes too. Each run is a command of its own, timed from
start to exit (JVM start included). The machine has 2 cores shared with other work: the load average is recorded
before and after each run.
Usage: nice -n 10 python bench/spark_copies.py [N ...] [--driver-memory 4g] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from copies_scale import Chain, generate  # noqa: E402
from proctree import tree_cpu, tree_pss_mb  # noqa: E402
from report import write_section  # noqa: E402

NEWSPROBE = str(Path(sys.executable).with_name("newsprobe"))
PART_ROWS = 20_000


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def measured(cmd: list[str], stdout) -> dict:
    start_load = load()
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
    _, err = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    steps = {m[2]: float(m[1]) for m in re.finditer(r"\[\s*([\d.]+) s\] (\w+)", err)}
    return {"seconds": seconds, "cpu": sum(cpu.values()), "peak_mb": peak[0], "load_before": start_load,
            "load_after": load(), "steps": steps,
            "summary": [line for line in err.splitlines() if line.startswith("copies:")][-1:]}


def parquet_table(jsonl: Path, folder: Path) -> int:
    """The articles as `spark analyze` would write them (an articles table in part files), with the local command's
    records: its ids, texts, outlets and dates, in its order."""
    import pandas as pd

    from newsprobe.corpus.copies.detect import records_from_documents
    from newsprobe.io.read import iter_documents

    table = folder / "articles"
    table.mkdir(parents=True)
    rows, part, n = [], 0, 0

    def flush() -> None:
        nonlocal rows, part
        pd.DataFrame(rows).to_parquet(table / f"part-{part:05d}.parquet")
        rows, part = [], part + 1

    for r in records_from_documents(iter_documents([str(jsonl)])):
        rows.append({"id": r.id, "text": r.text, "title": r.title, "outlet": r.outlet, "url": r.url,
                     "published": r.published, "removed": "[]"})
        n += 1
        if len(rows) >= PART_ROWS:
            flush()
    if rows:
        flush()
    return n


def run(n: int, work: Path, driver_memory: str) -> dict:
    jsonl = work / f"corpus-{n}.jsonl"
    t0 = time.perf_counter()
    generate(jsonl, n, seed=n, chain=Chain())
    articles = parquet_table(jsonl, work / f"analyzed-{n}")
    print(f"{n}: corpus ready in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    local_out = work / f"local-{n}.jsonl"
    with local_out.open("w") as fh:
        local = measured([NEWSPROBE, "families", str(jsonl), "--format", "json", "--jobs", "2"], fh)
    print(f"{n}: local {local}", file=sys.stderr, flush=True)
    out = work / f"spark-{n}"
    spark = measured([NEWSPROBE, "spark", "copies", "--in", str(work / f"analyzed-{n}"), "--out", str(out),
                      "--master", "local[2]", "--conf", f"spark.driver.memory={driver_memory}"], subprocess.DEVNULL)
    print(f"{n}: spark {spark}", file=sys.stderr, flush=True)
    got = [line for part in sorted((out / "families_json").glob("part-*")) for line in part.read_text().splitlines()]
    want = local_out.read_text().splitlines()
    return {"articles": articles, "local": local, "spark": spark, "families": len(want), "same": got == want,
            "driver_memory": driver_memory}


def render(results: list[dict]) -> str:
    rows = []
    for r in results:
        spark = f"spark, local[2], driver memory {r['driver_memory']}"
        for name, m in (("local (`families FILE --jobs 2`)", r["local"]), (spark, r["spark"])):
            rows.append(f"| {r['articles']:,} | {name} | {m['seconds']:.0f} s | {m['cpu']:.0f} s | "
                        f"{m['peak_mb']:,.0f} MB | {m['load_before']} | {m['load_after']} |")
    same = "; ".join(f"{r['articles']:,} articles: {r['families']:,} families, "
                     f"{'identical' if r['same'] else 'DIFFERENT'} JSON lines" for r in results)
    ratio = "; ".join(f"{r['articles']:,}: {r['spark']['seconds'] / r['local']['seconds']:.1f}x the time, "
                      f"{r['spark']['peak_mb'] / max(r['local']['peak_mb'], 1):.1f}x the memory" for r in results)
    stages = "; ".join(f"{r['articles']:,}: " + ", ".join(f"{name} {t:.0f} s" for name, t in _stages(r["spark"]))
                       for r in results)
    return f"""`newsprobe spark copies` (Parquet articles table in, `local[2]`) against `newsprobe families FILE
--format json --jobs 2` (JSON Lines in) on the same generated articles (bench/copies_scale.py's corpus: about 600
words, 30% copies). Wall time of the whole command (JVM start included), CPU time of all its processes (sampled
from /proc every half second), peak PSS of its process tree (the JVM and the Python workers for Spark). The machine
has 2 cores shared with other jobs: load average (1 / 5 / 15 min) before and after each run; CPU time is the
steadier figure.

| articles | run | time | CPU time | peak memory (PSS) | load before | load after |
| --- | --- | ---: | ---: | ---: | --- | --- |
{chr(10).join(rows)}

- Same families: {same}.
- Spark against the local command: {ratio}. On one machine Spark pays for its stages (a shuffle per
  join, the JVM, Arrow transfers to Python workers, a fixed cost of about a minute or two that dominates at this
  size); what it buys is that every stage spreads over a cluster's executors, the components too when the
  relations do not fit on the driver.
- Where Spark's time goes (length of each stage of the job, from its progress lines):
  {stages}.
"""


def _stages(m: dict) -> list[tuple[str, float]]:
    """Each step's length from the command's progress lines (`[  t s] reading ...`, seconds after the session
    started) and its summary (`... in T s`, the job's length); what is left of the wall time is starting Java and the
    session."""
    steps = sorted(m.get("steps", {}).items(), key=lambda kv: kv[1])
    found = re.search(r"in ([\d.]+) s$", m["summary"][0]) if m.get("summary") else None
    if not steps or not found:
        return []
    job = float(found[1])
    out = [("JVM and session", m["seconds"] - job)]
    for (name, start), (_, end) in zip(steps, [*steps[1:], ("end", job)], strict=True):
        out.append((name, end - start))
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", type=int, default=[10_000])
    ap.add_argument("--driver-memory", default="4g")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsprobe-bench-spark-copies-"))
    try:
        results = [run(n, work, args.driver_memory) for n in args.sizes]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=1))
    if not args.no_write:
        write_section("spark-copies", render(results))
