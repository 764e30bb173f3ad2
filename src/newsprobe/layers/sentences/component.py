"""Layer `sentence`: the parser's sentence boundaries as spans, so that every later layer can be read by sentence."""

import re

from spacy.language import Language
from spacy.tokens import Doc

from newsprobe.core.spans import write_layer

# Characters no sentence begins with: a "sentence" the parser starts with one belongs to the one before it ("58 dead,
# hundreds wounded, ..." was cut after "dead", and the claim and technique tables then began with ", hundreds").
NO_START = frozenset(",;:)]}%")
# How a sentence ends: the parser also cuts where nothing ends one, in title-case headlines ("Post-9/11 Rebuilding
# Isn't | The Only Reason Hedge Funds Support Hillary Clinton.") and run-on clauses ("Clinton cited remarks | Trump
# had made"); a piece that stops without these joins the next one on its line.
ENDS = re.compile(r"[.!?…:;][\"'”’)\]]*$")
# ... unless it stops at a quote mark, which the parser often leaves at the end of the sentence before the quotation
# it opens (''It's anti-reform.'').
QUOTE_MARKS = frozenset({'"', "''", "“", "‘", "``", "'", "`", "”", "’"})


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
    write_layer(doc, "sentence", [(s, {}) for s in joined(doc, sents) if s.text.strip()])
    return doc


def joined(doc: Doc, sents: list) -> list:
    """Sentences with the parser's cuts undone where nothing but the cut separates two pieces (a paragraph break
    stays a break) and the second begins with a character in `NO_START` or the first ends without `ENDS`."""
    out: list = []
    for sent in sents:
        first = next((t for t in sent if not t.is_space), None)
        if out and out[-1].end == sent.start and first is not None and _belongs_before(out[-1], first):
            out[-1] = doc[out[-1].start : sent.end]
        else:
            out.append(sent)
    return out


def _belongs_before(before, first) -> bool:
    if first.text[:1] in NO_START:
        return True
    last = next((t for t in reversed(before) if not t.is_space), None)
    return last is not None and last.text not in QUOTE_MARKS and not ENDS.search(before.text.rstrip())
