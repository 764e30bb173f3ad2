"""Corpus analysis `copies`: where did it come from. Republished copies and copied passages across the articles of a
store, grouped into story families, each with its first publisher and the evidence for it.

The core is pure functions over (id, text, metadata) — `sketch.fingerprints`, `candidates.pairs`,
`align.prepare`/`relation.relate`, `families.build` — which `detect.find_families` (a corpus read directly),
`index.update` (a store, incrementally) and a Spark job all call, so they agree. See docs/copies.md.
"""

from newsprobe.core.registry import CorpusAnalysis

ANALYSIS = CorpusAnalysis(
    name="copies",
    commands=(
        ("copies", "newsprobe.corpus.copies.cli:copies"),
        ("families", "newsprobe.corpus.copies.cli:families"),
    ),
    panel="newsprobe.corpus.copies.web:panel",
    panel_template="copies/panel.html",
    router="newsprobe.corpus.copies.web:router",
    update="newsprobe.corpus.copies.web:update_line",
    export="newsprobe.corpus.copies.index:export_columns",
    export_columns=("family", "family_kind", "partial_of"),
)
