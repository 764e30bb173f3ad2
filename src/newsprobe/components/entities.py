"""Layer `entity`: spaCy's named entities, corrected for news about unfamiliar places and armed groups.

The small English model misreads transliterated names (on a typical Syria report it tags "Aleppo" NORP,
"Jeish al-Fatah" PERSON, "Idlib" ORG) and labels one name differently from one sentence to the next. This
component keeps the parse and fixes the entities with evidence that does not depend on context:

- a gazetteer (`newsprobe.gazetteer`): a name that is a city or country is a place whatever NER said, unless
  it sits inside a longer organisation or person name ("the Operation Room for Conquest of Aleppo");
- Matcher patterns for organisation names built from words like Jaish, Jabhat, Harakat, Liwa, "Army of",
  "... Front";
- one label per name per document, by weighted vote (NER 1 per mention, gazetteer 1-6, pattern/alias 10),
  and unlabelled repeats of a name found elsewhere in the document become entities too;
- clean-up: possessives are cut off, photo ids and lone direction words ("Eastern") are dropped.

Every entity gets `span._.attrs = {"canonical", "source", "score"}` (places also `country`): `canonical`
merges spelling variants and aliases ("Jeish Al-Fatah", "Army of Conquest" -> "Jaish al-Fatah"), `source`
says which evidence set the label, `score` = winning votes / (all votes + 1), so one unopposed NER mention
scores 0.5 and a gazetteer-backed name about 0.8-0.98. The result replaces `doc.ents` (non-overlapping) and
is written to `doc.spans["entity"]`; DATE and TIME entities stay in `doc.ents` for the date layer only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from newsprobe.gazetteer import APOS_TABLE, APOSTROPHES, Entry, Lexicon, get_lexicon, norm_key

NUMERIC = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
NOT_IN_LAYER = frozenset({"DATE", "TIME"})  # the date layer reports these, with resolved values
# Labels the small model hands out to place names it does not know; a place inside such a span is split out.
SPLIT_LABELS = frozenset({"NORP", "WORK_OF_ART", "PRODUCT", "LAW", "LANGUAGE", "EVENT"})
DIRECTIONS = frozenset(
    "north south east west northern southern eastern western central northeast northwest southeast "
    "southwest northeastern northwestern southeastern southwestern".split()
)
POSSESSIVE = frozenset({"'s", "’s", "'", "’", "ʼs"})
DETERMINERS = frozenset({"the", "The", "THE"})
# A preposition before a name is evidence of a place: strong enough to outvote a PERSON label...
PLACE_CUES = frozenset("in from near at into across outside inside toward towards around throughout within".split())
# ...and these weaker ones only let an unlabelled, less known place name in.
WEAK_CUES = PLACE_CUES | frozenset("of to via between through over and".split())
# Adjectival endings: "Takfiri terrorists", "Salafist groups" describe people, they are not organisations.
_ADJ_SUFFIX = re.compile(r"(?:i|ist|ite|ian|ic|ish|ese)$")
_ID_LIKE = re.compile(r"(?=.*\d)(?=.*_)")
_APOS_IN_WORD = re.compile(rf"(?<=[^\W\d_])[{APOSTROPHES}'](?=[^\W\d_]{{2,}}|[^\W\d_s]\b)")
_AL_HYPHEN = re.compile(r"\b(?:[Aa]l|[Ee]l)-(?=\w)")
_DISPLAY_TRANSLIT = {
    "jeish": "Jaish", "jaysh": "Jaish", "jaich": "Jaish", "jabhet": "Jabhat", "jebhat": "Jabhat",
    "harakah": "Harakat", "haraket": "Harakat", "hayyat": "Hayat", "haiat": "Hayat", "hayaat": "Hayat",
    "kataeb": "Kataib", "failaq": "Faylaq", "feilaq": "Faylaq", "liwaa": "Liwa", "lewa": "Liwa",
    "sarayat": "Saraya",
}

# --- organisation patterns -------------------------------------------------------------------------------
_ORG_HEADS = ["jaish", "jeish", "jaysh", "jabhat", "jebhat", "harakat", "harakah", "liwa", "liwaa", "ahrar",
              "kataib", "kata'ib", "katibat", "ansar", "hayat", "hay'at", "hayyat", "faylaq", "failaq",
              "saraya", "sarayat", "jund", "asaib", "asa'ib", "quwat", "firqat", "tahrir"]
_AL_ONLY_HEADS = {"tahrir", "ahrar", "jund", "ansar"}  # "Tahrir Square" is a place; these need an al- name
_AL_WORDS = ["al", "el", "ad", "ash", "as", "at", "az", "ar", "an", "ul"]
_ORG_SUFFIXES = ["Front", "Brigade", "Brigades", "Battalion", "Battalions", "Army", "Movement", "Forces",
                 "Units", "Division", "Corps", "Legion", "Regiment"]
_ORG_OF_HEADS = ["Army", "Brigade", "Brigades", "Battalion", "Battalions", "Front", "Movement", "Legion"]
_OF_HEADS_SET = frozenset(_ORG_OF_HEADS)
_SUFFIX_SET = frozenset(_ORG_SUFFIXES)
# Capitalised words that end a name rather than continue it (headlines capitalise everything).
GENERIC = frozenset(
    "coalition alliance group groups militants militant fighters terrorists terrorist rebels rebel leadership "
    "command commander commanders leader leaders member members government regime security armed opposition "
    "spokesman official officials says said say source sources chief head media news agency report reports "
    "city province countryside town village district districts the a an and or of in on to for with "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december".split()
) | DIRECTIONS


def _apostrophe_forms(words: list[str]) -> list[str]:
    out = []
    for w in words:
        out.append(w)
        if "'" in w:
            out.extend(w.replace("'", a) for a in APOSTROPHES)
    return out


def build_matcher(vocab: Vocab) -> Matcher:
    """Token patterns for organisation names, built once per pipeline (a Matcher call costs ~0.1 ms)."""
    heads = _apostrophe_forms(_ORG_HEADS)
    head = {"LOWER": {"IN": heads}, "IS_LOWER": False}
    head_cap_ok = {"LOWER": {"IN": [h for h in heads if h.replace("’", "'") not in _AL_ONLY_HEADS]},
                   "IS_LOWER": False}
    cap = {"IS_TITLE": True, "LOWER": {"NOT_IN": sorted(GENERIC)}}
    al = [{"LOWER": {"IN": _AL_WORDS}}, {"ORTH": {"IN": ["-", "‐"]}}, {"IS_TITLE": True}]
    pats: list[list[dict]] = []
    for n_cap in range(3):
        for n_al in range(1, 4):
            pats.append([head] + [cap] * n_cap + al * n_al)
    pats += [[head_cap_ok, cap], [head_cap_ok, cap, cap]]
    of_the = [{"LOWER": {"IN": ["of", "for"]}}, {"LOWER": "the", "OP": "?"}]
    for h in _ORG_OF_HEADS:
        hd = {"ORTH": h}
        pats += [[hd, *of_the, cap], [hd, *of_the, cap, cap], [hd, *of_the, *al]]
    suffix = {"ORTH": {"IN": _ORG_SUFFIXES}}
    name_cap = {"IS_TITLE": True, "IS_STOP": False, "LOWER": {"NOT_IN": sorted(GENERIC)}}
    units = [[name_cap], al]
    seqs: list[list[dict]] = [[]]
    for _ in range(3):
        seqs = [s + u for s in seqs for u in units]
        pats += [s + [suffix] for s in seqs]
        if len(seqs) > 4:
            break
    pats += [u1 + u2 + [suffix] for u1 in units for u2 in units]
    matcher = Matcher(vocab)
    matcher.add("ORG", pats, greedy="LONGEST")
    return matcher


def common_words(nlp: Language) -> frozenset[str]:
    """Lower-case words that are English verbs, adjectives or adverbs ("police", "nice", "split"): a town
    called that is not trusted from the gazetteer alone. Taken from the lemmatizer's tables when present."""
    try:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (KeyError, AttributeError, ValueError):
        return frozenset()
    words: set[str] = set()
    for pos in ("verb", "adj", "adv"):
        if pos in table:
            words.update(table[pos])
    return frozenset(words)


