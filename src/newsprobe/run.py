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

from newsprobe.core.model import Article, Document, IngestError, content_id
from newsprobe.core.pipeline import analyse, load_nlp, selected
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
            yield item if isinstance(item, IngestError) else prepare(item, repeated.get(site_of(item), ()))


def no_layers() -> bool:
    """Whether the settings ask for no analysis layer at all (`--layers none`): then spaCy is never loaded."""
    return not selected()


def summarised(articles: Iterable[Article]) -> Iterator[Article]:
    """Articles with the summary that needs no layer (words, removed lines): what `--layers none` stores."""
    for art in articles:
        art.summary = summarize(art, layers=())
        yield art


def analysed(items: Iterable[Article | IngestError], batch_size: int = 64) -> Iterator[Article | IngestError]:
    """Analyse articles in batches while passing errors through in their place in the stream."""
    if no_layers():
        for item in items:
            yield next(summarised([item])) if isinstance(item, Article) else item
        return
    nlp = load_nlp()
    for chunk in _chunks(items, batch_size):
        arts = [a for a in chunk if isinstance(a, Article)]
        done = iter(analyse(arts, batch_size=batch_size, nlp=nlp))
        for item in chunk:
            yield next(done) if isinstance(item, Article) else item


def analyze_paths(
    paths: Iterable[str | Path], max_bytes: int = 20_000_000, metadata: Metadata | None = None,
    **defaults: str | None,
) -> Iterator[Article | IngestError]:
    """Analyse every article under `paths` with the layers the settings choose; `defaults` (outlet=, published=,
    ...) fill missing metadata, `metadata` adds a sidecar table or file-name pattern."""
    meta = metadata or Metadata()
    meta = Metadata({**meta.defaults, **defaults}, meta.table, meta.pattern)
    return analysed(prepared(meta.apply(iter_documents(paths, max_bytes=max_bytes))))


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
    metadata: Metadata | None = None,
) -> Tally:
    """Store every article once. Articles already in the store are skipped before the parse (their metadata merged
    when the new copy brings better, see `Store.merge_metadata`) and the store commits per batch, so a run killed
    half-way and started again ends with each article once. The same text under another outlet is another
    publication: it is stored under its own id (`publication_id`)."""
    tally = Tally()
    nlp = None if no_layers() else load_nlp()
    docs = (metadata or Metadata()).apply(iter_documents(paths, max_bytes=max_bytes))
    for chunk in _chunks(prepared(docs), batch_size):
        errors = [e for e in chunk if isinstance(e, IngestError)]
        fresh = _new_articles([a for a in chunk if isinstance(a, Article)], store, tally)
        if nlp is None:
            done = list(summarised(fresh))
        else:
            done = list(analyse(fresh, batch_size=batch_size, nlp=nlp))
        stored, dup = store.add_many(done)
        tally.stored += stored
        tally.duplicates += dup
        for err in errors:
            store.record_failure(err.source, err.reason)
        tally.failed.extend(errors)
        if on_item:
            for item in chunk:
                on_item(item)
    return tally


def _different_outlet(x: Article, y: Article) -> bool:
    return bool(x.outlet and y.outlet and x.outlet.strip().lower() != y.outlet.strip().lower())


def _new_articles(arts: list[Article], store, tally: Tally) -> list[Article]:
    """The articles of a batch to analyse and add: duplicates (in the batch or in the store) are dropped after their
    metadata is merged; a text already known under another outlet gets its publication id and goes on."""
    by_id: dict[str, Article] = {}
    for art in arts:
        for _ in range(2):  # a second round for a text seen under another outlet, under its publication id
            prev = by_id.get(art.id)
            if prev is None or not _different_outlet(prev, art):
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
