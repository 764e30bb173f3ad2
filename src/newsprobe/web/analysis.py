"""Analyse text or an uploaded file for the web app, with the same pipeline as the CLI, in bounded time.

`newsprobe serve` analyses in worker processes (`AnalysisPool`): a fixed number of workers, a fixed number of
requests allowed to wait, and a time budget per request. A request that finds every worker busy and the queue full
gets 503 with Retry-After at once; an analysis that runs past its budget has its worker stopped (and replaced) and
gets 503 too; so one 300,000-character text cannot stall the app, and a small request never waits behind more than
the queue. With `workers=0` (tests, the Python API) analyses run in this process, one at a time behind a lock (the
spaCy pipeline is not documented as thread-safe), still with the queue limit but without the time budget, since a
thread cannot be stopped.

If a layer cannot run (a model file missing in a checkout where it is still being trained), that request fails with
the reason; the next request tries again, and nothing is switched off for the process.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import replace

from newsprobe.core.errors import NewsprobeError
from newsprobe.core.model import Article, Document, IngestError
from newsprobe.io.prepare import prepare
from newsprobe.io.read import UnreadableInput, read_html
from newsprobe.io.read.decode import decode_bytes
from newsprobe.io.read.html import looks_like_html

log = logging.getLogger("newsprobe.web")

_LOCK = threading.Lock()
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")


def upload_name(filename: str | None) -> str:
    """A display name for an upload: the last path component, odd characters replaced, bounded.

    Used only as the article's `source` label; the app never opens a path taken from a request.
    """
    name = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    return (_UNSAFE_NAME.sub("_", name).strip(" .") or "upload")[:120]


def document_from_upload(data: bytes, filename: str | None, content_type: str | None) -> Document:
    """An uploaded file as a Document: HTML goes through the same extractor as `newsprobe ingest`,
    anything else is read as text. Raises NewsprobeError with a reason a user can act on."""
    name = upload_name(filename)
    try:
        text = decode_bytes(data)
    except UnreadableInput as exc:
        raise NewsprobeError(f"{name}: {exc.reason}") from None
    is_html = name.lower().endswith((".html", ".htm", ".xhtml")) or "html" in (content_type or "").lower()
    if is_html or looks_like_html(text):
        try:
            return read_html(text, source=name)
        except UnreadableInput as exc:
            raise NewsprobeError(f"{name}: {exc.reason}") from None
    return Document(source=name, text=text)


def analyse_document(doc: Document, **meta: str | None) -> Article:
    """Clean, prepare and analyse one document; metadata given here wins over what the document says."""
    doc = replace(doc, **{k: v for k, v in meta.items() if v})
    art = prepare(doc)
    if isinstance(art, IngestError):
        raise NewsprobeError(art.reason)
    with _LOCK:
        return _run(art)


def analyse_text(text: str, **meta: str | None) -> Article:
    """Analyse pasted text (the API's and the form's text field)."""
    return analyse_document(Document(source="<text>", text=text), **meta)


def _run(art: Article) -> Article:
    from newsprobe.core.pipeline import analyse, check_length

    checked = check_length(art)
    if isinstance(checked, IngestError):
        raise NewsprobeError(checked.reason)
    return next(analyse([art]))


class Busy(NewsprobeError):
    """No capacity for this analysis now (queue full, or it ran past its budget): a 503 with Retry-After."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def job(doc: Document, meta: dict[str, str | None]) -> Article:
    """What a worker runs: prepare and analyse one document (module-level, so a spawned process can find it)."""
    art = prepare(replace(doc, **{k: v for k, v in meta.items() if v}))
    if isinstance(art, IngestError):
        raise NewsprobeError(art.reason)
    return _run(art)


