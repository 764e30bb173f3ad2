"""Figures about actors, read from a store with an up-to-date actor index (`index.ensure`): one module for the CLI
and the web, so that both count the same things. An article without an outlet counts under the outlets analysis's
`UNKNOWN_OUTLET`; an article without a date is counted as undated, never placed on a time axis.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from typing import Any

from newsprobe.corpus.actors.index import ActorRow
from newsprobe.corpus.outlets.figures import OUTLET_SQL, outlet_name
from newsprobe.layers.attribution import source_name
from newsprobe.layers.entities import name_key
from newsprobe.layers.labels import LABEL_CLASSES, label_class

MONTH_SQL = "CASE WHEN a.published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' THEN substr(a.published, 1, 7) END"


DEFAULT_TYPES = ("PERSON", "ORG")  # nationalities are mostly adjectives ("Republican nominee"): asked for by name


def actor_table(db: sqlite3.Connection, label: str | None = None, outlet: str | None = None,
                top: int = 30, ids: list[str] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """(outlets, rows): the most mentioned actors of a type (None: people and organisations, "ALL": every type), or
    those of `ids`, each with its mentions per outlet (outlets by mentions)."""
    where, params = [], []
    if ids is not None:
        if not ids:
            return [], []
        where.append(f"m.actor_id IN ({','.join('?' * len(ids))})")
        params += ids
    types = DEFAULT_TYPES if not label else () if label.upper() == "ALL" else (label.upper(),)
    if types:
        where.append(f"r.label IN ({','.join('?' * len(types))})")
        params += types
    if outlet:
        where.append(f"{OUTLET_SQL} IS ?")
        params.append(None if outlet == outlet_name(None) else outlet)
    sql = (f"SELECT m.actor_id, {OUTLET_SQL}, SUM(m.mentions), COUNT(DISTINCT m.article_id) FROM actor_mentions m "
           "JOIN articles a ON a.id = m.article_id JOIN actors r ON r.id = m.actor_id"
           + (" WHERE " + " AND ".join(where) if where else "") + " GROUP BY m.actor_id, 2")
    per: dict[str, dict[str, int]] = defaultdict(dict)
    arts: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    outlet_totals: Counter[str] = Counter()
    for actor_id, out, mentions, n in db.execute(sql, params):
        name = outlet_name(out)
        per[actor_id][name] = mentions
        totals[actor_id] += mentions
        arts[actor_id] += n
        outlet_totals[name] += mentions
    rows = []
    for actor_id, total in totals.most_common(top):
        r = db.execute("SELECT name, label, info FROM actors WHERE id = ?", (actor_id,)).fetchone()
        info = json.loads(r[2])
        rows.append({"id": actor_id, "name": r[0], "type": r[1], "mentions": total, "articles": arts[actor_id],
                     "by_outlet": per[actor_id], "ambiguous": info.get("ambiguous", []),
                     "aliases": [s for s, _ in info.get("aliases", [])][:8]})
    return [o for o, _ in outlet_totals.most_common()], rows


def actor_detail(db: sqlite3.Connection, actor: ActorRow, quoted_top: int = 15) -> dict[str, Any]:
    """One actor: aliases, mentions and articles per outlet, mentions per month per outlet (undated apart), who is
    quoted in statements that mention it, and its statements."""
    outlets = []
    for out, mentions, n in db.execute(
        f"SELECT {OUTLET_SQL}, SUM(m.mentions), COUNT(DISTINCT m.article_id) FROM actor_mentions m "
        "JOIN articles a ON a.id = m.article_id WHERE m.actor_id = ? GROUP BY 1 ORDER BY 2 DESC", (actor.id,)
    ):
        outlets.append({"outlet": outlet_name(out), "mentions": mentions, "articles": n})
    months: dict[str, dict[str, int]] = defaultdict(dict)
    undated: dict[str, int] = {}
    for out, month, mentions in db.execute(
        f"SELECT {OUTLET_SQL}, {MONTH_SQL}, SUM(m.mentions) FROM actor_mentions m JOIN articles a "
        "ON a.id = m.article_id WHERE m.actor_id = ? GROUP BY 1, 2", (actor.id,)
    ):
        if month is None:
            undated[outlet_name(out)] = mentions
        else:
            months[outlet_name(out)][month] = mentions
    quoted, own = quoted_about(db, actor)
    return {
        **actor.to_dict(),
        "outlets": outlets,
        "months": {k: dict(sorted(v.items())) for k, v in months.items()},
        "undated": undated,
        "quoted": quoted[:quoted_top],
        "own_statements": own,
    }


def _mentions(db: sqlite3.Connection, actor_id: str) -> dict[str, list[tuple[int, int]]]:
    """Character ranges of the actor's mentions, per article."""
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for art, start, end in db.execute(
        "SELECT s.article_id, s.start, s.\"end\" FROM actor_mentions m JOIN spans s ON s.article_id = m.article_id "
        "AND s.layer = 'entity' AND s.label = m.label AND s.text = m.text "
        "AND COALESCE(json_extract(s.attrs, '$.canonical'), s.text) = m.canonical "
        "WHERE m.actor_id = ?", (actor_id,)
    ):
        out[art].append((start, end))
    return out


