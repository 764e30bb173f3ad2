"""Layer `techniques`: propaganda and persuasion techniques at span level (the 14 of the PTC), each with a score."""

from newsprobe.core.registry import Layer

LAYER = Layer(
    name="techniques",
    span_layer="technique",
    component="newsprobe.layers.techniques.component",
    factory="newsprobe/techniques",
    uses=("sentences",),
    model=True,
    config=(("threshold", "technique_threshold"),),
    english_only=True,
    highlight="bold red",
    summary="newsprobe.layers.techniques.summary:summarize",
    summary_line="newsprobe.layers.techniques.summary:line",
    report="newsprobe.layers.techniques.report:section",
    evaluate="newsprobe.layers.techniques.evaluate:command",
    evaluate_name="techniques",
)
