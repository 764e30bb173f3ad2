"""spaCy components, one per file, each adding one layer of standoff spans to the shared Doc.

Contract for every component (so that `newsprobe.spans.doc_to_spans` can export any layer it has
never heard of):
- it is registered with ``@Language.factory("newsprobe/<layer>", assigns=["doc.spans"])``;
- it writes its spans to ``doc.spans["<layer>"]`` (a SpanGroup; spans may overlap);
- it attaches a JSON-serialisable dict to each span through `write_layer`, which keeps the dicts in the
  group's own ``attrs`` (aligned with its spans): spaCy keys ``span._`` values by character offsets
  alone, so two layers with a span at the same place would otherwise share, and overwrite, one dict;
- it reads the publication date, where it needs one, from ``doc._.published`` (ISO string or None).
Importing this package registers the extensions and every factory.
"""

from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc, Span, SpanGroup

if not Span.has_extension("attrs"):
    Span.set_extension("attrs", default=None)
if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)

ATTRS_KEY = "newsprobe_attrs"


def write_layer(doc: Doc, layer: str, items: Iterable[tuple[Span, dict[str, Any] | None]]) -> None:
    """Set `doc.spans[layer]` with one attrs dict per span (also on `span._.attrs`, a convenience for
    spaCy users reading one layer; the exporter reads the group's copy)."""
    items = list(items)
    for sp, attrs in items:
        sp._.attrs = attrs
    doc.spans[layer] = SpanGroup(
        doc, name=layer, spans=[sp for sp, _ in items], attrs={ATTRS_KEY: [dict(a or {}) for _, a in items]}
    )


def layer_items(doc: Doc, layer: str) -> list[tuple[Span, dict[str, Any]]]:
    """The spans of a layer with their attrs; falls back to `span._.attrs` for groups written directly."""
    group = doc.spans[layer]
    attrs = group.attrs.get(ATTRS_KEY)
    if attrs is None or len(attrs) != len(group):
        attrs = [sp._.attrs or {} for sp in group]
    return list(zip(group, attrs, strict=True))

from newsprobe.components import (  # noqa: F401,E402
    attribution,
    claims,
    dates,
    entities,
    sentences,  # noqa: E402,F401
    techniques,
)
