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
from newsprobe.core.model import Article, Document, IngestError, content_id
from newsprobe.core.pipeline import analyse, check_length, load_nlp, selected
from newsprobe.core.summary import summarize
from newsprobe.io.clean import LineStats
from newsprobe.io.prepare import outlet_from_url, prepare
from newsprobe.io.read import iter_documents

CHUNK = 256


@dataclass
class Tally:
    stored: int = 0
    duplicates: int = 0
    updated: int = 0  # already stored, metadata improved (see Store.merge_metadata)
    failed: list[IngestError] = field(default_factory=list)


@dataclass
class Metadata:
    """Metadata given for a run: `defaults` fill what documents lack (--outlet, --published); a sidecar table and a
    file-name pattern (`newsprobe.io.sidecar`) set what they name."""

    defaults: dict[str, str | None] = field(default_factory=dict)
    table: dict[str, dict[str, str]] | None = None
    pattern: object | None = None  # compiled re.Pattern

    def apply(self, items: Iterable[Document | IngestError]) -> Iterator[Document | IngestError]:
        from newsprobe.io.sidecar import with_metadata

        return with_defaults(with_metadata(items, self.table, self.pattern), **self.defaults)  # type: ignore[arg-type]


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


def no_layers() -> bool:
    """Whether the settings ask for no analysis layer at all (`--layers none`): then spaCy is never loaded."""
    return not selected()


def summarised(articles: Iterable[Article]) -> Iterator[Article]:
    """Articles with the summary that needs no layer (words, removed lines): what `--layers none` stores."""
    for art in articles:
        art.summary = summarize(art, layers=())
        yield art


def analysed(items: Iterable[Article | IngestError], batch_size: int = 64,
             processes: int = 1) -> Iterator[Article | IngestError]:
    """Analyse articles in batches while passing errors through in their place in the stream; with `processes` > 1,
    in that many worker processes (`newsprobe.workers`), results still in input order."""
    if no_layers():
        for item in items:
            yield next(summarised([item])) if isinstance(item, Article) else item
        return
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
    metadata: Metadata | None = None, **defaults: str | None,
) -> Iterator[Article | IngestError]:
    """Analyse every article under `paths` with the layers the settings choose; `defaults` (outlet=, published=,
    ...) fill missing metadata, `metadata` adds a sidecar table or file-name pattern."""
    meta = metadata or Metadata()
    meta = Metadata({**meta.defaults, **defaults}, meta.table, meta.pattern)
    return analysed(prepared(meta.apply(iter_documents(paths, max_bytes=max_bytes))),
                    batch_size=batch_size, processes=processes)


def count_documents(paths: Iterable[str | Path], max_bytes: int = 20_000_000,
                    skip: Iterable[str | Path] = ()) -> int:
    """How many items (articles and unreadable files) a run over `paths` will see: a reading pass, no analysis,
    for a progress bar's total."""
    return sum(1 for _ in iter_documents(paths, max_bytes=max_bytes, skip=skip))


def publication_id(art: Article) -> str:
    """The id of the same text published by another outlet: content and outlet, so that the second publication is
    an article of its own (a family of two identical texts) and re-ingesting it finds it again."""
    return content_id(f"{art.text}\n\x00outlet:{(art.outlet or '').strip().lower()}")


def ingest(
    paths: Iterable[str | Path],
    store,
    batch_size: int = 64,
    max_bytes: int = 20_000_000,
    on_item: Callable[[Article | IngestError | None], None] | None = None,
    processes: int = 1,
    skip: Iterable[str | Path] = (),
    metadata: Metadata | None = None,
) -> Tally:
    """Store every article once. Articles already in the store are skipped before the parse (their metadata merged
    when the new copy brings better, see `Store.merge_metadata`) and the store commits per batch, so a run killed
    half-way and started again ends with each article once. The same text under another outlet is another
    publication: it is stored under its own id (`publication_id`). An article that cannot be analysed is reported
    like an unreadable file; the rest of its batch is stored. Files in `skip` (the store itself, when it lies inside
    a folder being ingested) are not read."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    tally = Tally()
    seen: dict[str, str | None] = {}  # id -> outlet of what went on to the analysis, not necessarily stored yet

    def fresh() -> Iterator[Article | IngestError]:
        docs = (metadata or Metadata()).apply(iter_documents(paths, max_bytes=max_bytes, skip=skip))
        for chunk in _chunks(prepared(docs), batch_size):
            arts = [a for a in chunk if isinstance(a, Article)]
            new = _new_articles(arts, store, tally, seen)
            seen.update((a.id, a.outlet) for a in new)
            if on_item:
                for _ in range(len(arts) - len(new)):  # duplicates count as done for the progress bar
                    on_item(None)
            yield from (e for e in chunk if isinstance(e, IngestError))
            yield from new

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


def _different_outlet(x: str | None, y: str | None) -> bool:
    return bool(x and y and x.strip().lower() != y.strip().lower())


def _new_articles(arts: list[Article], store, tally: Tally, seen: dict[str, str | None] | None = None) -> list[Article]:
    """The articles of a batch to analyse and add: duplicates (in the batch, in the store, or in `seen`, an earlier
    batch still being analysed) are dropped, those in the store after their metadata is merged; a text already
    known under another outlet gets its publication id and goes on."""
    by_id: dict[str, Article] = {}
    seen = seen or {}
    for art in arts:
        if art.id in seen and _different_outlet(seen[art.id], art.outlet):
            art = replace(art, id=publication_id(art))
        if art.id in seen:
            tally.duplicates += 1
            continue
        for _ in range(2):  # a second round for a text seen under another outlet, under its publication id
            prev = by_id.get(art.id)
            if prev is None or not _different_outlet(prev.outlet, art.outlet):
                break
            art = replace(art, id=publication_id(art))
        prev = by_id.get(art.id)
        if prev is None:
            by_id[art.id] = art
            continue
        tally.duplicates += 1
        for name in ("url", "outlet", "title", "section", "published", "language"):
            if getattr(prev, name) is None and getattr(art, name) is not None:
                setattr(prev, name, getattr(art, name))
    for _ in range(2):
        known = store.existing(by_id)
        if not known:
            break
        updated, conflicts = store.merge_metadata([by_id[i] for i in known])
        tally.updated += updated
        tally.duplicates += len(known) - updated - len(conflicts)
        for i in known:
            del by_id[i]
        for art in conflicts:
            moved = replace(art, id=publication_id(art))
            if moved.id in by_id:
                tally.duplicates += 1
            else:
                by_id[moved.id] = moved
    return list(by_id.values())
