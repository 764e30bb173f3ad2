"""What kind of source a statement has, whom "they" or "the sources" refers to, and whom an unnamed source is close to.

The tagger finds where the source is; these rules say what it is, because that is the question a fact-checker asks
first ("local sources" and "sources close to the Operation Room" are both nobody on the record). They read the source
span's words, the entity layer and the spaCy parse, and are kept apart from the component so they can be tested on
hand-made sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from newsprobe.core.spans import text_of

SOURCE_TYPES: tuple[str, ...] = ("named_person", "named_org", "official", "media", "anonymous", "unresolved")
# Types of source that someone can look up: listed by name in the summary.
NAMED_TYPES = frozenset({"named_person", "named_org", "official", "media"})

PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "him", "them"})
# Head nouns of a source that names nobody: "sources", "a senior official", "observers", "people familiar with ...".
ANONYMOUS_HEADS = frozenset("""
source sources official officials observer observers witness witnesses resident residents activist activists insider
insiders aide aides diplomat diplomats person people someone somebody analyst analysts expert experts member members
figure figures informant informants correspondent correspondents reports report rumours rumors
""".split())
# Unnamed members of a side: "rebels", "fighters", "militants" (their plural role nouns count the same way:
# "rebel commanders" said something, but nobody on the record did).
GROUP_HEADS = frozenset("rebels fighters militants insurgents soldiers troops gunmen protesters locals".split())
# Heads of a titled role or a state body speaking in office, without a person's name.
OFFICIAL_HEADS = frozenset("""
spokesman spokeswoman spokesperson spokespeople minister ministry governor mayor president premier commander command
general police army military government authorities authority department administration embassy office council
prosecutor prosecutors secretary ambassador chief head director leader leadership officer officers agency cabinet
presidency kremlin pentagon parliament court judge headquarters staff forces
""".split())
MEDIA_WORDS = frozenset("""
agency newspaper paper tv television channel radio broadcaster outlet outlets media magazine daily website reporter
reporters journalist journalists correspondent news press wire times post herald tribune journal gazette guardian
telegraph sana irna fars tass ria reuters afp ap bbc cnn xinhua
""".split())
# Official heads that speak for a body named in front of them ("army spokesman"); in "interior ministry" the words in
# front are the body's own name, not an affiliation.
SPEAKER_ROLES = frozenset("spokesman spokeswoman spokesperson commander officer officers ambassador envoy".split())
# Words in front of an anonymous head that say nothing about whom the source belongs to.
GENERIC_MODIFIERS = frozenset("""
a an the some several many few two three four other another informed well-informed senior high-ranking top unnamed
anonymous local knowledgeable reliable credible unidentified private relevant these those such more most
""".split())
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# "sources close to X", "officials in X": X is the affiliation when it is a name (and not a place).
_AFFILIATION = re.compile(
    r"^\s*,?\s*(?:close to|near to|linked to|affiliated with|loyal to|within|inside|in|from|at|with|of|for|on)\s+"
    r"(?:the\s+)?(?P<name>[A-Z][\w'’.-]*(?:\s+(?:(?:of|for|the|and|al|el|de)\s+)*[A-Z][\w'’.-]*)*)"
)
_DEFINITE_ANAPHOR = re.compile(r"^(?:the|these|those|this|that)\s+(?:\w+\s+)?(?P<head>sources?|officials?)$", re.I)


@dataclass
class SourceInfo:
    source_type: str
    affiliation: str | None = None
    anaphoric: bool = False  # "he", "they", "the sources": its referent is an earlier mention


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text.lower())


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


def classify(doc: Doc, start: int, end: int, limit: int | None = None) -> SourceInfo:
    """Source type and affiliation of the source at `[start, end)`; `limit` bounds the search for an affiliation
    after it (the cue or content that follows)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    text = text_of(doc)[start:end]
    words = _words(text)
    if span is None or not words:
        return SourceInfo("unresolved")
    head = head_word(span)
    if len(words) == 1 and words[0] in PRONOUNS:
        return SourceInfo("unresolved", anaphoric=True)
    if _DEFINITE_ANAPHOR.match(text.strip()):
        return SourceInfo("anonymous", anaphoric=True)
    ents = entities_in(doc, start, end)
    after = affiliation_after(text_of(doc), end, limit if limit is not None else min(len(text_of(doc)), end + 120))
    # The head decides: "Clinton aides" and "sources close to Abdullah al-Moheisini" name no speaker, only whom
    # the speaker is close to (a name before or after the head becomes the affiliation).
    if head in ANONYMOUS_HEADS or head in GROUP_HEADS or (head.endswith("s") and head[:-1] in OFFICIAL_HEADS):
        return SourceInfo("anonymous", _affiliation(span, after))
    if _names_a_person(span, head, ents):
        return SourceInfo("named_person")
    labels = {lab for _, _, lab in ents}
    if set(words) & MEDIA_WORDS:
        return SourceInfo("media")
    if head in OFFICIAL_HEADS:
        return SourceInfo("official", _affiliation(span, after, prefix=head in SPEAKER_ROLES))
    if labels & {"ORG", "NORP", "GPE", "FAC"} or span.root.pos_ == "PROPN":
        return SourceInfo("named_org")
    return SourceInfo("unresolved")


def _names_a_person(span: Span, head: str, ents: list[tuple[int, int, str]]) -> bool:
    """A PERSON entity names someone unless it is only the role noun in title case ("Rebel Commanders" in a headline,
    which NER reads as a name): then the source is unnamed people, and plural ones are anonymous."""
    root = span.root
    for s, e, label in ents:
        if label != "PERSON":
            continue
        if not s <= root.idx < e or not _is_role_noun(head):
            return True
    return False


def _is_role_noun(word: str) -> bool:
    singular = word[:-1] if word.endswith("s") else word
    return word in ANONYMOUS_HEADS or word in OFFICIAL_HEADS or singular in OFFICIAL_HEADS or word in GROUP_HEADS


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


def source_name(attrs: dict) -> str | None:
    """The name a statement's source goes by in counts: the mention "they" resolves to, without a leading "the"."""
    ref = attrs.get("source_resolved") or attrs.get("source")
    text = ref.get("text") if isinstance(ref, dict) else ref  # a plain string from hand-made or older data
    if not isinstance(text, str) or not text.strip():
        return None
    return re.sub(r"^(?:the|a|an)\s+", "", " ".join(text.split()), flags=re.I)


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