# --- canonical names ---------------------------------------------------------------------------------------
def display_actor(text: str) -> str:
    """Readable canonical spelling for an organisation: standard transliteration of the leading word,
    "al-" in lower case, apostrophes inside transliterated words removed ("Kata'ib" -> "Kataib")."""
    text = _AL_HYPHEN.sub("al-", _APOS_IN_WORD.sub("", text.translate(APOS_TABLE)))
    words = text.split()
    if words and words[0] in DETERMINERS:
        words = words[1:]
    return " ".join(_DISPLAY_TRANSLIT.get(w.lower(), w) for w in words)


def display_person(text: str) -> str:
    return _AL_HYPHEN.sub("al-", " ".join(text.split()))


# --- mentions ----------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Mention:
    start: int
    end: int
    votes: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    entry: Entry | None = None  # gazetteer or alias entry for this exact name
    own: str = "ner"  # the evidence this mention brings: ner, gazetteer, pattern, consistency
    key: str = ""
    label: str = ""
    canonical: str = ""
    score: float = 0.0
    source: str = "ner"


class EntityFixer:
    """The `newsprobe/entities` component; everything expensive (lexicon, Matcher) is built once here."""

    def __init__(self, nlp: Language, name: str = "newsprobe/entities") -> None:
        self.name = name
        self.lex: Lexicon = get_lexicon()
        self.matcher = build_matcher(nlp.vocab)
        self.heads = frozenset(_apostrophe_forms(_ORG_HEADS))
        self.common = common_words(nlp)
        self.stop = frozenset(nlp.Defaults.stop_words)

    # The pipeline's per-document work: ~1-2 ms on a 600-word article.
    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            doc.spans["entity"] = []
            return doc
        words: list[str] = []
        starts: list[int] = []
        for t in doc:  # one pass: creating Token objects is most of this component's cost
            words.append(t.text)
            starts.append(t.idx)
        tok_end = {starts[i] + len(words[i]): i + 1 for i in range(n)}
        text = doc.text.translate(APOS_TABLE)

        strong = self._strong_spans(doc, words, starts, text, tok_end)
        strong_at = [-1] * n
        for k, m in enumerate(strong):
            for i in range(m.start, m.end):
                strong_at[i] = k
        places = self._place_hits(doc, words, starts, text, tok_end, strong_at)
        place_at = [-1] * n
        for k, m in enumerate(places):
            for i in range(m.start, m.end):
                place_at[i] = k
        consumed: set[int] = set()
        keep_place: set[int] = set()  # place hits freed from a mislabelled NER span: accepted as entities
        mentions: list[Mention] = list(strong)
        fixed: list[Span] = []  # numeric entities pass through unchanged

        for ent in doc.ents:
            label = ent.label_
            if any(_ID_LIKE.match(words[i]) for i in range(ent.start, ent.end)):
                continue
            if label in NUMERIC:
                fixed.append(Span(doc, ent.start, ent.end, label=label))
                continue
            s, e = self._trim(words, ent.start, ent.end)
            if s >= e or all(words[i].lower() in DIRECTIONS or words[i] in DETERMINERS for i in range(s, e)):
                continue
            hit_strong = {strong_at[i] for i in range(s, e)} - {-1}
            if hit_strong:
                if label == "ORG" and self._extends(words, s, e, [strong[k] for k in hit_strong]):
                    for k in hit_strong:
                        strong[k].own = "absorbed"
                    mentions.append(self._ner_mention(s, e, label))
                continue
            m = self._resolve_places(doc, words, s, e, label, places, place_at, consumed, keep_place)
            if m is not None:
                mentions.append(m)

        for k, p in enumerate(places):
            if k in consumed:
                continue
            if k in keep_place:  # freed from a mislabelled span such as "Aleppo Ready" (WORK_OF_ART)
                self._gazetteer_vote(doc, p, None)
                p.own = "gazetteer"
            else:
                p.own = "gazetteer?"
            mentions.append(p)
        mentions = [m for m in mentions if m.own != "absorbed"]
        self._adjectives(doc, mentions)
        groups = self._vote(doc, mentions)
        self._short_forms(groups)
        mentions = [m for ms in groups.values() for m in ms]
        mentions += self._propagate(doc, words, groups, mentions, fixed)
        self._write(doc, mentions, fixed)
        return doc

    # -- candidate spans ------------------------------------------------------------------------------------
    def _strong_spans(self, doc: Doc, words: list[str], starts: list[int], text: str,
                      tok_end: dict[int, int]) -> list[Mention]:
        """Organisation patterns and alias-table names (ORG, weight 10), longest first, non-overlapping."""
        cands: list[tuple[int, int, Entry | None]] = []
        for ws, we in self._windows(words):
            for _, s, e in self.matcher(doc[ws:we]):
                s, e = self._trim(words, s + ws, e + ws)
                if e > s:
                    cands.append((s, e, self.lex.by_key.get(norm_key(doc[s:e].text))))
        for i, w in enumerate(words):
            if w[:1].isupper():
                hit = self._lookup(w, starts[i], text, tok_end)
                if hit and hit[1].kind == "alias":
                    cands.append((i, hit[0], hit[1]))
        cands.sort(key=lambda c: (c[0] - c[1], c[2] is None, c[0]))
        taken = bytearray(len(words))
        out = []
        for s, e, entry in cands:
            if any(taken[s:e]):
                continue
            taken[s:e] = b"\x01" * (e - s)
            m = Mention(s, e, entry=entry, own="pattern")
            m.votes[entry.label if entry else "ORG"] += 10.0
            out.append(m)
        return out

    def _windows(self, words: list[str]) -> list[tuple[int, int]]:
        """Token ranges around trigger words (Jaish..., Army of..., ... Front): running the Matcher only there
        costs ~0.1 ms per article instead of ~3 ms over the whole document."""
        n = len(words)
        spans = []
        for i, w in enumerate(words):
            if not w[:1].isupper():
                continue
            if w.lower() in self.heads:
                spans.append((i, min(n, i + 13)))
            elif w in _OF_HEADS_SET and i + 1 < n and words[i + 1] in ("of", "for"):
                spans.append((i, min(n, i + 7)))
            elif w in _SUFFIX_SET:
                spans.append((max(0, i - 9), i + 1))
        merged: list[tuple[int, int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        return merged

    def _lookup(self, word: str, start: int, text: str, tok_end: dict[int, int]) -> tuple[int, Entry] | None:
        """Longest lexicon name starting at this token and ending on a token boundary: (end token, entry)."""
        first = word if word.isalpha() else _first_word(word)
        names = self.lex.by_first.get(first)
        if not names:
            return None
        for name in names:
            if text.startswith(name, start):
                end = tok_end.get(start + len(name))
                if end is not None:
                    return end, self.lex.entries[name]
        return None

    def _place_hits(self, doc: Doc, words: list[str], starts: list[int], text: str, tok_end: dict[int, int],
                    strong_at: list[int]) -> list[Mention]:
        out = []
        i, n = 0, len(words)
        while i < n:
            w = words[i]
            if strong_at[i] < 0 and w[:1].isupper():
                hit = self._lookup(w, starts[i], text, tok_end)
                if hit and hit[1].kind != "alias" and all(strong_at[j] < 0 for j in range(i, hit[0])):
                    end, entry = hit
                    if end - i == 1 and (w.lower() in self.stop and entry.kind != "country"):
                        i += 1
                        continue
                    out.append(Mention(i, end, entry=entry, own="gazetteer"))
                    i = end
                    continue
            i += 1
        return out

    @staticmethod
    def _trim(words: list[str], s: int, e: int) -> tuple[int, int]:
        """Cut possessives and punctuation off the ends ("Abdullah al-Moheisini’s" -> "Abdullah al-Moheisini")."""
        while e > s and (words[e - 1] in POSSESSIVE or not any(c.isalnum() for c in words[e - 1])):
            e -= 1
        while s < e and not any(c.isalnum() for c in words[s]):
            s += 1
        return s, e

    def _extends(self, words: list[str], s: int, e: int, inner: list[Mention]) -> bool:
        """An NER ORG that adds real name words to a pattern match ("Jaish al-Fatah Operations Room") stays."""
        inside = {i for m in inner for i in range(m.start, m.end)}
        extra = [words[i] for i in range(s, e) if i not in inside]
        return any(w[:1].isupper() and w.lower() not in GENERIC for w in extra) and all(
            s <= m.start and m.end <= e for m in inner)

    @staticmethod
    def _ner_mention(s: int, e: int, label: str, weight: float = 1.0) -> Mention:
        m = Mention(s, e, own="ner")
        m.votes[label] += weight
        return m

    def _resolve_places(self, doc: Doc, words: list[str], s: int, e: int, label: str, places: list[Mention],
                        place_at: list[int], consumed: set[int], keep_place: set[int]) -> Mention | None:
        """Reconcile one NER span with the gazetteer hits inside or across it."""
        inside = sorted({place_at[i] for i in range(s, e)} - {-1})
        if not inside:
            return self._ner_mention(s, e, label)
        core_s, core_e = s, e
        while core_s < core_e - 1 and words[core_s] in DETERMINERS:
            core_s += 1
        exact = [k for k in inside if (places[k].start, places[k].end) == (core_s, core_e)]
        if not exact:  # "Western Aleppo", "Aleppo’s Eastern": direction words around a place
            ds, de = core_s, core_e
            while ds < de - 1 and words[ds].lower() in DIRECTIONS:
                ds += 1
            while de > ds + 1 and words[de - 1].lower() in DIRECTIONS:
                de -= 1
            ds, de = self._trim(words, ds, de)
            exact = [k for k in inside if (places[k].start, places[k].end) == (ds, de)]
        if exact:
            k = exact[0]
            p = places[k]
            consumed.add(k)
            trimmed = (p.start, p.end) != (core_s, core_e)
            p.votes[label] += 0.5 if trimmed else 1.0
            self._gazetteer_vote(doc, p, label)
            p.own = "gazetteer"
            return p
        crossing = [k for k in inside if places[k].start < s or places[k].end > e]
        if crossing:  # NER "Deir" inside gazetteer "Deir ez-Zor": the longer known name wins
            longest = max(places[k].end - places[k].start for k in crossing)
            if longest >= e - s or label not in ("ORG", "PERSON"):
                keep_place.update(crossing)
                return None
            consumed.update(crossing)
            return self._ner_mention(s, e, label)
        if label in SPLIT_LABELS and not (label == "EVENT" and _is_named(words, s, e)):
            keep_place.update(inside)  # "Aleppo Ready" (WORK_OF_ART), "the Aleppo war" (EVENT) -> the place
            return None
        consumed.update(inside)  # "the Operation Room for Conquest of Aleppo" stays one ORG
        return self._ner_mention(s, e, label)

    def _gazetteer_vote(self, doc: Doc, p: Mention, ner_label: str | None) -> None:
        """Add the gazetteer's vote, discounted where the name is also a common word or a person's name."""
        entry = p.entry
        if entry is None:
            return
        prev = doc[p.start - 1].lower_ if p.start > 0 else ""
        w = entry.weight
        single = p.end - p.start == 1
        if single and entry.kind in ("city", "city-alt") and doc[p.start].lower_ in self.common:
            w = w if ner_label in ("GPE", "LOC") else 0.0
        if ner_label == "PERSON" and prev not in PLACE_CUES:
            w = 0.0  # "Charlotte said": a person unless the sentence puts her somewhere
        elif ner_label == "NORP" and w < 3 and prev not in WEAK_CUES:
            w = 0.0
        p.votes[entry.label] += w

    def _adjectives(self, doc: Doc, mentions: list[Mention]) -> None:
        """A lone capitalised adjective that NER took for an ORG/PERSON ("Takfiri terrorists") is NORP."""
        for m in mentions:
            if m.own != "ner" or m.end - m.start != 1 or not m.votes.keys() & {"ORG", "PERSON", "WORK_OF_ART"}:
                continue
            tok = doc[m.start]
            head = tok.head
            if (tok.dep_ in ("amod", "compound") and head.i > tok.i and head.pos_ == "NOUN" and head.is_lower
                    and _ADJ_SUFFIX.search(tok.lower_)):
                m.votes["NORP"] += sum(m.votes.values()) + 0.5

    # -- one label per name ---------------------------------------------------------------------------------
    def _key(self, doc: Doc, m: Mention) -> str:
        if m.entry is not None:
            return norm_key(m.entry.canonical)
        key = norm_key(doc[m.start:m.end].text)
        alias = self.lex.by_key.get(key)
        if alias is not None:
            m.entry = alias
            return norm_key(alias.canonical)
        return key

    def _vote(self, doc: Doc, mentions: list[Mention]) -> dict[str, list[Mention]]:
        """Group mentions by normalised name; each group takes the label with most weighted votes."""
        groups: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            if m.own == "gazetteer?":  # an unlabelled gazetteer name: vote as if NER had said nothing
                self._gazetteer_vote(doc, m, None)
            m.key = self._key(doc, m)
            groups[m.key].append(m)
        out: dict[str, list[Mention]] = {}
        for key, ms in groups.items():
            # Unlabelled gazetteer names need one mention that stands alone; it then vouches for the rest.
            if all(m.own == "gazetteer?" for m in ms) and not any(self._standalone(doc, m) for m in ms):
                continue
            total: dict[str, float] = defaultdict(float)
            for m in ms:
                for lab, w in m.votes.items():
                    total[lab] += w
            label = max(total, key=total.__getitem__, default="")
            if not label or total[label] <= 0:
                continue
            score = round(total[label] / (sum(total.values()) + 1.0), 3)
            canonical = self._canonical(doc, ms, label)
            for m in ms:
                if m.own == "gazetteer?":
                    m.own = "gazetteer" if self._standalone(doc, m) else "consistency"
                own_best = max(m.votes, key=m.votes.__getitem__, default="")
                m.label, m.canonical, m.score = label, canonical, score
                m.source = m.own if own_best == label and m.votes[label] > 0 else "consistency"
            out[key] = ms
        return out

    def _standalone(self, doc: Doc, m: Mention) -> bool:
        """An unlabelled gazetteer name counts alone if well known and used as a proper noun, or if a
        preposition puts it somewhere ("fighters from Raqqa")."""
        if m.votes.get("GPE", 0) + m.votes.get("LOC", 0) <= 0:
            return False
        tok = doc[m.start]
        prev = doc[m.start - 1].lower_ if m.start > 0 else ""
        proper = tok.pos_ == "PROPN" or m.end - m.start > 1
        return proper and (m.entry is not None and m.entry.weight >= 3 or prev in WEAK_CUES)

    def _canonical(self, doc: Doc, ms: list[Mention], label: str) -> str:
        for m in ms:
            if m.entry is not None and m.entry.label == label:
                return m.entry.canonical
        texts: dict[str, int] = defaultdict(int)
        for m in ms:
            if m.own != "gazetteer?":
                texts[doc[m.start:m.end].text] += 1
        text = max(texts, key=lambda t: (texts[t], len(t))) if texts else doc[ms[0].start:ms[0].end].text
        if label == "PERSON":
            return display_person(text)
        if label in ("GPE", "LOC", "FAC"):
            return " ".join(w for w in text.split() if w not in DETERMINERS) or text
        return display_actor(text)

    def _short_forms(self, groups: dict[str, list[Mention]]) -> None:
        """"The Operation Room" after "the Operation Room for Conquest of Aleppo" is that ORG again."""
        orgs = [(k, ms) for k, ms in groups.items() if ms and ms[0].label == "ORG"]
        for key, ms in list(groups.items()):
            if not ms or ms[0].label in ("PERSON", "GPE", "LOC") or len(key.split()) < 2:
                continue
            for okey, oms in orgs:
                if okey != key and okey.startswith(key + " "):
                    for m in ms:
                        m.label, m.canonical, m.source = "ORG", oms[0].canonical, "consistency"
                        m.score = oms[0].score
                    break

    def _propagate(self, doc: Doc, words: list[str], groups: dict[str, list[Mention]],
                   mentions: list[Mention], fixed: list[Span]) -> list[Mention]:
        """Unlabelled repeats of a name that is an entity elsewhere in the document become entities."""
        covered = bytearray(len(words))
        for m in mentions:
            covered[m.start:m.end] = b"\x01" * (m.end - m.start)
        for sp in fixed:
            covered[sp.start:sp.end] = b"\x01" * (sp.end - sp.start)
        index: dict[str, dict[tuple[str, ...], Mention]] = defaultdict(dict)
        for ms in groups.values():
            for m in ms:
                s = m.start + (words[m.start] in DETERMINERS and m.end - m.start > 1)
                if words[s][:1].isupper():
                    index[words[s]].setdefault(tuple(words[s:m.end]), m)
        out: list[Mention] = []
        i, n = 0, len(words)
        while i < n:
            cands = index.get(words[i]) if not covered[i] else None
            if cands:
                for name in sorted(cands, key=len, reverse=True):
                    e = i + len(name)
                    if tuple(words[i:e]) != name or any(covered[i:e]):
                        continue
                    if len(name) == 1 and (name[0].lower() in self.stop or doc[i].pos_ != "PROPN"):
                        continue
                    src = cands[name]
                    out.append(Mention(i, e, entry=src.entry, own="consistency", key=src.key, label=src.label,
                                       canonical=src.canonical, score=src.score, source="consistency"))
                    i = e - 1
                    break
            i += 1
        return out

    def _write(self, doc: Doc, mentions: list[Mention], fixed: list[Span]) -> None:
        spans: list[Span] = list(fixed)
        for m in mentions:
            sp = Span(doc, m.start, m.end, label=m.label)
            attrs = {"canonical": m.canonical, "source": m.source, "score": m.score}
            if m.entry is not None and m.entry.country and m.label == m.entry.label:
                attrs["country"] = m.entry.country
            sp._.attrs = attrs
            spans.append(sp)
        spans.sort(key=lambda sp: (sp.start, -sp.end))
        final: list[Span] = []
        last = 0
        for sp in spans:
            if sp.start >= last:
                final.append(sp)
                last = sp.end
        for sp in final:
            if sp._.attrs is None:
                sp._.attrs = {"canonical": sp.text, "source": "ner", "score": 0.5}
        doc.ents = final
        doc.spans["entity"] = [sp for sp in final if sp.label_ not in NOT_IN_LAYER]


def _first_word(word: str) -> str:
    m = re.match(r"[^\W\d_]+", word)
    return m.group() if m else ""


def _is_named(words: list[str], s: int, e: int) -> bool:
    """"Battle of Aleppo" is a named event; "the Aleppo war" is a war in Aleppo."""
    return all(w[:1].isupper() for w in words[s:e] if w.isalpha() and w.lower() not in ("of", "the", "and", "for"))


@Language.factory("newsprobe/entities", assigns=["doc.ents", "doc.spans"], requires=["doc.ents"])
def make_entities(nlp: Language, name: str) -> EntityFixer:
    return EntityFixer(nlp, name)
