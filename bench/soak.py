"""Soak test: `newsprobe serve` under a bounded loopback load for a while, hostile requests among the ordinary ones.

The server runs as a user would start it (its own process, analysis workers, loopback only) over a small store; a few
client threads send a fixed mix at a bounded rate: pages, searches, article JSON, outlet figures, analyses (mostly
short, now and then a long text that takes most of the time budget), and hostile requests (a prefix-query bomb,
a page with 100,000 attributes, Origin: null, a body over the limit, broken JSON, a lone surrogate, path traversal).
Every kind of request has the statuses it may get (a 503 with Retry-After is an allowed answer to an analysis when the
workers are full); anything else, a 500, a refused connection or a timeout is an error. The server's memory (its
process and its workers) is sampled every few seconds: it must not grow once warm.

Only 127.0.0.1 is contacted; the load is bounded in rate, count and time, and the script stops the server itself.

    nice -n 10 .venv/bin/python bench/soak.py --seconds 600
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from report import write_section  # noqa: E402

HOST = "127.0.0.1"
MAX_REQUESTS = 200_000  # a bound on the loop whatever the duration
RATE = 8.0  # requests per second, all clients together


def build_store(path: Path, n: int = 40) -> list[str]:
    """A store of generated articles (all layers), plus one hostile article; returns the ids."""
    from newsprobe.core.model import Article, Document
    from newsprobe.core.pipeline import analyse
    from newsprobe.io.prepare import prepare
    from newsprobe.io.store import Store
    from newsprobe.synth import articles

    docs = [Document(source=f"synth#{i}", text=r["text"], title=r["title"], outlet=r.get("outlet"),
                     published=r.get("published"), url=r.get("url")) for i, r in enumerate(articles(n, words=300))]
    docs.append(Document(source="hostile", text="<script>alert(1)</script> Officials said \x1b[31m on Monday that "
                                                "nothing happened. " * 5, title="<img src=x onerror=alert(1)>"))
    arts = [a for a in (prepare(d) for d in docs) if isinstance(a, Article)]
    done = list(analyse(arts))
    with Store(path) as store:
        store.add_many(done)
    return [a.id for a in done]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the analysis workers), from /proc."""
    total = 0
    pids = [pid]
    try:
        for line in subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                                   text=True).stdout.split():
            pids.append(int(line))
    except (OSError, ValueError):
        pass
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


LONG_TEXT = ("Officials in Aleppo said on Monday that 40 families had returned to the old city, according to the "
             "governor. ") * 600  # about 65,000 characters: several windows, seconds of work


