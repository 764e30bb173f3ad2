"""What kind of source a statement has, whom "he", "they", "who" or "the sources" refers to, and whom an unnamed source
is close to.

The tagger finds where the source is; these rules say what it is, because that is the question a fact-checker asks
first ("local sources" and "sources close to the Operation Room" are both nobody on the record). They read the source
span's words, the entity layer and the spaCy parse, and are kept apart from the component so they can be tested on
hand-made sentences. The types (documented in docs/sourcing-guideline.md, which the gold set follows):

- `named_person`: a person named in the article ("Claure, an executive at SoftBank", "Sen. Lindsey Graham", or a
  "he", "the senator" or surname that refers to one);
- `named_org`: a named organisation, party, company, campaign, country or state body ("the Trump campaign", "the
  FBI", "Republicans" as the party);
- `official`: the unnamed holder of a named office or the voice of a body ("a Pentagon spokesperson", "the
  mayor" when the article names no mayor, "authorities", "police");
- `document`: a report, poll, letter, statement, study, law or filing;
- `media`: a news outlet or journalist speaking as such ("Reuters reported", "a reporter asked");
- `unnamed_group`: people described but not meant as hidden sources ("critics", "voters", "most people");
- `anonymous`: deliberately unnamed sources ("sources", "officials", "a person familiar with", "aides", "one
  Republican", anyone "who spoke on condition of anonymity"); the only type the anonymous share counts;
- `author`: the article's own voice ("I", "we" outside quotes; a statement with no source outside quotes);
- `unresolved`: none of these could be told, the last resort.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from newsprobe.core.quotes import inside_quotes  # noqa: F401  (re-exported for the component)
from newsprobe.core.spans import text_of

SOURCE_TYPES: tuple[str, ...] = ("named_person", "named_org", "official", "document", "media", "unnamed_group",
                                 "anonymous", "author", "unresolved")
# Types of source that someone can look up: listed by name in the summary.
NAMED_TYPES = frozenset({"named_person", "named_org", "official", "document", "media"})

FIRST_PERSON = frozenset({"i", "me", "my", "we", "us", "our", "myself", "ourselves"})
SECOND_PERSON = frozenset({"you", "your", "yourself"})
MALE = frozenset({"he", "him", "his", "himself"})
FEMALE = frozenset({"she", "her", "hers", "herself"})
PLURAL = frozenset({"they", "them", "their", "themselves"})
NEUTER = frozenset({"it", "its"})
RELATIVE = frozenset({"who", "which", "that", "whose", "whom"})
DEMONSTRATIVE = frozenset({"this", "these", "those"})
PRONOUNS = FIRST_PERSON | SECOND_PERSON | MALE | FEMALE | PLURAL | NEUTER
QUANTIFIERS = frozenset("some many most several others few all both one another".split())
# Head nouns of a deliberately unnamed source: "sources", "a senior official", "aides", "people familiar with ...".
ANONYMOUS_HEADS = frozenset("""
source sources official officials insider insiders aide aides adviser advisers advisor advisors ally allies
confidant confidants associate associates strategist strategists operative operatives informant informants diplomat
diplomats someone somebody officers commanders
""".split())
# Generic people: not hidden sources but people described ("critics", "voters"); singular ones too ("a voter").
GROUP_HEADS = frozenset("""
people persons person residents resident locals voters voter critics critic opponents opponent supporters supporter
backers backer observers observer witnesses witness activists activist experts expert analysts analyst economists
scientists researchers doctors families parents students teachers workers employees staff members member
delegates candidates writers commentators watchers advocates progressives conservatives liberals americans
citizens community public others many some most few critics protesters protestors rebels fighters militants
insurgents soldiers troops gunmen lawmakers legislators politicians leaders investors users fans readers viewers
customers consumers victims survivors camps camp coalition groups group crowd audience majority minority share
""".split())
# Members of a party or movement named by the plural: the party itself unless a quantifier makes them some of them.
PARTY_MEMBERS = frozenset("republicans democrats tories labour greens socialists".split())
# A state body or a role speaking in office, without a person's name.
OFFICIAL_HEADS = frozenset("""
spokesman spokeswoman spokesperson spokespeople representative representatives police authorities authority
government governments prosecutor prosecutors investigators investigator judge court ministry embassy military
army command headquarters presidency kremlin leadership mayor governor president premier minister secretary
ambassador commander general chief director chairman chairwoman commissioner officer officers sheriff justice
senator congressman congresswoman lawyer attorney counsel office forces
""".split())
# Roles that name the person who holds them when the article names that person ("the mayor" after "Mayor Bill de
# Blasio"); the titles written before a name for each.
ROLE_TITLES = {
    "president": ("president",), "mayor": ("mayor",), "governor": ("governor", "gov."), "senator": ("senator", "sen."),
    "justice": ("justice",), "judge": ("judge",), "secretary": ("secretary",), "minister": ("minister",),
    "chairman": ("chairman",), "chairwoman": ("chairwoman",), "director": ("director",),
    "commissioner": ("commissioner",), "ambassador": ("ambassador",), "general": ("general", "gen."),
    "congressman": ("rep.", "representative", "congressman"), "congresswoman": ("rep.", "congresswoman"),
    "premier": ("premier",), "chief": ("chief",), "leader": ("leader",), "spokesman": ("spokesman",),
    "spokeswoman": ("spokeswoman",),
}
# Descriptions that stand for a person named before ("the businessman", "the Republican nominee").
PERSON_DESCRIPTIONS = frozenset("""
nominee candidate businessman businesswoman billionaire developer mogul host senator congressman congresswoman
frontrunner front-runner lawmaker politician star actor actress author singer player coach founder executive ceo
chairman
""".split())
ORG_HEADS = frozenset("""
campaign administration team committee council board party association organization organisation company firm
corporation bank university institute center centre commission foundation union agency department congress senate
house parliament club network group coalition movement alliance federation league service services states nations
countries bureau fund automaker carmaker utility retailer airline insurer lender broadcaster manufacturer startup
publisher studio label operator conglomerate
""".split())
DOCUMENT_HEADS = frozenset("""
report reports poll polls polling survey surveys study studies statement statements letter letters email emails memo
memos document documents complaint complaints filing filings lawsuit lawsuit data figures statistics analysis
analyses findings finding records record inquiry investigation investigations review audit article articles tweet
tweets message release transcript law laws bill bills rule rules regulation regulations
returns indictment ruling decision order guidance guidelines assessment estimate estimates numbers count
census program programme case platform video videos footage recording tape photo photos research
""".split())
MEDIA_HEADS = frozenset("""
reporter reporters journalist journalists correspondent correspondents newspaper newspapers paper outlet outlets
media broadcaster channel magazine editor editors columnist anchor press tabloid daily network
""".split())
# Words and names that make an organisation a news organisation ("the Washington Post", "Reuters").
MEDIA_WORDS = frozenset("""
newspaper paper tv television channel radio broadcaster outlet outlets media magazine daily website reporter
reporters journalist journalists correspondent news press wire times post herald tribune journal gazette guardian
telegraph sana irna fars tass ria reuters afp ap bbc cnn xinhua politico msnbc nbc abc cbs fox npr bloomberg axios
breitbart huffpost hill economist independent observer mirror sun mail express vox slate salon atlantic
""".split())
# Words in front of an anonymous head that say nothing about whom the source belongs to.
GENERIC_MODIFIERS = frozenset("""
a an the some several many few two three four five other another informed well-informed senior high-ranking top
unnamed anonymous local knowledgeable reliable credible unidentified private relevant these those such more most one
current former past present well-connected
""".split())
SENIOR = frozenset("senior top high-ranking well-connected".split())
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
FEMALE_MARKS = frozenset("she her ms. ms mrs. mrs miss woman spokeswoman chairwoman congresswoman mother wife daughter "
                         "sister businesswoman actress queen lady grandmother girl".split())
MALE_MARKS = frozenset("he his him mr. mr man spokesman chairman congressman father husband son brother businessman "
                       "actor king boy grandfather".split())
# "sources close to X", "officials in X": X is the affiliation when it is a name (and not a place).
_AFFILIATION = re.compile(
    r"^\s*,?\s*(?:close to|near to|linked to|affiliated with|loyal to|within|inside|in|from|at|with|of|for|on)\s+"
    r"(?:the\s+)?(?P<name>[A-Z][\w'’.-]*(?:\s+(?:(?:of|for|the|and|al|el|de)\s+)*[A-Z][\w'’.-]*)*)"
)
_AGE = re.compile(r"\d{1,3}-year-old")
_DEFINITE_ANAPHOR = re.compile(r"^(?:the|these|those|this|that)\s+(?:\w+\s+)?(?P<head>sources?|officials?)$", re.I)
# Said of the source itself, in its span or the rest of its sentence: the reporter kept the name back on purpose.
_ANONYMITY = re.compile(
    r"anonymity|not (?:authorized|authorised|allowed|permitted|cleared) to (?:speak|discuss|comment|talk|be named)"
    r"|(?:declined|asked|requested|wished) (?:not )?to (?:be )?(?:named|identified)|without being (?:named|identified)"
    r"|insisted on not being named|on background", re.I)
# In the source span: "people familiar with", "a person close to", "someone with knowledge of".
_IN_THE_KNOW = re.compile(r"\b(?:familiar with|close to|with (?:direct |first-hand )?knowledge|briefed on|"
                          r"in the room|in attendance|involved in|privy to|who spoke to|who spoke with)\b", re.I)
# Someone's own channel: "her Twitter account", "his website" speak for their owner.
CHANNEL_HEADS = frozenset("account accounts website site feed page channel blog".split())
# "a number of writers", "a handful of officials": the people are the noun after "of".
QUANTITY_NOUNS = frozenset("number handful couple group lot lots majority minority dozen dozens hundreds thousands "
                           "score scores host series range few".split())
_CORE_END = re.compile(r"^(?:,|--|—|–|\(|who|whom|whose|which|that|when|after|while|as|because|according)$", re.I)
_LIST_OF_NAMES = re.compile(r"\b(?:such as|including|like|led by|among them)\b", re.I)


@dataclass
class SourceInfo:
    """What the rules make of a source span. `anaphor` says what it refers back to, for the component to resolve
    against earlier statements: "first" (I, we), "male"/"female" (he, she), "plural" (they), "neuter" (it),
    "definite" (the sources), "role" (the mayor, the nominee), "this"; `resolved` is a referent the rules found in
    the text itself (the full name of a surname, the antecedent of "who", the person who holds "the mayor")."""

    source_type: str
    affiliation: str | None = None
    anaphor: str | None = None
    resolved: tuple[int, int] | None = None

    @property
    def anaphoric(self) -> bool:
        return self.anaphor is not None


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’.-]+", text.lower())


def head_word(span: Span) -> str:
    """The source's head noun (the parse's root of the span), lower case; the last word when the parse disagrees."""
    root = span.root
    if root.pos_ in {"NOUN", "PROPN", "PRON"}:
        return root.lower_
    words = _words(span.text)
    return words[-1] if words else ""


def entities_in(doc: Doc, start: int, end: int) -> list[tuple[int, int, str]]:
    if "entity" not in doc.spans:
        return [(e.start_char, e.end_char, e.label_) for e in doc.ents if start <= e.start_char and e.end_char <= end]
    return [(e.start_char, e.end_char, e.label_) for e in doc.spans["entity"]
            if start <= e.start_char and e.end_char <= end]


def affiliation_after(text: str, end: int, limit: int) -> tuple[str, int, int] | None:
    """A named affiliation right after the anonymous head ("... close to the Operation Room for Conquest of Aleppo")."""
    m = _AFFILIATION.match(text[end:limit])
    if not m:
        return None
    name = re.sub(r"(?:\s+(?:of|for|the|and|al|el|de))+$", "", m["name"]).rstrip(".,;:")
    start = end + m.start("name")
    return name, start, start + len(name)


def core(span: Span) -> Span:
    """The source without what follows its head noun phrase: an apposition, a relative clause or a time clause
    ("Claure, who is also an executive at SoftBank" -> "Claure"; "WeWork spokesperson when contacted by Reuters" ->
    "WeWork spokesperson"); the whole span when it starts with such a word."""
    for tok in span[1:]:
        if _CORE_END.match(tok.text):
            return span.doc[span.start : tok.i]
    return span


# "this author exposed", "this reporter asked": the article's writer in the third person
_SELF_REFERENCE = re.compile(r"^(?:this|your)\s+(?:author|writer|reporter|correspondent|columnist|journalist)$")


def classify(doc: Doc, start: int, end: int, limit: int | None = None) -> SourceInfo:
    """Source type and affiliation of the source at `[start, end)`; `limit` bounds the search for an affiliation
    after it (the cue or content that follows)."""
    text = text_of(doc)
    span = doc.char_span(start, end, alignment_mode="expand")
    words = _words(text[start:end])
    if span is None or not words:
        return SourceInfo("unresolved")
    limit = limit if limit is not None else min(len(text), end + 120)
    after = affiliation_after(text, end, limit)
    if len(words) == 1 and words[0] in PRONOUNS | RELATIVE | DEMONSTRATIVE:
        return _pronoun(doc, span, words[0])
    if _SELF_REFERENCE.match(" ".join(text[start:end].lower().split())):
        return _pronoun(doc, span, "i")  # the writer naming themself: the author outside quotations, as "I" is
    if _DEFINITE_ANAPHOR.match(text[start:end].strip()):
        return SourceInfo("anonymous", anaphor="definite")
    sentence_rest = text[start : _sentence_end(span)]
    if _ANONYMITY.search(sentence_rest):
        return SourceInfo("anonymous", _affiliation(span, after))
    head_span = core(span)
    head = head_word(head_span)
    of = _quantity_of(head_span)
    if of is not None:
        return classify(doc, of.start_char, of.end_char, limit)
    surname = _earlier_person(doc, head_span)
    if surname is not None:
        return SourceInfo("named_person", resolved=surname)
    if _names_people(doc, span, head_span):
        return SourceInfo("named_person")
    if head in CHANNEL_HEADS and head_span[0].lower_ in PRONOUNS:
        return _pronoun(doc, head_span[0:1], head_span[0].lower_)  # "her Twitter account" is hers
    hwords = _words(head_span.text)
    first = hwords[0] if hwords else ""
    if head in ANONYMOUS_HEADS or _IN_THE_KNOW.search(text[start:end]) and (head in GROUP_HEADS or head in
                                                                               ANONYMOUS_HEADS):
        return SourceInfo("anonymous", _affiliation(span, after))
    if head in PARTY_MEMBERS or head[:-1] + "s" in PARTY_MEMBERS and head.endswith("s"):
        if first in QUANTIFIERS - {"one"} and not set(hwords) & SENIOR:
            return SourceInfo("unnamed_group")
        if set(hwords) & SENIOR:
            return SourceInfo("anonymous", _affiliation(span, after))
        return SourceInfo("named_org")
    if first in {"a", "an", "one", "another"} and len(hwords) >= 2 and _party_word(hwords[-1]):
        return SourceInfo("anonymous", _affiliation(span, after))  # "one Republican", "a Democrat"
    if head in DOCUMENT_HEADS and not (head in {"article", "articles"} and set(hwords) & MEDIA_WORDS):
        return SourceInfo("document")
    ents = entities_in(doc, head_span.start_char, head_span.end_char)
    labels = {lab for _, _, lab in ents}
    if head in MEDIA_HEADS or head in {"article", "articles", "story", "editorial"} or (
            set(hwords) & MEDIA_WORDS and (labels & {"ORG", "PERSON", "WORK_OF_ART"} or _proper(head_span)
                                          or head in ORG_HEADS)):
        return SourceInfo("media")
    if head in OFFICIAL_HEADS or (head.endswith("s") and head[:-1] in OFFICIAL_HEADS):
        role = _role(doc, head_span, head, first)
        if role is not None:
            return role
        # "the justice" right after Ginsburg spoke: that person, if the statement just before is hers
        near = "role_near" if first in {"the", "this"} and head in ROLE_TITLES else None
        return SourceInfo("official", _affiliation(span, after, prefix=head in SPEAKER_ROLES), anaphor=near)
    if first in {"the", "this"} and (head in PERSON_DESCRIPTIONS or _AGE.fullmatch(head)):
        return SourceInfo("named_person", anaphor="role")  # "the businessman", "the 56-year-old": named before
    if head in ORG_HEADS:
        if head in {"group", "groups", "coalition", "camp", "camps"} and not labels:
            return SourceInfo("unnamed_group")
        return SourceInfo("named_org")
    if first in {"a", "an", "one", "another"} and head in GROUP_HEADS and not head.endswith("s"):
        return SourceInfo("anonymous", _affiliation(span, after))  # "one BLM activist", "an EP member"
    if head in GROUP_HEADS or first in QUANTIFIERS and len(hwords) == 1:
        return SourceInfo("unnamed_group")
    if labels & {"ORG", "NORP", "GPE", "FAC", "LOC"} or head_span.root.pos_ == "PROPN":
        return SourceInfo("named_org")
    if labels & {"PERSON"}:
        return SourceInfo("named_person")
    if head.endswith("s") and head_span.root.pos_ == "NOUN" and head_span.root.tag_ == "NNS":
        return SourceInfo("unnamed_group")  # a plural of people or things the lists do not know
    if first in {"a", "an", "one", "another"} and head_span.root.pos_ == "NOUN":
        return SourceInfo("anonymous", _affiliation(span, after))  # "one neo-bank CEO", "a friend"
    return SourceInfo("unresolved")


# Official heads that speak for a body named in front of them ("army spokesman"); in "interior ministry" the words in
# front are the body's own name, not an affiliation.
SPEAKER_ROLES = frozenset("spokesman spokeswoman spokesperson commander officer officers ambassador envoy".split())


def _sentence_end(span: Span) -> int:
    sent = span.sent if span.doc.has_annotation("SENT_START") else None
    return sent.end_char if sent is not None else span.end_char


def _proper(span: Span) -> bool:
    return any(t.pos_ == "PROPN" for t in span)


def _party_word(word: str) -> bool:
    return word in PARTY_MEMBERS or word + "s" in PARTY_MEMBERS


def _pronoun(doc: Doc, span: Span, word: str) -> SourceInfo:
    if word in FIRST_PERSON:
        return SourceInfo("unresolved", anaphor="first")
    if word in SECOND_PERSON:
        return SourceInfo("unnamed_group")  # "you" addresses people in general or the reader
    if word in MALE:
        return SourceInfo("unresolved", anaphor="male")
    if word in FEMALE:
        return SourceInfo("unresolved", anaphor="female")
    if word in PLURAL:
        return SourceInfo("unresolved", anaphor="plural")
    if word in NEUTER:
        return SourceInfo("unresolved", anaphor="neuter")
    if word in DEMONSTRATIVE:
        return SourceInfo("unresolved", anaphor="this")
    antecedent = _relative_antecedent(span)
    if antecedent is None:
        return SourceInfo("unresolved", anaphor="this")
    info = classify(doc, antecedent.start_char, antecedent.end_char, antecedent.end_char)
    if info.resolved is None and info.anaphor is None:
        info.resolved = (antecedent.start_char, antecedent.end_char)
    return info


def _quantity_of(span: Span) -> Span | None:
    """"a number of writers" -> "writers": the object of "of" after a quantity noun."""
    root = span.root
    if root.lower_ not in QUANTITY_NOUNS:
        return None
    for prep in root.rights:
        if prep.lower_ == "of":
            objs = [t for t in prep.children if t.dep_ == "pobj" and t.i < span.end]
            if objs:
                obj = objs[0]
                return span.doc[min([obj.i] + [t.i for t in obj.lefts]) : obj.i + 1]
    return None


def _relative_antecedent(span: Span) -> Span | None:
    """The noun phrase a relative "who"/"which"/"that" stands for: the noun its clause hangs on (the parse's `relcl`
    head), with the words in front of it, or the name that noun describes ("Jaish al-Fatah, a coalition that said":
    Jaish al-Fatah, not an unnamed coalition); else the noun phrase just before the pronoun."""
    tok = span[0]
    doc = span.doc
    verb = tok.head
    for _ in range(3):
        if verb.dep_ in {"relcl", "acl"} and verb.head.pos_ in {"NOUN", "PROPN", "PRON"}:
            noun = verb.head
            if noun.dep_ == "appos" and noun.head.pos_ == "PROPN" and noun.head.i < noun.i:
                noun = noun.head
            left = min([noun.i] + [t.i for t in noun.lefts])
            return doc[left : noun.i + 1]
        if verb.head is verb:
            break
        verb = verb.head
    chunks = [c for c in doc.noun_chunks if c.end <= tok.i and c.end >= tok.i - 3]
    return chunks[-1] if chunks else None


def _names_people(doc: Doc, span: Span, head_span: Span) -> bool:
    """The source names one or more people: its head is inside a PERSON name ("Sen. Lindsey Graham", "campaign
    manager Robby Mook"), a conjunct is ("Obama and Clinton"), or it lists them ("leaders of the party, such as
    Nancy Pelosi"). A name that only qualifies the head ("Clinton aides", "the Trump campaign") names no speaker."""
    persons = [(s, e) for s, e, lab in entities_in(doc, span.start_char, span.end_char) if lab == "PERSON"]
    if not persons:
        return False
    root = head_span.root
    heads = [root] + [t for t in root.conjuncts if t.i < span.end]
    for tok in heads:
        if any(s <= tok.idx < e for s, e in persons) and not _is_role_noun(tok.lower_):
            return True
    named = [(s, e) for s, e in persons if not _possessive(doc, e)]
    m = _LIST_OF_NAMES.search(span.text)
    if m and any(s >= span.start_char + m.end() for s, _ in named):
        return True
    # an apposition that names the person: "a major party nominee -- the Republican Donald J. Trump --"
    if head_span.end < span.end and span.doc[head_span.end].text in {",", "--", "—", "–", "("}:
        window = span.doc[head_span.end : min(span.end, head_span.end + 8)]
        return any(window.start_char <= s and e <= window.end_char for s, e in named)
    return False


def _possessive(doc: Doc, end: int) -> bool:
    """The name at `end` is a possessive ("Clinton's advisers"): it qualifies, it does not name the speaker."""
    return text_of(doc)[end : end + 2] in {"'s", "’s"} or text_of(doc)[end : end + 1] in {"'", "’"}


NAME_LABELS = frozenset({"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "GPE", "NORP", "FAC"})
ORG_WORDS = frozenset("inc corp co llc ltd plc group holdings partners capital bank university college school "
                      "city state county street news times post".split())


def _earlier_person(doc: Doc, head_span: Span) -> tuple[int, int] | None:
    """A surname (or "J. Mason") at the end of the source standing for a person named in full earlier in the
    article ("14th-ranked Schwartzman", "Claure"): the full mention."""
    run: list = []
    for tok in reversed(list(head_span)):
        # letters, an apostrophe (O'Brien), an initial, or a name whose letters went wrong in decoding (SarukhÃ¡n)
        if tok.text[:1].isupper() and not tok.is_punct and not tok.like_num:
            run.insert(0, tok)
        else:
            break
    if run and run[0].lower_ in {"mr.", "ms.", "mrs.", "dr.", "mr", "ms", "mrs", "dr", "the"}:
        run = run[1:]
    if not run or len(run) > 2 or (len(run) == 2 and not re.fullmatch(r"[A-Z]\.", run[0].text)):
        return None
    surname = re.sub(r"['’]s?$", "", run[-1].text)
    ents = doc.spans["entity"] if "entity" in doc.spans else doc.ents
    best = None
    for ent in ents:
        if ent.start_char >= head_span.start_char or ent.label_ not in NAME_LABELS:
            continue
        parts = ent.text.split()
        if not 2 <= len(parts) <= 4 or re.sub(r"['’]s?$", "", parts[-1]) != surname:
            continue
        # NER often calls a full name ORG ("Diego Schwartzman"); a name of capitalised words none of which is an
        # organisation's word is taken for a person's
        if ent.label_ == "PERSON" or (all(p[:1].isupper() for p in parts) and not
                                      {p.lower().strip(".,") for p in parts} & (ORG_HEADS | MEDIA_WORDS | ORG_WORDS)):
            best = (ent.start_char, ent.end_char)
    return best


def _role(doc: Doc, head_span: Span, head: str, first: str) -> SourceInfo | None:
    """"the mayor", "the justice": the person the article names with that title before ("Mayor Bill de Blasio",
    "Ruth Bader Ginsburg, the justice"), else None (an office holder nobody named: official)."""
    if first not in {"the", "this"} or head not in ROLE_TITLES:
        return None
    titles = ROLE_TITLES[head]
    ents = doc.spans["entity"] if "entity" in doc.spans else doc.ents
    found = None
    for ent in ents:
        if ent.label_ != "PERSON" or ent.start_char >= head_span.start_char:
            continue
        before = " ".join(t.lower_ for t in doc[max(0, ent.start - 3) : ent.start])
        inside = ent.text.lower()
        after = " ".join(t.lower_ for t in doc[ent.end : min(len(doc), ent.end + 8)])
        if any(re.search(rf"(?:^|\s){re.escape(t)}(?:\s|$)", f"{before} {inside.split()[0]}") for t in titles) \
                or re.match(rf"^, (?:the |a |who is the )?(?:[\w.-]+ ){{0,4}}{re.escape(head)}\b", after):
            found = (ent.start_char, ent.end_char)
    if found is None:
        return None
    return SourceInfo("named_person", resolved=found)


def _is_role_noun(word: str) -> bool:
    singular = word[:-1] if word.endswith("s") else word
    return (word in ANONYMOUS_HEADS or word in OFFICIAL_HEADS or singular in OFFICIAL_HEADS or word in GROUP_HEADS
            or word in ORG_HEADS or word in DOCUMENT_HEADS)


def gender(text: str) -> str | None:
    """"female", "male" or None, from the words of a mention ("an Anthropic spokeswoman", "Mr. Kim")."""
    words = set(_words(text))
    female, male = bool(words & FEMALE_MARKS), bool(words & MALE_MARKS)
    if female != male:
        return "female" if female else "male"
    return None


# Official heads that are one person ("the minister", "a spokeswoman"), unlike bodies ("the government", "police").
PERSON_ROLES = frozenset("""
spokesman spokeswoman spokesperson representative prosecutor investigator judge mayor governor president premier
minister secretary ambassador commander general chief director chairman chairwoman commissioner officer sheriff
justice senator congressman congresswoman lawyer attorney counsel envoy
""".split())


def is_person_role(text: str) -> bool:
    """Whether an official source is one person in office ("the foreign minister"), not a body."""
    words = _words(core_text(text))
    return bool(words) and words[-1] in PERSON_ROLES


def core_text(text: str) -> str:
    """The words of a mention before an apposition or clause ("the minister, who ..." -> "the minister")."""
    return re.split(r"\s*(?:,|--|—|–|\(|\bwho\b|\bwhich\b|\bthat\b)", text, maxsplit=1)[0]


def is_plural(text: str, source_type: str) -> bool:
    """Whether a source can be "they": a group or body, several people, or a plural noun."""
    if source_type in {"named_org", "official", "unnamed_group", "media"}:
        return True
    words = _words(text)
    if " and " in f" {' '.join(words)} ":
        return True
    return bool(words) and words[-1].endswith("s") and not words[-1].endswith("ss") and source_type != "named_person"


def _affiliation(span: Span, after: tuple[str, int, int] | None, prefix: bool = True) -> str | None:
    """The named group behind an unnamed source: after the head ("close to X", "in X"), else the words before it
    ("opposition sources", "White House officials") without generic ones ("local", "senior")."""
    doc = span.doc
    inside = affiliation_after(text_of(doc), span.root.idx + len(span.root.text), span.end_char)
    places = {s for s, _, label in entities_in(doc, span.start_char, len(text_of(doc))) if label in PLACE_LABELS}
    for found in (inside, after):
        # "sources in Aleppo" say where the sources are, not whom they belong to
        if found is not None and found[1] not in places:
            return found[0]
    if not prefix:
        return None
    before = [t for t in span if t.i < span.root.i]
    while before and (before[0].lower_ in GENERIC_MODIFIERS or before[0].like_num or before[0].is_punct):
        before = before[1:]
    before = [t for t in before if t.lower_ not in GENERIC_MODIFIERS]
    if not before:
        return None
    return text_of(span.doc)[before[0].idx : before[-1].idx + len(before[-1].text)] or None


# A party and state tag after a legislator's name: "(R-Tx)", "(D-Minn.)".
_PARTY_TAG = re.compile(r"\s*\([A-Z][a-z]?-[A-Z][A-Za-z.]{1,12}\)$")


def source_name(attrs: dict) -> str | None:
    """The name a statement's source goes by in counts: the mention "they" resolves to, without a leading "the",
    without what an apposition adds ("Philip Luther, Research and Advocacy Director for ..." goes by "Philip Luther",
    as "Luther" resolved to that mention does) and without a party tag ("Rep. Brian Babin (R-Tx)")."""
    ref = attrs.get("source_resolved") or attrs.get("source")
    text = ref.get("text") if isinstance(ref, dict) else ref  # a plain string from hand-made or older data
    if not isinstance(text, str) or not text.strip():
        return None
    text = " ".join(text.split())
    head = text.split(", ", 1)[0].rstrip(",")
    if len(head) >= 2 and any(ch.isalpha() for ch in head):
        text = head
    text = _PARTY_TAG.sub("", text)
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I)


def group_by_source(spans: list) -> list[dict]:
    """Statements grouped by source as resolved ("they" counts for the sources it stands for), biggest group first:
    `{source, type, affiliation, statements: [{said, kind, text, start, end}]}`, where `said` is the wording of
    this statement's attribution ("they added Monday"). The text report and the web page both show this."""
    groups: dict[str, list] = {}
    for sp in spans:
        groups.setdefault((source_name(sp.attrs) or "(no source found)").lower(), []).append(sp)
    out = []
    for members in sorted(groups.values(), key=len, reverse=True):
        first = members[0].attrs
        who = source_name(first) or "(no source found)"
        rows = []
        for sp in members:
            a = sp.attrs
            own = source_name({"source": a.get("source")}) or ""
            cue, when = _part(a.get("cue")), _part(a.get("when"))
            inside = bool(cue.get("start") is not None and when.get("start") is not None
                          and cue["start"] <= when["start"] and when["end"] <= cue["end"])
            mention = _part(a.get("source")).get("text") if own.lower() != who.lower() else None
            said = " ".join(x for x in (mention, cue.get("text"), None if inside else when.get("text")) if x)
            rows.append({"said": said, "kind": a.get("kind", ""), "text": sp.text, "start": sp.start, "end": sp.end})
        out.append({"source": who, "type": first.get("source_type", "unresolved"),
                    "affiliation": first.get("affiliation"), "statements": rows})
    return out


def _part(value: object) -> dict:
    """A {start, end, text} attr as a dict; a bare string (hand-made or older data) becomes its text."""
    if isinstance(value, dict):
        return value
    return {"text": value} if isinstance(value, str) else {}
