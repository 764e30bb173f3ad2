"""Story families: articles joined by copy relations, the first publisher of each with its evidence, and each member's
part (original, copy, partial) with what it changed.

A family's core is a connected component over *copy* links (texts that are mostly each other). A partial copy (a
few paragraphs lifted into another text) is an edge, never a merge: an article that lifts from two stories would
otherwise weld two families into one. It is listed as a `partial` member of the family it took from.

The first publisher is decided on evidence, and the evidence is returned with it: publication dates first (a unique
earliest date, with times when both have them), then who credits whom ("Fars News Agency reported" in a copy points
at Fars), then the texts themselves (the others are subsets of it; it carries no debris or added frame). A tie or a
family without dates is reported as such, with `first` null when nothing decides it, never a silent guess.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from newsprobe.corpus.copies.credits import names_outlet, outlet_keys
from newsprobe.corpus.copies.relation import edits, flip

# Credit phrases that name where a text came from (an "according to" may name a person).
_SOURCE_KINDS = frozenset({"source", "first appeared", "republished", "dateline", "copyright", "web address"})
_OUTLET_WORD = re.compile(r"\b(?:news|agency|times|post|press|tv|radio|media|herald|daily|journal|tribune|gazette|"
                          r"network|channel|telegraph|guardian|observer|reuters|afp|ap|sana|irna|fars|tass)\b", re.I)


@dataclass
class Node:
    """An article as the family logic sees it: identity, metadata and the credit phrases in its text."""

    key: int
    id: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    title: str | None = None
    credits: list[dict[str, Any]] = field(default_factory=list)
    source: str | None = None  # the file it was read from: a text file has no URL, and its id is a hash

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "outlet": self.outlet, "published": self.published,
                "source": self.source}


@dataclass
class Link:
    """A pair with its relation record (`relation.relate`), sides a = node `a`, b = node `b`."""

    a: int
    b: int
    rel: dict[str, Any]

    def seen_from(self, source: int) -> dict[str, Any]:
        """The record with `source` as side a."""
        return self.rel if source == self.a else flip(self.rel)


def _when(published: str | None) -> tuple[date, datetime | None] | None:
    """A publication date as (day, moment or None when only the day is known); None when absent or unreadable."""
    if not published:
        return None
    text = published.strip().replace("Z", "+00:00")
    try:
        if len(text) <= 10:
            return date.fromisoformat(text), None
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.date(), moment


def _earlier(x: tuple[date, datetime | None], y: tuple[date, datetime | None]) -> bool:
    """x strictly before y: an earlier day, or the same day with both times known and x's earlier."""
    if x[0] != y[0]:
        return x[0] < y[0]
    return x[1] is not None and y[1] is not None and x[1] < y[1]


