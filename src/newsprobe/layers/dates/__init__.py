"""Layer `dates`: every date expression, relative ones ("said Monday") resolved against the publication date."""

from newsprobe.core.registry import Layer

LAYER = Layer(
    name="dates",
    span_layer="date",
    component="newsprobe.layers.dates.component",
    factory="newsprobe/dates",
    highlight="underline bright_blue",
    summary="newsprobe.layers.dates.summary:summarize",
    summary_line="newsprobe.layers.dates.summary:line",
    report="newsprobe.layers.dates.report:section",
)