def requests_mix(ids: list[str]) -> list[tuple[str, float, object]]:
    """(kind, weight, request maker) — a maker returns (method, path, kwargs, allowed statuses)."""
    words = ["army", "said", "Aleppo", "council", "Monday", "families", "official", "report"]

    def page_search():
        return "GET", "/?q=" + random.choice(words), {"headers": {"accept": "text/html"}}, {200}

    def api_search():
        q = random.choice([random.choice(words), f"{random.choice(words)[:4]}*", '"said on"'])
        return "GET", "/api/search", {"params": {"q": q}}, {200}

    def article_page():
        return "GET", f"/articles/{random.choice(ids)}", {"headers": {"accept": "text/html"}}, {200}

    def article_json():
        return "GET", f"/api/articles/{random.choice(ids)}", {}, {200}

    def corpus():
        return "GET", "/", {"headers": {"accept": "text/html"}}, {200}

    def outlets():
        return "GET", "/api/outlets", {}, {200}

    def analyse_short():
        text = f"Officials in Homs said on {random.choice(['Monday', 'Tuesday'])} that {random.randint(2, 900)} " \
               "people had been displaced by the fighting, according to a local council member."
        return "POST", "/api/analyze", {"json": {"text": text}}, {200, 503}

    def analyse_long():
        return "POST", "/api/analyze", {"json": {"text": LONG_TEXT}}, {200, 503}

    def prefix_bomb():
        q = " ".join(f"{c}*" for c in "abcdefghijklmnopqrstuvwxyz")
        return "GET", "/api/search", {"params": {"q": q}}, {422}

    def attributes_bomb():
        attrs = " ".join(f'a{i}="x"' for i in range(100_000))
        page = f"<html><body><article><p {attrs}>x</p><p>{LONG_TEXT[:400]}</p></article></body></html>"
        return "POST", "/analyze", {"files": {"file": ("many.html", page.encode(), "text/html")},
                                    "headers": {"accept": "text/html"}}, {200, 413, 422, 503}

    def origin_null():
        return "POST", "/api/analyze", {"json": {"text": "x", "save": True}, "headers": {"origin": "null"}}, {403}

    def too_large():
        return "POST", "/api/analyze", {"content": b"x" * 2_100_000,
                                        "headers": {"content-type": "application/json"}}, {413}

    def broken_json():
        return "POST", "/api/analyze", {"content": b'{"text": "unterminated', "headers": {
            "content-type": "application/json"}}, {422}

    def surrogate():
        return "POST", "/api/analyze", {"content": b'{"text": "bad \\ud800 here, officials said on Monday."}',
                                        "headers": {"content-type": "application/json"}}, {200, 422, 503}

    def traversal():
        return "GET", random.choice(["/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                                     "/static/..%5c..%5cetc%5cpasswd"]), {}, {400, 404}

    return [
        ("page: search", 10, page_search), ("api: search", 12, api_search), ("page: article", 10, article_page),
        ("api: article", 10, article_json), ("page: corpus", 5, corpus), ("api: outlets", 3, outlets),
        ("analyse: short", 3, analyse_short), ("analyse: long", 0.3, analyse_long),
        ("hostile: prefix bomb", 1, prefix_bomb), ("hostile: 100k attributes", 0.3, attributes_bomb),
        ("hostile: Origin null", 1, origin_null), ("hostile: body too large", 0.5, too_large),
        ("hostile: broken JSON", 1, broken_json), ("hostile: lone surrogate", 0.5, surrogate),
        ("hostile: traversal", 1, traversal),
    ]


def client(base: str, mix, deadline: float, results: dict, lock: threading.Lock, interval: float,
           budget: list[int]) -> None:
    kinds, weights, makers = zip(*mix, strict=True)
    with httpx.Client(base_url=base, timeout=120) as http:
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            i = random.choices(range(len(kinds)), weights=weights)[0]
            method, path, kwargs, allowed = makers[i]()
            start = time.monotonic()
            try:
                r = http.request(method, path, **kwargs)
                status = r.status_code
                if status == 503 and not r.headers.get("retry-after"):
                    status = -503  # a 503 must say when to come back
            except httpx.HTTPError as exc:
                status = f"{type(exc).__name__}"
            took = time.monotonic() - start
            with lock:
                results[kinds[i]].append((took, status, status in allowed))
            time.sleep(max(0.0, interval - took))


def main(seconds: int, clients: int = 3) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="newsprobe-soak-"))
    db = tmp / "soak.db"
    t0 = time.monotonic()
    ids = build_store(db)
    built = time.monotonic() - t0
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "newsprobe.cli", "serve", "--db", str(db), "--host", HOST,
                               "--port", str(port), "--workers", "2", "--budget", "30"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://{HOST}:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/api/outlets", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        # Warm up: wait until the analysis workers have loaded their models (they answer 503 until then).
        for _ in range(120):
            r = httpx.post(base + "/api/analyze", json={"text": "Officials said on Monday that it rained."},
                           timeout=300)
            if r.status_code == 200:
                break
            time.sleep(5)
        results: dict[str, list] = defaultdict(list)
        lock = threading.Lock()
        memory: list[tuple[float, float]] = []
        start = time.monotonic()
        deadline = start + seconds
        budget = [MAX_REQUESTS]
        threads = [threading.Thread(target=client, args=(base, requests_mix(ids), deadline, results, lock,
                                                          clients / RATE, budget)) for _ in range(clients)]
        for t in threads:
            t.start()
        while time.monotonic() < deadline:
            memory.append((time.monotonic() - start, tree_rss_mb(server.pid)))
            time.sleep(min(10.0, max(0.1, deadline - time.monotonic())))
        for t in threads:
            t.join()
        memory.append((time.monotonic() - start, tree_rss_mb(server.pid)))
        alive = server.poll() is None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        stderr = server.stderr.read().decode("utf-8", "replace") if server.stderr else ""
    return summarise(results, memory, seconds, built, alive, stderr)


