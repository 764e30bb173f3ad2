"""The `newsprobe/labels` spaCy component: label phrases over the parse and the entity layer (rules in `rules.py`).

Each span's attrs: `actor` (the entity layer's canonical name), `actor_type` (PERSON, ORG or NORP), `target` (the
mention it describes: {start, end, text}, character offsets), `term` (the phrase as written, lower case), `key` (what
it is counted under: `label_key`), `class` (`characterising`, or `role` for an office or position, `category` for a
generic word for a body: what the framing tables leave out, see `nouns.label_class`), `score` (how often this
construction was right on our annotated set, see docs/benchmarks.md).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from newsprobe.core.spans import layer_items, text_of, write_layer
from newsprobe.layers.labels.nouns import label_class, person_noun
from newsprobe.layers.labels.rules import PEOPLE_NOUNS, SCORES, actors_of, find_labels
from newsprobe.layers.labels.terms import label_key


@Language.factory("newsprobe/labels", assigns=["doc.spans"], requires=["doc.spans"])
def make_labels(nlp: Language, name: str) -> LabelFinder:
    return LabelFinder(nlp)


class LabelFinder:
    def __init__(self, nlp: Language) -> None:
        try:
            table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
            self.english = frozenset(w for pos in ("noun", "adj", "verb") if pos in table for w in table[pos])
        except (KeyError, AttributeError, ValueError):
            self.english = frozenset()

    def __call__(self, doc: Doc) -> Doc:
        entities = layer_items(doc, "entity") if "entity" in doc.spans else []
        text = text_of(doc)
        items = []
        for f in find_labels(doc, actors_of(entities), self.english):
            span = Span(doc, f.start, f.end, label=f.kind)
            target = doc[f.actor.start : f.actor.end]
            term = " ".join(span.text.lower().split())
            items.append((span, {
                "actor": f.actor.canonical,
                "actor_type": f.actor.label,
                "target": {"start": target.start_char, "end": target.end_char,
                           "text": text[target.start_char : target.end_char]},
                "term": term,
                "key": label_key(term),
                "class": label_class(term, _neutral_words(span)),
                "score": SCORES[f.kind],
            }))
        write_layer(doc, "label", items)
        return doc


_NAME_TYPES = frozenset({"NORP", "GPE", "LOC", "ORG", "FAC"})


def _neutral_words(span: Span) -> frozenset[str]:
    """Words of a label that say nothing of the actor's character: names of places, parties and nationalities ("Texas
    Governor", "Russian President") and nouns of a domain before the head ("police officer", "campaign manager"),
    but not nouns for people ("billionaire casino magnate" characterises)."""
    out = set()
    for t in span[:-1]:
        if t.ent_type_ in _NAME_TYPES or t.pos_ == "PROPN":
            out.add(t.lower_)
        elif t.pos_ == "NOUN" and t.dep_ == "compound" and t.lemma_.lower() not in PEOPLE_NOUNS \
                and not person_noun(t.text):
            out.add(t.lower_)
    return frozenset(out)
