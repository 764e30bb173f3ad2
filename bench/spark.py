"""`newsprobe spark analyze` on 1 and 2 local cores against the local pipeline on the same articles.

Each measurement is one command in its own process, timed from start to exit (JVM start, pipeline loading and
writing included), on the same generated corpus (JSON Lines, all layers unless --layers). Measurements alternate
(local 1 and 2 processes, spark 1 and 2 cores) for ROUNDS rounds and the best of each is kept, so a burst of load
from other processes on a shared machine hits all of them; the load average is recorded before each. The local
baselines are `newsprobe ingest` (read, prepare, analyse, store) with `--processes 1` and `--processes 2` (the
local multi-process runner), so Spark on 1 and 2 cores is compared with the local pipeline on as many. The 1-core
runs (local 1 process, `local[1]`) are pinned to one CPU: Spark's `local[1]` is one task slot, and without the pin
its JVM threads (Arrow hand-over, Parquet, compilation) ran on the second CPU, which made 1 -> 2 cores look like
less gain than it is.
Usage: nice -n 10 python bench/spark.py [N] [--layers L] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import write_section  # noqa: E402

SPEEDUP_TARGET = 1.8
OVERHEAD_TARGET = 1.3
NEWSPROBE = str(Path(sys.executable).with_name("newsprobe"))


def corpus(folder: Path, n: int) -> Path:
    from newsprobe.synth import articles

    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for rec in articles(n, words=500, seed=3):
            fh.write(json.dumps(rec) + "\n")
    return path


def busy_cpu_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat): the JVM and Spark's Python workers are
    not children this process waits for, so their CPU shows only here (other work on the machine too)."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def timed(cmd: list[str], env: dict[str, str], cpus: set[int] | None = None) -> dict:
    """One command's wall time and the machine's busy CPU meanwhile; with `cpus`, the command and every process it
    starts (the JVM, Spark's Python workers, the local pool) may run on those CPUs only."""
    load = os.getloadavg()[0]
    busy = busy_cpu_s()
    start = time.perf_counter()
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, preexec_fn=pin)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return {"seconds": seconds, "load": load, "machine_cpu_s": busy_cpu_s() - busy, "stderr": proc.stderr}


def spark_steps(stderr: str) -> dict[str, float]:
    """When each step of the job started (seconds after the session), from the command's progress lines."""
    steps = {}
    for m in re.finditer(r"\[\s*([\d.]+) s\] (listing|reading|analysing|writing)", stderr):
        steps[m[2]] = float(m[1])
    m = re.search(r"in ([\d.]+) s \(", stderr)
    if m:
        steps["done"] = float(m[1])
    return steps


def main(n: int, layers: str | None, rounds: int, pin: bool = True) -> dict:
    work = Path(tempfile.mkdtemp(prefix="newsprobe-bench-spark-"))
    try:
        data = corpus(work, n)
        env = {**os.environ, "NEWSPROBE_THREADS": "1"}
        extra = ["--layers", layers] if layers else []
        runs: dict[str, list[dict]] = {"local": [], "local2": [], "spark1": [], "spark2": []}
        for r in range(rounds):
            for which in runs:
                if which.startswith("local"):
                    db = work / f"{which}-{r}.db"
                    processes = "2" if which == "local2" else "1"
                    cmd = [NEWSPROBE, "ingest", str(data), "--db", str(db), "--processes", processes, *extra]
                else:
                    cores = which[-1]
                    cmd = [NEWSPROBE, "spark", "analyze", str(data), "--out", str(work / f"{which}-{r}"),
                           "--master", f"local[{cores}]", *extra]
                one_core = which in ("local", "spark1")
                res = timed(cmd, env, {min(os.sched_getaffinity(0))} if pin and one_core else None)
                if which.startswith("spark"):
                    res["steps"] = spark_steps(res["stderr"])
                res.pop("stderr")
                runs[which].append(res)
                print(which, f"{res['seconds']:.1f} s", f"load {res['load']:.1f}", res.get("steps", ""),
                      file=sys.stderr, flush=True)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    finally:
        shutil.rmtree(work, ignore_errors=True)
    best = {k: min(v, key=lambda x: x["seconds"]) for k, v in runs.items()}
    out = {"articles": n, "layers": layers or "all", "rounds": rounds, "pinned": pin, "peak_process_mb": peak_mb,
           "loads": [r["load"] for v in runs.values() for r in v]}
    for k, v in best.items():
        out[k] = {"seconds": v["seconds"], "articles_s": n / v["seconds"], "load": v["load"],
                  "machine_cpu_s": v["machine_cpu_s"],
                  "steps": v.get("steps", {})}
    out["speedup"] = best["spark1"]["seconds"] / best["spark2"]["seconds"]
    out["overhead_1core"] = best["spark1"]["seconds"] / best["local"]["seconds"]
    out["overhead_2core"] = best["spark2"]["seconds"] / best["local2"]["seconds"]
    out["local_speedup"] = best["local"]["seconds"] / best["local2"]["seconds"]
    out.update(cost_model(n, out))
    return out


