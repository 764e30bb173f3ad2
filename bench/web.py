"""Latency and throughput of the web app over a store of 10,000 articles.

Targets: the article page at p99 <= 50 ms and a search at p99 <= 200 ms. The store is built quickly: about
50 generated articles go through the real pipeline, then clones with their own ids, outlets, dates, titles
and a closing sentence fill it to N (the spans of the analysed text stay valid because the clone only
appends). `newsprobe serve` runs in a second process on a free loopback port; this process sends a bounded
load with httpx from a few threads (each endpoint: a fixed number of requests, and a time cap), first one
request at a time (latency as a reader sees it), then concurrently (throughput).
Usage: python bench/web.py [N] [REQUESTS]
"""

from __future__ import annotations

import hashlib
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import write_section  # noqa: E402

ARTICLE_P99_MS = 50.0
SEARCH_P99_MS = 200.0
ANALYSED = 50
BATCH = 500
THREADS = 4  # concurrent clients in the throughput phase (<= 8; the machine has 2 cores for both sides)
TIME_CAP_S = 60.0  # per endpoint and phase, whatever the request count
OUTLETS = [f"{name}.example" for name in (
    "wire", "dailyherald", "frontline", "levant-news", "observer", "sana-mirror", "eastern-post", "courier",
    "monitor", "gazette", "dispatch", "tribune")]
QUERIES = ["Aleppo", "Idlib", '"Jaish al-Fatah"', "evacuated", "Palmyra OR Homs", "shelling", "tribal leaders",
           "Army", "rumours", "displac*", "monitoring group", "Deir", "ammunition", "electricity", "Raqqa"]


def build_store(path: Path, n: int, seed: int = 5) -> tuple[list[str], dict]:
    """N articles in a fresh store; returns their ids and how the store was made."""
    from newsprobe.core.errors import NewsprobeError
    from newsprobe.core.model import Article, Document
    from newsprobe.core.pipeline import ALL, CORE, analyse, load_nlp
    from newsprobe.io.prepare import prepare
    from newsprobe.io.store import Store
    from newsprobe.synth import PEOPLE, PLACES, articles

    start = time.perf_counter()
    recs = articles(ANALYSED, words=600, seed=seed)
    prepared = [prepare(Document(source=f"synth#{i}", **r)) for i, r in enumerate(recs)]
    layers = "all layers"
    try:
        base = list(analyse([replace(a) for a in prepared], nlp=load_nlp(ALL)))
    except NewsprobeError as exc:  # a model-backed layer without its model files: measure the core
        print(f"note: core layers only ({exc})", file=sys.stderr)
        layers = "core layers (model files missing)"
        base = list(analyse(prepared, nlp=load_nlp(CORE)))
    analysed_s = time.perf_counter() - start
    rng = random.Random(seed)
    ids: list[str] = []
    with Store(path) as store:
        batch: list[Article] = []
        for i in range(n):
            src = base[i % len(base)]
            place = rng.choice(PLACES)
            extra = f"Reported by {rng.choice(PEOPLE)} from {place}, dispatch {i}."
            aid = hashlib.sha256(f"clone-{seed}-{i}".encode()).hexdigest()[:16]
            ids.append(aid)
            batch.append(replace(
                src, id=aid, text=src.text + "\n\n" + extra, source=f"clone#{i}",
                title=f"{(src.title or 'Report').rsplit('(', 1)[0].strip()} near {place} ({i})",
                outlet=rng.choice(OUTLETS), url=f"https://{rng.choice(OUTLETS)}/news/{i}",
                published=(date(2016, 1, 1) + timedelta(days=rng.randint(0, 1500))).isoformat(),
                spans=list(src.spans), summary=dict(src.summary),
            ))
            if len(batch) == BATCH:
                store.add_many(batch)
                batch = []
        if batch:
            store.add_many(batch)
        spans = store._db.execute("SELECT COUNT(*) FROM spans").fetchone()[0]  # noqa: SLF001
    info = {
        "articles": n, "analysed": len(base), "analysed_s": analysed_s, "spans": spans, "layers": layers,
        "build_s": time.perf_counter() - start,
        "mean_words": int(statistics.mean(b.summary.get("words", 0) for b in base)),
        "mean_spans": int(statistics.mean(len(b.spans) for b in base)),
    }
    return ids, info


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    """`newsprobe serve` in its own process; returns once it answers."""
    import httpx

    proc = subprocess.Popen(
        [sys.executable, "-m", "newsprobe.cli", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "NEWSPROBE_TOKEN": ""},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode(errors='replace') if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/outlets", timeout=30).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start within 60 s")


