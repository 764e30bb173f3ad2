"""One actor per real-world entity across a corpus: which per-article names (entity layer's canonical names) belong
together, and why.

Evidence, in order of precedence:
1. the user's alias file (always wins: a name it lists goes to its actor and nowhere else, and two of its actors are
   never merged), then the entity layer's alias table and the Phoenix-derived seed;
2. the same spelling key (`name_key`: case, al-/el-, Jeish/Jaish, apostrophes), and for organisations the same
   transliteration-blind key of every word ("Hizbullah" / "Hezbollah");
3. an acronym in brackets right after the full name in some article ("Syrian Democratic Forces (SDF)");
4. people: full names with the same family name and compatible given names (nicknames, initials), no conflicting
   middle initials or suffixes ("Donald J. Trump" = "Donald Trump"; "George W. Bush" != "George H. W. Bush"); a family
   name alone goes to the one person with that family name, or, when several share it, to one who has at least
   `PREVALENCE` of their mentions; otherwise it stays an actor of its own, marked ambiguous with the candidates;
5. the same name typed PERSON in some articles and ORG in others takes the type of two thirds of its mentions.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from newsprobe.corpus.actors.aliases import AliasBook, AliasRow
from newsprobe.corpus.actors.names import (
    PersonName,
    acronym,
    acronym_key,
    first_compatible,
    org_keys,
    person_name,
    translation_keys,
)
from newsprobe.layers.entities import name_key

PREVALENCE = 0.9
SPLIT = "\x1f"  # in a unit's name: "canonical<SPLIT>user actor", spellings the user's file parts from the rest
ACTOR_TYPES = ("PERSON", "ORG", "NORP")

NameId = tuple[str, str]  # (entity label, canonical name)


@dataclass
class NameStat:
    """One per-article canonical name as the store has it, summed over the corpus."""

    label: str
    canonical: str
    mentions: int = 0
    articles: int = 0
    surfaces: Counter[str] = field(default_factory=Counter)  # spellings in the text, with mentions


@dataclass
class Actor:
    id: str
    name: str
    label: str
    names: list[NameId]
    mentions: int
    articles: int
    aliases: list[tuple[str, int]]  # spellings seen, most mentions first
    table_names: list[str]  # names from alias tables the corpus does not use (still found by search)
    origin: str  # user, entities, phoenix or corpus
    evidence: list[str]
    ambiguous: list[str] = field(default_factory=list)  # for a family name alone: the people it may be


class _Union:
    def __init__(self) -> None:
        self.parent: dict[object, object] = {}
        self.locked: dict[object, str] = {}  # root -> the user row that owns it

    def find(self, x: object) -> object:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: object, b: object) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if ra in self.locked and rb in self.locked:
            return False  # two actors of the user's file stay two
        if rb in self.locked:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return True


def resolve(
    stats: list[NameStat], book: AliasBook, acronym_pairs: Counter[tuple[NameId, NameId]] | None = None,
    titles: dict[NameId, Counter[str]] | None = None,
) -> tuple[list[Actor], dict[NameId, str]]:
    """The actors, most mentioned first, and each name's actor id. `titles`: per name, the words written before or
    beside it (the labels layer's modifiers and appositives: "President", "first lady"), evidence for a family name
    alone that several people share."""
    by_id: dict[NameId, NameStat] = {(s.label, s.canonical): s for s in stats if s.label in ACTOR_TYPES}
    uf = _Union()
    why: dict[NameId, str] = {}
    rows: dict[object, AliasRow] = {}
    fixed: set[NameId] = set()  # names a user row claimed: no heuristic moves them
    for nid in by_id:
        uf.find(nid)
        row = book.find(nid[1], nid[0])
        if row is None or row.origin != "user":
            row = _user_row_of_spellings(by_id[nid], book) or row
        if row is None:
            continue
        node = ("row", row.origin, row.where, row.canonical)
        rows[node] = row
        if row.origin == "user":
            uf.locked.setdefault(uf.find(node), row.where)
            fixed.add(nid)
        if uf.union(node, nid):
            why[nid] = f"{row.origin} alias table ({row.canonical})"

    def join(a: NameId, b: NameId, reason: str) -> None:
        if a in fixed and b in fixed:
            return
        if uf.union(a, b):
            why.setdefault(b, reason)

    _same_keys(by_id, join)
    _label_conflicts(by_id, join)
    for (long, short), _n in (acronym_pairs or Counter()).most_common():
        if long in by_id and short in by_id and short not in fixed:
            join(long, short, f"acronym in brackets after {long[1]!r}")
    _organisations(by_id, uf, join, fixed)
    ambiguous = _people(by_id, uf, join, fixed, titles or {})
    claimed = {n.lower() for r in book.rows if r.origin == "user" for n in r.names}
    return _actors(by_id, uf, rows, why, ambiguous, claimed)


def _user_row_of_spellings(stat: NameStat, book: AliasBook) -> AliasRow | None:
    """The user row that claims most of a name's mentions through the spellings written in the text (the user's file
    speaks of what is written, the entity layer may have given it another canonical name already)."""
    votes: Counter[int] = Counter()
    rows: dict[int, AliasRow] = {}
    for text, n in stat.surfaces.items():
        row = book.find(text, stat.label)
        if row is not None and row.origin == "user":
            rows[id(row)] = row
            votes[id(row)] += n
    return rows[votes.most_common(1)[0][0]] if votes else None


def _same_keys(by_id: dict[NameId, NameStat], join) -> None:
    first: dict[tuple[str, str], NameId] = {}
    for nid in sorted(by_id, key=lambda n: -by_id[n].mentions):
        label, name = nid
        if SPLIT in name:
            continue  # the user's file decides these
        keys = [("k", name_key(name))]
        if label in ("ORG", "NORP"):
            loose = org_keys(name)[1]
            if len(loose) >= 6:
                keys.append(("o", loose))
            if acronym_key(name):
                keys.append(("a", acronym_key(name)))  # "U.N." and "UN"
        for kind, key in keys:
            seen = first.setdefault((label, f"{kind}:{key}"), nid)
            if seen != nid:
                join(seen, nid, {"k": "same spelling key", "o": "same spelling, vowels aside",
                                 "a": "same acronym, dots aside"}[kind])


_PREPOSITIONS = frozenset("for of in on against from to at".split())


def _organisations(by_id: dict[NameId, NameStat], uf: _Union, join, fixed: set[NameId]) -> None:
    """Organisations' names that the corpus ties to one other name only, where nothing else could be meant:

    - an acronym ("DNC", "U.N.") and the one organisation of the corpus whose initials it is ("Democratic National
      Committee"); with two such organisations ("Democratic National Committee", "Danish National Council") it stays
      apart;
    - a short form ("the Operation Room") and the one longer name that it begins, the rest a prepositional phrase
      ("the Operation Room for Conquest of Aleppo");
    - an Arabic name and its English translation ("Jaish al-Islam", "Army of Islam"; `translation_keys`), when the
      translation fits one Arabic name only."""
    orgs = [n for n in by_id if n[0] in ("ORG", "NORP") and SPLIT not in n[1]]
    words = {n: [w for w in name_key(n[1]).split() if w != "the"] for n in orgs}
    by_initials: dict[str, list[NameId]] = defaultdict(list)
    for n in orgs:
        if not acronym_key(n[1]) and len(words[n]) >= 2:
            by_initials[acronym(n[1])].append(n)
    arabic: dict[str, list[NameId]] = defaultdict(list)
    for n in orgs:
        key = translation_keys(n[1])[0]
        if key:
            arabic[key].append(n)

    def only(cands: list[NameId]) -> NameId | None:
        roots = {uf.find(c): c for c in cands}
        return next(iter(roots.values())) if len(roots) == 1 else None

    for n in sorted(orgs, key=lambda x: -by_id[x].mentions):
        if n in fixed:
            continue
        short = acronym_key(n[1])
        if short and (full := only(by_initials.get(short, []))) is not None:
            join(full, n, f"initials of {full[1]!r}, the one organisation of the corpus so named")
            continue
        w = words[n]
        if len(w) >= 2 and not short:
            longer = [m for m in orgs if len(words[m]) > len(w) + 1 and words[m][: len(w)] == w
                      and words[m][len(w)] in _PREPOSITIONS]
            if (full := only(longer)) is not None:
                join(full, n, f"the beginning of {full[1]!r}, the one longer name so begun")
                continue
        english = translation_keys(n[1])[1]
        if english and (full := only(arabic.get(english, []))) is not None:
            join(full, n, f"the English of {full[1]!r}")


def _label_conflicts(by_id: dict[NameId, NameStat], join) -> None:
    """ "Twitter" typed PERSON in a few articles and ORG in most is one actor, an organisation."""
    by_key: dict[str, list[NameId]] = defaultdict(list)
    for nid in by_id:
        if nid[0] in ("PERSON", "ORG"):
            by_key[name_key(nid[1])].append(nid)
    for ids in by_key.values():
        labels = Counter()
        for nid in ids:
            labels[nid[0]] += by_id[nid].mentions
        if len(labels) < 2:
            continue
        top, n = labels.most_common(1)[0]
        if n >= 2 / 3 * sum(labels.values()):
            main = max((i for i in ids if i[0] == top), key=lambda i: by_id[i].mentions)
            for nid in ids:
                if nid != main:
                    join(main, nid, f"mostly typed {top}")


def _people(by_id: dict[NameId, NameStat], uf: _Union, join, fixed: set[NameId],
            titles: dict[NameId, Counter[str]]) -> dict[NameId, list[NameId]]:
    """Full names into people; a family name (or a given name) alone attached where the corpus allows. Returns the
    names left ambiguous, with their candidates."""
    parsed: dict[NameId, PersonName] = {}
    for nid in by_id:
        if nid[0] == "PERSON" and SPLIT not in nid[1]:
            p = person_name(nid[1])
            if p is not None:
                parsed[nid] = p
    # full names, most specific first, into clusters of compatible names
    clusters: list[list[NameId]] = []
    by_last: dict[str, list[int]] = defaultdict(list)
    fulls = sorted((n for n, p in parsed.items() if p.full), key=lambda n: (
        parsed[n].first_initial, -len(parsed[n].middles), -by_id[n].mentions))
    for nid in fulls:
        p = parsed[nid]
        fits = [k for k in by_last[p.last] if all(first_compatible(p, parsed[m]) for m in clusters[k])]
        if len(fits) == 1:
            clusters[fits[0]].append(nid)
            if nid not in fixed:
                join(clusters[fits[0]][0], nid, "same person's name with more or fewer parts")
        else:
            by_last[p.last].append(len(clusters))
            clusters.append([nid])
    ambiguous: dict[NameId, list[NameId]] = {}
    root_weight: Counter[object] = Counter()
    for nid, p in parsed.items():
        if p.full:
            root_weight[uf.find(nid)] += by_id[nid].mentions

    def weight(k: int) -> int:
        """Mentions of the whole actor a cluster belongs to (its full names, however they were joined)."""
        return root_weight[uf.find(clusters[k][0])]

    root_titles: dict[object, Counter[str]] = defaultdict(Counter)
    for nid, p in parsed.items():
        if p.full:
            root_titles[uf.find(nid)].update(titles.get(nid, Counter()))

    def title_of(k: int) -> Counter[str]:
        return root_titles[uf.find(clusters[k][0])]

    by_first: dict[str, list[int]] = defaultdict(list)
    for k, members in enumerate(clusters):
        p = parsed[members[0]]
        if not p.first_initial:
            by_first[p.first or ""].append(k)
    for nid, p in parsed.items():
        if p.full or nid in fixed:
            continue
        word = nid[1].split()[-1].lower() if nid[1].split() else ""
        cands = list(by_last.get(p.last, ()))
        reason = "family name alone"
        if not cands:
            cands, reason = list(by_first.get(word, ())), "given name alone"
            if not cands:
                from newsprobe.corpus.actors.names import NICKNAMES

                cands = list(by_first.get(NICKNAMES.get(word, word), ()))
        cands = list({uf.find(clusters[k][0]): k for k in cands}.values())  # one per actor already joined
        if not cands:
            continue
        if len(cands) == 1:
            join(clusters[cands[0]][0], nid, f"{reason}: one person of that name in the corpus")
            continue
        total = sum(weight(k) for k in cands)
        best = max(cands, key=weight)
        shared = _shared_titles(titles.get(nid, Counter()), cands, lambda k: title_of(k))
        if total and weight(best) / total >= PREVALENCE:
            join(clusters[best][0], nid, f"{reason}: {weight(best) / total:.0%} of the mentions of people so named")
        elif shared is not None:
            k, words = shared
            join(clusters[k][0], nid, f"{reason}: written with {', '.join(repr(w) for w in words)} as "
                                      f"{clusters[k][0][1]} is")
        else:
            ambiguous[nid] = [clusters[k][0] for k in sorted(cands, key=weight, reverse=True)]
    return ambiguous


def _shared_titles(own: Counter[str], cands: list[int], title_of) -> tuple[int, list[str]] | None:
    """The candidate whose titles the name alone shares ("President Obama", "President Barack Obama"), with those
    titles, when it holds at least `PREVALENCE` of those titles among the candidates; None otherwise."""
    if not own:
        return None
    share: Counter[int] = Counter()
    for title, n in own.items():
        counts = {k: title_of(k)[title] for k in cands}
        total = sum(counts.values())
        for k, c in counts.items():
            if c:
                share[k] += n * c / total
    if not share:
        return None
    best, score = share.most_common(1)[0]
    if score / sum(share.values()) < PREVALENCE:
        return None
    return best, sorted(t for t in own if title_of(best)[t])


def actor_id(label: str, name: str) -> str:
    return hashlib.sha1(f"{label}\x1f{name_key(name)}".encode()).hexdigest()[:12]


def _actors(by_id, uf: _Union, rows: dict[object, AliasRow], why: dict[NameId, str],
            ambiguous: dict[NameId, list[NameId]], claimed: set[str]) -> tuple[list[Actor], dict[NameId, str]]:
    groups: dict[object, list[NameId]] = defaultdict(list)
    for nid in by_id:
        groups[uf.find(nid)].append(nid)
    row_of: dict[object, list[AliasRow]] = defaultdict(list)
    for node, row in rows.items():
        row_of[uf.find(node)].append(row)
    order = {"user": 0, "entities": 1, "phoenix": 2}
    actors: list[Actor] = []
    ids: dict[NameId, str] = {}
    for root, members in groups.items():
        stats = [by_id[m] for m in members]
        labels = Counter()
        for s in stats:
            labels[s.label] += s.mentions
        label = labels.most_common(1)[0][0]
        table = sorted(row_of.get(root, ()), key=lambda r: order.get(r.origin, 3))
        if table and table[0].origin in ("user", "entities"):
            name, origin = table[0].canonical, table[0].origin
        else:
            name = _display(stats, label)
            origin = table[0].origin if table else "corpus"
        surfaces: Counter[str] = Counter()
        for s in stats:
            surfaces.update(s.surfaces or {s.canonical: s.mentions})
        seen = {k.lower() for k in surfaces} | {s.canonical.lower() for s in stats}
        table_names = sorted({n for r in table for n in r.names if n.lower() not in seen
                              and (r.origin == "user" or n.lower() not in claimed)})  # the user's file wins
        evidence = sorted({f"{m[1]}: {why[m]}" for m in members if m in why})
        amb = [n for m in members for c in ambiguous.get(m, []) for n in [c[1]]]
        aid = actor_id(label, name)
        actors.append(Actor(aid, name, label, sorted(members), sum(s.mentions for s in stats),
                            sum(s.articles for s in stats), surfaces.most_common(), table_names, origin, evidence,
                            list(dict.fromkeys(amb))))
        for m in members:
            ids[m] = aid
    actors.sort(key=lambda a: (-a.mentions, a.name))
    return actors, ids


def _display(stats: list[NameStat], label: str) -> str:
    """The name shown: the most mentioned canonical name; for a person, the most mentioned full name."""
    pool = [s for s in stats if s.label == label] or stats
    if label == "PERSON":
        full = [s for s in pool if (p := person_name(s.canonical)) is not None and p.full]
        pool = full or pool
    return max(pool, key=lambda s: (s.mentions, len(s.canonical))).canonical
