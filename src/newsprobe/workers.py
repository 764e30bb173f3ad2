"""Analyse articles on every core: a pool of worker processes, each loading the pipeline and the model once.

spaCy's parse and the ONNX encoder each keep one core busy per process, so one process uses one core. Here a
`concurrent.futures.ProcessPoolExecutor` takes small chunks of prepared articles; results come back in input order
and errors (`IngestError`) pass through in their place. Workers are spawned (fresh interpreters: nothing of the
caller's threads or loaded models is copied), get the caller's settings (layers, thresholds, threads) as they start,
and watch the caller: if it is killed (`kill -9` on an ingest, a test timeout), they exit within a second instead
of running on as orphans. At most a few chunks per worker are in flight, so a crawl of any size streams through in
bounded memory.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

from newsprobe.core.model import Article, IngestError
from newsprobe.core.settings import Settings, configure, settings

CHUNK = 4  # articles per task: small, so the first results (and the progress bar) come early
IN_FLIGHT = 3  # chunks queued per worker: enough to keep each busy while the parent yields results
PARENT_CHECK_S = 1.0


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, which containers and `taskset` narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def resolve_processes(processes: int | None, paths: Sequence[str | Path] = ()) -> int:
    """`None` or 0: every available core, but no more workers than articles when `paths` are all single-article
    files (text, HTML): analysing one page should not start a pool. Otherwise the number asked for (at least 1)."""
    if processes:
        return max(1, processes)
    cores = available_cores()
    from newsprobe.io.read.files import kind_of

    single = [Path(p) for p in paths]
    if single and all(p.is_file() and kind_of(p) in ("text", "html") for p in single):
        return min(cores, len(single))
    return cores


def _start(current: dict, parent: int) -> None:
    configure(**current)
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    """Exit this worker when the process that started the pool is gone (killed without a chance to stop us): a
    spawned worker is its child, and becomes someone else's when it dies."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


def _analyse_chunk(articles: list[Article]) -> list[Article | IngestError]:
    """One chunk in a worker; an article that cannot be analysed comes back as its error, the others as articles."""
    from newsprobe.core.pipeline import load_nlp
    from newsprobe.run import analyse_each

    return analyse_each(articles, load_nlp(), batch_size=max(1, len(articles)))


def _pool(processes: int, current: Settings) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start, initargs=(asdict(current), os.getpid()))


def analyse_in_processes(items: Iterable[Article | IngestError], processes: int,
                         chunk: int = CHUNK) -> Iterator[Article | IngestError]:
    """Analysed articles (and the errors among them, untouched) in input order, from `processes` workers."""
    queue: deque[IngestError | Future] = deque()
    limit = processes * IN_FLIGHT
    with _pool(processes, settings()) as pool:
        batch: list[Article] = []
        for item in items:
            if isinstance(item, IngestError):
                if batch:
                    queue.append(pool.submit(_analyse_chunk, batch))
                    batch = []
                queue.append(item)
            else:
                batch.append(item)
                if len(batch) >= chunk:
                    queue.append(pool.submit(_analyse_chunk, batch))
                    batch = []
            while sum(isinstance(q, Future) for q in queue) >= limit or (queue and _ready(queue[0])):
                yield from _take(queue.popleft())
        if batch:
            queue.append(pool.submit(_analyse_chunk, batch))
        while queue:
            yield from _take(queue.popleft())


def _ready(entry: IngestError | Future) -> bool:
    return not isinstance(entry, Future) or entry.done()


def _take(entry: IngestError | Future) -> list:
    return [entry] if not isinstance(entry, Future) else entry.result()
