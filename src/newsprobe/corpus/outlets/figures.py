"""How outlets differ, read from a store: each outlet's articles, words, sourcing and technique use.

One module for the CLI (`newsprobe sources`) and the web (outlets page, `/api/outlets`), so that both count the same
things the same way; an article without an outlet counts under `UNKNOWN_OUTLET` in both. Works on the layers as
stored, so it needs no model at query time.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from newsprobe.layers.attribution import source_name

UNKNOWN_OUTLET = "(unknown outlet)"
ANONYMOUS = "anonymous"
# The outlet of an article `a` as counted everywhere: an empty or blank outlet is no outlet (NULL), so that the web,
# the CLI and the actor figures put the same articles under UNKNOWN_OUTLET.
OUTLET_SQL = "NULLIF(TRIM(a.outlet), '')"


def outlet_name(outlet: str | None) -> str:
    """The outlet as shown to people: its name, or `UNKNOWN_OUTLET`."""
    return outlet or UNKNOWN_OUTLET


@dataclass
class OutletStats:
    """Per-outlet figures for the outlets page and `/api/outlets`."""

    outlet: str | None
    articles: int
    words: int
    attributions: int
    anonymous: int
    techniques: int
    first_published: str | None
    last_published: str | None
    months: dict[str, int] = field(default_factory=dict)
    undated: int = 0  # articles without a usable publication date: counted, never placed on a time axis

    @property
    def anonymous_share(self) -> float | None:
        """Share of attributed statements with an anonymous source; None when the outlet has none."""
        return round(self.anonymous / self.attributions, 4) if self.attributions else None

    def techniques_per_1000_words(self, layer_exists: bool) -> float | None:
        """Propaganda-technique spans per 1,000 words; None when no article has that layer yet."""
        if not layer_exists or not self.words:
            return None
        return round(self.techniques / self.words * 1000, 3)


def outlet_stats(db: sqlite3.Connection) -> list[OutletStats]:
    """Every outlet's figures, most articles first, the articles without an outlet last among equals. One pass of
    GROUP BY queries, each served by an index on (outlet) or on spans (layer, label)."""
    stats: dict[str | None, OutletStats] = {}
    for outlet, n, words, first, last in db.execute(
        f"SELECT {OUTLET_SQL}, COUNT(*), COALESCE(SUM(json_extract(a.summary, '$.words')), 0), "
        "MIN(a.published), MAX(a.published) FROM articles a GROUP BY 1"
    ):
        stats[outlet] = OutletStats(outlet, n, int(words or 0), 0, 0, 0, first, last)
    for outlet, n, anon in db.execute(
        f"SELECT {OUTLET_SQL}, COUNT(*), SUM(json_extract(s.attrs, '$.source_type') = ?) "
        "FROM spans s JOIN articles a ON a.id = s.article_id WHERE s.layer = 'attribution' GROUP BY 1",
        (ANONYMOUS,),
    ):
        if outlet in stats:
            stats[outlet].attributions, stats[outlet].anonymous = n, int(anon or 0)
    for outlet, n in db.execute(
        f"SELECT {OUTLET_SQL}, COUNT(*) FROM spans s JOIN articles a ON a.id = s.article_id "
        "WHERE s.layer = 'technique' GROUP BY 1"
    ):
        if outlet in stats:
            stats[outlet].techniques = n
    for outlet, month, n in db.execute(
        f"SELECT {OUTLET_SQL}, substr(a.published, 1, 7) AS m, COUNT(*) FROM articles a "
        "WHERE a.published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' GROUP BY 1, m"
    ):
        if outlet in stats:
            stats[outlet].months[month] = n
    for outlet, n in db.execute(
        f"SELECT {OUTLET_SQL}, COUNT(*) FROM articles a "
        "WHERE a.published IS NULL OR a.published NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' GROUP BY 1"
    ):
        stats[outlet].undated = n
    return sorted(stats.values(), key=lambda s: (-s.articles, s.outlet is None, s.outlet or ""))


def sourcing_by_outlet(db: sqlite3.Connection, outlet: str | None = None, top: int = 5) -> list[dict[str, Any]]:
    """Per outlet: statements, the articles they come from, share from anonymous sources, counts per source type,
    and the most quoted sources with their type and statements; outlets with most statements first."""
    sql = f"""SELECT {OUTLET_SQL}, s.article_id, s.label, s.attrs FROM spans s JOIN articles a ON a.id = s.article_id
             WHERE s.layer = 'attribution'"""
    params: tuple = ()
    if outlet is not None:
        sql += f" AND {OUTLET_SQL} IS ?"
        params = (None if outlet == UNKNOWN_OUTLET else outlet,)
    all_articles = {
        outlet_name(o): n for o, n in db.execute(f"SELECT {OUTLET_SQL}, COUNT(*) FROM articles a GROUP BY 1")
    }
    statements: Counter[str] = Counter()
    articles: dict[str, set[str]] = defaultdict(set)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    sources: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for name, article_id, label, raw in db.execute(sql, params):
        name = outlet_name(name)
        attrs = json.loads(raw)
        statements[name] += 1
        articles[name].add(article_id)
        types[name][label] += 1
        who = source_name(attrs)
        if who:
            sources[name][(who.lower(), label)] += 1
    result = []
    for name, n in statements.most_common():
        top_sources = [{"source": key, "type": label, "statements": c}
                       for (key, label), c in sources[name].most_common(top)]
        result.append({
            "outlet": name,
            "articles": all_articles.get(name, 0),  # as the web's outlets page counts them
            "articles_with_statements": len(articles[name]),
            "statements": n,
            "anonymous_share": round(types[name].get("anonymous", 0) / n, 3),
            "by_type": dict(types[name]),
            "top_sources": top_sources,
        })
    return result