def _worker_main(conn, current_settings, target) -> None:
    """A worker process: take a job, send back ("ok", article), ("error", user message) or ("bug", text)."""
    from dataclasses import fields

    from newsprobe.core.settings import configure

    configure(**{f.name: getattr(current_settings, f.name) for f in fields(current_settings)})
    if target is job:
        from newsprobe.core.pipeline import load_nlp

        load_nlp()  # before saying ready: loading the models is not part of any request's budget
    conn.send(("ready", None))
    while True:
        try:
            payload = conn.recv()
        except (EOFError, OSError):
            return
        if payload is None:
            return
        try:
            conn.send(("ok", target(*payload)))
        except NewsprobeError as exc:
            conn.send(("error", str(exc)))
        except Exception as exc:  # a bug: the request gets a 500 and the worker stays up for the next one
            conn.send(("bug", f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, target) -> None:
        import multiprocessing

        from newsprobe.core.settings import settings

        ctx = multiprocessing.get_context("spawn")  # no fork of a process with threads (uvicorn, anyio)
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, settings(), target), daemon=True,
                                   name="newsprobe-analysis")
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        """Whether the worker has loaded its models (it says so once, when it starts)."""
        if not self.ready and self.conn.poll(timeout):
            status, _ = self.conn.recv()
            self.ready = status == "ready"
        return self.ready

    def call(self, payload, timeout: float):
        self.conn.send(payload)
        if not self.conn.poll(timeout):
            raise TimeoutError
        return self.conn.recv()

    def stop(self) -> None:
        try:
            self.process.kill()
            self.process.join(5)
        finally:
            self.conn.close()


class AnalysisPool:
    """Bounded analysis: `workers` processes, at most `queue` requests waiting, `budget_s` seconds per request
    (waiting included). `workers=0` runs in this process (see the module's docstring)."""

    def __init__(self, workers: int = 2, queue: int = 4, budget_s: float = 60.0, target=job) -> None:
        if workers < 0 or queue < 0 or budget_s <= 0:
            raise ValueError("workers and queue must be 0 or more, budget_s more than 0")
        self.workers, self.queue, self.budget_s, self.target = workers, queue, budget_s, target
        self._slots = threading.BoundedSemaphore(max(workers, 1) + queue)
        self._idle: list[_Worker | None] = [None] * workers  # None: not started yet (see `start`)
        self._free = threading.Condition()
        self._closed = False

    def start(self) -> None:
        """Start every worker now, so that they load their models before the first request rather than in it."""
        with self._free:
            self._idle = [w if w is not None else _Worker(self.target) for w in self._idle]

    @property
    def retry_after(self) -> int:
        return max(1, int(self.budget_s / 4))

    def run(self, doc: Document, meta: dict[str, str | None]) -> Article:
        if not self._slots.acquire(blocking=False):
            raise Busy(f"the server is busy: {max(self.workers, 1)} analyses running and {self.queue} waiting; "
                       f"try again in {self.retry_after} s", self.retry_after)
        try:
            if self.workers == 0:
                with _LOCK:
                    return self.target(doc, meta)
            return self._in_worker(doc, meta)
        finally:
            self._slots.release()

    def _in_worker(self, doc: Document, meta: dict[str, str | None]) -> Article:
        import time

        deadline = time.monotonic() + self.budget_s
        with self._free:
            while not self._idle and not self._closed:
                if not self._free.wait(timeout=max(0.0, deadline - time.monotonic())):
                    raise Busy(f"no analysis worker became free within {self.budget_s:g} s", self.retry_after)
            if self._closed:
                raise Busy("the server is shutting down", self.retry_after)
            worker = self._idle.pop()
        try:
            if worker is None or not worker.process.is_alive():
                if worker is not None:
                    worker.stop()
                worker = _Worker(self.target)
            if not worker.wait_ready(max(0.0, deadline - time.monotonic())):
                # Still loading its models: not this request's fault, and not a reason to kill it.
                raise Busy("the analysis workers are still starting; try again shortly", self.retry_after)
            try:
                status, value = worker.call((doc, meta), max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                worker.stop()
                worker = None
                raise Busy(f"the analysis took longer than this server's budget of {self.budget_s:g} s "
                           "(a shorter text goes faster)", self.retry_after) from None
            except (EOFError, OSError, BrokenPipeError):
                worker.stop()
                worker = None
                raise NewsprobeError("the analysis worker stopped (out of memory?); try a shorter text") from None
        finally:
            with self._free:
                self._idle.append(worker)
                self._free.notify()
        if status == "ok":
            return value
        if status == "error":
            raise NewsprobeError(value)
        raise RuntimeError(f"analysis failed in a worker: {value}")

    def close(self) -> None:
        with self._free:
            self._closed = True
            workers, self._idle = self._idle, []
            self._free.notify_all()
        for worker in workers:
            if worker is not None:
                worker.stop()
