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
    techniques_own: int = 0  # technique spans in the outlet's own voice (attrs.voice "own", or none recorded)
    techniques_quoted: int = 0  # ... inside quotations
    words_own: int = 0  # words outside quotations (summary technique.own_voice.words)
    words_quoted: int = 0

    @property
    def anonymous_share(self) -> float | None:
        """Share of attributed statements with an anonymous source; None when the outlet has none."""
        return round(self.anonymous / self.attributions, 4) if self.attributions else None

    def techniques_per_1000_words(self, layer_exists: bool) -> float | None:
        """Propaganda-technique spans per 1,000 words; None when no article has that layer yet."""
        if not layer_exists or not self.words:
            return None
        return round(self.techniques / self.words * 1000, 3)

    def voice_per_1000_words(self, layer_exists: bool) -> tuple[float | None, float | None]:
        """Technique spans per 1,000 words of the outlet's own voice, and per 1,000 quoted words: what the outlet
        writes and what it reports others saying are different findings. None where there are no such words."""
        if not layer_exists:
            return None, None
        own = round(self.techniques_own / self.words_own * 1000, 3) if self.words_own else None
        quoted = round(self.techniques_quoted / self.words_quoted * 1000, 3) if self.words_quoted else None
        return own, quoted


def outlet_stats(db: sqlite3.Connection) -> list[OutletStats]:
    """Every outlet's figures, most articles first, the articles without an outlet last among equals. One pass of
    GROUP BY queries, each served by an index on (outlet) or on spans (layer, label)."""
    stats: dict[str | None, OutletStats] = {}
    for outlet, n, words, first, last in db.execute(
        "SELECT outlet, COUNT(*), COALESCE(SUM(json_extract(summary, '$.words')), 0), "
        "MIN(published), MAX(published) FROM articles GROUP BY outlet"
    ):
        stats[outlet] = OutletStats(outlet, n, int(words or 0), 0, 0, 0, first, last)
    for outlet, n, anon in db.execute(
        "SELECT a.outlet, COUNT(*), SUM(json_extract(s.attrs, '$.source_type') = ?) "
        "FROM spans s JOIN articles a ON a.id = s.article_id WHERE s.layer = 'attribution' GROUP BY a.outlet",
        (ANONYMOUS,),
    ):
        if outlet in stats:
            stats[outlet].attributions, stats[outlet].anonymous = n, int(anon or 0)
    for outlet, n, quoted in db.execute(
        "SELECT a.outlet, COUNT(*), SUM(json_extract(s.attrs, '$.voice') = 'quoted') FROM spans s "
        "JOIN articles a ON a.id = s.article_id WHERE s.layer = 'technique' GROUP BY a.outlet"
    ):
        if outlet in stats:
            st = stats[outlet]
            st.techniques, st.techniques_quoted = n, int(quoted or 0)
            st.techniques_own = n - st.techniques_quoted
    for outlet, own, quoted in db.execute(
        "SELECT outlet, SUM(json_extract(summary, '$.technique.own_voice.words')), "
        "SUM(json_extract(summary, '$.technique.quoted.words')) FROM articles GROUP BY outlet"
    ):
        if outlet in stats:
            stats[outlet].words_own, stats[outlet].words_quoted = int(own or 0), int(quoted or 0)
    for outlet, month, n in db.execute(
        "SELECT outlet, substr(published, 1, 7) AS m, COUNT(*) FROM articles "
        "WHERE published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' GROUP BY outlet, m"
    ):
        if outlet in stats:
            stats[outlet].months[month] = n
    return sorted(stats.values(), key=lambda s: (-s.articles, s.outlet is None, s.outlet or ""))


