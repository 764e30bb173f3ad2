"""Layer `sentence`: the parser's sentence boundaries as spans, so that every later layer can be read by sentence."""

from spacy.language import Language
from spacy.tokens import Doc

from newsprobe.core.spans import write_layer


@Language.factory("newsprobe/sentences", assigns=["doc.spans"])
def make_sentences(nlp: Language, name: str):
    return add_sentences


def add_sentences(doc: Doc) -> Doc:
    # Paragraph breaks are hard sentence breaks in news copy; the parser alone sometimes runs across them.
    sents = []
    for sent in doc.sents:
        start = sent.start
        for tok in sent:
            if tok.i > start and tok.is_space and "\n" in tok.text:
                sents.append(doc[start : tok.i])
                start = tok.i + 1
        if start < sent.end:
            sents.append(doc[start : sent.end])
    # Through write_layer, with empty attrs of its own: spaCy keys `span._` by offsets, so a sentence would otherwise
    # show the attrs a later layer (claims) writes on a span at the same place.
    write_layer(doc, "sentence", [(s, {}) for s in sents if s.text.strip()])
    return doc