def cost_model(n: int, r: dict) -> dict:
    """Each Spark run as a fixed cost (JVM start, planning, Python workers, writing: the wall time outside the
    analysis stage) plus the analysis stage, which grows with the articles. From the two runs: the speed-up of the
    analysis stage alone (what the speed-up tends to as the corpus grows), and the corpus size from which the whole
    command reaches the target, when it can."""
    stage = {}
    for k in ("spark1", "spark2"):
        s = r[k]["steps"]
        if "analysing" not in s or "writing" not in s:
            return {}
        stage[k] = s["writing"] - s["analysing"]
    fixed = {k: r[k]["seconds"] - stage[k] for k in stage}
    per = {k: stage[k] / n for k in stage}  # seconds per article (the pipeline loads are in it, a small part)
    limit = per["spark1"] / per["spark2"]
    model = {"fixed_s": fixed, "per_article_s": per, "stage_speedup": limit}
    # (F1 + N p1) / (F2 + N p2) >= T  <=>  N (p1 - T p2) >= T F2 - F1
    gain = per["spark1"] - SPEEDUP_TARGET * per["spark2"]
    if gain > 0:
        model["articles_for_target"] = max(0.0, (SPEEDUP_TARGET * fixed["spark2"] - fixed["spark1"]) / gain)
    return model


def render(r: dict) -> str:
    def analysis(k: str) -> str:
        s = r[k]["steps"]
        if "analysing" in s and "writing" in s:
            return f"{s['writing'] - s['analysing']:.1f} s"
        return "n/a"

    one = ", 1 CPU" if r.get("pinned") else ""
    names = {"local": f"local pipeline, 1 process{one}", "local2": "local pipeline, 2 processes",
             "spark1": f"spark, local[1]{one}", "spark2": "spark, local[2]"}
    rows = "\n".join(f"| {names[k]} | {r[k]['seconds']:.1f} s | {r[k]['articles_s']:.2f} | "
                     f"{analysis(k) if k.startswith('spark') else ''} | {r[k]['load']:.1f} |" for k in names)
    pinned = ("The 1-core runs are pinned to one CPU (`sched_setaffinity`, inherited by the JVM and every Python "
              "worker): `local[1]` alone is one task slot, not one core, and its JVM threads (Arrow hand-over, "
              "Parquet, compilation) would run on the second CPU." if r.get("pinned") else
              "The 1-core runs are not pinned: `local[1]` is one task slot and its JVM threads use the second CPU, "
              "so the speed-up from 1 to 2 cores is understated.")
    sp = "meets" if r["speedup"] >= SPEEDUP_TARGET else "MISSES"
    ov = "meets" if r["overhead_2core"] <= OVERHEAD_TARGET else "MISSES"
    loads = ", ".join(f"{x:.1f}" for x in r["loads"])
    return f"""`newsprobe spark analyze` in local mode against the local pipeline (`newsprobe ingest --processes 1`
and `2`) on the same {r['articles']} generated articles (JSON Lines, about 500 words each, layers:
{r['layers']}), wall time of the whole command (JVM start, pipeline loading and writing included), best of
{r['rounds']} alternating rounds,
`NEWSPROBE_THREADS=1`. Load average (1 min) before each run: {loads}; the machine has 2 cores shared with other
work, so the figures are upper bounds on cost. {pinned}

| run | wall time | articles/s | analysis stage | load before |
| --- | ---: | ---: | ---: | ---: |
{rows}
- Speed-up from 1 to 2 cores: **{r['speedup']:.2f}x** (target >= {SPEEDUP_TARGET}x: {sp}).
- Overhead of Spark over the local multi-process pipeline on the same 2 cores: **{r['overhead_2core']:.2f}x**
  (target <= {OVERHEAD_TARGET}x: {ov}); on one core: {r['overhead_1core']:.2f}x.
{_model_lines(r)}- Largest single process (max RSS): {r['peak_process_mb']:.0f} MB (a Python worker holds one
  pipeline, as the local process does).
"""


def _model_lines(r: dict) -> str:
    if "stage_speedup" not in r:
        return ""
    f, p = r["fixed_s"], r["per_article_s"]
    reach = (f"the whole command reaches {SPEEDUP_TARGET}x from about {r['articles_for_target']:,.0f} articles"
             if "articles_for_target" in r else
             f"the analysis stage itself scales by less than {SPEEDUP_TARGET}x on this machine, so no corpus size "
             "reaches the target here")
    return f"""- The same machine's own scaling: the local pipeline goes {r['local_speedup']:.2f}x faster on 2 processes
  than on 1.
- Where Spark's time goes: a fixed part outside the analysis stage (JVM start, planning, starting the Python
  workers, line statistics, writing) of {f['spark1']:.0f} s on 1 core and {f['spark2']:.0f} s on 2, and the analysis
  stage, {1000 * p['spark1']:.0f} ms per article on 1 core and {1000 * p['spark2']:.0f} ms on 2: the analysis stage
  alone speeds up {r['stage_speedup']:.2f}x, which is what the whole command tends to as the corpus grows; {reach}.
"""


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=120)
    ap.add_argument("--layers", default=None)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-pin", action="store_true", help="1-core runs on all CPUs (as before 2026-11-30)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    result = main(args.n, args.layers, args.rounds, pin=not args.no_pin)
    print(json.dumps(result, indent=2))
    if not args.no_write:
        write_section("spark", render(result))