def sourcing_by_outlet(db: sqlite3.Connection, outlet: str | None = None, top: int = 5, min_articles: int = 1,
                       min_statements: int = 1, by: str = "outlet") -> list[dict[str, Any]]:
    """Per outlet (or per article with `by="article"`): statements, the articles they come from, the anonymous
    statements as a count and a share, counts per source type, the most quoted sources, and technique spans in
    the outlet's own voice and quoted (with per-1,000-word rates, outlets only). Only groups with at least
    `min_articles` articles and `min_statements` statements; highest anonymous share first, more statements first
    among equals (a share over 3 statements is no ranking)."""
    if by not in {"outlet", "article"}:
        raise ValueError(f"by must be 'outlet' or 'article', not {by!r}")
    sql = """SELECT a.outlet, s.article_id, a.title, s.label, s.attrs FROM spans s
             JOIN articles a ON a.id = s.article_id WHERE s.layer = 'attribution'"""
    params: tuple = ()
    if outlet is not None:
        sql += " AND a.outlet = ?"
        params = (outlet,)
    statements: Counter[str] = Counter()
    articles: dict[str, set[str]] = defaultdict(set)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    sources: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    about: dict[str, dict[str, Any]] = {}
    for name, article_id, title, label, raw in db.execute(sql, params):
        key = article_id if by == "article" else outlet_name(name)
        about.setdefault(key, {"outlet": outlet_name(name), "title": title})
        attrs = json.loads(raw)
        statements[key] += 1
        articles[key].add(article_id)
        types[key][label] += 1
        who = source_name(attrs)
        if who:
            sources[key][(who.lower(), label)] += 1
    voices = _technique_voices(db, by, outlet)
    result = []
    for key, n in statements.items():
        if len(articles[key]) < min_articles or n < min_statements:
            continue
        anonymous = types[key].get(ANONYMOUS, 0)
        row: dict[str, Any] = {"article": key, "title": about[key]["title"]} if by == "article" else {}
        row |= {
            "outlet": about[key]["outlet"],
            "articles": len(articles[key]),
            "statements": n,
            "anonymous": anonymous,
            "anonymous_share": round(anonymous / n, 3),
            "by_type": dict(types[key].most_common()),
            "top_sources": [{"source": src, "type": label, "statements": c}
                            for (src, label), c in sources[key].most_common(top)],
            "techniques": voices.get(key, _NO_VOICES),
        }
        result.append(row)
    result.sort(key=lambda r: (-r["anonymous_share"], -r["statements"], r.get("article") or r["outlet"]))
    return result


_NO_VOICES = {"own": 0, "quoted": 0, "own_per_1000_words": None, "quoted_per_1000_words": None}


def _technique_voices(db: sqlite3.Connection, by: str, outlet: str | None) -> dict[str, dict[str, Any]]:
    """Technique spans in the own voice and quoted, and their rates per 1,000 own and quoted words, per outlet or
    per article."""
    group = "a.id" if by == "article" else "a.outlet"
    where, params = ("WHERE a.outlet = ?", (outlet,)) if outlet is not None else ("", ())
    words = {}
    for key, own, quoted in db.execute(
        f"SELECT {group}, SUM(json_extract(a.summary, '$.technique.own_voice.words')), "
        f"SUM(json_extract(a.summary, '$.technique.quoted.words')) FROM articles a {where} GROUP BY {group}", params
    ):
        words[key if by == "article" else outlet_name(key)] = (int(own or 0), int(quoted or 0))
    out = {}
    for key, n, quoted in db.execute(
        f"SELECT {group}, COUNT(*), SUM(json_extract(s.attrs, '$.voice') = 'quoted') FROM spans s "
        f"JOIN articles a ON a.id = s.article_id WHERE s.layer = 'technique' "
        f"{'AND a.outlet = ?' if outlet is not None else ''} GROUP BY {group}", params
    ):
        key = key if by == "article" else outlet_name(key)
        quoted = int(quoted or 0)
        own_words, quoted_words = words.get(key, (0, 0))
        out[key] = {"own": n - quoted, "quoted": quoted,
                    "own_per_1000_words": round(1000 * (n - quoted) / own_words, 2) if own_words else None,
                    "quoted_per_1000_words": round(1000 * quoted / quoted_words, 2) if quoted_words else None}
    return out
