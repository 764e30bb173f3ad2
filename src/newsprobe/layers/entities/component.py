"""Layer `entity`: spaCy's named entities, corrected for news about unfamiliar places and armed groups.

The small English model misreads transliterated names (on a typical Syria report it tags "Aleppo" NORP,
"Jeish al-Fatah" PERSON, "Idlib" ORG) and labels one name differently from one sentence to the next. This
component keeps the parse and fixes the entities with evidence that does not depend on context:

- a gazetteer (`newsprobe.layers.entities.gazetteer`): a well-known city or country is a place whatever NER said,
  unless it sits inside a longer organisation or person name ("the Operation Room for Conquest of Aleppo"); small
  towns and names that are also English words ("Police", "White House") only confirm a GPE/LOC label;
- Matcher patterns for organisation names (Jaish/Jabhat/Harakat/Liwa... + name, "Army of ...", "... Front")
  and our alias table (`aliases.tsv`);
- one label per name per document by weighted vote (NER 1 per mention, gazetteer 1-6, pattern/alias 10, a
  surname of a PERSON named in full 3), and unlabelled repeats of a name found elsewhere become entities;
- clean-up: possessives cut off, photo ids, lone direction words ("Eastern") and all-lowercase names dropped.

Every entity gets `span._.attrs = {"canonical", "source", "score"}` (places also `country`). `canonical`
merges spelling variants and aliases ("Jeish Al-Fatah", "Army of Conquest" -> "Jaish al-Fatah"); `source`
is the evidence that set the label (ner, gazetteer, pattern, consistency); `score` = winning votes / (all
votes + 1): one unopposed NER mention scores 0.5, a gazetteer-backed name 0.8-0.98. The result replaces
`doc.ents` (non-overlapping) and goes to `doc.spans["entity"]`, without DATE/TIME (the date layer reports
those).
Cost: about 2 ms per 600-word article, most of it reading tokens out of the Doc.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from newsprobe.core.spans import write_layer
from newsprobe.layers.entities.gazetteer import (
    APOS_TABLE,
    APOSTROPHES,
    Entry,
    Lexicon,
    display_actor,
    display_person,
    get_lexicon,
    norm_key,
)

NUMERIC = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
NOT_IN_LAYER = frozenset({"DATE", "TIME"})
# Labels the small model hands out to place names it does not know; a place inside such a span is split out.
SPLIT_LABELS = frozenset({"NORP", "WORK_OF_ART", "PRODUCT", "LAW", "LANGUAGE", "EVENT"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
PROPAGATE_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP"})
DIRECTIONS = frozenset(
    "north south east west northern southern eastern western central northeast northwest southeast "
    "southwest northeastern northwestern southeastern southwestern".split()
)
AREA_WORDS = frozenset(
    "countryside province governorate city town district districts outskirts suburbs region area".split()
)
POSSESSIVE = frozenset({"'s", "’s", "'", "’", "ʼs"})
DETERMINERS = frozenset({"the", "The", "THE"})
# A preposition right before a name is evidence of a place ("fighters from Raqqa").
PLACE_CUES = frozenset(
    "in from near at into across outside inside toward towards around throughout within via"
    # what armies do to places: "the army entered Daraa", "rebels shelled Douma"
    " entered captured recaptured retook seized stormed shelled besieged liberated evacuated".split()
)
# Adjectival endings: "Takfiri terrorists", "Salafist groups" describe people, they are not organisations.
_ADJ_SUFFIX = re.compile(r"(?:i|ist|ite|ian|ic|ish|ese)$")
_ID_LIKE = re.compile(r"(?=.*\d)(?=.*_)")
_FIRST_WORD = re.compile(r"[^\W\d_]+")

# --- organisation patterns -------------------------------------------------------------------------------
_ORG_HEADS = [
    "jaish",
    "jeish",
    "jaysh",
    "jabhat",
    "jebhat",
    "harakat",
    "harakah",
    "liwa",
    "liwaa",
    "ahrar",
    "kataib",
    "kata'ib",
    "katibat",
    "ansar",
    "hayat",
    "hay'at",
    "hayyat",
    "faylaq",
    "failaq",
    "saraya",
    "sarayat",
    "jund",
    "asaib",
    "asa'ib",
    "quwat",
    "firqat",
    "tahrir",
]
_AL_ONLY_HEADS = {"tahrir", "ahrar", "jund", "ansar"}  # "Tahrir Square" is a place; these need an al- name
_AL_WORDS = ["al", "el", "ad", "ash", "as", "at", "az", "ar", "an", "ul"]
_ORG_SUFFIXES = [
    "Front",
    "Brigade",
    "Brigades",
    "Battalion",
    "Battalions",
    "Army",
    "Movement",
    "Forces",
    "Units",
    "Division",
    "Corps",
    "Legion",
    "Regiment",
]
_ORG_OF_HEADS = ["Army", "Brigade", "Brigades", "Battalion", "Battalions", "Front", "Movement", "Legion"]
# Capitalised words that end a name rather than continue it (headlines capitalise everything).
GENERIC = (
    frozenset(
        "coalition alliance group groups militants militant fighters terrorists terrorist rebels rebel "
        "leadership command commander commanders leader leaders member members government regime security "
        "armed opposition spokesman official officials says said say source sources chief head media news "
        "agency report reports "
        "city province countryside town village district districts the a an and or of in on to for with "
        "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
        "august september october november december".split()
    )
    | DIRECTIONS
)


def _apostrophe_forms(words: list[str]) -> list[str]:
    return [v for w in words for v in ([w] + [w.replace("'", a) for a in APOSTROPHES] if "'" in w else [w])]


def build_matcher(vocab: Vocab) -> Matcher:
    """Token patterns for organisation names, built once per pipeline. The name part is al-/el- units
    ("al - Sham") and capitalised words that are not generic ("Coalition", "Says")."""
    heads = _apostrophe_forms(_ORG_HEADS)
    head = {"LOWER": {"IN": heads}, "IS_LOWER": False}
    head_cap_ok = {
        "LOWER": {"IN": [h for h in heads if h.translate(APOS_TABLE) not in _AL_ONLY_HEADS]},
        "IS_LOWER": False,
    }
    not_verb = {"NOT_IN": ["VERB", "AUX"]}  # headlines: "... Accuse Jaish al-Fatah of Abandoning Front"
    cap = {"IS_TITLE": True, "POS": not_verb, "LOWER": {"NOT_IN": sorted(GENERIC)}}
    name_cap = {
        "IS_TITLE": True,
        "IS_STOP": False,
        "POS": not_verb,
        "LOWER": {"NOT_IN": sorted(GENERIC | {w.lower() for w in _ORG_SUFFIXES})},
    }
    al = [{"LOWER": {"IN": _AL_WORDS}}, {"ORTH": {"IN": ["-", "‐"]}}, {"IS_TITLE": True}]
    pats: list[list[dict]] = []
    for n_cap in range(3):  # Jabhat al-Nusra, Harakat Nour al-Din al-Zenki, Hay'at Tahrir al-Sham
        for n_al in range(1, 4):
            pats.append([head] + [cap] * n_cap + al * n_al)
    pats += [[head_cap_ok, cap], [head_cap_ok, cap, cap]]  # Kata'ib Hezbollah, Liwa Fatemiyoun
    of_the = [{"LOWER": {"IN": ["of", "for"]}}, {"LOWER": "the", "OP": "?"}]
    for h in _ORG_OF_HEADS:  # Army of Conquest, Army of Islam
        pats += [[{"ORTH": h}, *of_the, cap], [{"ORTH": h}, *of_the, cap, cap], [{"ORTH": h}, *of_the, *al]]
    suffix = {"ORTH": {"IN": _ORG_SUFFIXES}}
    units = [[name_cap], al]
    seqs: list[list[dict]] = [[]]
    for _ in range(3):  # Nusra Front, al-Nusra Front, Free Syrian Army, Sultan Murad Brigade
        seqs = [s + u for s in seqs for u in units]
        pats += [s + [suffix] for s in seqs]
    matcher = Matcher(vocab)
    matcher.add("ORG", pats, greedy="LONGEST")
    return matcher


def _lemma_words(nlp: Language, parts: tuple[str, ...]) -> frozenset[str]:
    """English words from the lemmatizer's WordNet index, to tell town names that are also words."""
    try:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (KeyError, AttributeError, ValueError):
        return frozenset()
    return frozenset(w for pos in parts if pos in table for w in table[pos])