def summarise(results, memory, seconds, built, alive, stderr) -> dict:
    kinds = {}
    for kind, rows in sorted(results.items()):
        times = sorted(t for t, _, _ in rows)
        statuses: dict[str, int] = defaultdict(int)
        for _, status, _ in rows:
            statuses[str(status)] += 1
        kinds[kind] = {"n": len(rows), "errors": sum(1 for _, _, ok in rows if not ok), "statuses": dict(statuses),
                       "p50_ms": 1000 * times[len(times) // 2], "p99_ms": 1000 * times[min(len(times) - 1,
                                                                                          int(len(times) * 0.99))]}
    total = sum(k["n"] for k in kinds.values())
    errors = sum(k["errors"] for k in kinds.values())
    quarter = max(1, len(memory) // 4)
    warm = statistics.mean(m for _, m in memory[quarter: 2 * quarter])
    last = statistics.mean(m for _, m in memory[-quarter:])
    return {"seconds": seconds, "store_built_s": built, "requests": total, "errors": errors,
            "error_rate": errors / total if total else 0.0, "kinds": kinds, "memory": memory,
            "memory_warm_mb": warm, "memory_last_mb": last, "growth": (last - warm) / warm, "server_alive": alive,
            "server_stderr": stderr[-2000:], "load": os.getloadavg()[0]}


def render(r: dict) -> str:
    rows = "\n".join(
        f"| {kind} | {k['n']:,} | {k['errors']} | {k['p50_ms']:,.0f} | {k['p99_ms']:,.0f} | "
        f"{', '.join(f'{s}: {n}' for s, n in sorted(k['statuses'].items()))} |"
        for kind, k in r["kinds"].items()
    )
    step = max(1, len(r["memory"]) // 10)
    mem = " · ".join(f"{t / 60:.0f} min {m:,.0f} MB" for t, m in r["memory"][::step])
    grows = "grows" if r["growth"] > 0.10 else "does not grow"
    return f"""`newsprobe serve --workers 2 --budget 30` over a store of 40 generated articles and a hostile one, for
{r['seconds'] / 60:.0f} minutes under a bounded loopback load: 3 client threads, at most {RATE:g} requests/s in all
({r['requests'] / r['seconds']:.1f} on average: a thread waits for its answer, and an analysis may take the whole
budget), a fixed mix of pages, searches, article JSON, outlet figures, analyses (short ones, and now and then a
65,000-character text) and hostile requests. An error is a status the request may not get (a 500, a 503 without
Retry-After, a wrong refusal), a refused connection or a timeout; a 503 with Retry-After is an allowed answer to an
analysis when both workers are taken or the budget runs out. Latency is client-side, under `nice` on a shared
2-core machine (load average at the end {r['load']:.1f}).
Server still up at the end: {'yes' if r['server_alive'] else 'NO'}.

**{r['requests']:,} requests, {r['errors']} errors (error rate {r['error_rate']:.3%}).**

| request | count | errors | p50 ms | p99 ms | statuses |
| --- | ---: | ---: | ---: | ---: | --- |
{rows}

Memory of the server and its analysis workers (RSS), sampled every 10 s: {mem}.
Second quarter of the run {r['memory_warm_mb']:,.0f} MB on average, last quarter {r['memory_last_mb']:,.0f} MB
({r['growth']:+.1%}): memory {grows}. It swings because a worker whose analysis runs past the budget is stopped and a
fresh one loads the models again (on this loaded machine no 65,000-character analysis finished within 30 s).
"""


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--render-only", action="store_true", help="rewrite the section from test-artifacts/soak.json")
    args = parser.parse_args()
    if args.render_only:
        result = json.loads((HERE.parent / "test-artifacts" / "soak.json").read_text())
        write_section("soak", render(result))
        sys.exit(0)
    result = main(args.seconds)
    (HERE.parent / "test-artifacts").mkdir(exist_ok=True)
    (HERE.parent / "test-artifacts" / "soak.json").write_text(json.dumps(result, indent=1))
    text = render(result)
    print(text)
    if args.seconds >= 600:  # a short trial run does not replace the recorded one
        write_section("soak", text)