class _Components:
    """Union-find over node keys."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = parent.setdefault(x, x)
        while root != parent[root]:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            if rx > ry:
                rx, ry = ry, rx
            self.parent[ry] = rx


def components(keys: list[int], links: list[Link]) -> dict[int, list[int]]:
    """The cores: connected components over copy links (every key, alone or not), keyed by their smallest key."""
    uf = _Components()
    for k in keys:
        uf.find(k)
    for link in links:
        if link.rel["kind"] == "copy":
            uf.union(link.a, link.b)
    groups: dict[int, list[int]] = defaultdict(list)
    for k in keys:
        groups[uf.find(k)].append(k)
    return groups


def build(nodes: dict[int, Node], links: list[Link]) -> list[dict[str, Any]]:
    """Every family (two members or more) in the JSON shape `newsprobe families` prints, largest first.

    Partial links between two cores are directed (which side the passage was taken from, `_partial_source`); the
    taker joins the family of the source as a `partial` member. A lone article whose passage others took is a family
    of its own when nobody it took from is known; otherwise its takers join the family it took from.
    """
    involved = sorted({k for link in links for k in (link.a, link.b)})
    groups = components(involved, links)
    core_of = {k: root for root, members in groups.items() for k in members}
    by_node: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        by_node[link.a].append(link)
        by_node[link.b].append(link)
    taken: dict[int, list[tuple[int, Link, str]]] = defaultdict(list)  # source core -> (taker, link, basis)
    sources_of: dict[int, set[int]] = defaultdict(set)  # taker core -> source cores
    for link in links:
        if link.rel["kind"] != "partial" or core_of[link.a] == core_of[link.b] or _same_outlet(nodes, link):
            continue
        source, basis = _partial_source(link, nodes, groups, core_of)
        taker = link.b if source == link.a else link.a
        taken[core_of[source]].append((taker, link, basis))
        sources_of[core_of[taker]].add(core_of[source])

    def is_family(root: int) -> bool:
        return len(groups[root]) >= 2 or (root in taken and not sources_of.get(root))

    attached: dict[int, list[tuple[int, Link, str]]] = defaultdict(list)
    for root, items in taken.items():
        home = root if is_family(root) else _family_above(root, sources_of, is_family)
        if home is not None:
            attached[home].extend(items)
    out = []
    for root, members in groups.items():
        if is_family(root):
            out.append(_family(members, attached.get(root, []), nodes, by_node))
    out.sort(key=lambda f: (-len(f["members"]), f["family"]))
    return out


def _same_outlet(nodes: dict[int, Node], link: Link) -> bool:
    """A passage an outlet repeats in its own articles (an editor's note, a standing background paragraph) is not a
    republication."""
    oa, ob = nodes[link.a].outlet, nodes[link.b].outlet
    return bool(oa and ob and oa.strip().lower() == ob.strip().lower())


def _family_above(root: int, sources_of: dict[int, set[int]], is_family: Callable[[int], bool]) -> int | None:
    """The nearest core up the chain of partial sources that is a family (breadth-first, smallest key first)."""
    seen = {root}
    queue = deque(sorted(sources_of.get(root, ())))
    while queue:
        core = queue.popleft()
        if core in seen:
            continue
        seen.add(core)
        if is_family(core):
            return core
        queue.extend(sorted(sources_of.get(core, ())))
    return None


def _partial_source(link: Link, nodes: dict[int, Node], groups: dict[int, list[int]],
                    core_of: dict[int, int]) -> tuple[int, str]:
    """Which side of a partial link the passage was taken from, and on what basis: the earlier one; else the one the
    other credits; else the side with more copies (a story others spread); else the smaller id (no evidence)."""
    a, b = link.a, link.b
    wa, wb = _when(nodes[a].published), _when(nodes[b].published)
    if wa and wb and _earlier(wa, wb) != _earlier(wb, wa):
        return (a if _earlier(wa, wb) else b), "date"
    ca, cb = _credits_node(nodes[b], nodes[a]), _credits_node(nodes[a], nodes[b])
    if bool(ca) != bool(cb):
        return (a if ca else b), "credit"
    size_a, size_b = len(groups[core_of[a]]), len(groups[core_of[b]])
    if size_a != size_b:
        return (a if size_a > size_b else b), "copies"
    return (a if nodes[a].id < nodes[b].id else b), "none"


def _credits_node(reader: Node, credited: Node) -> dict | None:
    """The credit in `reader` that names `credited`'s outlet (not its own), if any."""
    keys = outlet_keys(credited.outlet, credited.url)
    own = outlet_keys(reader.outlet, reader.url)
    if not keys or keys & own:
        return None
    for c in reader.credits:
        if names_outlet(c["name"], keys):
            return c
    return None


def _structure_scores(candidates: list[int], links: list[Link], nodes: dict[int, Node]) -> dict[int, float]:
    """Evidence from the texts alone, for each candidate: + when another text is (nearly) a subset of it, - when it
    adds debris or a frame the other lacks, + a little for being the best-connected text (the medoid: each copy
    differs from the original by its own edits only)."""
    score = dict.fromkeys(candidates, 0.0)
    shared: dict[int, int] = dict.fromkeys(candidates, 0)
    pool = set(candidates)
    for link in links:
        if link.a not in pool and link.b not in pool:
            continue
        rel = link.rel
        for side, node in (("a", link.a), ("b", link.b)):
            if node not in pool:
                continue
            i = 0 if side == "a" else 1
            mine, theirs = rel["cover"][i], rel["cover"][1 - i]
            if theirs >= 0.9 and mine < 0.9:
                score[node] += 1.0  # the other text is inside this one
            only = rel["only"][side]
            if any(s["kind"] == "debris" for s in only):
                score[node] -= 1.0
            if any(s["kind"] == "prose" and s["where"] == "start" for s in only):
                score[node] -= 0.5
            shared[node] += rel["shared_words"]
    if len(candidates) > 2 and shared:
        top = max(shared.values())
        best = [k for k, v in shared.items() if v == top]
        if len(best) == 1:
            score[best[0]] += 0.5
    return score


_PARTIAL_CONFIDENCE = {"date": 0.9, "credit": 0.75, "copies": 0.5, "none": 0.3}


def _decide_first(core: list[int], links: list[Link], nodes: dict[int, Node],
                  partial_bases: list[str] = ()) -> dict[str, Any]:
    """The first publisher of a core, with basis, confidence, evidence and ties. A core of one article (others took
    passages from it) is its own first; how sure that is depends on how the direction of the passages was told."""
    evidence: list[dict[str, Any]] = []
    if len(core) == 1:
        basis = min(partial_bases, key=lambda b: -_PARTIAL_CONFIDENCE[b]) if partial_bases else "none"
        if basis == "none":
            evidence.append({"kind": "direction", "detail": "nothing tells which way the shared passages went"})
        return {"first": core[0], "basis": f"partial: {basis}", "confidence": _PARTIAL_CONFIDENCE[basis],
                "tied": [], "evidence": evidence}
    when = {k: _when(nodes[k].published) for k in core}
    dated = [k for k in core if when[k]]
    undated = [k for k in core if not when[k]]
    credited_by: dict[int, list[tuple[int, dict]]] = defaultdict(list)
    for k in core:
        for j in core:
            if j != k and (c := _credits_node(nodes[j], nodes[k])):
                credited_by[k].append((j, c))
                evidence.append({"kind": "credit", "member": nodes[j].id, "credits": nodes[k].id,
                                 "text": c["name"], "phrase": c["kind"]})
    result: dict[str, Any] = {"first": None, "basis": "unknown", "confidence": 0.0, "tied": []}
    pool = core
    if dated:
        earliest = [k for k in dated if not any(_earlier(when[j], when[k]) for j in dated if j != k)]
        if len(earliest) == 1:
            k = earliest[0]
            later = [when[j] for j in dated if j != k]
            gap_days = min(((w[0] - when[k][0]).days for w in later), default=0)
            conf = 0.95 if gap_days >= 1 else 0.9
            evidence.insert(0, {"kind": "date", "member": nodes[k].id, "published": nodes[k].published,
                                "detail": f"earliest of {len(dated)} dated member(s)"
                                          + (f", {gap_days} day(s) before the next" if gap_days >= 1 else
                                             ", earlier the same day")})
            result.update(first=k, basis="date", confidence=conf)
        else:
            pool = earliest
            evidence.insert(0, {"kind": "date", "detail": f"{len(earliest)} members share the earliest date "
                                                          f"{when[earliest[0]][0].isoformat()}",
                                "members": [nodes[k].id for k in earliest]})
    if result["first"] is None:
        votes = {k: len(credited_by.get(k, [])) for k in pool}
        top = max(votes.values(), default=0)
        best = [k for k, v in votes.items() if v == top]
        if top > 0 and len(best) == 1:
            result.update(first=best[0], basis="credit" if not dated else "date tie, credit",
                          confidence=0.8 if dated else 0.75)
        else:
            scores = _structure_scores(list(pool), links, nodes)
            ranked = sorted(pool, key=lambda k: (-scores[k], nodes[k].id))
            margin = scores[ranked[0]] - scores[ranked[1]] if len(ranked) > 1 else 0.0
            if len(ranked) > 1 and margin >= 0.5:
                evidence.append({"kind": "text", "member": nodes[ranked[0]].id,
                                 "detail": "the others are subsets of it or add debris or a frame it lacks"})
                sure = 0.1 if margin >= 1.0 else 0.0
                result.update(first=ranked[0], basis="structure" if not dated else "date tie, structure",
                              confidence=(0.5 if dated else 0.4) + sure)
            else:
                result.update(tied=[nodes[k].id for k in sorted(pool, key=lambda k: nodes[k].id)],
                              basis="tie" if dated else "unknown")
    first = result["first"]
    if first is not None:
        if undated and dated:
            result["confidence"] = round(result["confidence"] * 0.85, 3)
            evidence.append({"kind": "missing dates", "members": [nodes[k].id for k in undated],
                             "detail": f"{len(undated)} member(s) have no date: one of them may be earlier"})
        against = [(k, j, c) for k, lst in credited_by.items() if k != first for j, c in lst if j == first]
        if against:
            result["confidence"] = round(result["confidence"] * 0.7, 3)
            for k, _, c in against:
                evidence.append({"kind": "conflict", "detail": f"the first by date credits {c['name']!r}",
                                 "member": nodes[k].id})
    elif undated:
        evidence.append({"kind": "missing dates", "members": [nodes[k].id for k in undated],
                         "detail": f"{len(undated)} member(s) have no date"})
    result["evidence"] = evidence
    return result


def _outside(core: list[int], nodes: dict[int, Node]) -> list[str]:
    """Names credited as a source by members that match no member's outlet: the story came from outside the
    corpus."""
    keys = [outlet_keys(nodes[k].outlet, nodes[k].url) for k in core]
    found: dict[str, None] = {}
    for k in core:
        for c in nodes[k].credits:
            strong = c["kind"] in _SOURCE_KINDS or (c["kind"] in ("reported", "according to")
                                                    and (_OUTLET_WORD.search(c["name"]) or c["name"].isupper()))
            if strong and not any(names_outlet(c["name"], ks) for ks in keys):
                found.setdefault(c["name"], None)
    return list(found)[:10]


def _tree(start: int, core: list[int], links: list[Link], nodes: dict[int, Node]) -> dict[int, Link]:
    """For each core member, the link to its parent on a breadth-first tree from `start` over copy links (the
    strongest first), so each copy is shown against the text it is closest to on the way to the first."""
    pool = set(core)
    adj: dict[int, list[Link]] = defaultdict(list)
    for link in links:
        if link.a in pool and link.b in pool:
            adj[link.a].append(link)
            adj[link.b].append(link)
    for k, lst in adj.items():
        lst.sort(key=lambda x: (x.rel["kind"] != "copy", -x.rel["shared_words"],
                                nodes[x.b if x.a == k else x.a].id))
    parent: dict[int, Link] = {}
    seen = {start}
    queue = deque([start])
    while queue:
        k = queue.popleft()
        for link in adj[k]:
            other = link.b if link.a == k else link.a
            if other not in seen:
                seen.add(other)
                parent[other] = link
                queue.append(other)
    return parent


def _family(core: list[int], attached: list[tuple[int, Link, str]], nodes: dict[int, Node],
            by_node: dict[int, list[Link]]) -> dict[str, Any]:
    core = sorted(core, key=lambda k: nodes[k].id)  # ids, not keys, order everything: any numbering gives one result
    pool = set(core)
    core_links = list({id(x): x for k in core for x in by_node[k] if x.a in pool and x.b in pool}.values())
    core_links.sort(key=lambda x: sorted((nodes[x.a].id, nodes[x.b].id)))
    decision = _decide_first(core, core_links, nodes, [basis for _, _, basis in attached])
    first = decision["first"]
    ref = first if first is not None else min(core, key=lambda k: nodes[k].id)
    parent = _tree(ref, core, core_links, nodes)
    members = []
    tied = set(decision["tied"])
    first_node = nodes[first] if first is not None else None
    for k in sorted(core, key=lambda k: (k != first, nodes[k].published or "9999", nodes[k].id)):
        node = nodes[k]
        entry = {**node.public(), "kind": "original" if k == first else "copy"}
        if node.id in tied:
            entry["first_candidate"] = True
        if k == first:
            entry.update(credited=None, passages=[], edits=[], relative_to=None)
        else:
            link = parent.get(k)
            src = link.a if link and link.b == k else (link.b if link else None)
            entry.update(_against(node, src, link, nodes, first_node, core))
        members.append(entry)
    seen_partial: set[int] = set()
    for other, link, _ in sorted(attached, key=lambda x: (nodes[x[0]].id, nodes[x[1].a].id, nodes[x[1].b].id)):
        if other in seen_partial or other in pool:
            continue
        seen_partial.add(other)
        src = link.a if link.b == other else link.b
        members.append({**nodes[other].public(), "kind": "partial",
                        **_against(nodes[other], src, link, nodes, first_node, core, partial=True)})
    family_id = min(nodes[k].id for k in core)
    return {
        "family": family_id,
        "size": len(members),
        "first": nodes[first].public() if first is not None else None,
        "confidence": decision["confidence"],
        "basis": decision["basis"],
        "tied": decision["tied"],
        "evidence": decision["evidence"] + _shared_passage(members),
        "origin_outside": _outside(core, nodes),
        "members": members,
    }


_PARTIAL_EDITS = frozenset({"title changed", "words swapped", "credit removed", "credit added"})
SHARED_PASSAGE_MEMBERS = 3  # partial members holding the same passage of one text, and little else of it


def _shared_passage(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Partial members that all hold the same passage of one text: a passage lifted by many, or an outlet's
    standing text (an editor's note, a background paragraph), which the same-outlet rule sets apart only when the
    outlets are known. Said, so that a reader of a family of 19 articles that share one note sees why."""
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in members:
        if m["kind"] == "partial" and m.get("passages"):
            by_source[m["relative_to"]].append(m)
    out = []
    for source, takers in sorted(by_source.items()):
        if len(takers) < SHARED_PASSAGE_MEMBERS:
            continue
        passages = [(m, p) for m in takers for p in m["passages"]]
        # the point of the source's text inside the most takers' passages (the last of equals)
        at = max({p["other_start"] for _, p in passages},
                 key=lambda x: (len({m["id"] for m, _ in _held_at(passages, x)}), x))
        held = _held_at(passages, at)
        holders = sorted({m["id"] for m, _ in held})
        if len(holders) < SHARED_PASSAGE_MEMBERS:
            continue
        unknown = len({m["id"] for m, _ in held if not m.get("outlet")})
        span = [min(p["other_start"] for _, p in held), max(p["other_end"] for _, p in held)]
        why = (f"; the outlets of {unknown} of them are unknown: give them (--name-pattern, --meta) and an "
               "outlet's own standing text is set apart" if unknown else "")
        out.append({"kind": "shared passage", "member": source, "members": holders, "at": span,
                    "detail": f"{len(holders)} partial members hold the same passage of {source} (characters "
                              f"{span[0]}-{span[1]}): a passage lifted by many, or an outlet's standing text (an "
                              f"editor's note, boilerplate){why}"})
    return out


_Held = list[tuple[dict[str, Any], dict[str, Any]]]  # (member, passage) pairs


def _held_at(passages: _Held, x: int) -> _Held:
    """The (member, passage) pairs whose passage holds character x of the text they are measured against."""
    return [(m, p) for m, p in passages if p["other_start"] <= x < p["other_end"]]


def _against(node: Node, src: int | None, link: Link | None, nodes: dict[int, Node], first: Node | None,
             core: list[int], partial: bool = False) -> dict[str, Any]:
    """A member's relation to the text it is shown against: passages (its characters and the other's), edits, whether
    it credits the first publisher."""
    credit = None
    if first is not None and first.key != node.key:
        credit = _credits_node(node, first)
        if credit is None and node.outlet and first.outlet and node.outlet.lower() == first.outlet.lower():
            credit = {"name": node.outlet, "kind": "same outlet"}
    elif first is None:
        credit = next((c for j in core if j != node.key and (c := _credits_node(node, nodes[j]))), None)
    out: dict[str, Any] = {"credited": credit is not None}
    if credit:
        out["credit"] = {"name": credit["name"], "phrase": credit["kind"],
                         **({"at": [credit["start"], credit["end"]]} if "start" in credit else {})}
    if link is None or src is None:
        out.update(passages=[], edits=[], relative_to=None)
        return out
    rel = link.seen_from(src)  # side a: the text it is shown against; side b: this member
    out["relative_to"] = nodes[src].id
    out["cover"] = rel["cover"][1]
    out["passages"] = [{"start": p["b"][0], "end": p["b"][1], "other_start": p["a"][0], "other_end": p["a"][1],
                        "words": p["words"], "quote": p["quote"]} for p in rel["passages"]]
    found = edits(rel, "a", (nodes[src].title, node.title))
    # A partial copy is another article around a lifted passage: what it "added" or "dropped" is everything else.
    out["edits"] = [e for e in found if e["edit"] in _PARTIAL_EDITS] if partial else found
    return out


def matches(fam: dict[str, Any], outlet: str | None, start: str | None, end: str | None) -> bool:
    """The CLI's and the API's filters: a member from `outlet`; first published (the first publisher's date, else
    the earliest member's) within [start, end] (ISO days); a family without any date fails a date filter."""
    if outlet and not any((m["outlet"] or "").lower() == outlet.lower() for m in fam["members"]):
        return False
    if start or end:
        dates = [m["published"][:10] for m in fam["members"] if m["published"]]
        first = (fam["first"] or {}).get("published") or (min(dates) if dates else None)
        if first is None:
            return False
        first = first[:10]
        if (start and first < start) or (end and first > end):
            return False
    return True


def newest(fam: dict[str, Any]) -> str:
    """Sort key for "newest first": the latest member's date."""
    return max((m["published"] or "" for m in fam["members"]), default="")
