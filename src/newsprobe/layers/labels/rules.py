"""What a text calls the actors it names: label phrases found on the dependency parse.

Five constructions, each a `kind` (the span's label); the guideline with examples is `docs/actors.md`:

- modifier: words before the name that describe it ("the terrorist Jaish al-Fatah", "Crooked Hillary", "Russian
  President Vladimir Putin"), and a group noun the name modifies ("Jaish al-Fatah militants", "the Jaish al-Fatah
  coalition");
- appositive: "Jaish al-Fatah, a coalition of Islamist groups," and "the alliance, Jaish al-Fatah,";
- predicate: "Jaish al-Fatah is a terrorist group", "the State Department designated it as a terrorist organisation",
  "field commanders of Jaish al-Fatah are mercenaries" (what its members are said to be);
- member: a group noun tied to the name by a verb of membership ("the terrorist groups forming Jaish al-Fatah",
  "rebels who joined Jaish al-Fatah");
- reference: a definite noun phrase that refers back to the one organisation (or person) named just before it ("the
  terrorists", "the billionaire"), taken only when no other actor of that kind was named in between; there is no
  coreference model, so this kind is the least sure, and its score says so.

Headlines (title-case lines) are skipped: the parse of "Trump Warns Clinton" is noise. Costs well under a millisecond
per article on top of the parse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from newsprobe.layers.labels.nouns import event_role, group_noun, person_noun

# Nouns that name a kind of group, or people taken together; "the X" with one of these may refer back to an actor.
GROUP_NOUNS = frozenset(
    """group coalition alliance organization organisation movement militia faction network front outfit cell
    brigade battalion army force gang band regime government administration party opposition insurgency
    federation umbrella proxy rebellion junta cartel mafia clan tribe""".split()
)
PEOPLE_NOUNS = frozenset(
    """militant terrorist rebel fighter jihadist jihadi extremist insurgent mercenary gunman thug criminal radical
    islamist separatist loyalist ally takfiri killer murderer bandit invader occupier terrorist-group guerrilla
    guerilla mujahideen combatant hardliner zealot fanatic rioter looter protester activist dissident
    revolutionary traitor puppet agent""".split()
)
# Group nouns that, after "the", usually mean the group just named ("the group said"); not "the government", "the
# army", "the network" (the other side, or something else altogether).
REFERRING_GROUP_NOUNS = frozenset(
    "group coalition alliance organization organisation movement militia faction outfit brigade battalion gang "
    "insurgency junta cartel".split()
)
# Nouns that describe one person ("the billionaire"); a definite one may refer back to the one person just named.
# Offices ("the president", "the minister") are left out: they often mean someone the text has not named yet.
PERSON_NOUNS = frozenset(
    """billionaire businessman businesswoman mogul tycoon candidate nominee dictator strongman tyrant autocrat despot
    populist demagogue liar criminal cleric preacher mufti mofti warlord""".split()
)
# "Jaish al-Fatah coalition" is the actor itself: the noun it modifies names what it is.
SELF_NOUNS = GROUP_NOUNS
# "commanders of X are mercenaries", "X's fighters are terrorists": what its members are said to be.
MEMBER_NOUNS = frozenset(
    """commander fighter member leader militant gunman soldier troop rank officer recruit unit leadership""".split()
)
MEMBERSHIP_VERBS = frozenset("form join belong constitute comprise compose make affiliate".split())
NAMING_VERBS = frozenset(
    "call label brand describe designate dub term consider regard list classify deem name view see".split()
)
COPULAS = frozenset("be remain".split())  # not "become": "allow Clinton to become president" calls her nothing
# Modifiers that make a group noun name a state's side rather than the group just named ("the government forces").
SIDE_WORDS = frozenset("government army security police military state regime pro-government official".split())
HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. miss mister dr dr. sir madam madame mme mme. mx mx. messrs".split())
# Words that place an actor in time and say nothing of what it is ("the late Fred Rogers", "then-Gov."): not a label
# alone, though part of one ("former President").
TIME_ONLY = frozenset("late former then current future once erstwhile onetime one-time longtime sitting".split())
# Left-edge words that are not part of a label ("some non-Syrian mercenaries", "at least 22 militant groups").
_LEFT_SKIP_DEPS = frozenset("det poss predet nummod quantmod case punct cc prep advmod".split())
_MOD_DEPS = frozenset("amod compound nmod npadvmod".split())
ACTOR_TYPES = frozenset({"PERSON", "ORG", "NORP"})
TITLE_ABBREVIATIONS = frozenset("gen lt col maj capt sgt adm cmdr sen rep gov rev brig cpl pvt".split())
# Words before a name that relate it to something rather than say what it is.
RELATIONAL = frozenset("fellow other another same such own many several various certain respective both all".split())
_NOT_ASSERTED = frozenset("if unless whether though although".split())
# a tag question or answer addressed to the name ("..., right CNN?", "Okay, sure Reuters"): the word is no epithet
TAG_WORDS = frozenset("right okay ok sure correct yes no well huh eh".split())
_NOT_LABELS = frozenset("thousand hundred million dozen score lot number percent one time way thing".split())
MAX_LABEL_TOKENS = 8
REFERENCE_SENTENCES = 2  # a reference looks back this many sentences (and earlier in its own)

SCORES = {"modifier": 0.9, "appositive": 0.85, "predicate": 0.85, "member": 0.8, "reference": 0.6}


@dataclass(frozen=True)
class Actor:
    """One entity mention a label can attach to."""

    start: int  # token offsets
    end: int
    label: str
    canonical: str
    kind_only: bool = False  # a name used as a common noun ("a super PAC"): no labels, but a reference may mean it


@dataclass(frozen=True)
class Found:
    start: int  # token offsets of the label phrase
    end: int
    kind: str
    actor: Actor
    head: int  # token index of the phrase's head noun (or adjective)


def find_labels(doc: Doc, actors: list[Actor], english: frozenset[str]) -> list[Found]:
    """Every label phrase attached to one of `actors`, at most once per (phrase, actor)."""
    at: dict[int, Actor] = {}
    for a in actors:
        for i in range(a.start, a.end):
            if not a.kind_only:
                at[i] = a
    skip = _headline_tokens(doc)
    found: list[Found] = []
    for a in actors:
        if a.start in skip or a.label not in ACTOR_TYPES or a.kind_only:
            continue
        span = doc[a.start : a.end]
        head = _np_head(span)
        found += _modifiers(doc, span, head, a, at, english)
        found += _appositives(doc, span, head, a, at)
        found += _predicates(doc, head, a, at)
        found += _members(doc, head, a, at)
    found += _references(doc, actors, at, skip)
    # one label per stretch of text and actor: the longest phrase ("co-founder", not "co" and "founder"), and for one
    # phrase the surest construction
    found.sort(key=lambda f: (f.start, -f.end, _KIND_ORDER[f.kind]))
    out: list[Found] = []
    for f in found:
        if any(i in skip for i in range(f.start, f.end)):
            continue  # a label in a headline, whatever the parse hung it on
        lo, hi = min(f.start, f.actor.start), max(f.end, f.actor.end)
        if f.kind != "reference" and any("\n" in doc[i].text for i in range(lo, hi)):
            continue  # a label and its actor on either side of a paragraph break
        if f.end > f.start and not any(
            o.actor.canonical == f.actor.canonical and o.start <= f.start and f.end <= o.end for o in out
        ):
            out.append(f)
    return out


_KIND_ORDER = {k: i for i, k in enumerate(SCORES)}


# -- helpers ----------------------------------------------------------------------------------------------------------


def _headline_tokens(doc: Doc) -> set[int]:
    """Tokens of the title (a first line without a full stop) and of title-case lines: three or more content words,
    all capitalised but one at most in a longer line (headlines, captions)."""
    out: set[int] = set()
    line: list[Token] = []

    def close() -> None:
        words = [t for t in line if t.is_alpha and not t.is_stop]
        caps = sum(t.text[:1].isupper() for t in words)
        if len(words) >= 3 and caps >= len(words) - (len(words) >= 6):  # every word capitalised (one spared)
            out.update(t.i for t in line)

    first = True
    for tok in doc:
        if "\n" in tok.text:
            if first and line and line[-1].text not in ".?!”\"'":
                out.update(t.i for t in line)  # the first line without a full stop: the title
            first = first and not line
            close()
            line = []
        else:
            line.append(tok)
    close()
    return out


def _np_head(span: Span) -> Token:
    """The noun phrase an actor's name heads: "Jeish al-Fatah coalition" is the actor, so its head is "coalition"."""
    head = span.root
    while head.dep_ == "compound" and head.head.pos_ == "NOUN" and head.head.lemma_.lower() in SELF_NOUNS:
        head = head.head
    return head


