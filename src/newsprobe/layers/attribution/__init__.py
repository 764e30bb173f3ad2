"""Layer `attribution`: who says what. One span per reported statement, with its source, cue and source type."""

from newsprobe.core.registry import Layer

LAYER = Layer(
    name="attribution",
    span_layer="attribution",
    component="newsprobe.layers.attribution.component",
    factory="newsprobe/attribution",
    requires=("entities", "dates"),
    model=True,
    english_only=True,
    highlight="italic",
    summary="newsprobe.layers.attribution.summary:summarize",
    summary_line="newsprobe.layers.attribution.summary:line",
    report="newsprobe.layers.attribution.report:section",
    panel="newsprobe.layers.attribution.report:panel",
    panel_template="attribution/panel.html",
    evaluate="newsprobe.layers.attribution.evaluate:command",
    evaluate_name="attribution",
    evaluations=(("sourcing", "newsprobe.layers.attribution.evaluate_sourcing:command"),),
)


def source_name(attrs: dict) -> str | None:
    """The name a statement's source goes by in counts (public for corpus analyses; see `sourcing.source_name`)."""
    from newsprobe.layers.attribution.sourcing import source_name as name

    return name(attrs)
