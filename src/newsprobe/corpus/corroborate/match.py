"""Corroboration of one claim: the other stored claims that report the same figure, grouped into independent reports
and copies of one report (the story families of `corpus/copies`), with a one-line verdict.

A claim is named by its **claim id** `ARTICLE_ID:START-END`: the article's id (or a unique prefix of 6+ characters)
and the character offsets of the claim span in the article's clean text, as `newsprobe show` and the web article page
list them. Offsets are stable: the clean text and its spans never change once stored.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from newsprobe.core.errors import NewsprobeError
from newsprobe.corpus.corroborate import index

_CLAIM_ID = re.compile(r"(?P<article>[0-9A-Za-z_.-]{1,200}?):(?P<start>\d{1,9})-(?P<end>\d{1,9})")
EXAMPLE_ID = "c72b67134be14b5c:1043-1180"
MIN_COPIED_WORDS = 12  # a claim sentence this long found word for word in two articles was copied, family or not

SOURCE_WORDS = {
    "named_person": "a named person", "named_org": "a named organisation", "official": "an official",
    "document": "a document", "media": "another outlet", "unnamed_group": "an unnamed group",
    "anonymous": "an anonymous source", "author": "the author", "unresolved": "an unresolved source",
    None: "no named source",
}
SHORT_WORDS = {
    "named_person": "named person", "named_org": "named organisation", "official": "official",
    "document": "document", "media": "outlet", "unnamed_group": "unnamed group", "anonymous": "anonymous",
    "author": "author", "unresolved": "unresolved source", None: "unattributed",
}


class MalformedClaimId(NewsprobeError):
    """A claim id not of the form ARTICLE_ID:START-END."""


class AmbiguousClaimId(NewsprobeError):
    """An article id prefix that several articles share."""


class UnknownClaim(NewsprobeError):
    """No such article, or no claim span at those offsets."""


def claim_id(article_id: str, start: int, end: int) -> str:
    return f"{article_id}:{start}-{end}"


def parse_claim_id(value: str) -> tuple[str, int, int]:
    """(article id or prefix, start, end); a NewsprobeError naming the expected form otherwise."""
    m = _CLAIM_ID.fullmatch(value.strip())
    if not m or int(m["end"]) <= int(m["start"]):
        shown = value.strip()[:80] or "(empty)"
        raise MalformedClaimId(f"malformed claim id {shown!r}: expected ARTICLE_ID:START-END, e.g. {EXAMPLE_ID} "
                             "(`newsprobe show ARTICLE_ID --db STORE` lists the claim ids of an article)")
    return m["article"], int(m["start"]), int(m["end"])


def _claim_spans(db, article_id: str) -> list[tuple[int, int, str, dict]]:
    # `+layer`: look the article up by its own index (spans_article), not by every claim span of the store
    rows = db.execute('SELECT start, "end", text, attrs FROM spans WHERE article_id = ? AND +layer = \'claim\' '
                      "ORDER BY start", (article_id,))
    out = []
    for start, end, text, attrs in rows:
        try:
            parsed = json.loads(attrs)
        except (TypeError, ValueError):
            parsed = {}
        out.append((start, end, text, parsed if isinstance(parsed, dict) else {}))
    return out


def resolve(store, value: str, db_name: str = "the store"):
    """The article and the claim span a claim id names: (article, (start, end, text, attrs))."""
    ref, start, end = parse_claim_id(value)
    try:
        article = store.get(ref)
    except NewsprobeError as exc:
        raise AmbiguousClaimId(f"claim id {value.strip()!r}: {exc}") from None
    if article is None:
        raise UnknownClaim(f"claim id {value.strip()!r}: no article {ref!r} in {db_name}")
    spans = _claim_spans(store.connection, article.id)
    found = next((s for s in spans if s[0] == start and s[1] == end), None)
    if found is None:
        listed = ", ".join(claim_id(article.id, s[0], s[1]) for s in spans[:3])
        hint = f"; its claims include {listed}" if spans else "; it has no claim spans (was the claims layer run?)"
        raise UnknownClaim(f"claim id {value.strip()!r}: article {article.id} has no claim span at {start}-{end}"
                             + hint)
    return article, found


def corroborate(store, value: str, db_name: str = "the store") -> dict[str, Any]:
    """The corroboration of the claim `value` names (see the module docstring and docs/corroborate.md)."""
    article, (start, end, text, attrs) = resolve(store, value, db_name)
    db = store.connection
    index.ensure(db)
    return corroborate_span(store, article, start, end, text, attrs)


def corroborate_span(store, article, start: int, end: int, text: str, attrs: dict,
                     ctx: Context | None = None) -> dict[str, Any]:
    """The corroboration of a claim span already in hand (the index brought up to date by the caller); `ctx` shares
    what was read about other articles between the claims of one page."""
    db = store.connection
    grans = date_granularity(db, article.id)
    quantities = attrs.get("quantities") if isinstance(attrs.get("quantities"), list) else []
    ctx = ctx or Context(store)
    figures = []
    for i, q in enumerate(quantities):
        fig = index.figure(article.id, start, end, i, q, article.published, grans)
        entry: dict[str, Any] = {"index": i, "text": q.get("text") if isinstance(q, dict) else None,
                                 "counted": q.get("counted") if isinstance(q, dict) else None,
                                 "event": q.get("event") if isinstance(q, dict) else None,
                                 "kind": None, "interval": None, "window": None, "reports": [],
                                 "independent": 0, "articles": 0, "copies": 0}
        if fig is None:
            entry["verdict"] = "Not comparable: no event or counted noun, or too vague a number."
            figures.append(entry)
            continue
        entry.update(kind=fig.kind, interval=[fig.lo, fig.hi], window=list(fig.window) if fig.window else None)
        hits = index.candidates(db, fig)
        if not any(h.article_id == article.id and h.start == start and h.q == i for h in hits):
            hits.append(fig)  # the claim itself, also when the index has not seen it (a transient article)
        reports = _group(ctx, hits, (article.id, start, i))
        entry.update(reports=reports, independent=len(reports), articles=sum(len(r["articles"]) for r in reports))
        entry["copies"] = entry["articles"] - entry["independent"]
        entry["verdict"] = verdict(reports)
        figures.append(entry)
    link = attrs.get("attribution") if isinstance(attrs.get("attribution"), dict) else {}
    return {
        "claim": {"id": claim_id(article.id, start, end), "article_id": article.id, "title": article.title,
                  "outlet": article.outlet, "published": article.published, "start": start, "end": end,
                  "text": text, "source": _source_text(link.get("source")), "source_type": link.get("source_type")},
        "figures": figures,
        "copies_pending": ctx.pending,
    }


def date_granularity(db, article_id: str) -> dict[tuple[int, int], str]:
    """The date layer's granularity of each of an article's date spans, by (start, end)."""
    out = {}
    for s, e, a in db.execute('SELECT start, "end", attrs FROM spans WHERE article_id = ? AND +layer = \'date\'',
                              (article_id,)):
        try:
            gran = json.loads(a).get("granularity")
        except (TypeError, ValueError, AttributeError):
            continue
        if gran:
            out[(s, e)] = gran
    return out


class Context:
    """What grouping needs about articles, read once per request: metadata, claim spans, copy families."""

    def __init__(self, store) -> None:
        self.store = store
        self.db = store.connection
        self._meta: dict[str, dict[str, Any]] = {}
        self._spans: dict[str, list[tuple[int, int, str, dict]]] = {}
        self._families: dict[str, list[dict[str, Any]]] = {}
        from newsprobe.corpus.copies import index as copies

        self._copies = copies
        try:
            self.pending = copies.pending(store)
        except Exception:  # a store without the copies tables (read-only, never upgraded): no families known
            self.pending = 0
            self._copies = None

    def meta(self, article_id: str) -> dict[str, Any]:
        if article_id not in self._meta:
            row = self.db.execute("SELECT id, title, outlet, published, url FROM articles WHERE id = ?",
                                  (article_id,)).fetchone()
            self._meta[article_id] = dict(zip(("id", "title", "outlet", "published", "url"), row, strict=True)) \
                if row else {"id": article_id, "title": None, "outlet": None, "published": None, "url": None}
        return self._meta[article_id]

    def span(self, article_id: str, start: int) -> tuple[int, int, str, dict] | None:
        if article_id not in self._spans:
            self._spans[article_id] = _claim_spans(self.db, article_id)
        return next((s for s in self._spans[article_id] if s[0] == start), None)

    def families(self, article_id: str) -> list[dict[str, Any]]:
        if self._copies is None:
            return []
        if article_id not in self._families:
            found = self._copies.families_of(self.store, article_id)
            self._families[article_id] = found
            for fam in found:  # every member's families include this one: one read serves them all
                for m in fam["members"]:
                    self._families.setdefault(m["id"], [])
                    if all(f["family"] != fam["family"] for f in self._families[m["id"]]):
                        self._families[m["id"]].append(fam)
        return self._families[article_id]


def _group(ctx: Context, hits: list[index.Figure], me: tuple[str, int, int]) -> list[dict[str, Any]]:
    """Hits as reports: hits in one copy family (as the original or a whole copy, or a partial copy whose claim lies
    in a passage it shares) are one report, and so are hits whose claim sentence is the same, word for word (a
    sentence lifted without the rest of the article, an outlet's boilerplate); every other hit is a report of its
    own."""
    hits = _one_per_article(ctx, hits, me)
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    family_of: dict[str, int] = {}
    firsts: dict[int, dict[str, Any]] = {}
    for n, hit in enumerate(hits):
        find(n)
        for fam in ctx.families(hit.article_id):
            member = next((m for m in fam["members"] if m["id"] == hit.article_id), None)
            if member is None or not _copied(member, hit):
                continue
            if fam["family"] in family_of:
                parent[find(n)] = find(family_of[fam["family"]])
            else:
                family_of[fam["family"]] = n
            firsts[n] = fam
    same_text: dict[str, int] = {}
    for n, hit in enumerate(hits):  # one sentence word for word in several articles: copied, even without a family
        span = ctx.span(hit.article_id, hit.start)
        words = " ".join((span[2] if span else "").lower().split())
        if len(words.split()) < MIN_COPIED_WORDS:
            continue
        if words in same_text:
            parent[find(n)] = find(same_text[words])
        else:
            same_text[words] = n
    groups: dict[int, list[int]] = {}
    for n in range(len(hits)):
        groups.setdefault(find(n), []).append(n)
    reports = []
    for members in groups.values():
        articles = [_hit(ctx, hits[n], me) for n in members]
        articles.sort(key=lambda a: (a["published"] is None, a["published"] or "", a["id"]))
        fam = next((firsts[n] for n in members if n in firsts), None)
        first_id = (fam.get("first") or {}).get("id") if fam else None
        if first_id and any(a["id"] == first_id for a in articles):
            articles.sort(key=lambda a: a["id"] != first_id)  # the family's first publisher leads its report
        for a in articles[1:]:
            a["role"] = "copy"
        articles[0]["role"] = "first"
        reports.append({"family": fam["family"] if fam else None, "source_type": articles[0]["source_type"],
                        "source": articles[0]["source"], "first": articles[0]["id"], "articles": articles,
                        "source_types": sorted({a["source_type"] or "none" for a in articles})})
    reports.sort(key=lambda r: (not any(a["this"] for a in r["articles"]), -len(r["articles"]),
                                r["articles"][0]["published"] or "9999"))
    return reports


def _one_per_article(ctx: Context, hits: list[index.Figure], me: tuple[str, int, int]) -> list[index.Figure]:
    """An article that states the figure twice (its headline and its first sentence) is one article: the claim asked
    about when it is there, else a sentence of the body before the headline, else the first."""
    def rank(hit: index.Figure) -> tuple[bool, bool, int]:
        span = ctx.span(hit.article_id, hit.start)
        headline = bool(span and span[3].get("headline"))
        return ((hit.article_id, hit.start, hit.q) != me, headline, hit.start)

    best: dict[str, index.Figure] = {}
    for hit in hits:
        if hit.article_id not in best or rank(hit) < rank(best[hit.article_id]):
            best[hit.article_id] = hit
    return list(best.values())


def _copied(member: dict[str, Any], hit: index.Figure) -> bool:
    if member.get("kind") in ("original", "copy"):
        return True
    return any(p.get("start", 0) < hit.end and hit.start < p.get("end", 0) for p in member.get("passages") or [])


def _hit(ctx: Context, hit: index.Figure, me: tuple[str, int, int]) -> dict[str, Any]:
    meta = ctx.meta(hit.article_id)
    span = ctx.span(hit.article_id, hit.start)
    attrs = span[3] if span else {}
    link = attrs.get("attribution") if isinstance(attrs.get("attribution"), dict) else {}
    quantities = attrs.get("quantities") if isinstance(attrs.get("quantities"), list) else []
    q = quantities[hit.q] if hit.q < len(quantities) and isinstance(quantities[hit.q], dict) else {}
    return {**meta, "claim_id": claim_id(hit.article_id, hit.start, hit.end), "start": hit.start, "end": hit.end,
            "text": span[2] if span else "", "figure": q.get("text"), "counted": q.get("counted"),
            "event": q.get("event"), "source": _source_text(link.get("source")), "source_type": link.get("source_type"),
            "this": (hit.article_id, hit.start, hit.q) == me, "role": "first"}


def _source_text(source: Any) -> str | None:
    """The attribution layer's source as words: a string, or a part of the text ({start, end, text})."""
    if isinstance(source, dict):
        source = source.get("text")
    return source if isinstance(source, str) and source else None


def verdict(reports: list[dict[str, Any]]) -> str:
    """One line a reader takes in at a glance: "One report: an anonymous source, copied by 11 other articles (9
    outlets)." or "3 independent reports (2 official, 1 anonymous), 4 copies in all"."""
    total = sum(len(r["articles"]) for r in reports)
    copies = total - len(reports)
    if not reports or total == 1:
        return "Not reported elsewhere in this store."
    if len(reports) == 1:
        report = reports[0]
        outlets = {a["outlet"] for a in report["articles"][1:] if a["outlet"]} - {report["articles"][0]["outlet"]}
        where = f" ({len(outlets)} outlet{'s' if len(outlets) != 1 else ''})" if outlets else ""
        return (f"One report: {SOURCE_WORDS.get(report['source_type'], report['source_type'])}, copied by "
                f"{copies} other article{'s' if copies != 1 else ''}{where}.")
    kinds = Counter(SHORT_WORDS.get(r["source_type"], r["source_type"]) for r in reports)
    parts = ", ".join(f"{n} {word}" for word, n in kinds.most_common())
    tail = f"; {copies} cop{'ies' if copies != 1 else 'y'} besides" if copies else ""
    return f"{len(reports)} independent reports ({parts}){tail}."

