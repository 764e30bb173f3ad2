"""Corpus analysis `corroborate`: is a figure ("more than 3,200 militants killed") reported by several outlets
independently, or copied from one source? The other stored claims with the same figure for the same kind of event
and time window, grouped into independent reports and copies of one report (the story families of `corpus/copies`),
each with its source type (`newsprobe corroborate CLAIM_ID`, the article page's "Reported elsewhere" panel,
`/api/claims/{claim_id}/corroboration`). See docs/corroborate.md.
"""

from newsprobe.core.registry import CorpusAnalysis

ANALYSIS = CorpusAnalysis(
    name="corroborate",
    commands=(("corroborate", "newsprobe.corpus.corroborate.cli:corroborate"),),
    panel="newsprobe.corpus.corroborate.web:panel",
    panel_template="corroborate/panel.html",
    router="newsprobe.corpus.corroborate.web:router",
    update="newsprobe.corpus.corroborate.web:update_line",
)