def _common(tok: Token, english: frozenset[str]) -> bool:
    """A word that can describe (not a name): lower case, a capitalised English word ("President") or a title's
    abbreviation ("Lt. Gen."); not one that only relates ("fellow Republicans", "other groups")."""
    if tok.ent_type_ in ("PERSON", "ORG", "GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "MONEY", "PERCENT"):
        return False
    if tok.lower_ in RELATIONAL:
        return False
    return tok.is_lower or tok.lower_ in english or tok.lower_.rstrip(".") in TITLE_ABBREVIATIONS


def _phrase(doc: Doc, head: Token, at: dict[int, Actor], of_phrase: bool = True) -> tuple[int, int] | None:
    """The label phrase headed by `head`: its modifiers on the left (determiners, numbers, possessives dropped) and,
    for a group noun, an "of" phrase ("coalition of Islamist groups"); None when it holds another actor's name."""
    start = head.left_edge.i
    for child in head.lefts:
        if child.dep_ in _LEFT_SKIP_DEPS and not (child.dep_ == "punct" and child.text in "-‐"):
            start = max(start, child.right_edge.i + 1)
    while start < head.i and (
        doc[start].dep_ in _LEFT_SKIP_DEPS
        or doc[start].like_num
        or (doc[start].is_punct and doc[start].text not in "-‐")
    ):
        start += 1
    end = head.i + 1
    if of_phrase and head.lemma_.lower() in GROUP_NOUNS | PEOPLE_NOUNS:
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ == "of":
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs and objs[0].pos_ == "NOUN" and objs[0].i - head.i <= 5:
                    end = objs[0].i + 1
                break
    start, end = _hyphenated(doc, start, end)
    if any(i in at for i in range(start, end)) or end - start > MAX_LABEL_TOKENS:
        return None
    while start < end and doc[start].lower_ in HONORIFICS:
        start += 1
    if start >= end or not any(t.pos_ in ("NOUN", "ADJ", "PROPN", "VERB") for t in doc[start:end]):
        return None
    if not head.is_alpha or head.like_num or head.lemma_.lower() in _NOT_LABELS:
        return None  # "p.m.", "30th.https://...", "thousands"
    if event_role(head.text):
        return None  # "the subject of 60 percent of the conversation": a part in an event, not what anyone is
    return start, end


def _hyphenated(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """A phrase grown over words the tokenizer split at a hyphen ("front-runner", "co-founder", "al-Qaeda-linked")."""
    while start >= 2 and doc[start - 1].text in "-‐" and not doc[start - 1].whitespace_ \
            and not doc[start - 2].whitespace_ and doc[start - 2].is_alpha:
        start -= 2
    while end + 1 < len(doc) and doc[end].text in "-‐" and not doc[end - 1].whitespace_ \
            and not doc[end].whitespace_ and doc[end + 1].is_alpha:
        end += 2
    return start, end


def _found(span: tuple[int, int] | None, kind: str, actor: Actor, head: int) -> list[Found]:
    return [] if span is None else [Found(span[0], span[1], kind, actor, head)]


# -- the five constructions -------------------------------------------------------------------------------------------


def _modifiers(doc: Doc, span: Span, head: Token, a: Actor, at: dict[int, Actor], english) -> list[Found]:
    out: list[Found] = []
    # words right before the name, in its own noun phrase: "the terrorist Jaish al-Fatah", "Crooked Hillary"; not when
    # the name itself modifies a noun after it ("the upcoming Apple Music special")
    start = span.start
    while start > 0 and not (span.root.dep_ in ("compound", "nmod", "amod") and span.root.head.i >= span.end):
        tok = doc[start - 1]
        if tok.i in at or tok.dep_ in _LEFT_SKIP_DEPS and not (tok.dep_ == "punct" and tok.text in "-‐"):
            break
        if tok.dep_ not in _MOD_DEPS and not (tok.dep_ == "punct" and tok.text in "-‐"):
            break
        hyphen = (tok.text in "-‐" and not tok.whitespace_) or (tok.text == "." and tok.i > 0
                                                                and not doc[tok.i - 1].whitespace_)  # "Lt." split
        if not _inside(tok, span) or not (hyphen or _common(tok, english) or tok.ent_type_ in ("NORP", "GPE")):
            break
        start -= 1
    while start < span.start and (doc[start].is_punct or doc[start].lower_ in HONORIFICS):
        start += 1
    if start < span.start:
        grown = _hyphenated(doc, start, span.start)[0]
        if not any(i in at for i in range(grown, start)):
            start = grown
    if start < span.start and doc[start].is_lower and doc[start].lower_.endswith("ed") \
            and start > 0 and doc[start - 1].pos_ in ("PROPN", "PRON", "NOUN"):
        start = span.start  # "Trump blasted Disney": the subject's verb, not an epithet ("Crooked Hillary")
    if start == span.start - 1 and doc[start].lower_ in TAG_WORDS and (start == 0 or doc[start - 1].is_punct):
        start = span.start  # "..., right CNN?": a tag question addressed to the name
    if start < span.start and any(_common(t, english) and t.lower_ not in TIME_ONLY for t in doc[start : span.start]) \
            and _can_name(doc[start : span.start], a) and a.label != "NORP":
        out.append(Found(start, span.start, "modifier", a, span.start - 1))
    # the group noun the name modifies: "Jaish al-Fatah militants", "the Jeish al-Fatah coalition"
    if a.label in ("ORG", "NORP"):
        noun = head if head.i >= span.end else (span.root.head if span.root.dep_ in ("compound", "nmod") else None)
        if (
            noun is not None
            and noun.i >= span.end
            and noun.pos_ == "NOUN"
            and noun.lemma_.lower() in GROUP_NOUNS | PEOPLE_NOUNS
            and all(doc[i].dep_ in ("compound", "amod", "punct") or doc[i].i in at for i in range(span.end, noun.i))
        ):
            out.append(Found(span.end, noun.i + 1, "modifier", a, noun.i))
    return out


def _fits(tok: Token, a: Actor) -> bool:
    """Whether a noun can say what the actor is: a person noun for a person, a group (or people) noun for a group."""
    return person_noun(tok.text) if a.label == "PERSON" else group_noun(tok.text)


def _can_name(words: Span, a: Actor) -> bool:
    """Words before a name that hold common nouns describe it only when one of those nouns can name that kind of
    actor ("police chief", "billionaire casino magnate"); "the hallucinogen PCP" classifies a thing. Capitalised
    words are left to the other rules ("Crooked Hillary", "President")."""
    nouns = [t for t in words if (t.pos_ == "NOUN" or (t.dep_ == "compound" and t.is_lower)) and t.is_alpha
             and not t.ent_type_]
    return not nouns or any(_fits(t, a) for t in nouns)


def _inside(tok: Token, span: Span) -> bool:
    """Whether `tok` hangs (through any chain of heads) from a token of `span`."""
    seen = 0
    while tok.head.i != tok.i and seen < 20:
        if span.start <= tok.head.i < span.end:
            return True
        tok = tok.head
        seen += 1
    return False


def _appositives(doc: Doc, span: Span, head: Token, a: Actor, at) -> list[Found]:
    out: list[Found] = []
    after = max(span.end, head.i + 1)
    comma = after < len(doc) and doc[after].text in (",", "(", "—", "–")
    for child in head.rights:  # "Jaish al-Fatah, a coalition of ...": only set off by a comma or bracket
        if (comma and child.dep_ == "appos" and child.i not in at and child.i > after
                and (child.pos_ == "NOUN" or (child.pos_ == "PROPN" and child.ent_type_ in ("", "NORP")))
                and _describes(child, a) and _naming_complement(child) is None):
            out += _found(_phrase(doc, child, at), "appositive", a, child.i)
    noun = head.head
    if (
        head.dep_ == "appos" and noun.pos_ == "NOUN" and noun.i not in at and noun.i < span.start
        and span.start > 0 and doc[span.start - 1].text == ","
        and not any(t.is_quote or t.pos_ in ("VERB", "AUX") or t.text in ".;:?!" for t in doc[noun.i + 1 : span.start])
        and _describes(noun, a)
    ):  # "the faction's spokesman, Ahmed Karali": only a comma and the noun's own words in between
        out += _found(_phrase(doc, noun, at), "appositive", a, noun.i)
    return out


def _describes(noun: Token, a: Actor) -> bool:
    """Whether an appositive noun says what the actor is, rather than being the next item of a list ("14 Catholics,
    six Orthodox, four Protestants": counted, or followed by more items) or a thing or event the parser hung on a
    person ("her 2003 book, Living History"; "you have Trump, the big debate")."""
    if any(c.dep_ == "nummod" for c in noun.children):
        return False
    if any(c.dep_ == "conj" and c.i > 0 and noun.doc[c.i - 1].text == "," or
           c.dep_ == "conj" and any(t.text == "," for t in noun.doc[noun.i + 1 : c.i]) for c in noun.children):
        return False
    return a.label != "PERSON" or person_noun(noun.text)


def _naming_complement(noun: Token) -> Token | None:
    """The verb of naming whose object complement the parser took for an appositive at the end of the clause:
    "Turkey considers the YPG militia, the backbone of the SDF, a terrorist group." is what Turkey calls the YPG, not
    the SDF. Returns the naming verb's direct object, or None."""
    doc = noun.doc
    nested = {t.i for c in noun.subtree if c.dep_ == "appos" and c.i != noun.i for t in c.subtree}
    own = [t.i for t in noun.subtree if t.i not in nested and not t.is_punct]
    end = max(own) + 1
    if end < len(doc) and doc[end].text not in ".;!?":
        return None  # set off on both sides: a true appositive
    tok, seen = noun, 0
    while tok.head.i != tok.i and seen < 12:
        tok, seen = tok.head, seen + 1
        if tok.pos_ == "VERB" and tok.lemma_.lower() in NAMING_VERBS:
            if any(c.dep_ in ("oprd", "xcomp") or (c.dep_ == "prep" and c.lower_ == "as") for c in tok.children):
                return None  # the verb has its complement
            objs = [c for c in tok.children if c.dep_ == "dobj" or (c.dep_ == "ccomp" and c.pos_ in ("NOUN", "PROPN"))]
            return objs[0] if objs and objs[0].i < noun.i else None  # (a noun taken for a clause: the object)
    return None


def _predicates(doc: Doc, head: Token, a: Actor, at) -> list[Found]:
    out: list[Found] = []
    subject = head
    # "commanders of Jaish al-Fatah are ...", "Jaish al-Fatah's fighters are ...": what its members are said to be
    if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lemma_.lower() in MEMBER_NOUNS:
        subject = head.head.head
    elif head.dep_ == "poss" and head.head.lemma_.lower() in MEMBER_NOUNS:
        subject = head.head
    verb = subject.head
    if any(c.dep_ == "case" for c in head.children):
        return out  # "called Ford’s plans ...": the parser's object is the name's thing, not the name
    if subject.dep_ in ("nsubj", "nsubjpass") and verb.lemma_.lower() in COPULAS:
        out += _complements(doc, verb, at, a)
    if subject.dep_ == "nsubjpass" and verb.lemma_.lower() in NAMING_VERBS:  # "is considered a terrorist group"
        out += _complements(doc, verb, at, a)
    if subject is head and head.dep_ == "dobj" and verb.lemma_.lower() in NAMING_VERBS:  # "called it a terrorist group"
        out += _complements(doc, verb, at, a, skip=head.i)
    if subject is head and head.dep_ in ("dobj", "ccomp") and verb.lemma_.lower() in NAMING_VERBS:
        for tok in head.subtree:  # "considers the YPG militia, the backbone of the SDF, a terrorist group."
            if tok.dep_ == "appos" and tok.i > head.i and tok.head.i != head.i and _naming_complement(tok) == head:
                if not any(c.dep_ == "neg" for c in verb.children):
                    out += _found(_phrase(doc, tok, at), "predicate", a, tok.i)
    for rel in head.rights:  # "Jaish al-Fatah, which is a coalition of ...", "..., which was designated as ..."
        if rel.dep_ == "relcl" and any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("which", "who", "that")
                                       for c in rel.children):
            if rel.lemma_.lower() in COPULAS or rel.lemma_.lower() in NAMING_VERBS:
                out += _complements(doc, rel, at, a)
    return out


def _complements(doc: Doc, verb: Token, at, a: Actor, skip: int = -1) -> list[Found]:
    out: list[Found] = []
    if any(c.dep_ == "neg" or (c.dep_ == "mark" and c.lower_ in _NOT_ASSERTED) for c in verb.children):
        return out  # "X is not a terrorist group", "if Trump were a woman": nothing is called anything
    for child in verb.children:
        if child.i == skip or any(c.dep_ == "poss" and c.i in at for c in child.children):
            continue  # "called Ford's plans ...": the actor's thing, not the actor
        if child.dep_ in ("attr", "oprd", "dobj", "xcomp") and child.pos_ in ("NOUN", "ADJ"):
            if child.dep_ == "dobj" and verb.lemma_.lower() in COPULAS:
                continue
            nxt = doc[child.i + 1] if child.i + 1 < len(doc) else None
            if child.tag_ == "NN" and not any(c.dep_ == "det" for c in child.children) and nxt is not None \
                    and nxt.tag_ == "VBN" and nxt.head.i in (child.i, verb.i):
                continue  # "who is term limited": a compound adjective, not a noun it is called
            out += _found(_phrase(doc, child, at), "predicate", a, child.i)
        elif child.dep_ == "prep" and child.lower_ == "as":
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.pos_ == "NOUN":
                    out += _found(_phrase(doc, obj, at), "predicate", a, obj.i)
    return out


def _members(doc: Doc, head: Token, a: Actor, at) -> list[Found]:
    """ "the groups forming X", "groups that joined X", "groups belonging to X"."""
    if a.label not in ("ORG", "NORP"):
        return []
    tok = head
    if tok.dep_ == "pobj" and tok.head.dep_ in ("prep", "agent"):
        tok = tok.head
    verb = tok.head
    if tok.dep_ not in ("dobj", "pobj", "prep") or verb.lemma_.lower() not in MEMBERSHIP_VERBS:
        return []
    if verb.dep_ in ("acl", "relcl"):
        noun = verb.head
    else:
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        noun = subjects[0] if subjects else None
    if noun is None or noun.pos_ != "NOUN" or noun.lemma_.lower() not in GROUP_NOUNS | PEOPLE_NOUNS:
        return []
    return _found(_phrase(doc, noun, at, of_phrase=False), "member", a, noun.i)


def _references(doc: Doc, actors: list[Actor], at: dict[int, Actor], skip: set[int]) -> list[Found]:
    """ "the terrorists" after one organisation was named; "the billionaire" after one person was."""
    sents = list(doc.sents)
    sent_of = {}
    for k, s in enumerate(sents):
        for i in range(s.start, s.end):
            sent_of[i] = k
    by_start = sorted(actors, key=lambda a: a.start)
    out: list[Found] = []
    for tok in doc:
        if tok.i in at or tok.i in skip or tok.pos_ != "NOUN" or not tok.is_lower:
            continue
        lemma = tok.lemma_.lower()
        if lemma in REFERRING_GROUP_NOUNS or lemma in PEOPLE_NOUNS:
            kinds = ("ORG",)  # "the rebels" after "Russians": a people is no antecedent (often the other side)
            if lemma in PEOPLE_NOUNS and tok.tag_ != "NNS":
                continue  # "the militant" is one person, not the group
        elif lemma in PERSON_NOUNS and tok.tag_ == "NN":
            kinds = ("PERSON",)
        else:
            continue
        dets = [c for c in tok.children if c.dep_ == "det"]
        if not dets or dets[0].lower_ not in ("the", "these", "those", "this", "that"):
            continue
        if tok.dep_ in ("attr", "oprd", "acomp", "appos"):
            continue  # "she is the first presidential candidate ...": said of its subject, refers to no one before
        if kinds == ("PERSON",) and any(c.dep_ in ("prep", "acl", "relcl") and c.i > tok.i for c in tok.children):
            continue  # "the Democratic candidate in the 2016 election": it says whom it means, it does not refer back
        if any(c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ == "of") for c in tok.children):
            continue  # "the coalition's commanders" is fine, but "the leaders of X" points elsewhere
        if any(c.dep_ in ("acl", "relcl") and c.lemma_.lower() in MEMBERSHIP_VERBS for c in tok.children):
            continue  # the member rule decides those
        if any(c.dep_ == "compound" and c.i in at for c in tok.children):
            continue
        if any(c.lower_ in SIDE_WORDS or (c.dep_ == "compound" and c.pos_ == "NOUN" and c.lemma_.lower()
                                          not in PEOPLE_NOUNS | GROUP_NOUNS) for c in tok.lefts):
            continue  # "the government forces" (the other side), "the income groups" (no actor at all)
        k = sent_of.get(tok.i, 0)
        window_start = sents[max(0, k - REFERENCE_SENTENCES)].start
        before = [a for a in by_start
                  if window_start <= a.start < tok.i and a.label in kinds and a.start not in skip]
        names = {a.canonical for a in before}
        if len(names) != 1 or before[-1].kind_only:
            continue  # two named, or the last one a kind ("a super PAC he formed ... the group")
        span = _phrase(doc, tok, at, of_phrase=False)
        if span is not None:
            out.append(Found(span[0], span[1], "reference", before[-1], tok.i))
    return out


