"""Corpus analysis `actors`: one actor per real-world person or group across a store, its spellings and aliases
merged; search by any of its names; the labels each outlet gives it (`newsprobe actors`, `actor`, `framing`, the web's
actor pages and the "Actors" panel of the article page). See docs/actors.md.
"""

from newsprobe.core.registry import CorpusAnalysis

ANALYSIS = CorpusAnalysis(
    name="actors",
    commands=(
        ("actors", "newsprobe.corpus.actors.cli:actors"),
        ("actor", "newsprobe.corpus.actors.cli:actor"),
        ("framing", "newsprobe.corpus.actors.cli:framing"),
    ),
    panel="newsprobe.corpus.actors.web:panel",
    panel_template="actors/panel.html",
    router="newsprobe.corpus.actors.web:router",
    nav=(("Actors", "/actors"),),
    search="newsprobe.corpus.actors:search_phrases",
)


def search_phrases(db, query: str) -> tuple[str, list[str]] | None:
    """The registry's `search` hook: when a query is a name of an actor, ("actor NAME", every spelling of it) for the
    full-text search to look for too (`index.search_phrases`); None otherwise."""
    import sqlite3

    from newsprobe.core.errors import NewsprobeError
    from newsprobe.corpus.actors.index import ensure
    from newsprobe.corpus.actors.index import search_phrases as phrases

    try:
        ensure(db)
    except (NewsprobeError, sqlite3.OperationalError):  # read-only store, stale index: plain search, not a failure
        return None
    found = phrases(db, query)
    return None if found is None else (f"actor {found[0].name}", found[1])


def actor_for(db, name: str) -> tuple[str, str]:
    """(id, name) of the actor `name` stands for, the index refreshed first; NewsprobeError when there is none. For the
    search filter of the CLI and the web."""
    from newsprobe.corpus.actors.index import ensure, resolve_one

    ensure(db)
    found = resolve_one(db, name)
    return found.id, found.name


def span_actor_column(db):
    """For table exports: a function (article, span) -> {"corpus_actor": name} naming the corpus-wide actor of an
    entity or label span (None for other spans, or when the index cannot be brought up to date)."""
    import sqlite3

    from newsprobe.core.errors import NewsprobeError
    from newsprobe.corpus.actors.index import ensure

    try:
        ensure(db)
    except (NewsprobeError, sqlite3.OperationalError):
        names: dict[tuple[str, str, str], str] = {}
    else:
        names = {(art, label, canonical, text): name for art, label, canonical, text, name in db.execute(
            "SELECT m.article_id, m.label, m.canonical, m.text, a.name FROM actor_mentions m "
            "JOIN actors a ON a.id = m.actor_id")}

    def column(article, span) -> dict:
        if span.layer == "entity":
            key = (article.id, span.label, span.attrs.get("canonical") or span.text, span.text)
        elif span.layer == "label":
            target = span.attrs.get("target") if isinstance(span.attrs.get("target"), dict) else {}
            key = (article.id, span.attrs.get("actor_type"), span.attrs.get("actor"), target.get("text"))
        else:
            return {"corpus_actor": None}
        return {"corpus_actor": names.get(key)}

    return column
