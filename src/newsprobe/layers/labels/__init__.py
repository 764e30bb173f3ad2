"""Layer `labels`: what the text calls each actor it names ("the terrorist groups", "militants", "a billionaire").

One span per label phrase, over the phrase; its `label` is the construction (modifier, appositive, predicate, member,
reference) and `attrs.actor` the entity layer's canonical name of the actor it describes. `newsprobe framing` adds
them up per outlet from a store, without parsing again.
"""

from newsprobe.core.registry import Layer

LAYER = Layer(
    name="labels",
    span_layer="label",
    component="newsprobe.layers.labels.component",
    factory="newsprobe/labels",
    requires=("entities",),
    english_only=True,
    highlight="underline magenta",
    summary="newsprobe.layers.labels.summary:summarize",
    summary_line="newsprobe.layers.labels.summary:line",
    report="newsprobe.layers.labels.report:section",
)


def label_key(term: str) -> str:
    """How label phrases are counted together: lower case, determiners and quotes gone, plural head singular
    ("The terrorist groups" and "terrorist group" count as one). Public for corpus analyses and the benchmark."""
    from newsprobe.layers.labels.terms import label_key as key

    return key(term)


LABEL_CLASSES = ("characterising", "role", "category")


def label_class(term: str) -> str:
    """`characterising`, `role` (an office, position or kinship: "russian president", "representative") or
    `category` (a generic word for a body: "coalition") for a label phrase, from its words alone: what the framing
    tables use for spans stored before the layer wrote `class` itself. Public for corpus analyses."""
    from newsprobe.layers.labels.nouns import label_class as cls

    return cls(term)
