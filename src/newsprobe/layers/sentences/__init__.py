"""Layer `sentences`: the parser's sentence boundaries as spans, cut at paragraph breaks."""

from newsprobe.core.registry import Layer

LAYER = Layer(
    name="sentences",
    span_layer="sentence",
    component="newsprobe.layers.sentences.component",
    factory="newsprobe/sentences",
    in_text=False,
    summary="newsprobe.layers.sentences.summary:summarize",
    summary_line="newsprobe.layers.sentences.summary:line",
)
