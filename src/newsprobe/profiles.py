"""How outlets differ, read from a store: each outlet's sourcing (who it quotes, how often nobody on the record).

Works on the `attribution` layer as stored, so it needs no model at query time; an outlet's figures cover the
articles of it that the store holds, and an article without an outlet counts under "(unknown)".
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from typing import Any

from newsprobe.sourcing import source_name

UNKNOWN_OUTLET = "(unknown)"


def sourcing_by_outlet(db: sqlite3.Connection, outlet: str | None = None, top: int = 5) -> list[dict[str, Any]]:
    """Per outlet: statements, the articles they come from, share from anonymous sources, counts per source type,
    and the most quoted sources with their type and statements; outlets with most statements first."""
    sql = """SELECT a.outlet, s.article_id, s.label, s.attrs FROM spans s JOIN articles a ON a.id = s.article_id
             WHERE s.layer = 'attribution'"""
    params: tuple = ()
    if outlet is not None:
        sql += " AND a.outlet = ?"
        params = (outlet,)
    statements: Counter[str] = Counter()
    articles: dict[str, set[str]] = defaultdict(set)
    types: dict[str, Counter[str]] = defaultdict(Counter)
    sources: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for name, article_id, label, raw in db.execute(sql, params):
        name = name or UNKNOWN_OUTLET
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
            "articles": len(articles[name]),
            "statements": n,
            "anonymous_share": round(types[name].get("anonymous", 0) / n, 3),
            "by_type": dict(types[name]),
            "top_sources": top_sources,
        })
    return result