def actors_of(entity_spans: Iterable[tuple[Span, dict]]) -> list[Actor]:
    """The entity layer's spans as actors (people, organisations, and nationalities used as nouns)."""
    out = []
    for sp, attrs in entity_spans:
        if sp.label_ not in ACTOR_TYPES:
            continue
        if sp.label_ == "NORP" and (
            sp.root.pos_ not in ("PROPN", "NOUN") or sp.root.dep_ in _MOD_DEPS or sp.root.tag_ not in ("NNS", "NNPS")
        ):
            continue  # "Syrian commanders", "the Takfiri terrorists", "the top Democrat": a description, no actor
        out.append(Actor(sp.start, sp.end, sp.label_, attrs.get("canonical") or sp.text, _category_use(sp)))
    return out


_INDEFINITE = frozenset("a an another every each any no".split())


def _category_use(sp: Span) -> bool:
    """A name used as a common noun names a kind, not an actor: with an indefinite article ("a super PAC", "a House-
    focused super PAC") or a superlative ("the best-funded super PAC of the 2016 election")."""
    root = sp.root
    for child in root.children:
        if child.i >= sp.end:
            continue
        if child.dep_ == "det" and child.lower_ in _INDEFINITE:
            return True
        if child.dep_ in ("amod", "advmod", "compound") and any(t.tag_ in ("JJS", "RBS") for t in child.subtree):
            return True
    return False
