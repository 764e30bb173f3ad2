"""Layer `claims`: check-worthy sentences and sentences with numbers, each number structured."""

from newsprobe.core.registry import Layer

LAYER = Layer(
    name="claims",
    span_layer="claim",
    component="newsprobe.layers.claims.component",
    factory="newsprobe/claims",
    requires=("sentences", "entities", "dates"),  # a quantity's `when` and `where` are their spans
    uses=("attribution",),
    model=True,
    config=(("threshold", "claim_threshold"),),
    english_only=True,
    summary="newsprobe.layers.claims.summary:summarize",
    summary_line="newsprobe.layers.claims.summary:line",
    report="newsprobe.layers.claims.report:section",
    evaluate="newsprobe.layers.claims.evaluate:command",
    evaluate_name="checkworthy",
)