def quoted_about(db: sqlite3.Connection, actor: ActorRow) -> tuple[list[dict[str, Any]], int]:
    """Sources of the statements whose content mentions the actor (its own statements apart), most statements first,
    with their type and outlets; and the number of the actor's own statements."""
    mentions = _mentions(db, actor.id)
    if not mentions:
        return [], 0
    own_keys = {name_key(n) for n in [actor.name, *(c for _, c in actor.info.get("names", [])),
                                      *(s for s, _ in actor.info.get("aliases", []))]}
    sources: dict[tuple[str, str], dict[str, Any]] = {}
    own = 0
    marks = ",".join("?" * len(mentions))
    for art, start, end, label, raw, out in db.execute(
        f"SELECT s.article_id, s.start, s.\"end\", s.label, s.attrs, {OUTLET_SQL} FROM spans s "
        f"JOIN articles a ON a.id = s.article_id WHERE s.layer = 'attribution' AND s.article_id IN ({marks})",
        list(mentions),
    ):
        if not any(start <= ms and me <= end for ms, me in mentions[art]):
            continue
        attrs = json.loads(raw)
        who = source_name(attrs) or "(no source)"
        if name_key(who) in own_keys or (attrs.get("source") or {}).get("text") and any(
            s <= (attrs["source"].get("start") or -1) < e for s, e in mentions[art]
        ):
            own += 1
            continue
        entry = sources.setdefault((who.lower(), label), {"source": who, "type": label, "statements": 0,
                                                          "outlets": Counter()})
        entry["statements"] += 1
        entry["outlets"][outlet_name(out)] += 1
    rows = sorted(sources.values(), key=lambda e: (-e["statements"], e["source"].lower()))
    return [{**e, "outlets": dict(e["outlets"].most_common())} for e in rows], own


FRAMING_CLASSES = frozenset({"characterising"})


def framing(db: sqlite3.Connection, actor: ActorRow, outlet: str | None = None, kinds: set[str] | None = None,
            top: int = 12, evidence: int = 3, classes: frozenset[str] | None = FRAMING_CLASSES) -> dict[str, Any]:
    """The labels each outlet attaches to the actor: per outlet, each label's count and share of that outlet's
    labels for the actor, with up to `evidence` examples each (article, kind, the words around it); and the outlet x
    label matrix over the `top` labels of the corpus. Only labels of `classes` count (None: all): by default the
    ones that characterise, since a role ("representative", "Russian President") or a category ("coalition") is the
    same in every outlet and says nothing of how it frames the actor; `left_out` counts the others."""
    rows = db.execute(
        f"SELECT {OUTLET_SQL}, a.id, a.title, a.published, s.start, s.\"end\", s.text, s.label, "
        "json_extract(s.attrs, '$.key'), json_extract(s.attrs, '$.term'), json_extract(s.attrs, '$.class'), "
        "substr(a.text, max(1, s.start - 89), min(s.start, 90) + s.\"end\" - s.start + 90), max(0, s.start - 90) "
        "FROM actor_mentions m JOIN spans s ON s.article_id = m.article_id AND s.layer = 'label' "
        "AND json_extract(s.attrs, '$.actor') = m.canonical AND json_extract(s.attrs, '$.actor_type') = m.label "
        "AND json_extract(s.attrs, '$.target.text') = m.text "
        "JOIN articles a ON a.id = m.article_id WHERE m.actor_id = ?", (actor.id,)
    ).fetchall()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    terms: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    left_out: Counter[str] = Counter()
    for out, art, title, published, start, end, text, kind, key, term, cls, context, offset in rows:
        name = outlet_name(out)
        if (outlet and name != outlet) or (kinds and kind not in kinds):
            continue
        cls = cls or label_class(term or text.lower())  # stored before the layer wrote its class
        if classes is not None and cls not in classes:
            left_out[cls] += 1
            continue
        key = key or text.lower()
        counts[name][key] += 1
        terms[key][term or text] += 1
        if len(examples[(name, key)]) < evidence:
            examples[(name, key)].append({
                "article": art, "title": title, "published": published, "kind": kind, "start": start, "end": end,
                "text": text, "context": context, "at": start - offset,
            })
    shown = {k: t.most_common(1)[0][0] for k, t in terms.items()}
    outlets = []
    for name, c in sorted(counts.items(), key=lambda kv: -sum(kv[1].values())):
        total = sum(c.values())
        outlets.append({
            "outlet": name, "labels_total": total,
            "labels": [{"label": shown[k], "key": k, "count": n, "share": round(n / total, 3),
                        "evidence": examples[(name, k)]} for k, n in c.most_common()],
        })
    overall: Counter[str] = Counter()
    for c in counts.values():
        overall.update(c)
    columns = [k for k, _ in overall.most_common(top)]
    matrix = {"labels": [shown[k] for k in columns], "keys": columns,
              "rows": [{"outlet": o["outlet"], "counts": [counts[o["outlet"]].get(k, 0) for k in columns],
                        "total": o["labels_total"]} for o in outlets]}
    return {"actor": {"id": actor.id, "name": actor.name, "type": actor.label}, "outlets": outlets,
            "matrix": matrix, "labels_total": sum(overall.values()),
            "classes": sorted(classes) if classes is not None else sorted(LABEL_CLASSES), "left_out": dict(left_out)}