def load(base: str, make_path: Callable[[random.Random], str], requests: int, threads: int) -> dict:
    """`requests` GETs spread over `threads` clients (keep-alive), capped at TIME_CAP_S; latencies in ms."""
    import httpx

    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_thread = [requests // threads + (1 if k < requests % threads else 0) for k in range(threads)]
    stop_at = time.monotonic() + TIME_CAP_S

    def worker(k: int) -> None:
        nonlocal errors
        rng = random.Random(k)
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(per_thread[k]):
                if time.monotonic() > stop_at:
                    return
                path = make_path(rng)
                t0 = time.perf_counter()
                r = client.get(path)
                r.read()
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(ms)
                    if r.status_code != 200:
                        errors += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    wall = time.perf_counter() - start
    latencies.sort()
    q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 99
    return {"n": len(latencies), "errors": errors, "p50": q[49], "p99": q[98], "max": latencies[-1],
            "rps": len(latencies) / wall}


def main(n: int = 10_000, requests: int = 500) -> dict:
    load_before = os.getloadavg()[0]  # other jobs on the machine skew latencies: say how busy it was
    work = Path(tempfile.mkdtemp(prefix="newsprobe-web-bench-"))
    db = work / "bench.db"
    ids, info = build_store(db, n)
    print(f"store: {info}", file=sys.stderr)
    port = free_port()
    proc = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    endpoints: dict[str, Callable[[random.Random], str]] = {
        "article page": lambda r: f"/articles/{r.choice(ids)}",
        "article JSON": lambda r: f"/api/articles/{r.choice(ids)}",
        "search page": lambda r: f"/?q={r.choice(QUERIES)}&page={r.randint(1, 3)}",
        "search API": lambda r: f"/api/search?q={r.choice(QUERIES)}&limit=20&page={r.randint(1, 3)}",
        "search + filters": lambda r: (f"/?q={r.choice(QUERIES)}&outlet={r.choice(OUTLETS)}"
                                       f"&date_from=2017-01-01&span=entity:GPE"),
    }
    results: dict[str, dict] = {}
    try:
        for name, make in endpoints.items():
            load(base, make, 30, 1)  # warm-up: page cache, template compilation
            results[name] = {"serial": load(base, make, requests, 1), "concurrent": load(base, make, requests, THREADS)}
            print(name, results[name], file=sys.stderr)
    finally:
        proc.terminate()
        proc.wait(10)
        for f in work.iterdir():
            f.unlink()
        work.rmdir()
    return {"info": info, "results": results, "requests": requests, "load": load_before}


def render(r: dict) -> str:
    info, res = r["info"], r["results"]
    rows = []
    for name, phases in res.items():
        s, c = phases["serial"], phases["concurrent"]
        rows.append(f"| {name} | {s['p50']:.1f} | {s['p99']:.1f} | {s['rps']:.0f} | {c['p50']:.1f} | {c['p99']:.1f} | "
                    f"{c['rps']:.0f} | {s['errors'] + c['errors']} |")
    art = res["article page"]["serial"]["p99"]
    search = max(res[k]["serial"]["p99"] for k in ("search page", "search API", "search + filters"))
    verdict = (f"article page p99 {art:.1f} ms (target <= {ARTICLE_P99_MS:.0f} ms: "
               f"{'meets' if art <= ARTICLE_P99_MS else 'MISSES'}); slowest search p99 {search:.1f} ms "
               f"(target <= {SEARCH_P99_MS:.0f} ms: {'meets' if search <= SEARCH_P99_MS else 'MISSES'})")
    return f"""`newsprobe serve` (one uvicorn process) over a store of {info['articles']:,} articles
({info['spans']:,} spans; {info['analysed']} generated articles of about {info['mean_words']} words and
{info['mean_spans']} spans each, analysed with {info['layers']}, then cloned with their own ids, outlets,
dates and titles; built in {info['build_s']:.0f} s).
The client is httpx in the same machine: {r['requests']} requests per endpoint and phase, after a warm-up;
"serial" is one request at a time, "concurrent" is {THREADS} client threads. Latency in ms, client side.
Load average when the run started: {r['load']:.1f} (on {os.cpu_count()} cores, shared by server and client).

| endpoint | p50 serial | p99 serial | req/s serial | p50 concurrent | p99 concurrent | req/s concurrent | errors |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
{chr(10).join(rows)}

Targets, one request at a time: {verdict}.
"""


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    reqs = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    text = render(main(n, reqs))
    print(text)
    write_section("web", text)