def _irregular_forms(nlp: Language) -> frozenset[str]:
    """Irregular inflections the lemmatizer knows ("hid", "said", "went"): English words a headline capitalises."""
    try:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_exc")
    except (KeyError, AttributeError, ValueError):
        return frozenset()
    return frozenset(w for pos in ("verb", "noun", "adj") if pos in table for w in table[pos])


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    votes: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    entry: Entry | None = None  # gazetteer or alias entry for this exact name
    own: str = "ner"  # evidence it brings: ner, gazetteer, pattern; "unlabelled": a bare gazetteer hit
    ner: str | None = None  # the label NER gave the span this mention came from
    gaz: float = 0.0  # the gazetteer's vote, kept apart to say which evidence set the label
    key: str = ""
    label: str = ""
    canonical: str = ""
    score: float = 0.0
    source: str = "ner"


class EntityFixer:
    """The `newsprobe/entities` component; the lexicon, Matcher and word lists are built once, here."""

    def __init__(self, nlp: Language, name: str = "newsprobe/entities") -> None:
        self.name = name
        self.lex: Lexicon = get_lexicon()
        self.matcher = build_matcher(nlp.vocab)
        self.heads = frozenset(_apostrophe_forms(_ORG_HEADS))
        self.of_heads, self.suffixes = frozenset(_ORG_OF_HEADS), frozenset(_ORG_SUFFIXES)
        self.verbs = _lemma_words(nlp, ("verb",))
        self.adjectives = _lemma_words(nlp, ("adj",))
        self.common = self.verbs | self.adjectives | _lemma_words(nlp, ("adv",))  # "police", "nice", "split"
        self.english = self.common | _lemma_words(nlp, ("noun",))  # also "house", "state", "trump"
        self.ordinary = self.common | _irregular_forms(nlp)  # what a headline glues to a name: "Hid", "Standard"
        self.stop = frozenset(nlp.Defaults.stop_words)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            doc.spans["entity"] = []
            return doc
        words: list[str] = []
        starts: list[int] = []
        for t in doc:  # one pass: creating Token objects is the largest part of this component's cost
            words.append(t.text)
            starts.append(t.idx)
        tok_end = {starts[i] + len(words[i]): i + 1 for i in range(n)}
        hits = self._scan(words, starts, doc.text.translate(APOS_TABLE), tok_end)
        strong = self._strong(doc, words, hits)
        strong_at = _owners(strong, n)
        places = [
            h for h in hits if h.entry.label != "ORG" and all(strong_at[i] < 0 for i in range(h.start, h.end))
        ]
        place_at = _owners(places, n)
        mentions: list[Mention] = list(strong)
        fixed: list[Span] = []  # numeric entities pass through unchanged
        used: set[int] = set()  # place hits already decided by the NER span around them
        surnames_seen = {  # "Michelle Fields said": words that end a person's name in running text
            words[ent.end - 1]
            for ent in doc.ents
            if ent.label_ == "PERSON" and ent.end < n and words[ent.end][:1].islower()
        }
        self.headline = _title_tokens(words, self.stop)
        body_names = {  # people as the running text names them, to read the headline's names by
            tuple(words[ent.start : ent.end])
            for ent in doc.ents
            if ent.label_ == "PERSON" and ent.start not in self.headline
        }
        body_names |= {(w,) for name in list(body_names) for w in name if w[:1].isupper() and w.isalpha()}
        body_pairs = {  # two words of a name the running text gives to no person ("White House")
            (words[i], words[i + 1])
            for ent in doc.ents
            if ent.label_ != "PERSON" and ent.start not in self.headline
            for i in range(ent.start, ent.end - 1)
        }
        body_spans = {tuple(words[ent.start : ent.end]) for ent in doc.ents if ent.start not in self.headline}
        companies = {  # "Patriot Coal" named, "Patriot" alone is that company too
            tuple(words[s : e - 1])
            for s, e in (_trim(words, ent.start, ent.end) for ent in doc.ents if ent.label_ == "PERSON")
            if e - s > 1 and words[e - 1] in CORPORATE_HEADS
        }
        for ent in doc.ents:
            label = ent.label_
            if any(_ID_LIKE.match(words[i]) for i in range(ent.start, ent.end)):
                continue  # "13950601000829_Test_PhotoI"
            if label in NUMERIC:
                fixed.append(Span(doc, ent.start, ent.end, label=label))
                continue
            ts, te = _trim(words, ent.start, ent.end)
            if label != "PERSON" and ts in self.headline and _headline_clause(words, ts, te, body_spans):
                continue  # the headline read as one name; its real names come back from the body (`_propagate`)
            if label == "PERSON":
                ts, label = _not_a_person(words, ts, te, companies)
                if ts >= te:
                    continue  # "Energy" alone: a company's head word, no name
            for s, e in self._name_pieces(words, ts, te, label, surnames_seen):
                if label == "PERSON" and s in self.headline:
                    if tuple(words[s:e]) not in body_names and any(
                        (words[i], words[i + 1]) in body_pairs for i in range(s, min(e, n - 1))
                    ):
                        continue  # "Judge Orders White House ...": NER's "Orders White" cuts into the White House
                    s, e = _headline_name(words, s, e, body_names, self.ordinary, self.english)
                if (
                    s >= e
                    or not any(c.isupper() or c.isdigit() for w in words[s:e] for c in w)
                    or all(words[i].lower() in DIRECTIONS or words[i] in DETERMINERS for i in range(s, e))
                ):
                    continue  # "Eastern" alone, "rendition &"
                inner = [strong[k] for k in sorted({strong_at[i] for i in range(s, e)} - {-1})]
                if inner:
                    mentions += self._against_strong(words, s, e, label, inner)
                else:
                    mentions += self._against_places(doc, words, s, e, label, places, place_at, used)
        for k, p in enumerate(places):
            if k not in used:
                p.own = "unlabelled"
                self._gazetteer_vote(doc, words, p, None)
                mentions.append(p)
        mentions = [m for m in mentions if m.own != "absorbed"]
        self._adjectives(doc, mentions)
        self._epithets(words, mentions)
        surnames = self._surnames(words, mentions)
        groups = self._vote(doc, words, mentions)
        self._short_forms(groups)
        self._surname_canonicals(groups, surnames)
        self._first_name_canonicals(groups)
        mentions = [m for ms in groups.values() for m in ms]
        mentions += self._propagate(doc, words, groups, mentions, fixed, surnames)
        self._write(doc, mentions, fixed)
        return doc

    # -- candidates ------------------------------------------------------------------------------------------
    def _scan(self, words: list[str], starts: list[int], text: str, tok_end: dict[int, int]) -> list[Mention]:
        """Lexicon names in the text: one dict lookup per capitalised token, longest name first."""
        out = []
        i, n = 0, len(words)
        by_first, entries = self.lex.by_first, self.lex.entries
        while i < n:
            w = words[i]
            if w[:1].isupper():
                first = w if w.isalpha() else _first(w)
                for name in by_first.get(first, ()):
                    end = tok_end.get(starts[i] + len(name)) if text.startswith(name, starts[i]) else None
                    if end is not None:
                        entry = entries[name]
                        if self._usable(words, i, end, entry):
                            out.append(Mention(i, end, entry=entry, own="gazetteer"))
                            i = end - 1
                        break
            i += 1
        return out

    def _usable(self, words: list[str], s: int, e: int, entry: Entry) -> bool:
        """Not "Of" (a Turkish town) nor "White House" (an old name of Casablanca): a one-word stop word or an
        alternate name made only of English words is not looked up at all."""
        if e - s == 1:
            return entry.kind in ("country", "alias") or words[s].lower() not in self.stop
        if entry.kind == "city-alt":
            return not all(w.lower() in self.english for w in words[s:e] if w.isalpha())
        return True

    def _strong(self, doc: Doc, words: list[str], hits: list[Mention]) -> list[Mention]:
        """Organisation patterns and alias-table names (vote 10), longest first, non-overlapping."""
        cands: list[tuple[int, int, Entry | None]] = [
            (h.start, h.end, h.entry) for h in hits if h.entry.kind == "alias" and h.entry.label == "ORG"
        ]
        for ws, we in self._windows(words):
            for _, s, e in self.matcher(doc[ws:we]):
                s, e = _trim(words, s + ws, e + ws)
                if e > s:
                    cands.append((s, e, self.lex.by_key.get(norm_key(doc[s:e].text))))
        cands.sort(key=lambda c: (c[0] - c[1], c[2] is None, c[0]))
        taken = bytearray(len(words))
        out = []
        for s, e, entry in cands:
            if not any(taken[s:e]):
                taken[s:e] = b"\x01" * (e - s)
                m = Mention(s, e, entry=entry, own="pattern")
                m.votes[entry.label if entry else "ORG"] += 10.0
                out.append(m)
        return out

    def _windows(self, words: list[str]) -> list[tuple[int, int]]:
        """Token ranges around trigger words (Jaish..., Army of..., ... Front): the Matcher runs only there,
        ~0.1 ms per article instead of ~3 ms over the whole document."""
        n = len(words)
        spans = []
        for i, w in enumerate(words):
            if not w[:1].isupper():
                continue
            if w.lower() in self.heads:
                spans.append((i, min(n, i + 13)))
            elif w in self.of_heads and i + 1 < n and words[i + 1] in ("of", "for"):
                spans.append((i, min(n, i + 7)))
            elif w in self.suffixes:
                spans.append((max(0, i - 9), i + 1))
        merged: list[tuple[int, int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        return merged

    def _against_strong(
        self, words: list[str], s: int, e: int, label: str, inner: list[Mention]
    ) -> list[Mention]:
        """An NER span over a pattern/alias name: the pattern wins, unless NER found a longer ORG name
        ("Jaish al-Fatah Operations Room"). A leading "the" NER included is kept (spaCy's convention)."""
        outside = [words[i] for i in range(s, e) if not any(m.start <= i < m.end for m in inner)]
        contained = all(s <= m.start and m.end <= e for m in inner)
        if (
            label == "ORG"
            and contained
            and any(w[:1].isupper() and w.lower() not in GENERIC for w in outside)
        ):
            for m in inner:
                m.own = "absorbed"
            return [_ner_mention(s, e, label)]
        if len(inner) == 1 and inner[0].start == s + 1 and inner[0].end == e and words[s] in DETERMINERS:
            inner[0].start = s
            return []
        if label == "PERSON":  # "Reuters Clinton" (a caption): the agency is the alias, the rest is still a person
            return [
                _ner_mention(a, b, label)
                for a, b in _runs_outside(s, e, inner)
                if words[a][:1].isupper() and _name_like(words, a, b)
                # a headline's capitals: "Jeish Al-Fatah Coalition" leaves "Coalition", an English word, no person
                and not (a in self.headline and b - a == 1 and words[a].lower() in self.english)
            ]
        return []

    def _against_places(
        self,
        doc: Doc,
        words: list[str],
        s: int,
        e: int,
        label: str,
        places: list[Mention],
        place_at: list[int],
        used: set[int],
    ) -> list[Mention]:
        """Reconcile one NER span with the gazetteer names inside or across it."""
        inside = sorted({place_at[i] for i in range(s, e)} - {-1})
        if not inside:
            return [_ner_mention(s, e, label)]
        core_s = s + 1 if words[s] in DETERMINERS and e - s > 1 else s
        options = [(core_s, e, False)]
        if label not in (
            "GPE",
            "LOC",
        ):  # "Western Europe" (LOC) is a region; "Western Aleppo" (NORP) is Aleppo
            options.append(_strip_directions(words, core_s, e))
        for ds, de, trimmed in options:
            exact = [k for k in inside if (places[k].start, places[k].end) == (ds, de)]
            if exact:  # "Aleppo" (NORP), "Western Aleppo" (NORP), "the United States" (GPE)
                p = places[exact[0]]
                used.add(exact[0])
                if not trimmed:
                    p.start = s
                p.ner = label
                p.votes[label] += 0.5 if trimmed else 1.0
                self._gazetteer_vote(doc, words, p, label)
                return [p]
        crossing = [k for k in inside if places[k].start < s or places[k].end > e]
        if crossing:  # NER "Deir" inside gazetteer "Deir ez-Zor": the longer known name wins
            if max(places[k].end - places[k].start for k in crossing) >= e - s or label not in (
                "ORG",
                "PERSON",
            ):
                won = [places[k] for k in crossing]
                for p in won:
                    p.ner = label
                    self._gazetteer_vote(doc, words, p, "GPE" if label in ("GPE", "LOC") else label)
                used.update(crossing)
                return won
            used.update(crossing)
            return [_ner_mention(s, e, label)]
        if label in SPLIT_LABELS and not (label == "EVENT" and _is_named(words, s, e)):
            freed = [places[k] for k in inside]  # "Aleppo Ready" (WORK_OF_ART), "the Aleppo war" (EVENT)
            for p in freed:
                p.ner = label
                self._gazetteer_vote(doc, words, p, label)
            used.update(inside)
            return freed
        used.update(inside)  # "the Operation Room for Conquest of Aleppo" stays one ORG
        return [_ner_mention(s, e, label)]

    def _name_pieces(
        self, words: list[str], s: int, e: int, label: str, surnames_seen: set[str]
    ) -> list[tuple[int, int]]:
        """The names inside one NER span. Headlines capitalise every word, so NER reads "Trump Warns Clinton" or
        "Tom Nides Thanked Clinton" as one PERSON: a person's name is cut at a capitalised inflected verb
        ("Warns", "Thanked") inside it, or at its end when the headline goes on ("Ben Carson Defends Wife"), unless
        the word ends a name in running text elsewhere ("Michelle Fields said"). A leading -ed adjective ("Crooked
        Hillary") is an epithet, not part of the name. An editor's bracket ("[Vladimir] Putin") is taken whole."""
        if s >= e or label != "PERSON":
            return [(s, e)]
        n = len(words)
        opened = sum(words[i] == "[" for i in range(s, e))
        closed = sum(words[i] == "]" for i in range(s, e))
        if closed > opened and s > 0 and words[s - 1] == "[":
            s -= 1
        elif opened > closed and e < n and words[e] == "]":
            e += 1
        elif opened != closed:  # a bracket we cannot balance: keep the side with the name's last word
            cut = max(i for i in range(s, e) if words[i] in "[]")
            s = cut + 1
        if e - s >= 2 and self._participle(words[s]):
            s += 1
        goes_on = e < n and words[e][:1].isupper() and words[e].isalpha()
        pieces, start = [], s
        for i in range(s + 1, e):
            if (i < e - 1 or goes_on) and words[i] not in surnames_seen and self._inflected_verb(words[i]):
                pieces.append((start, i))
                start = i + 1
        pieces.append((start, e))
        return [(a, b) for a, b in pieces if b > a]

    def _inflected_verb(self, word: str) -> bool:
        """ "Warns", "Thanked", "Slams": a capitalised English verb with an -s or -ed ending."""
        if not word[:1].isupper() or not word.isalpha() or len(word) < 4:
            return False
        lower = word.lower()
        if lower.endswith("ed") or (lower.endswith("s") and not lower.endswith("ss")):
            return any(b in self.verbs for b in _verb_bases(lower)) and lower not in self.stop
        return False

    def _participle(self, word: str) -> bool:
        """ "Crooked": an English adjective in -ed. Only -ed adjectives: names such as "Jared" or "Manning" look like
        verb forms but are no adjectives, while "Frank" or "Rusty" are adjectives but no participles."""
        lower = word.lower()
        return word[:1].isupper() and len(lower) >= 5 and lower.endswith("ed") and lower in self.adjectives

    def _epithets(self, words: list[str], mentions: list[Mention]) -> None:
        """ "Crooked Hillary" where "Hillary Clinton" is named too: the first word is an epithet (the labels layer
        reads it as a modifier), the person is "Hillary"."""
        firsts = {
            words[m.start]
            for m in mentions
            if m.end - m.start >= 2 and m.votes.get("PERSON", 0) > 0 and words[m.start].istitle()
        }
        for m in mentions:
            if (
                m.end - m.start == 2
                and m.own == "ner"
                and m.votes.get("PERSON", 0) > 0
                and words[m.start + 1] in firsts
                and words[m.start] not in firsts
                and words[m.start].lower() in self.english
            ):
                m.start += 1

    def _trust(self, words: list[str], m: Mention) -> str:
        """strong: country, state, city of 100k+ (alternate name: 250k+); common: also an English word;
        weak: the rest (small towns, rarer spellings)."""
        e = m.entry
        if e.kind in ("country", "state", "continent", "alias"):
            return "strong"
        lower = [w.lower() for w in words[m.start : m.end] if w.isalpha()]
        if len(lower) == 1 and lower[0] in self.common:
            return "common"  # "Police" (Poland), "Nice"
        if e.kind == "city-alt" and len(lower) == 1 and lower[0] in self.english:
            return "weak"  # "Palmyra" is also a palm
        big = e.population >= (100_000 if e.kind == "city" else 250_000)
        return "strong" if big else "weak"

    def _gazetteer_vote(self, doc: Doc, words: list[str], p: Mention, ner_label: str | None) -> None:
        """The gazetteer's vote for a place name, given what NER called the span (None: nothing)."""
        trust = self._trust(words, p)
        # a preposition or an army's verb before the name ("in Obama’s view" is no place), or an area word after
        # it ("Daraa governorate", "Logar province")
        cue = (
            p.start > 0
            and words[p.start - 1].lower() in PLACE_CUES
            and not (p.end < len(words) and words[p.end] in POSSESSIVE)
        ) or (p.end < len(words) and words[p.end].lower() in AREA_WORDS)
        if ner_label in ("GPE", "LOC"):
            ok = True
        elif trust == "common":
            ok = False
        elif ner_label is None:
            ok = trust == "strong" or cue
        elif ner_label == "PERSON":  # "Charlotte said": a person unless the sentence puts her somewhere
            ok = trust == "strong" and cue
        else:  # ORG, NORP, WORK_OF_ART...: a small town needs a preposition ("took positions near Saraqib")
            ok = trust == "strong" or (cue and ner_label == "ORG")
        if ok:
            p.votes[p.entry.label] += p.entry.weight
            p.gaz += p.entry.weight

    def _adjectives(self, doc: Doc, mentions: list[Mention]) -> None:
        """A lone capitalised adjective that NER took for an ORG/PERSON ("Takfiri terrorists") is NORP."""
        for m in mentions:
            if (
                m.own != "ner"
                or m.end - m.start != 1
                or not m.votes.keys() & {"ORG", "PERSON", "WORK_OF_ART"}
            ):
                continue
            tok = doc[m.start]
            head = tok.head
            if (
                tok.is_title
                and tok.dep_ in ("amod", "compound")
                and head.i > tok.i
                and head.pos_ == "NOUN"
                and head.is_lower
                and _ADJ_SUFFIX.search(tok.lower_)
            ):
                m.votes["NORP"] += sum(m.votes.values()) + 0.5

    # -- one label per name ---------------------------------------------------------------------------------
    def _surnames(self, words: list[str], mentions: list[Mention]) -> dict[str, Mention]:
        """Last words of full PERSON names ("Moheisini" of "Abdullah al-Moheisini"): alone, they vote PERSON,
        as do first names ("Tommy" of "Tommy Robinson") that are not English words.
        Returns surname -> the full-name mention."""
        out: dict[str, Mention] = {}
        firsts: set[str] = set()
        for m in mentions:
            best = max(m.votes, key=m.votes.__getitem__, default="")
            if (
                m.entry is None
                and m.start not in self.headline  # "Standard Clinton" in a headline gives no surname
                and m.end - m.start >= 2
                and best == "PERSON"
                and _name_like(words, m.start, m.end)
            ):
                last, first = words[m.end - 1], words[m.start]
                if last.istitle() and last.isalpha():
                    out.setdefault(last, m)
                if first.istitle() and first.isalpha() and first.lower() not in self.english:
                    firsts.add(first)
        for m in mentions:
            if (
                m.end - m.start == 1
                and (words[m.start] in out or words[m.start] in firsts)
                and m.own != "pattern"
            ):
                m.votes["PERSON"] += 3.0
        return out

    def _key(self, doc: Doc, m: Mention) -> str:
        if m.entry is not None:
            return norm_key(m.entry.canonical)
        key = norm_key(doc[m.start : m.end].text)
        alias = self.lex.by_key.get(key)
        if alias is not None:
            m.entry = alias
            return norm_key(alias.canonical)
        return key

    def _vote(self, doc: Doc, words: list[str], mentions: list[Mention]) -> dict[str, list[Mention]]:
        """Group mentions by normalised name; each group takes the label with most weighted votes. A group of
        bare gazetteer hits needs one that stands alone; it then vouches for the others."""
        groups: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            m.key = self._key(doc, m)
            groups[m.key].append(m)
        out: dict[str, list[Mention]] = {}
        for key, ms in groups.items():
            if all(m.own == "unlabelled" for m in ms) and not any(
                self._standalone(doc, words, m) for m in ms
            ):
                continue
            total: Counter[str] = Counter()
            for m in ms:
                total.update(m.votes)
            label, best = max(total.items(), key=lambda kv: kv[1], default=("", 0.0))
            if best <= 0:
                continue
            if label != "PERSON" and total.get("PERSON", 0) > 0 and any(
                m.start > 0 and words[m.start - 1].rstrip(".") in PERSON_TITLES for m in ms
            ):
                label = "PERSON"  # "President Trump" once outweighs NER's "Trump" ORG in "the Trump administration"
            score = round(best / (sum(total.values()) + 1.0), 3)
            canonical = self._canonical(doc, ms, label)
            for m in ms:
                m.label, m.canonical, m.score = label, canonical, score
                m.source = _source(m)
            out[key] = ms
        # "Fighting in Logar" after "Logar province": the bare name is that place, whatever NER called it
        areas = {tuple(words[m.start : m.end - 1]) for ms in out.values() for m in ms
                 if m.label in PLACE_LABELS and m.end - m.start >= 2 and words[m.end - 1].lower() in AREA_WORDS}
        for ms in out.values():
            if ms[0].label == "ORG" and all(tuple(words[m.start : m.end]) in areas for m in ms):  # not "Clinton"
                for m in ms:
                    m.label = "GPE"
        # "U.S. forces in southern Syria's al-Tanf": what a region of a place has is a place (NER said PERSON)
        places = {m.end: m.start for ms in out.values() for m in ms if m.label in PLACE_LABELS}  # by where it ends
        for ms in out.values():
            if ms[0].label in ("PERSON", "ORG", "PRODUCT", "WORK_OF_ART") and any(
                    self._in_region(words, m, places) for m in ms):
                for m in ms:
                    m.label = "GPE"
        return out

    @staticmethod
    def _in_region(words: list[str], m: Mention, places: dict[int, int]) -> bool:
        """Whether the mention follows "<direction> <place>'s" ("southern Syria's", "eastern Ukraine's"): the
        direction makes the place a region and what it has a place in it, where "Syria's Assad" is a person.
        `places`: where each place mention starts, by where it ends."""
        if m.start < 3 or words[m.start - 1] not in POSSESSIVE:
            return False
        start = places.get(m.start - 1)
        return start is not None and start > 0 and words[start - 1].lower() in DIRECTIONS

    def _standalone(self, doc: Doc, words: list[str], m: Mention) -> bool:
        """A bare gazetteer name counts alone if the gazetteer voted for it, it is a proper noun, and it is
        not part of a longer capitalised name NER missed ("Washington Post", "George Washington")."""
        if m.votes.get("GPE", 0) + m.votes.get("LOC", 0) <= 0:
            return False
        if m.end - m.start == 1 and doc[m.start].pos_ != "PROPN":
            return False
        nxt = words[m.end] if m.end < len(words) else ""
        prev = words[m.start - 1] if m.start > 0 else ""
        return not (nxt[:1].isupper() and doc[m.end].pos_ == "PROPN") and not (
            prev[:1].isupper() and doc[m.start - 1].pos_ == "PROPN" and not doc[m.start - 1].is_sent_start
        )

    def _canonical(self, doc: Doc, ms: list[Mention], label: str) -> str:
        for m in ms:
            if m.entry is not None and m.entry.label == label and (m.gaz > 0 or m.entry.kind == "alias"):
                return m.entry.canonical
        body = [m for m in ms if m.start not in self.headline] or ms  # a headline's capitals make poor names
        texts = Counter(doc[m.start : m.end].text for m in body)
        text = max(texts, key=lambda t: (texts[t], len(t)))
        if label == "PERSON":
            return display_person(text)
        if label in PLACE_LABELS:
            return " ".join(w for w in text.split() if w not in DETERMINERS) or text
        return display_actor(text)

    @staticmethod
    def _short_forms(groups: dict[str, list[Mention]]) -> None:
        """ "The Operation Room" after "the Operation Room for Conquest of Aleppo" is that ORG again; one word is
        a short form only of a company named with it and a head word ("Patriot" after "Patriot Coal"), and never an
        acronym, which names its organisation itself ("CNN" is not "CNN Communications", its press office)."""
        orgs = [(k, ms) for k, ms in groups.items() if ms[0].label == "ORG"]
        for key, ms in groups.items():
            one_word = len(key.split()) < 2
            if ms[0].label in ("PERSON", "GPE", "LOC"):
                continue
            if one_word and len(ms[0].canonical) >= 2 and ms[0].canonical.isupper():
                continue
            for okey, oms in orgs:
                if okey.startswith(key + " ") and (not one_word or okey[len(key) + 1 :] in _CORPORATE_KEYS):
                    for m in ms:
                        m.label, m.canonical, m.score, m.source = (
                            "ORG",
                            oms[0].canonical,
                            oms[0].score,
                            "consistency",
                        )
                    break

    @staticmethod
    def _surname_canonicals(groups: dict[str, list[Mention]], surnames: dict[str, Mention]) -> None:
        """ "Moheisini" alone is canonically the full name the article gave."""
        for ms in groups.values():
            m = ms[0]
            full = surnames.get(m.canonical)
            if m.label == "PERSON" and m.end - m.start == 1 and full is not None and full.label == "PERSON":
                for x in ms:
                    x.canonical = full.canonical

    @staticmethod
    def _first_name_canonicals(groups: dict[str, list[Mention]]) -> None:
        """ "Hillary" alone, where the article names one "Hillary Clinton", is canonically her."""
        full: dict[str, set[str]] = defaultdict(set)
        for ms in groups.values():
            parts = ms[0].canonical.split()
            if ms[0].label == "PERSON" and len(parts) >= 2:
                full[parts[0]].add(ms[0].canonical)
        for ms in groups.values():
            m = ms[0]
            names = full.get(m.canonical, ())
            if m.label == "PERSON" and " " not in m.canonical and len(names) == 1:
                for x in ms:
                    x.canonical = next(iter(names))

    def _propagate(
        self,
        doc: Doc,
        words: list[str],
        groups: dict[str, list[Mention]],
        mentions: list[Mention],
        fixed: list[Span],
        surnames: dict[str, Mention],
    ) -> list[Mention]:
        """Unlabelled repeats of a name that is an entity elsewhere in the document become entities too
        (exact, capitalised tokens; a one-word name only if it is a proper noun and not an English word)."""
        covered = bytearray(len(words))
        for m in mentions:
            covered[m.start : m.end] = b"\x01" * (m.end - m.start)
        for sp in fixed:
            covered[sp.start : sp.end] = b"\x01" * (sp.end - sp.start)
        index: dict[str, dict[tuple[str, ...], Mention]] = defaultdict(dict)
        for ms in groups.values():
            if ms[0].label not in PROPAGATE_LABELS:
                continue
            for m in ms:
                s = m.start + (words[m.start] in DETERMINERS and m.end - m.start > 1)
                if words[s][:1].isupper():
                    index[words[s]].setdefault(tuple(words[s : m.end]), m)
        for last, m in surnames.items():
            if m.label == "PERSON":
                index[last].setdefault((last,), m)
        out: list[Mention] = []
        i, n = 0, len(words)
        while i < n:
            cands = None if covered[i] else index.get(words[i])
            for name in sorted(cands or (), key=len, reverse=True):
                e = i + len(name)
                if tuple(words[i:e]) != name or any(covered[i:e]):
                    continue
                src = cands[name]
                if len(name) == 1 and not self._one_word_ok(doc, name[0], src, surnames):
                    continue
                out.append(
                    Mention(
                        i,
                        e,
                        entry=src.entry,
                        own="consistency",
                        key=src.key,
                        label=src.label,
                        canonical=src.canonical,
                        score=src.score,
                        source="consistency",
                    )
                )
                i = e - 1
                break
            i += 1
        return out

    def _one_word_ok(self, doc: Doc, word: str, src: Mention, surnames: dict[str, Mention]) -> bool:
        return word.lower() not in self.stop and (
            src.entry is not None or word in surnames or word.lower() not in self.english
        )

    def _write(self, doc: Doc, mentions: list[Mention], fixed: list[Span]) -> None:
        spans: list[tuple[Span, dict | None]] = [(sp, None) for sp in fixed]
        for m in mentions:
            attrs = {"canonical": m.canonical, "source": m.source, "score": m.score}
            if m.entry is not None and m.entry.country and m.label == m.entry.label:
                attrs["country"] = m.entry.country
            spans.append((Span(doc, m.start, m.end, label=m.label), attrs))
        spans.sort(key=lambda item: (item[0].start, -item[0].end))
        final: list[tuple[Span, dict]] = []
        last = 0
        for sp, attrs in spans:
            if sp.start >= last:
                final.append((sp, attrs or {"canonical": sp.text, "source": "ner", "score": 0.5}))
                last = sp.end
        doc.ents = [sp for sp, _ in final]
        write_layer(doc, "entity", [(sp, a) for sp, a in final if sp.label_ not in NOT_IN_LAYER])


def _owners(ms: list[Mention], n: int) -> list[int]:
    at = [-1] * n
    for k, m in enumerate(ms):
        for i in range(m.start, m.end):
            at[i] = k
    return at


def _title_tokens(words: list[str], stop: frozenset[str]) -> set[int]:
    """Tokens of the title (a first line with no full stop) and of title-case lines (three or more content words, all
    capitalised but one at most in a longer line, full stop or not): headlines and captions, whose capitals say
    nothing about names."""
    out: set[int] = set()
    start, first = 0, True
    for i in range(len(words) + 1):
        if i < len(words) and "\n" not in words[i]:
            continue
        line = range(start, i)
        content = [words[k] for k in line if words[k].isalpha() and words[k].lower() not in stop]
        ended = any(words[k] in ".?!" for k in line[-1:])
        if content and (
            (first and not ended)
            or (len(content) >= 3 and sum(w[0].isupper() for w in content) >= len(content) - (len(content) >= 6))
        ):
            out.update(line)
        first = first and not content
        start = i + 1
    return out


# Capitalised in a headline, never inside a name: pronouns, clause prepositions, the verbs of a headline's clause.
CLAUSE_WORDS = frozenset("its his her their into amid is are was were will has have says said".split())


def _headline_clause(words: list[str], s: int, e: int, body: set[tuple[str, ...]]) -> bool:
    """The NER's span of a title-case headline is the headline's clause, not a name: four words or more, one after
    the first a word no name holds ("Sweden Drops Its Investigation Into Rape Allegation Against Julian Assange" as
    an ORG), and not a name the running text gives."""
    return (
        e - s >= 4
        and tuple(words[s:e]) not in body
        and any(w.lower() in CLAUSE_WORDS for w in words[s + 1 : e])
    )


def _headline_name(
    words: list[str], s: int, e: int, body: set[tuple[str, ...]], ordinary: frozenset[str], english: frozenset[str]
) -> tuple[int, int]:
    """A headline's PERSON span cut to the longest run of it that the text names a person by, when what is cut is
    English: before the name, a word that is no noun ("Double Standard Clinton" -> "Clinton"; "Tom Nides" stays, "tom"
    being a noun too), after it any English word ("Clinton Hid Past Health" -> "Clinton", "Trump Face" -> "Trump").
    The span as it is otherwise."""
    if e - s < 2 or tuple(words[s:e]) in body:
        return s, e
    for size in range(e - s - 1, 0, -1):
        for a in range(s, e - size + 1):
            before, after = words[s:a], words[a + size : e]
            if (
                tuple(words[a : a + size]) in body
                and all(w.lower() in ordinary for w in before)
                and all(w.lower() in english or w.lower() in ordinary for w in after)
            ):
                return a, a + size
    return s, e


def _runs_outside(s: int, e: int, inner: list[Mention]) -> list[tuple[int, int]]:
    """The token runs of [s, e) that no mention in `inner` covers."""
    runs, start = [], s
    for m in sorted(inner, key=lambda m: m.start):
        if m.start > start:
            runs.append((start, min(m.start, e)))
        start = max(start, m.end)
    if start < e:
        runs.append((start, e))
    return runs


def _verb_bases(lower: str) -> list[str]:
    """Candidate base forms of an inflected word: "warns" -> "warn", "tries" -> "try", "stopped" -> "stop"."""
    out = []
    if lower.endswith("ies") or lower.endswith("ied"):
        out.append(lower[:-3] + "y")
    if lower.endswith("es"):
        out.append(lower[:-2])
    if lower.endswith("s"):
        out.append(lower[:-1])
    if lower.endswith("ed"):
        out += [lower[:-2], lower[:-1]]
        if len(lower) > 5 and lower[-3] == lower[-4]:
            out.append(lower[:-3])
    if lower.endswith("ing"):
        out += [lower[:-3], lower[:-3] + "e"]
        if len(lower) > 6 and lower[-4] == lower[-5]:
            out.append(lower[:-4])
        if lower.endswith("ying"):
            out.append(lower[:-4] + "ie")  # lying -> lie
    return [b for b in out if len(b) >= 3]


def _source(m: Mention) -> str:
    """Which evidence gave this mention its final label."""
    if m.own == "pattern" and m.votes.get(m.label, 0) >= 10:
        return "pattern"
    if m.gaz > 0 and m.entry is not None and m.entry.label == m.label:
        return "gazetteer"
    if m.ner == m.label or (m.own == "ner" and m.votes.get(m.label, 0) > 0):
        return "ner"
    return "consistency"


# Words before a name that make it a person's ("President Trump", "Sen. Graham", "King Salman").
PERSON_TITLES = frozenset(
    "President Mr Mrs Ms Dr Sen Senator Rep Representative Gov Governor Secretary Minister Premier Chancellor Judge "
    "Justice King Queen Prince Princess Pope Sheikh Imam Rabbi Reverend Rev Gen Col Lt Sgt Capt Mayor Ambassador "
    "Commissioner Speaker Chairman Chairwoman Professor Prof".split()
)
# Words that end a company's or an institution's name and no person's: NER reads "Patriot Coal", "Murray Energy"
# as people. Left out on purpose: words that are also surnames ("Steel", "Banks", "King", "Young").
CORPORATE_HEADS = frozenset(
    "Coal Energy Oil Petroleum Motors Airlines Airways Bank Bancorp Capital Partners Holdings Industries Systems "
    "Technologies Pharmaceuticals Pharma Communications Telecom Foods Mining Resources Insurance Entertainment "
    "Studios Records Networks Laboratories Ventures Fund Foundation Institute University College Hospital Inc Inc. "
    "Corp Corp. Corporation LLC Ltd Ltd. PLC GmbH Brands Electric Railroad Railway Productions Pictures Media Group "
    "Agency Company Co. Associates Consulting Solutions Publishing".split()
)
_CORPORATE_KEYS = frozenset(w.lower().rstrip(".") for w in CORPORATE_HEADS)
# Pageant titles: in "Miss Universe Alicia Machado" NER takes the title's second word into the name.
PAGEANTS = frozenset("Universe World America USA Earth International Teen".split())


def _not_a_person(words: list[str], s: int, e: int, companies: set[tuple[str, ...]]) -> tuple[int, str]:
    """(start, label) of an NER PERSON span: a company's name, or its name without the head word once the article
    has named it so ("Patriot" after "Patriot Coal"), is an ORG; a pageant title's word is no part of the name; a
    lone head word ("Energy") or a title alone ("Miss Universe") comes back empty (start = end)."""
    if s > 0 and words[s - 1] == "Miss" and words[s] in PAGEANTS:
        s += 1
    if s >= e:
        return e, "PERSON"
    if words[e - 1] in CORPORATE_HEADS:
        return (e if e - s == 1 else s), "ORG"
    if tuple(words[s:e]) in companies:
        return s, "ORG"
    return s, "PERSON"


def _ner_mention(s: int, e: int, label: str) -> Mention:
    m = Mention(s, e, own="ner", ner=label)
    m.votes[label] += 1.0
    return m


def _trim(words: list[str], s: int, e: int) -> tuple[int, int]:
    """Cut possessives and punctuation off the ends ("Abdullah al-Moheisini’s" -> "Abdullah al-Moheisini"),
    and anything after a line break: a name does not run across paragraphs."""
    for i in range(s, e):
        if "\n" in words[i]:
            e = i
            break
    while e > s and (words[e - 1] in POSSESSIVE or not any(c.isalnum() for c in words[e - 1])):
        e -= 1
    while s < e and not any(c.isalnum() for c in words[s]):
        s += 1
    return s, e


def _strip_directions(words: list[str], s: int, e: int) -> tuple[int, int, bool]:
    """ "Western Aleppo", "Aleppo’s Eastern", "Southern Hama Countryside" -> the place name."""
    ds, de = s, e
    while ds < de - 1 and words[ds].lower() in DIRECTIONS:
        ds += 1
    while de > ds + 1 and (
        words[de - 1].lower() in DIRECTIONS
        or words[de - 1].lower() in AREA_WORDS
        or words[de - 1] in POSSESSIVE
    ):
        de -= 1
    ds, de = _trim(words, ds, de)
    return ds, de, True


_PARTICLES = frozenset("al el bin ibn bint abu abd abdul de del der di da du la le van von ul".split())


def _name_like(words: list[str], s: int, e: int) -> bool:
    """A person's full name: capitalised words, initials ("W."), and particles ("al-", "bin", "van")."""
    for i in range(s, e):
        w = words[i]
        if w == "-" and i > s and words[i - 1].lower() in _PARTICLES:
            continue
        if not (w.lower() in _PARTICLES or (w.istitle() and (w.isalpha() or (len(w) == 2 and w[1] == ".")))):
            return False
    return True


def _first(word: str) -> str:
    m = _FIRST_WORD.match(word)
    return m.group() if m else ""


def _is_named(words: list[str], s: int, e: int) -> bool:
    """ "Battle of Aleppo" is a named event; "the Aleppo war" is a war in Aleppo."""
    return all(
        w[:1].isupper() for w in words[s:e] if w.isalpha() and w.lower() not in ("of", "the", "and", "for")
    )


@Language.factory("newsprobe/entities", assigns=["doc.ents", "doc.spans"], requires=["doc.ents"])
def make_entities(nlp: Language, name: str) -> EntityFixer:
    return EntityFixer(nlp, name)
