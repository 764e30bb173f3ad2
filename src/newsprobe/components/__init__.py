"""spaCy components, one per file, each adding one layer of standoff spans to the shared Doc.

Contract for every component (so that `newsprobe.spans.doc_to_spans` can export any layer it has
never heard of):
- it is registered with ``@Language.factory("newsprobe/<layer>", assigns=["doc.spans"])``;
- it writes its spans to ``doc.spans["<layer>"]`` (a SpanGroup; spans may overlap);
- it may attach a JSON-serialisable dict to each span as ``span._.attrs``;
- it reads the publication date, where it needs one, from ``doc._.published`` (ISO string or None).
Importing this package registers the extensions and every factory.
"""

from spacy.tokens import Doc, Span

if not Span.has_extension("attrs"):
    Span.set_extension("attrs", default=None)
if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)

from newsprobe.components import (  # noqa: F401,E402
    dates,
    entities,
    sentences,  # noqa: E402,F401
)
