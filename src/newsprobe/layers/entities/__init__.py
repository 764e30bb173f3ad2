"""Layer `entities`: people, organisations and places, spelling variants merged under one canonical name."""

from newsprobe.core.registry import Layer

LAYER = Layer(
    name="entities",
    span_layer="entity",
    component="newsprobe.layers.entities.component",
    factory="newsprobe/entities",
    highlight="newsprobe.layers.entities.report:style",
    summary="newsprobe.layers.entities.summary:summarize",
    summary_line="newsprobe.layers.entities.summary:line",
    report="newsprobe.layers.entities.report:section",
)
