"""The main job, from paths to analysed articles (and into a store), in batches.

Documents are read lazily and prepared in chunks: a chunk first feeds the corpus line statistics,
so boilerplate that a site repeats on every page is recognised as debris, then each document is
cleaned with what the corpus has shown so far.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from newsprobe.core.chars import label
from newsprobe.core.model import Article, Document, IngestError
from newsprobe.core.pipeline import analyse, check_length, load_nlp
from newsprobe.io.clean import LineStats
from newsprobe.io.prepare import outlet_from_url, prepare
from newsprobe.io.read import iter_documents

CHUNK = 256


@dataclass
class Tally:
    stored: int = 0
    duplicates: int = 0
    failed: list[IngestError] = field(default_factory=list)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def site_of(doc: Document) -> str:
    """Boilerplate is a property of one site: its outlet, else its host, else the folder it came from."""
    return doc.outlet or outlet_from_url(doc.url) or str(Path(doc.source.split("#", 1)[0]).parent)


def with_defaults(items: Iterable[Document | IngestError], **defaults: str | None) -> Iterator[Document | IngestError]:
    """Fill metadata the documents lack (a publication date given on the command line, say)."""
    defaults = {k: v for k, v in defaults.items() if v is not None}
    for item in items:
        if isinstance(item, Document) and defaults:
            item = replace(item, **{k: v for k, v in defaults.items() if getattr(item, k) is None})
        yield item


def prepared(items: Iterable[Document | IngestError]) -> Iterator[Article | IngestError]:
    stats: dict[str, LineStats] = defaultdict(LineStats)
    for chunk in _chunks(items, CHUNK):
        for item in chunk:
            if isinstance(item, Document) and item.text:
                stats[site_of(item)].observe(item.text)
        repeated = {site: st.repeated() for site, st in stats.items()}
        for item in chunk:
            yield item if isinstance(item, IngestError) else _prepare_one(item, repeated.get(site_of(item), ()))


def _prepare_one(doc: Document, repeated) -> Article | IngestError:
    """`prepare`, with anything it raises turned into that document's error: one item never sinks its batch."""
    try:
        art = prepare(doc, repeated)
    except Exception as err:  # a bug on odd input: report it against the item, keep the run going
        return IngestError(doc.source, f"cannot prepare: {type(err).__name__}: {label(str(err))[:200]}")
    return art if isinstance(art, IngestError) else check_length(art)


def analyse_each(arts: list[Article], nlp, batch_size: int = 64) -> list[Article | IngestError]:
    """`analyse` over a batch; when the batch fails, each article again on its own, so that only the article that
    cannot be analysed is reported (with the reason) and the others are kept."""
    try:
        return list(analyse(arts, batch_size=batch_size, nlp=nlp))
    except Exception:
        if len(arts) == 1:
            return [_analyse_error(arts[0])]
    out: list[Article | IngestError] = []
    for art in arts:
        try:
            out.extend(analyse([art], batch_size=1, nlp=nlp))
        except Exception:
            out.append(_analyse_error(art))
    return out


def _analyse_error(art: Article) -> IngestError:
    import sys

    err = sys.exc_info()[1]
    return IngestError(art.source or art.id, f"cannot analyse: {type(err).__name__}: {label(str(err))[:200]}")


def analysed(items: Iterable[Article | IngestError], batch_size: int = 64,
             processes: int = 1) -> Iterator[Article | IngestError]:
    """Analyse articles in batches while passing errors through in their place in the stream; with `processes` > 1,
    in that many worker processes (`newsprobe.workers`), results still in input order."""
    if processes > 1:
        from newsprobe.workers import analyse_in_processes

        yield from analyse_in_processes(items, processes)
        return
    nlp = load_nlp()
    for chunk in _chunks(items, batch_size):
        arts = [a for a in chunk if isinstance(a, Article)]
        done = iter(analyse_each(arts, nlp, batch_size))
        for item in chunk:
            yield next(done) if isinstance(item, Article) else item


def analyze_paths(
    paths: Iterable[str | Path], max_bytes: int = 20_000_000, processes: int = 1, batch_size: int = 64,
    **defaults: str | None,
) -> Iterator[Article | IngestError]:
    """Analyse every article under `paths` with the layers the settings choose; `defaults` (outlet=, published=,
    ...) fill missing metadata."""
    return analysed(prepared(with_defaults(iter_documents(paths, max_bytes=max_bytes), **defaults)),
                    batch_size=batch_size, processes=processes)


def count_documents(paths: Iterable[str | Path], max_bytes: int = 20_000_000,
                    skip: Iterable[str | Path] = ()) -> int:
    """How many items (articles and unreadable files) a run over `paths` will see: a reading pass, no analysis,
    for a progress bar's total."""
    return sum(1 for _ in iter_documents(paths, max_bytes=max_bytes, skip=skip))


def ingest(
    paths: Iterable[str | Path],
    store,
    batch_size: int = 64,
    max_bytes: int = 20_000_000,
    on_item: Callable[[Article | IngestError | None], None] | None = None,
    processes: int = 1,
    skip: Iterable[str | Path] = (),
) -> Tally:
    """Store every article once. Articles already in the store are skipped before the parse and the
    store commits per batch, so a run killed half-way and started again ends with each article once. An article
    that cannot be analysed is reported like an unreadable file; the rest of its batch is stored. Files in `skip`
    (the store itself, when it lies inside a folder being ingested) are not read."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    tally = Tally()
    seen: set[str] = set()

    def fresh() -> Iterator[Article | IngestError]:
        for chunk in _chunks(prepared(iter_documents(paths, max_bytes=max_bytes, skip=skip)), batch_size):
            known = store.existing([a.id for a in chunk if isinstance(a, Article)]) | seen
            for item in chunk:
                if isinstance(item, Article) and item.id in known:
                    tally.duplicates += 1
                    if on_item:
                        on_item(item)
                    continue
                if isinstance(item, Article):
                    seen.add(item.id)
                yield item

    pending: list[Article] = []

    def flush() -> None:
        if not pending:
            return
        stored, dup = store.add_many(pending)
        tally.stored += stored
        tally.duplicates += dup
        pending.clear()

    for item in analysed(fresh(), batch_size=batch_size, processes=processes):
        if isinstance(item, IngestError):
            store.record_failure(item.source, item.reason)
            tally.failed.append(item)
        else:
            pending.append(item)
            if len(pending) >= batch_size:
                flush()
        if on_item:
            on_item(item)
    flush()
    return tally
