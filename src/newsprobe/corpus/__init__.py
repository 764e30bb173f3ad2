"""The registry of corpus analyses (across the articles of a store). Adding one: a folder here plus one line below."""

from newsprobe.core.registry import CorpusAnalysis
from newsprobe.corpus import actors, copies, corroborate, outlets

ANALYSES: tuple[CorpusAnalysis, ...] = (
    outlets.ANALYSIS,
    copies.ANALYSIS,
    actors.ANALYSIS,
    corroborate.ANALYSIS,
)


def search_also(db, query: str) -> tuple[list[str], tuple[str, ...]]:
    """What the corpus analyses add to a full-text query (their `search` hooks): notes for the reader ("actor
    Jaish al-Fatah") and the phrases to look for as well."""
    notes: list[str] = []
    phrases: list[str] = []
    if not query.strip():
        return notes, ()
    for analysis in ANALYSES:
        fn = analysis.hook("search")
        found = fn(db, query) if fn else None
        if found:
            notes.append(found[0])
            phrases += found[1]
    return notes, tuple(dict.fromkeys(phrases))
